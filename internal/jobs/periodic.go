package jobs

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
)

// Periodic is work that runs on a schedule: sweeps and digests. Every worker runs a Scheduler with
// the same entries, and each tick's task id names the period it belongs to, so however many
// workers tick, the period's task is enqueued once and runs once.
type Periodic struct {
	Type  string        // task type, served by a handler like any other
	Every time.Duration // period: whole seconds, at least one
}

// taskIDFor is the task id of p's run for the period containing now: every scheduler that ticks
// within one period computes the same id.
func (p Periodic) taskIDFor(now time.Time) string {
	return fmt.Sprintf("%s%s:%d", periodicPrefix, p.Type, now.Truncate(p.Every).Unix())
}

// periodicPrefix starts every periodic task's id.
const periodicPrefix = "periodic:"

// Scheduler enqueues periodic tasks through asynq's scheduler.
type Scheduler struct {
	s   *asynq.Scheduler
	log *slog.Logger
}

// NewScheduler returns a scheduler on redis for entries. Run it in every worker process.
func NewScheduler(redis asynq.RedisConnOpt, log *slog.Logger, entries []Periodic) (*Scheduler, error) {
	log = log.With(slog.String("component", "scheduler"))
	// Before each enqueue the entry's task id option is replaced by the current period's. The
	// option slice is the entry's own and its runs do not overlap (a run is one Redis call, the
	// period is a second or more).
	periodOf := map[string]Periodic{}
	s := asynq.NewScheduler(redis, &asynq.SchedulerOpts{
		Logger:   AsynqLogger(log),
		LogLevel: asynqLogLevel(log),
		PreEnqueueFunc: func(t *asynq.Task, opts []asynq.Option) {
			if p, ok := periodOf[t.Type()]; ok && len(opts) > 0 {
				opts[0] = asynq.TaskID(p.taskIDFor(time.Now()))
			}
		},
		EnqueueErrorHandler: func(t *asynq.Task, _ []asynq.Option, err error) {
			if errors.Is(err, asynq.ErrTaskIDConflict) {
				return // another worker enqueued this period's run
			}
			log.Warn("periodic task not enqueued", slog.String("task_type", t.Type()), slog.Any("error", err))
		},
	})
	for _, p := range entries {
		if p.Every < time.Second || p.Every%time.Second != 0 {
			return nil, fmt.Errorf("periodic %s: period %s is not a whole number of seconds", p.Type, p.Every)
		}
		periodOf[p.Type] = p
		_, err := s.Register(fmt.Sprintf("@every %s", p.Every), asynq.NewTask(p.Type, nil),
			asynq.TaskID(p.taskIDFor(time.Now())), // replaced at each tick
			asynq.Queue(QueueFor(p.Type)),
			asynq.MaxRetry(0), // the next period runs it again
			asynq.Retention(2*p.Every),
			asynq.Timeout(p.Every*4),
		)
		if err != nil {
			return nil, fmt.Errorf("periodic %s: %w", p.Type, err)
		}
	}
	return &Scheduler{s: s, log: log}, nil
}

// Run starts the scheduler; Shutdown stops it.
func (s *Scheduler) Run() error { return s.s.Start() }

// Shutdown stops ticking.
func (s *Scheduler) Shutdown() { s.s.Shutdown() }
