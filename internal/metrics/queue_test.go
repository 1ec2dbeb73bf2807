package metrics_test

import (
	"net"
	"testing"
	"time"

	"clearpost/internal/jobs/jobstest"
	"clearpost/internal/metrics"

	"github.com/hibiken/asynq"
)

var queues = []string{"critical", "default", "low"}

func TestMetricsQueues(t *testing.T) {
	t.Parallel()
	r := jobstest.NewRedis(t)
	m := metrics.New(metrics.Options{})
	m.WatchQueues(r.Opt(), queues, time.Second, nil)
	t.Cleanup(m.Close)
	reg := m.Registry()
	// Queues no task ever reached read as empty, not as a failure.
	if n := mustSample(t, reg, "clearpost_queue_tasks", map[string]string{"queue": "critical", "state": "pending"}); n != 0 {
		t.Fatalf("pending on a new queue = %v", n)
	}
	if ok := mustSample(t, reg, "clearpost_scrape_collector_success", map[string]string{"collector": "redis"}); ok != 1 {
		t.Fatalf("redis collector success = %v", ok)
	}

	client := asynq.NewClient(r.Opt())
	t.Cleanup(func() { _ = client.Close() })
	for range 2 {
		if _, err := client.Enqueue(asynq.NewTask("test:metrics", nil), asynq.Queue("critical")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := client.Enqueue(asynq.NewTask("test:metrics", nil), asynq.Queue("low"), asynq.ProcessIn(time.Hour)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let the oldest pending task age
	if n := mustSample(t, reg, "clearpost_queue_tasks", map[string]string{"queue": "critical", "state": "pending"}); n != 2 {
		t.Fatalf("critical pending = %v, want 2", n)
	}
	if n := mustSample(t, reg, "clearpost_queue_tasks", map[string]string{"queue": "low", "state": "scheduled"}); n != 1 {
		t.Fatalf("low scheduled = %v, want 1", n)
	}
	if n := mustSample(t, reg, "clearpost_queue_tasks", map[string]string{"queue": "low", "state": "pending"}); n != 0 {
		t.Fatalf("low pending = %v, want 0", n)
	}
	if lat := mustSample(t, reg, "clearpost_queue_latency_seconds", map[string]string{"queue": "critical"}); lat <= 0 || lat > 60 {
		t.Fatalf("critical latency = %vs", lat)
	}
	if lat := mustSample(t, reg, "clearpost_queue_latency_seconds", map[string]string{"queue": "default"}); lat != 0 {
		t.Fatalf("default latency with nothing pending = %vs", lat)
	}
}

// Redis that accepts connections and never answers costs a scrape the timeout; while that read is
// still stuck, later scrapes do not pile more reads onto it.
func TestMetricsQueuesTimeout(t *testing.T) {
	t.Parallel()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = silent.Close() })
	m := metrics.New(metrics.Options{})
	m.WatchQueues(asynq.RedisClientOpt{Addr: silent.Addr().String()}, queues, 200*time.Millisecond, nil)
	t.Cleanup(m.Close)
	for range 3 {
		start := time.Now()
		if ok := mustSample(t, m.Registry(), "clearpost_scrape_collector_success", map[string]string{"collector": "redis"}); ok != 0 {
			t.Fatalf("redis collector success = %v against a silent server", ok)
		}
		if took := time.Since(start); took > time.Second {
			t.Fatalf("scrape took %v with a 200ms timeout", took)
		}
	}
	if _, ok := sample(t, m.Registry(), "clearpost_queue_tasks", nil); ok {
		t.Fatal("queue depth reported although Redis did not answer")
	}
	// The runtime's metrics are there all the same.
	mustSample(t, m.Registry(), "go_goroutines", nil)
}
