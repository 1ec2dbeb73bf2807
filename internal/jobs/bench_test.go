package jobs

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkRelayLatency measures how long an outbox row takes from its transaction's commit to its
// task's handler, through the real PostgreSQL (NOTIFY), relay, Redis and asynq worker, over 1,000
// rows per iteration:
//   - steady: one row per transaction, committed one after another (approvals arriving);
//   - burst: 1,000 rows committed at once by 10 concurrent transactions of 100 (a bulk action).
//
// It reports the p50, p99 and maximum latency in milliseconds and the rows relayed per second.
func BenchmarkRelayLatency(b *testing.B) {
	const rows = 1000
	b.Run("steady", func(b *testing.B) {
		benchRelayLatency(b, func(f *bundle, commitAt map[int64]time.Time) {
			for range rows {
				id, at := f.write(b, TopicPostApproved, 1)
				commitAt[id[0]] = at
			}
		})
	})
	b.Run("burst", func(b *testing.B) {
		benchRelayLatency(b, func(f *bundle, commitAt map[int64]time.Time) {
			var mu sync.Mutex
			var wg sync.WaitGroup
			for range 10 {
				wg.Go(func() {
					ids, at := f.write(b, TopicPostApproved, rows/10)
					mu.Lock()
					for _, id := range ids {
						commitAt[id] = at
					}
					mu.Unlock()
				})
			}
			wg.Wait()
		})
	})
}

func benchRelayLatency(b *testing.B, write func(f *bundle, commitAt map[int64]time.Time)) {
	f := setup(b)
	f.runWorker(b, f.redis.Opt())
	runRelay(b, f.relay(b, f.redis.Opt()))

	var latencies []time.Duration
	var elapsed time.Duration
	for b.Loop() {
		commitAt := map[int64]time.Time{}
		start := time.Now()
		write(f, commitAt)
		ids := make([]int64, 0, len(commitAt))
		for id := range commitAt {
			ids = append(ids, id)
		}
		f.seen.waitAll(b, time.Minute, ids)
		elapsed += time.Since(start)
		f.seen.mu.Lock()
		for id, at := range commitAt {
			latencies = append(latencies, f.seen.first[id].Sub(at))
		}
		f.seen.mu.Unlock()
	}
	b.StopTimer()
	slices.Sort(latencies)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(latencies, 50)), "p50_ms")
	b.ReportMetric(ms(percentile(latencies, 99)), "p99_ms")
	b.ReportMetric(ms(latencies[len(latencies)-1]), "max_ms")
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "rows/s")
}

// percentile returns the pth percentile of sorted (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}
