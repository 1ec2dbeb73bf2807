package metrics_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"clearpost/internal/metrics"
	"clearpost/internal/postgres/pgtest"

	"github.com/jackc/pgx/v5/pgxpool"
)

func setupDB(t *testing.T) (*metrics.Metrics, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.New(t)
	m := metrics.New(metrics.Options{})
	m.WatchDatabase(pool, time.Second, nil)
	return m, pool
}

func TestMetricsOutboxLag(t *testing.T) {
	t.Parallel()
	m, pool := setupDB(t)
	ctx := context.Background()
	reg := m.Registry()
	if n := mustSample(t, reg, "clearpost_outbox_pending_rows", nil); n != 0 {
		t.Fatalf("pending rows on an empty outbox = %v", n)
	}
	if age := mustSample(t, reg, "clearpost_outbox_oldest_pending_age_seconds", nil); age != 0 {
		t.Fatalf("age on an empty outbox = %v", age)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO outbox (org_id, topic, payload, created_at)
		VALUES (gen_random_uuid(), 'test', '{}', now() - interval '90 seconds'),
		       (gen_random_uuid(), 'test', '{}', now() - interval '10 seconds'),
		       (gen_random_uuid(), 'test', '{}', now() - interval '1 hour')`); err != nil {
		t.Fatal(err)
	}
	// A relayed row is no lag, however old.
	if _, err := pool.Exec(ctx, `UPDATE outbox SET relayed_at = now() WHERE created_at < now() - interval '30 minutes'`); err != nil {
		t.Fatal(err)
	}
	if n := mustSample(t, reg, "clearpost_outbox_pending_rows", nil); n != 2 {
		t.Fatalf("pending rows = %v, want 2", n)
	}
	if age := mustSample(t, reg, "clearpost_outbox_oldest_pending_age_seconds", nil); age < 89 || age > 120 {
		t.Fatalf("oldest pending age = %vs, want about 90", age)
	}
	if ok := mustSample(t, reg, "clearpost_scrape_collector_success", map[string]string{"collector": "postgres"}); ok != 1 {
		t.Fatalf("postgres collector success = %v", ok)
	}
}

func TestMetricsAuditSealLag(t *testing.T) {
	t.Parallel()
	m, pool := setupDB(t)
	ctx := context.Background()
	reg := m.Registry()
	if n := mustSample(t, reg, "clearpost_audit_unsealed_events", nil); n != 0 {
		t.Fatalf("unsealed events on an empty log = %v", n)
	}
	var org string
	if err := pool.QueryRow(ctx, `INSERT INTO organizations (slug, name) VALUES ('metrics', 'Metrics') RETURNING id`).Scan(&org); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO audit_events (org_id, action, subject_type, subject_id, occurred_at)
		VALUES ($1, 'test.one', 'post', 'a', now() - interval '2 minutes'), ($1, 'test.two', 'post', 'b', now())`, org); err != nil {
		t.Fatal(err)
	}
	if n := mustSample(t, reg, "clearpost_audit_unsealed_events", nil); n != 2 {
		t.Fatalf("unsealed events = %v, want 2", n)
	}
	if age := mustSample(t, reg, "clearpost_audit_oldest_unsealed_age_seconds", nil); age < 119 || age > 150 {
		t.Fatalf("oldest unsealed age = %vs, want about 120", age)
	}
}

func TestMetricsDatabasePool(t *testing.T) {
	t.Parallel()
	m, pool := setupDB(t)
	reg := m.Registry()
	if max := mustSample(t, reg, "clearpost_db_pool_max_conns", nil); max != float64(pool.Config().MaxConns) {
		t.Fatalf("max conns = %v, want %d", max, pool.Config().MaxConns)
	}
	conn, err := pool.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The backlog collector may hold a second connection during the same scrape.
	n := mustSample(t, reg, "clearpost_db_pool_acquired_conns", nil)
	conn.Release()
	if n < 1 {
		t.Fatalf("acquired conns with one held = %v", n)
	}
	if n := mustSample(t, reg, "clearpost_db_pool_acquires_total", nil); n < 1 {
		t.Fatalf("acquires = %v", n)
	}
}

// A database that does not answer in time costs the scrape the timeout, not more, and says so.
func TestMetricsDatabaseTimeout(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	m := metrics.New(metrics.Options{})
	m.WatchDatabase(pool, 300*time.Millisecond, nil)
	// Another transaction holds the outbox exclusively: the count waits on its lock.
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if ok := mustSample(t, m.Registry(), "clearpost_scrape_collector_success", map[string]string{"collector": "postgres"}); ok != 0 {
		t.Fatalf("postgres collector success = %v while the table is locked", ok)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("scrape took %v with a 300ms timeout", took)
	}
	if _, ok := sample(t, m.Registry(), "clearpost_outbox_pending_rows", nil); ok {
		t.Fatal("pending rows reported although they could not be read")
	}
	// The pool's statistics need no query.
	mustSample(t, m.Registry(), "clearpost_db_pool_total_conns", nil)
}

// The backlog query reads the partial indexes, not the tables.
func TestMetricsBacklogQueryUsesIndexes(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	// An empty test table is cheapest to scan whole; what matters is that the indexes serve.
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, `EXPLAIN `+metrics.BacklogQuery)
	if err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, index := range []string{"outbox_pending", "audit_events_unsealed"} {
		if !strings.Contains(plan.String(), index) {
			t.Errorf("the plan does not use %s:\n%s", index, plan.String())
		}
	}
	t.Logf("plan:\n%s", plan.String())
}

// The handler serves the registry's metrics, the runtime's included.
func TestMetricsHandler(t *testing.T) {
	t.Parallel()
	m, pool := setupDB(t)
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	if _, err := pool.Exec(context.Background(), `INSERT INTO outbox (org_id, topic, payload) VALUES (gen_random_uuid(), 'test', '{}')`); err != nil {
		t.Fatal(err)
	}
	status, body := get(t, srv.URL)
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	for _, want := range []string{"\nclearpost_outbox_pending_rows 1\n", "\ngo_goroutines ", "\nprocess_start_time_seconds ",
		"# HELP clearpost_outbox_oldest_pending_age_seconds "} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape lacks %q", want)
		}
	}
}
