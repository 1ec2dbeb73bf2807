// Package metrics is Clearpost's Prometheus instrumentation: a registry of its own (never the
// global one) with the Go and process collectors, the instruments the app feeds as it works (HTTP
// routes, GraphQL operations, publications) and collectors that read on scrape (the task queues,
// the outbox, the audit sealer, the database pool). Handler serves it; the App mounts it on a
// listen address of its own, never beside the API.
package metrics

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every Clearpost metric.
const Namespace = "clearpost"

// Label values standing for everything a bounded label does not name.
const (
	Anonymous = "anonymous" // a GraphQL operation without a (known) name
	Other     = "other"     // past a label's cap
	Unmatched = "unmatched" // an HTTP request no route pattern matched
)

// Limits bound the cardinality of the labels whose values come from requests.
const (
	DefaultMaxOperations = 200 // distinct GraphQL operation names
	maxRoutes            = 100 // distinct HTTP route patterns
	maxCodes             = 32  // distinct GraphQL error codes
)

// DefaultTimeout bounds each collector that reads PostgreSQL or Redis during a scrape.
const DefaultTimeout = 2 * time.Second

// Metrics holds the registry and the instruments. A nil *Metrics is valid and records nothing, so
// callers need not check whether metrics are on.
type Metrics struct {
	reg *prometheus.Registry

	httpDuration    *prometheus.HistogramVec
	gqlDuration     *prometheus.HistogramVec
	gqlErrors       *prometheus.CounterVec
	fieldDuration   *prometheus.HistogramVec
	publishLateness *prometheus.HistogramVec
	clicksDropped   prometheus.Counter

	routes     *labelSet
	operations *labelSet
	codes      *labelSet
	fields     map[string]bool

	mu      sync.Mutex
	closers []func()
}

// Options tune New; the zero value is the defaults.
type Options struct {
	// MaxOperations caps the distinct GraphQL operation names (0: DefaultMaxOperations); later
	// names are recorded as "other".
	MaxOperations int
	// Fields are the Query fields whose latency is recorded on their own (nil: search and feed).
	Fields []string
}

// Latency buckets, in seconds: requests and operations (5 ms to 10 s), and publication lateness
// (1 s to 6 h).
var (
	latencyBuckets  = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	latenessBuckets = []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600}
)

// New returns the metrics with the Go and process collectors registered.
func New(o Options) *Metrics {
	if o.MaxOperations <= 0 {
		o.MaxOperations = DefaultMaxOperations
	}
	if o.Fields == nil {
		o.Fields = []string{"search", "feed"}
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time to answer an HTTP request of the public API, by route pattern (not path), method and status class.",
			Buckets: latencyBuckets,
		}, []string{"route", "method", "status"}),
		gqlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "graphql", Name: "operation_duration_seconds",
			Help:    "Time from reading a GraphQL request to its response, by operation name (anonymous when unnamed, other past the cap); subscriptions are not timed.",
			Buckets: latencyBuckets,
		}, []string{"operation"}),
		gqlErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "graphql", Name: "errors_total",
			Help: "GraphQL errors returned, by extensions.code (NONE when an error has none).",
		}, []string{"code"}),
		fieldDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "graphql", Name: "field_duration_seconds",
			Help:    "Time to resolve a tracked Query field (search, feed) with its selection, by field.",
			Buckets: latencyBuckets,
		}, []string{"field"}),
		publishLateness: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "publish", Name: "lateness_seconds",
			Help:    "Seconds between a publish job's scheduled time and its publication, by platform.",
			Buckets: latenessBuckets,
		}, []string{"platform"}),
		clicksDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "clicks", Name: "dropped_total",
			Help: "Tracked-link clicks not counted because the in-memory click buffer was full (PostgreSQL slow or away).",
		}),
		routes:     newLabelSet(maxRoutes),
		operations: newLabelSet(o.MaxOperations),
		codes:      newLabelSet(maxCodes),
		fields:     map[string]bool{},
	}
	for _, f := range o.Fields {
		m.fields[f] = true
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpDuration, m.gqlDuration, m.gqlErrors, m.fieldDuration, m.publishLateness, m.clicksDropped,
	)
	return m
}

// Registry is where the metrics are registered, for tests and further collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format. A collector that fails is
// reported by its clearpost_scrape_collector_success gauge; the others are served regardless.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	})
}

// Close releases what the collectors hold (the queue inspector's Redis connections).
func (m *Metrics) Close() {
	if m == nil {
		return
	}
	m.mu.Lock()
	closers := m.closers
	m.closers = nil
	m.mu.Unlock()
	for _, c := range closers {
		c()
	}
}

func (m *Metrics) onClose(f func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closers = append(m.closers, f)
}

// ObservePublishLateness records how late a publication went out: published minus scheduled
// (never below zero). platform is one of the adapters' names.
func (m *Metrics) ObservePublishLateness(platform string, scheduled, published time.Time) {
	if m == nil || scheduled.IsZero() || published.IsZero() {
		return
	}
	m.publishLateness.WithLabelValues(platform).Observe(max(published.Sub(scheduled).Seconds(), 0))
}

// CountDroppedClick counts a tracked-link click dropped because the click buffer was full.
func (m *Metrics) CountDroppedClick() {
	if m == nil {
		return
	}
	m.clicksDropped.Inc()
}

// labelSet admits up to max distinct values of a label; it answers Other past that.
type labelSet struct {
	mu   sync.RWMutex
	seen map[string]struct{}
	max  int
}

func newLabelSet(max int) *labelSet { return &labelSet{seen: map[string]struct{}{}, max: max} }

// admit returns v, adding it while there is room, or Other.
func (s *labelSet) admit(v string) string {
	if s.known(v) {
		return v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[v]; ok {
		return v
	}
	if len(s.seen) >= s.max {
		return Other
	}
	s.seen[v] = struct{}{}
	return v
}

func (s *labelSet) known(v string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.seen[v]
	return ok
}
