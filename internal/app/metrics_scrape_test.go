package app_test

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"clearpost/internal/config"
)

// A Prometheus scrape of a running app: the named series are there, they move with the requests
// it serves, and every series the Grafana dashboard and the alert rules in deploy/ read exists.
func TestMetricsScrapeMoves(t *testing.T) {
	t.Parallel()
	p, f := setupPublishing(t, func(c *config.Config) { c.MetricsAddr = "127.0.0.1:0" })
	env, tok := p.Env, p.tok["employee"]
	url := "http://" + env.App.MetricsAddr() + "/metrics"
	scrape := func() string {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("scrape: %d %s", resp.StatusCode, b)
		}
		return string(b)
	}
	value := func(body, series string) float64 {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` ([0-9.e+-]+)$`).FindStringSubmatch(body)
		if m == nil {
			return -1
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	const (
		httpCount  = `clearpost_http_request_duration_seconds_count{method="POST",route="/graphql",status="2xx"}`
		opCount    = `clearpost_graphql_operation_duration_seconds_count{operation="Feed"}`
		feedCount  = `clearpost_graphql_field_duration_seconds_count{field="feed"}`
		errorCount = `clearpost_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}`
	)
	before := scrape()
	for _, series := range []string{"clearpost_outbox_pending_rows", "clearpost_audit_unsealed_events", "clearpost_db_pool_max_conns",
		`clearpost_queue_tasks{queue="critical",state="pending"}`, `clearpost_scrape_collector_success{collector="postgres"}`} {
		if value(before, series) < 0 {
			t.Errorf("the scrape has no %s", series)
		}
	}
	for range 3 {
		env.Must(t, tok, `query Feed { feed(first: 1) { edges { node { pinned } } } }`, nil, nil)
	}
	if r := env.Do(t, tok, `query Broken { nope }`, nil); r.Code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("a query of no field answered %s", r.Code())
	}
	after := scrape()
	for series, grew := range map[string]float64{httpCount: 3, opCount: 3, feedCount: 3, errorCount: 1} {
		if got := max(value(after, series), 0) - max(value(before, series), 0); got != grew {
			t.Errorf("%s grew by %v, want %v\n%s", series, got, grew, regexp.MustCompile(`(?m)^clearpost_graphql_field.*$`).FindAllString(after, -1))
		}
	}
	// A publication records its lateness.
	webhook := p.channel(t, "webhook", "Automation", f.webhook.Credentials())
	pp := p.create(t, "Measured launch")
	p.Must(t, p.tok["marketer"], schedulePost, map[string]any{"in": map[string]any{
		"postId": pp.ID, "channelIds": []string{webhook}, "at": time.Now().Add(2 * time.Second).UTC().Format("2006-01-02T15:04:05"), "timeZone": "UTC"}}, nil)
	p.approvePost(t, pp)
	p.waitJobs(t, pp.ID, 20*time.Second, "the post to publish", allStatus(1, "PUBLISHED"))
	// The worker observes the lateness once the job's PUBLISHED is written: wait for the scrape to show it.
	lateness := `clearpost_publish_lateness_seconds_count{platform="webhook"}`
	eventually(t, 10*time.Second, "publish lateness observed", func() bool {
		after = scrape()
		return value(after, lateness) >= 1
	})
	if n := value(after, lateness); n != 1 {
		t.Errorf("publish lateness observed %v times, want 1", n)
	}

	// What the dashboard and the alerts read is what the app exports.
	families := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^# TYPE (clearpost_[a-z_]+) `).FindAllStringSubmatch(after, -1) {
		families[m[1]] = true
	}
	for _, file := range []string{"../../deploy/grafana/clearpost-dashboard.json", "../../deploy/prometheus/alerts.yaml"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range regexp.MustCompile(`clearpost_[a-z_]+`).FindAllString(string(b), -1) {
			if base := regexp.MustCompile(`_(bucket|count|sum)$`).ReplaceAllString(name, ""); !families[name] && !families[base] {
				t.Errorf("%s reads %s, which the app does not export", file, name)
			}
		}
	}

	// Never on the public address.
	resp, err := http.Get(env.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if regexp.MustCompile(`clearpost_[a-z_]+ `).Match(b) {
		t.Error("the public address serves the metrics")
	}
}
