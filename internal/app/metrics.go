package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"clearpost/internal/jobs"
	"clearpost/internal/metrics"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

// MetricsPath is where the metrics listener serves Prometheus.
const MetricsPath = "/metrics"

// Health paths on the metrics listener: the worker has no API listener, so its probes ask here.
const (
	HealthPath = "/healthz" // the process runs
	ReadyPath  = "/readyz"  // it reaches PostgreSQL and Redis and is not shutting down
)

// healthTimeout bounds each dependency's answer to a readiness check.
const healthTimeout = 2 * time.Second

// metricsServer is one process's metrics, served on CLEARPOST_METRICS_ADDR: an address of its
// own, never the API's, so the public listener cannot reach them. It answers the process's
// health checks too. A nil *metricsServer (metrics off) is valid: it records nothing and serves
// nothing.
type metricsServer struct {
	m        *metrics.Metrics
	listener net.Listener
	log      *slog.Logger
	pool     *pgxpool.Pool
	redis    redis.UniversalClient
	// draining reports that the process is shutting down (nil: never).
	draining func() bool
}

// newMetricsServer builds the metrics and binds addr; "" turns metrics off (nil, nil). The
// collectors read the pool, the outbox and audit backlogs, and the task queues on scrape.
func newMetricsServer(addr string, pool *pgxpool.Pool, redisURL string, log *slog.Logger) (*metricsServer, error) {
	if addr == "" {
		return nil, nil
	}
	redisOpt, err := jobs.ParseRedisURL(redisURL)
	if err != nil {
		return nil, fmt.Errorf("CLEARPOST_REDIS_URL: %w", err)
	}
	m := metrics.New(metrics.Options{})
	m.WatchDatabase(pool, metrics.DefaultTimeout, log)
	m.WatchQueues(redisOpt, []string{jobs.QueueCritical, jobs.QueueDefault, jobs.QueueLow}, metrics.DefaultTimeout, log)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("CLEARPOST_METRICS_ADDR: listen on %s: %w", addr, err)
	}
	rc, ok := redisOpt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		m.Close()
		_ = l.Close()
		return nil, errors.New("CLEARPOST_REDIS_URL: no Redis client for the readiness check")
	}
	return &metricsServer{m: m, listener: l, log: log, pool: pool, redis: rc}, nil
}

// Metrics returns the instruments (nil when metrics are off; their methods then do nothing).
func (s *metricsServer) Metrics() *metrics.Metrics {
	if s == nil {
		return nil
	}
	return s.m
}

// Addr is the address the metrics are served on ("" when off).
func (s *metricsServer) Addr() string {
	if s == nil {
		return ""
	}
	return s.listener.Addr().String()
}

// Handler serves GET /metrics and the health checks, and nothing else.
func (s *metricsServer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+MetricsPath, s.m.Handler())
	mux.HandleFunc("GET "+HealthPath, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET "+ReadyPath, s.ready)
	return mux
}

// ready answers 200 while the process can do its work: it is not shutting down and PostgreSQL
// and Redis answer within healthTimeout each; 503 naming what is missing otherwise.
func (s *metricsServer) ready(w http.ResponseWriter, r *http.Request) {
	if s.draining != nil && s.draining() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	if err := s.pool.Ping(ctx); err != nil {
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	if err := s.redis.Ping(ctx).Err(); err != nil {
		http.Error(w, "redis unreachable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// Run serves until ctx is done, then closes the listener and the collectors' connections.
func (s *metricsServer) Run(ctx context.Context) {
	if s == nil {
		return
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(s.listener) }()
	s.log.Info("serving metrics", slog.String("metrics_addr", s.Addr()))
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("metrics server", slog.Any("error", err))
		}
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
	s.m.Close()
	_ = s.redis.Close()
}

// Close releases the listener and the collectors when Run never ran (New failed after it).
func (s *metricsServer) Close() {
	if s == nil {
		return
	}
	_ = s.listener.Close()
	s.m.Close()
	_ = s.redis.Close()
}
