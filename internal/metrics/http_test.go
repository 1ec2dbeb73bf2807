package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"clearpost/internal/metrics"
)

func TestMetricsHTTPRoutes(t *testing.T) {
	t.Parallel()
	m := metrics.New(metrics.Options{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /s/{code}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://example.com/", http.StatusFound)
	})
	mux.HandleFunc("/graphql", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(10 * time.Millisecond)
		http.Error(w, "no", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	srv := httptest.NewServer(m.Instrument(mux))
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, code := range []string{"a1", "b2", "c3"} {
		resp, err := client.Get(srv.URL + "/s/" + code)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	get(t, srv.URL+"/healthz")
	post(t, srv.URL+"/graphql", "{}")
	get(t, srv.URL+"/nowhere/42")

	reg := m.Registry()
	for _, c := range []struct {
		route, method, status string
		want                  float64
	}{
		{"GET /s/{code}", "GET", "3xx", 3},
		{"GET /healthz", "GET", "2xx", 1},
		{"/graphql", "POST", "5xx", 1},
		{metrics.Unmatched, "GET", "4xx", 1},
	} {
		labels := map[string]string{"route": c.route, "method": c.method, "status": c.status}
		if n := mustSample(t, reg, "clearpost_http_request_duration_seconds", labels); n != c.want {
			t.Errorf("%v: %v requests, want %v", labels, n, c.want)
		}
	}
	routes := labelValues(t, reg, "clearpost_http_request_duration_seconds", "route")
	for _, r := range routes {
		if r == "/s/a1" || r == "/nowhere/42" {
			t.Errorf("a raw path became a route label: %q", r)
		}
	}
	if len(routes) != 4 {
		t.Errorf("route labels = %v, want the 4 patterns", routes)
	}
	if !slices.Contains(routes, metrics.Unmatched) {
		t.Errorf("no %q route among %v", metrics.Unmatched, routes)
	}
}

// A nil *Metrics (metrics off) leaves the handler as it is.
func TestMetricsNilIsOff(t *testing.T) {
	t.Parallel()
	var m *metrics.Metrics
	h := http.NotFoundHandler()
	if got := m.Instrument(h); got == nil {
		t.Fatal("Instrument on nil returned nil")
	}
	if m.GraphQL() != nil {
		t.Fatal("GraphQL on nil returned an extension")
	}
	m.ObservePublishLateness("x", time.Now(), time.Now())
	m.CountDroppedClick()
	m.WatchDatabase(nil, 0, nil)
	m.WatchQueues(nil, nil, 0, nil)
	m.Close()
}

func TestMetricsPublishLateness(t *testing.T) {
	t.Parallel()
	m := metrics.New(metrics.Options{})
	due := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	m.ObservePublishLateness("linkedin", due, due.Add(90*time.Second))
	m.ObservePublishLateness("linkedin", due, due.Add(-time.Second)) // the platform's clock: early counts as on time
	m.ObservePublishLateness("x", time.Time{}, due)                  // a job released by hand has no scheduled time
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "clearpost_publish_lateness_seconds" {
			continue
		}
		if len(f.GetMetric()) != 1 {
			t.Fatalf("%d series, want linkedin only", len(f.GetMetric()))
		}
		h := f.GetMetric()[0].GetHistogram()
		if h.GetSampleCount() != 2 || h.GetSampleSum() != 90 {
			t.Fatalf("count %d sum %v, want 2 and 90", h.GetSampleCount(), h.GetSampleSum())
		}
		return
	}
	t.Fatal("no clearpost_publish_lateness_seconds")
}

func TestMetricsClicksDropped(t *testing.T) {
	t.Parallel()
	m := metrics.New(metrics.Options{})
	for range 3 {
		m.CountDroppedClick()
	}
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "clearpost_clicks_dropped_total" {
			if got := f.GetMetric()[0].GetCounter().GetValue(); got != 3 {
				t.Fatalf("clicks dropped = %v, want 3", got)
			}
			return
		}
	}
	t.Fatal("no clearpost_clicks_dropped_total")
}
