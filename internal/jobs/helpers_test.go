package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"clearpost/internal/jobs/jobstest"
	"clearpost/internal/postgres/pgtest"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
)

// testRoutes sends approvals to search:index and unapprovals to search:delete, like the product,
// and leaves comment.added unrouted.
var testRoutes = Routes{TopicPostApproved: {TypeSearchIndex}, TopicPostUnapproved: {TypeSearchDelete}}

// bundle is what a jobs test needs: a fresh database with one organization, its own Redis
// database, and a recorder of what handlers saw.
type bundle struct {
	pool  *pgxpool.Pool
	org   uuid.UUID
	redis jobstest.Redis
	log   *slog.Logger
	seen  *recorder
}

func setup(t testing.TB) *bundle {
	t.Helper()
	pool := pgtest.New(t)
	var org uuid.UUID
	slug := "org-" + uuid.NewString()[:8]
	if err := pool.QueryRow(context.Background(), `INSERT INTO organizations (slug, name) VALUES ($1, 'Org') RETURNING id`, slug).Scan(&org); err != nil {
		t.Fatalf("insert organization: %v", err)
	}
	return &bundle{
		pool:  pool,
		org:   org,
		redis: jobstest.NewRedis(t),
		log:   testLogger(t, slog.LevelWarn),
		seen:  newRecorder(),
	}
}

// testLogger writes records at level and above to the test's output.
func testLogger(t testing.TB, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: level}))
}

// client returns an asynq client on opt, closed when t ends.
func newClient(t testing.TB, opt asynq.RedisConnOpt) *asynq.Client {
	c := asynq.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

// relay returns a relay on the test's database to opt.
func (b *bundle) relay(t testing.TB, opt asynq.RedisConnOpt) *Relay {
	return NewRelay(b.pool, newClient(t, opt), testRoutes, b.log)
}

// runRelay runs r in the background until t ends.
func runRelay(t testing.TB, r *Relay) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { r.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
}

// runWorker starts a worker on opt whose handlers record every task they see, until t ends.
func (b *bundle) runWorker(t testing.TB, opt asynq.RedisConnOpt) *Worker {
	w := NewWorker(opt, b.log, 8)
	for _, typ := range testRoutes.TaskTypes() {
		w.Handle(typ, b.seen)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := w.Run(ctx); err != nil {
			t.Errorf("worker: %v", err)
		}
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return w
}

// enqueue writes n outbox rows of topic in one committed transaction and returns their ids.
func (b *bundle) enqueue(t testing.TB, topic string, n int) []int64 {
	t.Helper()
	ids, _ := b.write(t, topic, n)
	return ids
}

// write commits n outbox rows of topic in one transaction and returns their ids and the time the
// commit was sent.
func (b *bundle) write(t testing.TB, topic string, n int) ([]int64, time.Time) {
	t.Helper()
	ctx := context.Background()
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	ids := make([]int64, 0, n)
	for range n {
		if err := Enqueue(ctx, tx, b.org, topic, map[string]any{"post_id": uuid.New()}); err != nil {
			t.Fatalf("enqueue %s: %v", topic, err)
		}
		var id int64
		if err := tx.QueryRow(ctx, `SELECT currval('outbox_id_seq')`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	at := time.Now()
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("commit %d %s: %v", n, topic, err)
	}
	return ids, at
}

// unrelayed counts the rows not yet relayed.
func (b *bundle) unrelayed(t testing.TB) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE relayed_at IS NULL`).Scan(&n); err != nil {
		t.Fatalf("count unrelayed: %v", err)
	}
	return n
}

// waitRelayed waits until every row is marked relayed. The relay marks a batch only after
// enqueueing its tasks, so a worker may have run them all before the batch commits.
func (b *bundle) waitRelayed(t testing.TB) {
	t.Helper()
	var left int
	defer func() {
		if left != 0 {
			t.Logf("%d rows left unrelayed when last looked", left)
		}
	}()
	waitFor(t, 10*time.Second, "every outbox row to be marked relayed", func() bool {
		left = b.unrelayed(t)
		return left == 0
	})
}

// waitQuiet waits until no task is pending, running, scheduled or waiting for a retry, and
// returns how many completed and how many were archived.
func (b *bundle) waitQuiet(t testing.TB) (completed, archived int) {
	t.Helper()
	in := asynq.NewInspector(b.redis.Opt())
	defer in.Close()
	var last []string
	defer func() {
		if t.Failed() {
			t.Logf("queues when last looked: %v", last)
		}
	}()
	waitFor(t, 20*time.Second, "queues to drain", func() bool {
		last = last[:0]
		queues, err := in.Queues()
		if err != nil {
			t.Fatalf("list queues: %v", err)
		}
		completed, archived = 0, 0
		for _, q := range queues {
			info, err := in.GetQueueInfo(q)
			if err != nil {
				t.Fatalf("queue %s: %v", q, err)
			}
			last = append(last, fmt.Sprintf("%s: pending %d active %d scheduled %d retry %d completed %d archived %d",
				q, info.Pending, info.Active, info.Scheduled, info.Retry, info.Completed, info.Archived))
			if info.Pending+info.Active+info.Scheduled+info.Retry+info.Aggregating > 0 {
				return false
			}
			completed += info.Completed
			archived += info.Archived
		}
		return true
	})
	return completed, archived
}

// waitFor polls cond until it holds, failing t after timeout.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// recorder is a task handler that records which outbox rows it saw, how often, as which task type,
// and when.
type recorder struct {
	mu    sync.Mutex
	count map[int64]int
	types map[int64][]string
	first map[int64]time.Time
	orgs  map[uuid.UUID]int
}

func newRecorder() *recorder {
	return &recorder{count: map[int64]int{}, types: map[int64][]string{}, first: map[int64]time.Time{}, orgs: map[uuid.UUID]int{}}
}

// ProcessTask records t.
func (r *recorder) ProcessTask(_ context.Context, t *asynq.Task) error {
	now := time.Now()
	p, err := DecodePayload[struct {
		Event
		PostID uuid.UUID `json:"post_id"`
	}](t)
	if err != nil {
		return err
	}
	if p.PostID == uuid.Nil {
		return fmt.Errorf("task %s without post_id: %s: %w", t.Type(), t.Payload(), asynq.SkipRetry)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.count[p.OutboxID]++
	r.types[p.OutboxID] = append(r.types[p.OutboxID], t.Type())
	r.orgs[p.OrgID]++
	if _, ok := r.first[p.OutboxID]; !ok {
		r.first[p.OutboxID] = now
	}
	return nil
}

// sawAll reports whether every id in ids was processed.
func (r *recorder) sawAll(ids []int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range ids {
		if r.count[id] == 0 {
			return false
		}
	}
	return true
}

// waitAll waits until every id in ids was processed.
func (r *recorder) waitAll(t testing.TB, timeout time.Duration, ids []int64) {
	t.Helper()
	waitFor(t, timeout, fmt.Sprintf("%d outbox rows to be processed", len(ids)), func() bool { return r.sawAll(ids) })
}

// checkExactlyOnce fails t unless every id in want was processed exactly once and nothing else was.
func (r *recorder) checkExactlyOnce(t testing.TB, want []int64) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range want {
		if n := r.count[id]; n != 1 {
			t.Errorf("outbox row %d processed %d times, want once", id, n)
		}
	}
	for id := range r.count {
		if !slices.Contains(want, id) {
			t.Errorf("outbox row %d processed, want not at all", id)
		}
	}
}
