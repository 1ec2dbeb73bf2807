package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// NotifyChannel is the channel the outbox trigger (migration 00005) notifies when a transaction
// that wrote outbox rows commits.
const NotifyChannel = "clearpost_outbox"

// Relay defaults.
const (
	DefaultRelayBatchSize    = 100
	DefaultRelayPollInterval = time.Second
	// DefaultRelayRetention is how long asynq keeps a finished task, and so how long its TaskID
	// refuses a second enqueue. A relay that enqueued a batch and died before committing comes back
	// and repeats it well within this time.
	DefaultRelayRetention = 48 * time.Hour
)

const (
	enqueueParallelism = 16               // Redis round trips in flight per batch
	enqueueTimeout     = 10 * time.Second // per batch: a Redis that hangs must not hold row locks for long
)

// Relay turns outbox rows into asynq tasks, promptly and exactly once.
//
// A batch of unrelayed rows is claimed in id order with FOR UPDATE SKIP LOCKED, a task is enqueued
// for each row and each task type its topic routes to, then the rows are marked relayed and the
// transaction commits. Every task's TaskID is derived from its row, and a finished task is retained
// (Retention) so that its TaskID stays taken; so:
//   - a relay that dies after enqueueing and before committing leaves the rows unrelayed, and the
//     next relay enqueues the same TaskIDs again, which asynq refuses (ErrTaskIDConflict, treated as
//     success): no task is lost, none runs twice;
//   - relays in several worker processes never claim the same row (SKIP LOCKED);
//   - while Redis is unreachable, enqueueing fails, the transaction rolls back and the rows wait;
//     the relay retries with backoff and catches up when Redis is back.
//
// Set the exported fields before Run.
type Relay struct {
	BatchSize    int           // rows per transaction
	PollInterval time.Duration // how often to look for rows without a notification
	Retention    time.Duration // how long a finished task (and so its TaskID) is kept
	// MaxRetry is how many times a task type is retried before it is archived, where asynq's
	// default (25, over about three weeks) is not right.
	MaxRetry map[string]int

	pool   *pgxpool.Pool
	client *asynq.Client
	routes Routes
	log    *slog.Logger

	listening func() // test hook: called each time LISTEN succeeds
	failed    func() // test hook: called after each failed relay attempt in Run
}

// NewRelay returns a relay from pool's outbox to client, starting the task types routes names.
func NewRelay(pool *pgxpool.Pool, client *asynq.Client, routes Routes, log *slog.Logger) *Relay {
	return &Relay{
		BatchSize:    DefaultRelayBatchSize,
		PollInterval: DefaultRelayPollInterval,
		Retention:    DefaultRelayRetention,
		pool:         pool,
		client:       client,
		routes:       routes,
		log:          log.With(slog.String("component", "outbox_relay")),
	}
}

// outboxRow is one claimed outbox row.
type outboxRow struct {
	ID        int64
	OrgID     uuid.UUID
	Topic     string
	Payload   []byte
	CreatedAt time.Time
	Trace     string // the W3C traceparent of the request that wrote it, or ""
}

// TaskID is the id of the task of type taskType started for outbox row id created at createdAt.
// The creation time guards against a database whose ids restart (a restored backup, a recreated
// development database) while Redis still holds the tasks of the old rows.
func TaskID(id int64, createdAt time.Time, taskType string) string {
	return fmt.Sprintf("outbox:%d.%d:%s", id, createdAt.UnixMicro(), taskType)
}

// Run relays until ctx is done: at once when a transaction that wrote outbox rows commits (LISTEN
// on a dedicated connection, re-established if it breaks), every PollInterval otherwise, and with
// backoff while Redis or PostgreSQL fail.
func (r *Relay) Run(ctx context.Context) {
	wake := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Go(func() { r.listen(ctx, wake) })
	defer wg.Wait()

	poll := time.NewTicker(r.pollInterval())
	defer poll.Stop()
	var failures int
	var failingSince time.Time
	for {
		_, err := r.drain(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if failures == 0 {
				failingSince = time.Now()
				r.log.WarnContext(ctx, "outbox relay failing; rows wait and are retried with backoff", slog.Any("error", err))
			} else {
				r.log.DebugContext(ctx, "outbox relay still failing", slog.Int("attempts", failures+1), slog.Any("error", err))
			}
			failures++
			if r.failed != nil {
				r.failed()
			}
			// Notifications do not cut the backoff short: while Redis is down each would cost a
			// failing attempt. The next attempt takes every row written meanwhile.
			if !Sleep(ctx, Backoff(failures)) {
				return
			}
			continue
		}
		if failures > 0 {
			r.log.InfoContext(ctx, "outbox relay recovered", slog.Int("failed_attempts", failures), slog.Duration("failing_for", time.Since(failingSince)))
			failures = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-poll.C:
		}
	}
}

// drain relays batches until one comes back short.
func (r *Relay) drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := r.RelayOnce(ctx)
		total += n
		if err != nil || n < r.batchSize() {
			return total, err
		}
	}
}

