package metrics

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// WatchQueues registers the collector that reads the named asynq queues' depth and latency from
// Redis on scrape, through an Inspector of its own, giving up after timeout (0: DefaultTimeout).
// Like the backlogs, the values are the cluster's: aggregate with max.
func (m *Metrics) WatchQueues(redis asynq.RedisConnOpt, queues []string, timeout time.Duration, log *slog.Logger) {
	if m == nil {
		return
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	inspector := asynq.NewInspector(redis)
	m.onClose(func() { _ = inspector.Close() })
	m.reg.MustRegister(newQueueCollector(inspector, queues, timeout, log))
}

var (
	queueTasks = prometheus.NewDesc(prometheus.BuildFQName(Namespace, "queue", "tasks"),
		"Tasks in a queue, by state (pending, active, scheduled, retry, archived, completed).", []string{"queue", "state"}, nil)
	queueLatency = prometheus.NewDesc(prometheus.BuildFQName(Namespace, "queue", "latency_seconds"),
		"Age of the oldest pending task of a queue (0 when none is pending).", []string{"queue"}, nil)
)

type queueCollector struct {
	inspector *asynq.Inspector
	queues    []string
	timeout   time.Duration
	log       *slog.Logger
	// busy holds a token while a read is under way: the Inspector takes no context, so a read
	// that timed out keeps running, and the next scrapes skip Redis until it is back.
	busy chan struct{}
}

func newQueueCollector(i *asynq.Inspector, queues []string, timeout time.Duration, log *slog.Logger) *queueCollector {
	return &queueCollector{inspector: i, queues: queues, timeout: timeout, log: log, busy: make(chan struct{}, 1)}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueTasks
	ch <- queueLatency
	ch <- redisSuccess
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	select {
	case c.busy <- struct{}{}:
	default:
		success(ch, redisSuccess, false)
		return
	}
	type result struct {
		infos []*asynq.QueueInfo
		err   error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-c.busy }()
		var r result
		known, err := c.inspector.Queues()
		if err != nil {
			r.err = err
			done <- r
			return
		}
		for _, q := range c.queues {
			if !slices.Contains(known, q) { // no task ever went there: empty
				r.infos = append(r.infos, &asynq.QueueInfo{Queue: q})
				continue
			}
			info, err := c.inspector.GetQueueInfo(q)
			if err != nil {
				r.err = fmt.Errorf("queue %s: %w", q, err)
				break
			}
			r.infos = append(r.infos, info)
		}
		done <- r
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(c.timeout):
		r.err = errors.New("timed out")
	}
	success(ch, redisSuccess, r.err == nil)
	if r.err != nil {
		if c.log != nil {
			c.log.Warn("metrics: read the task queues", slog.Any("error", r.err))
		}
		return
	}
	for _, info := range r.infos {
		for state, n := range map[string]int{"pending": info.Pending, "active": info.Active, "scheduled": info.Scheduled,
			"retry": info.Retry, "archived": info.Archived, "completed": info.Completed} {
			ch <- prometheus.MustNewConstMetric(queueTasks, prometheus.GaugeValue, float64(n), info.Queue, state)
		}
		ch <- prometheus.MustNewConstMetric(queueLatency, prometheus.GaugeValue, info.Latency.Seconds(), info.Queue)
	}
}
