// Package pgtest gives each test its own PostgreSQL database, cloned from a template that has every
// migration applied, so tests run in parallel, commit, LISTEN, and never see each other's rows.
//
// The server is CLEARPOST_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"clearpost/internal/postgres"
	"clearpost/migrations"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultURL is the server tests use unless CLEARPOST_TEST_DATABASE_URL says otherwise.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerURL returns the test server's URL.
func ServerURL() string {
	if u := os.Getenv("CLEARPOST_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// New creates a fresh migrated database for t, dropped when t ends, and returns a pool on it.
func New(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	pool, _ := NewWithURL(tb)
	return pool
}

// NewWithURL is New that also returns the database's URL, for code under test that opens its own
// connections (the App, the CLI).
func NewWithURL(tb testing.TB) (*pgxpool.Pool, string) {
	tb.Helper()
	ctx := context.Background()
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx) })
	if templateErr != nil {
		tb.Fatalf("test database template: %v", templateErr)
	}
	name := "clearpost_test_" + randomSuffix()
	admin := mustAdmin(tb)
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, templateName)); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	dbURL := withDatabase(ServerURL(), name)
	pool, err := postgres.Open(ctx, dbURL, 16)
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() {
		pool.Close()
		a, err := pgx.Connect(ctx, ServerURL())
		if err != nil {
			tb.Errorf("drop test database: %v", err)
			return
		}
		defer a.Close(ctx)
		if _, err := a.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	return pool, dbURL
}

func mustAdmin(tb testing.TB) *pgx.Conn {
	tb.Helper()
	c, err := pgx.Connect(context.Background(), ServerURL())
	if err != nil {
		tb.Fatalf("connect to test server %s: %v (is PostgreSQL running? `make deps` starts it)", redact(ServerURL()), err)
	}
	return c
}

// ensureTemplate creates the template database for the current migrations once per server: its
// name carries a hash of the migration files, and creation runs under an advisory lock so that
// test binaries started in parallel do not race.
func ensureTemplate(ctx context.Context) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	name := "clearpost_tpl_" + hex.EncodeToString(h.Sum(nil))[:16]

	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w (is PostgreSQL running? `make deps` starts it)", redact(ServerURL()), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(7255001)"); err != nil {
		return "", err
	}
	defer admin.Exec(ctx, "SELECT pg_advisory_unlock(7255001)") //nolint:errcheck

	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s", name)); err != nil {
		return "", err
	}
	pool, err := postgres.Open(ctx, withDatabase(ServerURL(), name), 2)
	if err != nil {
		return "", err
	}
	m, err := postgres.NewMigrator(pool)
	if err == nil {
		err = m.Up(ctx, slog.New(slog.DiscardHandler))
		m.Close()
	}
	pool.Close()
	if err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s WITH is_template true", name)); err != nil {
		return "", err
	}
	return name, nil
}

func withDatabase(serverURL, db string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		panic(fmt.Sprintf("bad CLEARPOST_TEST_DATABASE_URL: %v", err))
	}
	u.Path = "/" + db
	return u.String()
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable url)"
	}
	return u.Redacted()
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%d_%s", time.Now().Unix()%100000, hex.EncodeToString(b[:]))
}