// RelayOnce relays one batch of up to BatchSize rows in one transaction and reports how many rows
// it marked relayed. Rows locked by another relay are skipped. On error nothing is marked.
func (r *Relay) RelayOnce(ctx context.Context) (int, error) {
	var n int
	err := postgres.WithTx(ctx, r.pool, func(tx pgx.Tx) error {
		rows, err := r.claim(ctx, tx)
		if err != nil || len(rows) == 0 {
			return err
		}
		if err := r.enqueue(ctx, rows); err != nil {
			return err
		}
		if err := r.markRelayed(ctx, tx, rows); err != nil {
			return err
		}
		n = len(rows)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("relay outbox: %w", err)
	}
	return n, nil
}

// relayTask is one task to enqueue for one row.
type relayTask struct {
	row      outboxRow
	taskType string
}

// enqueue enqueues the tasks of rows, up to enqueueParallelism at a time. A task whose TaskID is
// taken was enqueued before (by a relay that did not get to commit) and counts as done. It returns
// the first error and stops starting new enqueues after one.
func (r *Relay) enqueue(ctx context.Context, rows []outboxRow) error {
	var tasks []relayTask
	for _, row := range rows {
		for _, typ := range r.routes[row.Topic] {
			tasks = append(tasks, relayTask{row, typ})
		}
	}
	if len(tasks) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, enqueueTimeout)
	defer cancel()
	if len(tasks) == 1 {
		return r.enqueueTask(ctx, tasks[0])
	}

	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, enqueueParallelism)
	)
	for _, t := range tasks {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := r.enqueueTask(ctx, t); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = fmt.Errorf("enqueue tasks: %w", ctx.Err())
	}
	return firstErr
}

// taskIDOf is the id of the task t: its Schedule's key when the payload names one, its row's
// otherwise.
func taskIDOf(t relayTask, sched Schedule) string {
	if sched.TaskKey != "" {
		return t.taskType + ":" + sched.TaskKey
	}
	return TaskID(t.row.ID, t.row.CreatedAt, t.taskType)
}

func (r *Relay) enqueueTask(ctx context.Context, t relayTask) error {
	_, err := r.enqueueNew(ctx, t)
	return err
}

// enqueueNew enqueues t and reports whether Redis took it as new: false when a task of its id is
// there already (waiting, running, or finished and retained).
func (r *Relay) enqueueNew(ctx context.Context, t relayTask) (bool, error) {
	payload, sched, err := taskPayload(t.row)
	if err != nil {
		return false, fmt.Errorf("outbox row %d: payload: %w", t.row.ID, err)
	}
	id := taskIDOf(t, sched)
	opts := []asynq.Option{asynq.TaskID(id), asynq.Queue(QueueFor(t.taskType)), asynq.Retention(r.retention())}
	if !sched.ProcessAt.IsZero() {
		opts = append(opts, asynq.ProcessAt(sched.ProcessAt))
	}
	if n, ok := r.MaxRetry[t.taskType]; ok {
		opts = append(opts, asynq.MaxRetry(n))
	}
	_, err = r.client.EnqueueContext(ctx, asynq.NewTask(t.taskType, payload), opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("outbox row %d: enqueue %s: %w", t.row.ID, t.taskType, err)
	}
	return true, nil
}

// listen keeps a LISTEN connection open and signals wake on every notification, and each time it
// (re)connects, since notifications sent while it was not listening are lost.
func (r *Relay) listen(ctx context.Context, wake chan<- struct{}) {
	var failures int
	for {
		listened, err := r.listenOnce(ctx, wake)
		if ctx.Err() != nil {
			return
		}
		if listened {
			failures = 0
		}
		if failures == 0 {
			r.log.WarnContext(ctx, "outbox listen connection lost; polling until it is back", slog.Any("error", err))
		}
		failures++
		if !Sleep(ctx, Backoff(failures)) {
			return
		}
	}
}

// listenOnce listens on a connection taken out of the pool until it breaks or ctx is done, and
// reports whether LISTEN succeeded.
func (r *Relay) listenOnce(ctx context.Context, wake chan<- struct{}) (listened bool, err error) {
	pc, err := r.pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("acquire listen connection: %w", err)
	}
	// The connection leaves the pool: a connection in LISTEN mode must not serve other queries.
	conn := pc.Hijack()
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(closeCtx) //nolint:errcheck // the connection is dropped either way
	}()
	if err := listen(ctx, conn); err != nil {
		return false, fmt.Errorf("listen %s: %w", NotifyChannel, err)
	}
	signal(wake)
	if r.listening != nil {
		r.listening()
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true, fmt.Errorf("wait for notification: %w", err)
		}
		signal(wake)
	}
}

func (r *Relay) batchSize() int {
	if r.BatchSize > 0 {
		return r.BatchSize
	}
	return DefaultRelayBatchSize
}

func (r *Relay) pollInterval() time.Duration {
	if r.PollInterval > 0 {
		return r.PollInterval
	}
	return DefaultRelayPollInterval
}

func (r *Relay) retention() time.Duration {
	if r.Retention > 0 {
		return r.Retention
	}
	return DefaultRelayRetention
}

// signal wakes the relay loop without blocking: one pending wake-up covers any number of
// notifications, since a relay pass takes every row there is.
func signal(wake chan<- struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}
