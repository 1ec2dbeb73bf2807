package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"clearpost/internal/app"
	"clearpost/internal/app/apptest"
	"clearpost/internal/config"
)

// A worker has no API listener, so its pod's probes ask its metrics listener: /healthz answers
// while the process runs, /readyz while it reaches PostgreSQL and Redis. Redis cut off turns the
// worker unready (and leaves it alive: a restart would not bring Redis back); Redis back, it is
// ready again.
func TestWorkerAnswersHealthChecksOnItsMetricsListener(t *testing.T) {
	t.Parallel()
	env, proxy := apptest.StartWithQueueVia(t)
	w := env.StartWorker(t, func(c *config.Config) { c.MetricsAddr = "127.0.0.1:0" })
	base := "http://" + w.MetricsAddr()
	probe := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, readAll(t, resp)
	}
	waitProbe := func(path string, want int, what string) {
		t.Helper()
		eventually(t, 10*time.Second, what, func() bool { code, _ := probe(path); return code == want })
	}

	if code, body := probe(app.HealthPath); code != http.StatusOK {
		t.Fatalf("%s: %d %s", app.HealthPath, code, body)
	}
	waitProbe(app.ReadyPath, http.StatusOK, "the worker to be ready")

	proxy.Stop()
	waitProbe(app.ReadyPath, http.StatusServiceUnavailable, "the worker to turn unready without Redis")
	if _, body := probe(app.ReadyPath); !strings.Contains(body, "redis") {
		t.Errorf("%s without Redis says %q, want it to name Redis", app.ReadyPath, body)
	}
	if code, _ := probe(app.HealthPath); code != http.StatusOK {
		t.Errorf("%s without Redis: %d, want 200 (alive)", app.HealthPath, code)
	}

	proxy.Start()
	waitProbe(app.ReadyPath, http.StatusOK, "the worker to be ready again once Redis is back")
}
