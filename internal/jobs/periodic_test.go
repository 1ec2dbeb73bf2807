package jobs

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

// Two workers, each with its scheduler, run a periodic task once per period between them.
func TestPeriodicTaskRunsOncePerPeriodAcrossWorkers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const typ = "report:tick"
	var mu sync.Mutex
	runs := map[string]int{} // task id -> runs
	handler := asynq.HandlerFunc(func(ctx context.Context, task *asynq.Task) error {
		id, _ := asynq.GetTaskID(ctx)
		mu.Lock()
		runs[id]++
		mu.Unlock()
		return nil
	})
	start := time.Now()
	for range 2 {
		w := NewWorker(b.redis.Opt(), b.log, 4)
		w.Handle(typ, handler)
		s, err := NewScheduler(b.redis.Opt(), b.log, []Periodic{{Type: typ, Every: time.Second}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() { _ = w.Run(ctx) })
		if err := s.Run(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			s.Shutdown()
			cancel()
			wg.Wait()
		})
	}
	waitFor(t, 15*time.Second, "four periods to run", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(runs) >= 4
	})
	mu.Lock()
	defer mu.Unlock()
	total := 0
	for _, n := range runs {
		total += n
	}
	// Both schedulers tick every second: without one id per period there would be two runs each.
	if periods := int(time.Since(start)/time.Second) + 1; total > periods {
		t.Errorf("%d runs in %d periods", total, periods)
	}
	for id, n := range runs {
		if n != 1 {
			t.Errorf("period task %s ran %d times, want once", id, n)
		}
	}
}

func TestPeriodicRefusesSubSecondPeriods(t *testing.T) {
	t.Parallel()
	if _, err := NewScheduler(asynq.RedisClientOpt{Addr: "127.0.0.1:1"}, testLogger(t, 0), []Periodic{{Type: "x:y", Every: 500 * time.Millisecond}}); err == nil {
		t.Fatal("a 500ms period was accepted")
	}
}
