package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"clearpost/internal/config"
	"clearpost/internal/jobs/jobstest"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/secretbox"

	"github.com/hibiken/asynq"
)

// An internal test: apptest imports this package, so it cannot be used here.

func metricsGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// The metrics are served on their own listener, and the public handler has no /metrics: what it
// answers there is the web app, never the registry. The scrape follows the outbox and the queue.
func TestMetricsServedApartFromAPI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, dbURL := pgtest.NewWithURL(t)
	r := jobstest.NewRedis(t)
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.HTTPAddr, cfg.RedisURL = dbURL, "127.0.0.1:0", r.URL()
	cfg.SecretKeys, cfg.ClickKey = secretbox.NewKey("test"), "test-click-key-0123456789"
	log := slog.New(slog.DiscardHandler)
	a, err := New(ctx, cfg, log, Options{HTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if a.listener != nil {
			_ = a.listener.Close()
		}
		_ = a.Shutdown(context.Background())
	})
	handler, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	public := httptest.NewServer(handler)
	t.Cleanup(public.Close)

	off, err := newMetricsServer("", a.Pool, cfg.RedisURL, log)
	if err != nil || off != nil || off.Metrics() != nil || off.Addr() != "" {
		t.Fatalf("an empty address: %v, %v; want metrics off", off, err)
	}
	ms, err := newMetricsServer("127.0.0.1:0", a.Pool, cfg.RedisURL, log)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { ms.Run(runCtx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	metricsURL := "http://" + ms.Addr() + MetricsPath

	for _, path := range []string{MetricsPath, MetricsPath + "/", "/admin" + MetricsPath} {
		_, body := metricsGet(t, public.URL+path)
		if strings.Contains(body, "clearpost_") || strings.Contains(body, "go_goroutines") || strings.Contains(body, "# TYPE") {
			t.Errorf("the public handler serves metrics at %s", path)
		}
	}
	if status, _ := metricsGet(t, "http://"+ms.Addr()+"/graphql"); status != http.StatusNotFound {
		t.Errorf("the metrics listener answers /graphql with %d", status)
	}

	status, body := metricsGet(t, metricsURL)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", metricsURL, status, body)
	}
	for _, want := range []string{"\nclearpost_outbox_pending_rows 0\n", "\nclearpost_audit_unsealed_events 0\n",
		`clearpost_queue_tasks{queue="critical",state="pending"} 0`, `clearpost_scrape_collector_success{collector="redis"} 1`,
		"\nclearpost_db_pool_max_conns 20\n", "\ngo_goroutines "} {
		if !strings.Contains(body, want) {
			t.Errorf("the first scrape lacks %q", want)
		}
	}

	if _, err := a.Pool.Exec(ctx, `INSERT INTO outbox (org_id, topic, payload, created_at)
		VALUES (gen_random_uuid(), 'test', '{}', now() - interval '5 minutes')`); err != nil {
		t.Fatal(err)
	}
	client := asynq.NewClient(r.Opt())
	t.Cleanup(func() { _ = client.Close() })
	if _, err := client.Enqueue(asynq.NewTask("test:metrics", nil), asynq.Queue("critical")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	_, body = metricsGet(t, metricsURL)
	for _, want := range []string{"\nclearpost_outbox_pending_rows 1\n", "\nclearpost_outbox_oldest_pending_age_seconds 3",
		`clearpost_queue_tasks{queue="critical",state="pending"} 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape after the writes lacks %q", want)
		}
	}
	if strings.Contains(body, `clearpost_queue_latency_seconds{queue="critical"} 0`+"\n") {
		t.Error("a pending task left the critical queue's latency at 0")
	}
}
