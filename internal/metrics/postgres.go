package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// WatchDatabase registers the collectors that read PostgreSQL on scrape: the outbox and audit
// sealer backlogs (one query, bounded by timeout; 0: DefaultTimeout) and the pool's statistics
// (no query). The backlogs are the whole database's, the same in every process that exports
// them: aggregate them with max, not sum.
func (m *Metrics) WatchDatabase(pool *pgxpool.Pool, timeout time.Duration, log *slog.Logger) {
	if m == nil {
		return
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	m.reg.MustRegister(&backlogCollector{pool: pool, timeout: timeout, log: log}, poolCollector{pool})
}

var (
	outboxPending = prometheus.NewDesc(prometheus.BuildFQName(Namespace, "outbox", "pending_rows"),
		"Outbox rows not yet relayed to the task queue.", nil, nil)
	outboxAge = prometheus.NewDesc(prometheus.BuildFQName(Namespace, "outbox", "oldest_pending_age_seconds"),
		"Age of the oldest outbox row not yet relayed (0 when none): the relay's lag.", nil, nil)
	auditUnsealed = prometheus.NewDesc(prometheus.BuildFQName(Namespace, "audit", "unsealed_events"),
		"Audit events not yet sealed into their organization's chain.", nil, nil)
	auditAge = prometheus.NewDesc(prometheus.BuildFQName(Namespace, "audit", "oldest_unsealed_age_seconds"),
		"Age of the oldest audit event not yet sealed (0 when none): the sealer's lag.", nil, nil)
)

// backlogQuery reads both backlogs in one round trip. Each side reads only its partial index's
// rows (outbox_pending: WHERE relayed_at IS NULL; audit_events_unsealed: WHERE seq IS NULL, seq
// being NULL until the sealer chains the event), so its cost is the backlog's size, not the
// table's.
const backlogQuery = `SELECT o.n, o.age, a.n, a.age FROM
	(SELECT count(*) AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
	   FROM outbox WHERE relayed_at IS NULL) o,
	(SELECT count(*) AS n, coalesce(extract(epoch FROM now() - min(occurred_at)), 0)::float8 AS age
	   FROM audit_events WHERE seq IS NULL) a`

type backlogCollector struct {
	pool    *pgxpool.Pool
	timeout time.Duration
	log     *slog.Logger
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxPending
	ch <- outboxAge
	ch <- auditUnsealed
	ch <- auditAge
	ch <- postgresSuccess
}

func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	var outboxN, auditN int64
	var outboxS, auditS float64
	err := c.pool.QueryRow(ctx, backlogQuery).Scan(&outboxN, &outboxS, &auditN, &auditS)
	success(ch, postgresSuccess, err == nil)
	if err != nil {
		if c.log != nil {
			c.log.Warn("metrics: read the outbox and audit backlogs", slog.Any("error", err))
		}
		return
	}
	ch <- prometheus.MustNewConstMetric(outboxPending, prometheus.GaugeValue, float64(outboxN))
	ch <- prometheus.MustNewConstMetric(outboxAge, prometheus.GaugeValue, max(outboxS, 0))
	ch <- prometheus.MustNewConstMetric(auditUnsealed, prometheus.GaugeValue, float64(auditN))
	ch <- prometheus.MustNewConstMetric(auditAge, prometheus.GaugeValue, max(auditS, 0))
}

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(Namespace, "db_pool", name), help, nil, nil)
}

var (
	poolAcquired     = poolDesc("acquired_conns", "Connections in use.")
	poolIdle         = poolDesc("idle_conns", "Idle connections.")
	poolTotal        = poolDesc("total_conns", "Connections open (acquired, idle and being opened).")
	poolMax          = poolDesc("max_conns", "The pool's size (CLEARPOST_DATABASE_MAX_CONNS).")
	poolAcquires     = poolDesc("acquires_total", "Connections acquired from the pool.")
	poolAcquireWait  = poolDesc("acquire_duration_seconds_total", "Time spent acquiring connections, including waits.")
	poolEmpty        = poolDesc("empty_acquires_total", "Acquires that had to wait for a connection (none was idle).")
	poolEmptyWait    = poolDesc("empty_acquire_wait_seconds_total", "Time spent waiting by the acquires that found no idle connection.")
	poolCanceled     = poolDesc("canceled_acquires_total", "Acquires given up because their context ended.")
	poolConstructing = poolDesc("constructing_conns", "Connections being opened.")
)

// poolCollector reads pgxpool.Stat: memory only, no query.
type poolCollector struct{ pool *pgxpool.Pool }

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquired, poolIdle, poolTotal, poolMax, poolAcquires, poolAcquireWait,
		poolEmpty, poolEmptyWait, poolCanceled, poolConstructing} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(poolAcquired, float64(s.AcquiredConns()))
	gauge(poolIdle, float64(s.IdleConns()))
	gauge(poolTotal, float64(s.TotalConns()))
	gauge(poolMax, float64(s.MaxConns()))
	gauge(poolConstructing, float64(s.ConstructingConns()))
	counter(poolAcquires, float64(s.AcquireCount()))
	counter(poolAcquireWait, s.AcquireDuration().Seconds())
	counter(poolEmpty, float64(s.EmptyAcquireCount()))
	counter(poolEmptyWait, s.EmptyAcquireWaitTime().Seconds())
	counter(poolCanceled, float64(s.CanceledAcquireCount()))
}
