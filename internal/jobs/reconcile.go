package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"clearpost/internal/postgres"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Reconciliation keeps Redis honest to PostgreSQL, the source of truth for every piece of work.
//
// Every task the relay starts comes from an outbox row, and a worker records each such task it
// completes in task_completions (RecordCompletions). A relayed row is "done" once every one of
// its tasks has a completion mark. For each task of a row that is not done, the Reconciler
// enqueues the task again under its id and with its schedule:
//   - Redis holds a task of that id (waiting, scheduled, running, retrying, or finished and
//     retained): Redis refuses the copy; nothing changes;
//   - Redis does not: it lost the task (a restart without persistence, a restore, a failover
//     that dropped writes), and the copy takes its place.
//
// A task Redis would have forgotten anyway (its row was relayed, or it was due, longer ago than
// the retention) counts as ended: nothing tells a task lost long ago from one that completed
// without its mark (its worker died between the two), and running it again could run it twice.
//
// A sweep runs once per period across workers (a periodic task and an advisory lock), so work
// lost with Redis is back in Redis at most one period after Redis is.
type Reconciler struct {
	pool  *pgxpool.Pool
	relay *Relay
	log   *slog.Logger
	// Inspector, when set, lets a sweep ask Redis about a task whose completion was not recorded
	// (PostgreSQL was away when it finished): found completed there, it is recorded now and its row
	// done, rather than left open until Redis forgets the task (the retention).
	Inspector *asynq.Inspector
}

// ReconcileEvery is the reconciliation sweep's period, and so the bound on how late recovered
// work is enqueued again once Redis is back.
const ReconcileEvery = 30 * time.Second

const (
	reconcileLock  = 7255003
	reconcileBatch = 500
)

// NewReconciler returns a reconciler that enqueues lost tasks through relay, as relay would.
func NewReconciler(pool *pgxpool.Pool, relay *Relay, log *slog.Logger) *Reconciler {
	return &Reconciler{pool: pool, relay: relay, log: log.With(slog.String("component", "reconciler"))}
}

// ReconcileResult is what a sweep found.
type ReconcileResult struct {
	Checked   int // relayed rows that were not done
	Done      int // of those, rows whose tasks have all completed
	Recovered int // tasks Redis had lost, enqueued again
}

// Sweep reconciles every relayed row that is not done, in batches. Another sweep running
// elsewhere makes this one a no-op.
func (c *Reconciler) Sweep(ctx context.Context) (ReconcileResult, error) {
	var res ReconcileResult
	conn, err := c.pool.Acquire(ctx)
	if err != nil {
		return res, fmt.Errorf("reconcile: %w", err)
	}
	defer conn.Release()
	locked, err := tryAdvisoryLock(ctx, conn, reconcileLock)
	if err != nil || !locked {
		return res, err
	}
	defer advisoryUnlock(context.WithoutCancel(ctx), conn, reconcileLock) //nolint:errcheck // the session's end releases it too

	var after int64
	for {
		rows, err := c.undone(ctx, after)
		if err != nil {
			return res, err
		}
		if len(rows) == 0 {
			break
		}
		after = rows[len(rows)-1].ID
		if err := c.reconcile(ctx, rows, &res); err != nil {
			return res, err
		}
		if len(rows) < reconcileBatch {
			break
		}
	}
	if err := pruneCompletions(ctx, c.pool, 2*c.relay.retention()); err != nil {
		return res, fmt.Errorf("prune task completions: %w", err)
	}
	return res, nil
}

type undoneRow struct {
	outboxRow
	RelayedAt time.Time
}

// reconcile checks one batch of rows.
func (c *Reconciler) reconcile(ctx context.Context, rows []undoneRow, res *ReconcileResult) error {
	type pending struct {
		task  relayTask
		id    string
		since time.Time // the latest the task can have started: its row's relay or its due time
	}
	var tasks []pending
	var ids []string
	for _, row := range rows {
		_, sched, err := taskPayload(row.outboxRow)
		if err != nil {
			return fmt.Errorf("outbox row %d: payload: %w", row.ID, err)
		}
		since := row.RelayedAt
		if sched.ProcessAt.After(since) {
			since = sched.ProcessAt
		}
		for _, typ := range c.relay.routes[row.Topic] {
			t := relayTask{row.outboxRow, typ}
			id := taskIDOf(t, sched)
			tasks = append(tasks, pending{t, id, since})
			ids = append(ids, id)
		}
	}
	completed := map[string]bool{}
	done, err := completedTasks(ctx, c.pool, ids)
	if err != nil {
		return fmt.Errorf("task completions: %w", err)
	}
	for _, id := range done {
		completed[id] = true
	}

	open := map[int64]bool{} // rows with a task still to end
	for _, p := range tasks {
		if completed[p.id] {
			continue
		}
		if time.Since(p.since) > c.relay.retention() {
			continue // ended, as far as anyone can tell
		}
		// Enqueueing it again is the question: a task Redis holds under its id (waiting, running,
		// or finished and retained) refuses it.
		added, err := c.relay.enqueueNew(ctx, p.task)
		if err != nil {
			return fmt.Errorf("reconcile: %w", err)
		}
		if added {
			res.Recovered++
			c.log.WarnContext(ctx, "task lost by Redis enqueued again", slog.String("task_id", p.id), slog.Int64("outbox_id", p.task.row.ID))
		} else if c.completedInRedis(p.task.taskType, p.id) {
			if err := recordCompletion(ctx, c.pool, p.id); err != nil {
				return fmt.Errorf("record the completion of %s: %w", p.id, err)
			}
			continue
		}
		open[p.task.row.ID] = true
	}
	var finished []int64
	for _, row := range rows {
		res.Checked++
		if !open[row.ID] {
			finished = append(finished, row.ID)
		}
	}
	if len(finished) > 0 {
		if err := markOutboxDone(ctx, c.pool, finished); err != nil {
			return fmt.Errorf("mark outbox rows done: %w", err)
		}
		res.Done += len(finished)
	}
	return nil
}

// completedInRedis reports whether Redis holds the task id as completed (false when it cannot tell).
func (c *Reconciler) completedInRedis(taskType, id string) bool {
	if c.Inspector == nil {
		return false
	}
	info, err := c.Inspector.GetTaskInfo(QueueFor(taskType), id)
	return err == nil && info.State == asynq.TaskStateCompleted
}

// RecordCompletions makes w record, in PostgreSQL, each relayed task it completes, so that the
// Reconciler can tell a task that finished from one Redis lost. A mark that cannot be written is
// logged, not retried: Redis keeps the completed task for the retention, where the Reconciler
// finds it (with its Inspector) and records it.
func (w *Worker) RecordCompletions(db postgres.Execer) {
	w.mux.Use(func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
			if err := next.ProcessTask(ctx, t); err != nil {
				return err
			}
			id, _ := asynq.GetTaskID(ctx)
			if id == "" || strings.HasPrefix(id, periodicPrefix) {
				return nil
			}
			if err := recordCompletion(ctx, db, id); err != nil {
				w.log.WarnContext(ctx, "task completion not recorded", slog.String("task_id", id), slog.Any("error", err))
			}
			return nil
		})
	})
}
