package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
)

// Redis loses its data (a restart without persistence) after the relay handed it three tasks, one
// scheduled for later: the reconciler enqueues all three again under their ids, each runs once and
// the scheduled one not before its time; once they completed, losing Redis again recovers nothing.
func TestReconcilerRecoversWhatRedisLost(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.relay(t, b.redis.Opt())
	rc := NewReconciler(b.pool, r, b.log)
	sweep := func(want ReconcileResult) {
		t.Helper()
		got, err := rc.Sweep(ctx)
		if err != nil || got != want {
			t.Fatalf("sweep = %+v, %v; want %+v", got, err, want)
		}
	}

	ids := b.enqueue(t, TopicPostApproved, 2)
	at := time.Now().Add(2 * time.Second).Truncate(time.Second)
	if err := Enqueue(ctx, b.pool, b.org, TopicPostUnapproved, map[string]any{"post_id": uuid.New(), "task_key": "later", "process_at": at}); err != nil {
		t.Fatal(err)
	}
	ids = append(ids, ids[1]+1)
	if n, err := r.RelayOnce(ctx); err != nil || n != 3 {
		t.Fatalf("RelayOnce = %d, %v; want 3 rows", n, err)
	}
	sweep(ReconcileResult{Checked: 3}) // all three alive in Redis: nothing to do

	b.redis.Wipe(t)
	sweep(ReconcileResult{Checked: 3, Recovered: 3})
	sweep(ReconcileResult{Checked: 3}) // recovered once: they are in Redis again

	w := b.runWorker(t, b.redis.Opt())
	w.RecordCompletions(b.pool)
	b.seen.waitAll(t, 20*time.Second, ids)
	b.waitQuiet(t)
	b.seen.mu.Lock()
	ran := b.seen.first[ids[2]]
	b.seen.mu.Unlock()
	if ran.Before(at) {
		t.Errorf("the scheduled task ran at %s, before its time %s", ran.Format(time.StampMilli), at.Format(time.StampMilli))
	}
	waitFor(t, 10*time.Second, "three completions recorded", func() bool {
		var n int
		if err := b.pool.QueryRow(ctx, `SELECT count(*) FROM task_completions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 3
	})
	sweep(ReconcileResult{Checked: 3, Done: 3})

	// Done rows are not looked at again: Redis losing their completed tasks re-runs nothing.
	b.redis.Wipe(t)
	sweep(ReconcileResult{})
	b.seen.checkExactlyOnce(t, ids)
}

// A task that finished while its completion could not be written (PostgreSQL away at that moment)
// is found completed in Redis by the next sweep, recorded then, and its row done: not left open
// until Redis forgets the task, and not run again.
func TestReconcilerRecordsACompletionPostgreSQLMissed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.relay(t, b.redis.Opt())
	ids := b.enqueue(t, TopicPostApproved, 2)
	if n, err := r.RelayOnce(ctx); err != nil || n != 2 {
		t.Fatalf("RelayOnce = %d, %v; want 2 rows", n, err)
	}
	b.runWorker(t, b.redis.Opt()) // records no completion, as when PostgreSQL refused the mark
	b.seen.waitAll(t, 20*time.Second, ids)
	if completed, _ := b.waitQuiet(t); completed != 2 {
		t.Fatalf("%d tasks completed in Redis, want 2", completed)
	}

	blind := NewReconciler(b.pool, r, b.log)
	if got, err := blind.Sweep(ctx); err != nil || got != (ReconcileResult{Checked: 2}) {
		t.Fatalf("sweep without asking Redis = %+v, %v; want both rows left open", got, err)
	}
	rc := NewReconciler(b.pool, r, b.log)
	rc.Inspector = asynq.NewInspector(b.redis.Opt())
	t.Cleanup(func() { rc.Inspector.Close() })
	if got, err := rc.Sweep(ctx); err != nil || got != (ReconcileResult{Checked: 2, Done: 2}) {
		t.Fatalf("sweep = %+v, %v; want both rows done", got, err)
	}
	var n int
	if err := b.pool.QueryRow(ctx, `SELECT count(*) FROM task_completions`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d completions recorded (%v), want 2", n, err)
	}
	b.seen.checkExactlyOnce(t, ids)
}
