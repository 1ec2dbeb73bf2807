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
)

// MetricsPath is where the metrics listener serves Prometheus.
const MetricsPath = "/metrics"

// metricsServer is one process's metrics, served on CLEARPOST_METRICS_ADDR: an address of its
// own, never the API's, so the public listener cannot reach them. A nil *metricsServer (metrics
// off) is valid: it records nothing and serves nothing.
type metricsServer struct {
	m        *metrics.Metrics
	listener net.Listener
	log      *slog.Logger
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
	return &metricsServer{m: m, listener: l, log: log}, nil
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

// Handler serves GET /metrics and nothing else.
func (s *metricsServer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+MetricsPath, s.m.Handler())
	return mux
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
}

// Close releases the listener and the collectors when Run never ran (New failed after it).
func (s *metricsServer) Close() {
	if s == nil {
		return
	}
	_ = s.listener.Close()
	s.m.Close()
}
