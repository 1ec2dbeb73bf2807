package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"

	"clearpost/internal/tracing"

	"github.com/hibiken/asynq"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Worker timings.
const (
	// workerPollInterval is how often an idle worker asks Redis for a task (asynq polls; it has no
	// blocking dequeue). A task enqueued on an idle worker waits half to one and a half of it, so
	// this bounds the queue's share of the approve-to-searchable latency. Each poll is one small
	// Lua script per queue.
	workerPollInterval = 50 * time.Millisecond
	// workerDelayedCheckInterval is how often scheduled tasks and retries that are due move to
	// their queue.
	workerDelayedCheckInterval = 200 * time.Millisecond
	// workerShutdownTimeout is how long Shutdown lets running tasks finish; unfinished ones go
	// back to Redis and run again (handlers are idempotent).
	workerShutdownTimeout = 10 * time.Second
)

// Worker runs task handlers: an asynq server serving the critical, default and low queues, with
// one ServeMux of handlers.
type Worker struct {
	srv     *asynq.Server
	mux     *asynq.ServeMux
	log     *slog.Logger
	healthy atomic.Bool
}

// DefaultRetryBase is the first retry's delay; each further retry waits twice as long.
const DefaultRetryBase = 10 * time.Second

// maxRetryDelay caps the backoff between retries.
const maxRetryDelay = time.Hour

// WorkerOption tunes a Worker.
type WorkerOption func(*asynq.Config)

// WithRetryBase sets the delay before a failed task's first retry (default DefaultRetryBase); the
// n-th retry waits base·2ⁿ⁻¹ (up to an hour), give or take a tenth so that tasks that failed
// together do not all come back at once.
func WithRetryBase(base time.Duration) WorkerOption {
	return func(c *asynq.Config) {
		c.RetryDelayFunc = func(n int, _ error, _ *asynq.Task) time.Duration { return retryDelay(base, n) }
	}
}

func retryDelay(base time.Duration, n int) time.Duration {
	d := maxRetryDelay
	if n < 30 && base<<n < maxRetryDelay && base<<n > 0 {
		d = base << n
	}
	return d - d/10 + rand.N(d/5+1)
}

// NewWorker returns a worker on redis running up to concurrency tasks at once (0: one per CPU).
// Register handlers with Handle before Run.
func NewWorker(redis asynq.RedisConnOpt, log *slog.Logger, concurrency int, opts ...WorkerOption) *Worker {
	w := &Worker{mux: asynq.NewServeMux(), log: log.With(slog.String("component", "worker"))}
	w.healthy.Store(true)
	cfg := asynq.Config{
		Concurrency:              concurrency,
		Queues:                   queuePriorities,
		TaskCheckInterval:        workerPollInterval,
		DelayedTaskCheckInterval: workerDelayedCheckInterval,
		ShutdownTimeout:          workerShutdownTimeout,
		Logger:                   AsynqLogger(log),
		LogLevel:                 asynqLogLevel(log),
		ErrorHandler:             asynq.ErrorHandlerFunc(w.taskFailed),
		HealthCheckFunc:          w.healthCheck,
	}
	WithRetryBase(DefaultRetryBase)(&cfg)
	for _, o := range opts {
		o(&cfg)
	}
	w.srv = asynq.NewServer(redis, cfg)
	w.mux.Use(w.logTask)
	return w
}

// Handle registers h for taskType. As with asynq.ServeMux, a pattern matches the task types it is
// a prefix of and the longest pattern wins ("search:" serves both search task types).
func (w *Worker) Handle(taskType string, h asynq.Handler) {
	w.mux.Handle(taskType, h)
}

// CheckRoutes reports the task types routes can start that no registered handler serves. Such
// tasks would fail and be retried until a worker that has the handler picks them up.
func (w *Worker) CheckRoutes(routes Routes) error {
	var missing []string
	for _, typ := range routes.TaskTypes() {
		if _, pattern := w.mux.Handler(asynq.NewTask(typ, nil)); pattern == "" {
			missing = append(missing, typ)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no handler for task types %s", strings.Join(missing, ", "))
	}
	return nil
}

// Run processes tasks until ctx is done, then shuts down gracefully. It does not wait for Redis:
// while Redis is unreachable the worker logs and keeps trying.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.srv.Start(w.mux); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	w.log.InfoContext(ctx, "worker started")
	<-ctx.Done()
	w.Shutdown()
	return nil
}

// Shutdown stops taking tasks and waits up to a few seconds for running ones; the rest go back to
// Redis. It is safe to call more than once, and before or after Run returns.
func (w *Worker) Shutdown() {
	w.srv.Shutdown()
}

// logTask logs each processed task at debug level.
func (w *Worker) logTask(next asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		start := time.Now()
		err := next.ProcessTask(ctx, t)
		if w.log.Enabled(ctx, slog.LevelDebug) {
			id, _ := asynq.GetTaskID(ctx)
			w.log.DebugContext(ctx, "task processed", slog.String("task_type", t.Type()), slog.String("task_id", id),
				slog.Duration("took", time.Since(start)), slog.Bool("ok", err == nil))
		}
		return err
	})
}

// taskFailed logs a failed task: a warning while it will be retried, an error when it is archived.
func (w *Worker) taskFailed(ctx context.Context, t *asynq.Task, err error) {
	id, _ := asynq.GetTaskID(ctx)
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	attrs := []any{
		slog.String("task_type", t.Type()), slog.String("task_id", id),
		slog.Int("retried", retried), slog.Int("max_retry", maxRetry), slog.Any("error", err),
	}
	if errors.Is(err, asynq.SkipRetry) || retried >= maxRetry {
		w.log.ErrorContext(ctx, "task failed and is archived", attrs...)
		return
	}
	w.log.WarnContext(ctx, "task failed and will be retried", attrs...)
}

// healthCheck logs when Redis becomes unreachable and when it is back, not on every check.
func (w *Worker) healthCheck(err error) {
	switch {
	case err != nil && w.healthy.Swap(false):
		w.log.Warn("redis unreachable; tasks wait until it is back", slog.Any("error", err))
	case err == nil && !w.healthy.Swap(true):
		w.log.Info("redis reachable again")
	}
}

// Trace makes w continue, in each task it runs, the trace of the request whose outbox row
// started it (the payload's traceparent), with a span per task in tp.
func (w *Worker) Trace(tp trace.TracerProvider) {
	tracer := tp.Tracer("clearpost/jobs")
	w.mux.Use(func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
			var ev Event
			_ = json.Unmarshal(t.Payload(), &ev) // a payload that does not decode fails in its handler
			ctx, span := tracer.Start(tracing.Extract(ctx, ev.Traceparent), "task "+t.Type(), trace.WithSpanKind(trace.SpanKindConsumer),
				trace.WithAttributes(attribute.String("messaging.system", "asynq"), attribute.String("messaging.operation.type", "process"),
					attribute.String("clearpost.task_type", t.Type())))
			defer span.End()
			err := next.ProcessTask(ctx, t)
			if err != nil {
				span.SetStatus(codes.Error, "task failed")
			}
			return err
		})
	})
}
