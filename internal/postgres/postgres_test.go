package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"clearpost/internal/postgres"
	"clearpost/internal/postgres/pgtest"

	"github.com/jackc/pgx/v5/pgconn"
)

// A query whose context ends is cancelled on the server, and its connection goes back to the
// pool: the next query runs on the same connection instead of a new one.
func TestCancelledQueryKeepsConnection(t *testing.T) {
	t.Parallel()
	_, url := pgtest.NewWithURL(t)
	ctx := context.Background()
	pool, err := postgres.Open(ctx, url, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var before, after int32
	if err := pool.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&before); err != nil {
		t.Fatal(err)
	}

	qctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = pool.Exec(qctx, "SELECT pg_sleep(30)")
	if err == nil {
		t.Fatal("the sleep outlived its context")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the cancelled query returned after %v", took)
	}
	// the server's answer to the cancel request (closing the connection would give a timeout)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "57014" {
		t.Errorf("cancelled query: %v, want the server's query_canceled (57014)", err)
	}

	if err := pool.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("after the cancel the pool's connection is backend %d, was %d: the connection was closed", after, before)
	}
	if n := pool.Stat().NewConnsCount(); n != 1 {
		t.Errorf("the pool made %d connections, want 1", n)
	}
}

// The warming statement runs on a migrated database, and a database without search_tsquery
// (before the migrations) still opens, since warming skips what does not exist yet.
func TestOpenWarmsConnections(t *testing.T) {
	t.Parallel()
	pool, url := pgtest.NewWithURL(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, postgres.WarmSQL); err != nil {
		t.Fatalf("warm a migrated database: %v", err)
	}
	if _, err := pool.Exec(ctx, "DROP FUNCTION search_tsquery(uuid, regconfig, text)"); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, postgres.WarmSQL); err != nil {
		t.Errorf("warm a database without search_tsquery: %v", err)
	}
	bare, err := postgres.Open(ctx, url, 2)
	if err != nil {
		t.Fatalf("open a database without search_tsquery: %v", err)
	}
	defer bare.Close()
	var one int
	if err := bare.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}

// Scans that stop early without an order (a search's window) read the same rows every time: no
// connection starts a sequential scan where another one is.
func TestOpenTurnsSynchronizedScansOff(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	var v string
	if err := pool.QueryRow(context.Background(), "SHOW synchronize_seqscans").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != "off" {
		t.Errorf("synchronize_seqscans = %s, want off", v)
	}
}
