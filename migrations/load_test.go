package migrations_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"clearpost/internal/postgres"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/seed"
	"clearpost/migrations"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// maxLockWait is the longest a request may wait on a lock while a migration applies (the README's
// "Rolling upgrades": no lock longer than a catalog change).
const maxLockWait = time.Second

// Every migration written for rolling upgrades (from migrations.FirstOnline on) applies to a large
// dataset while the previous release's reads and writes run, and no request waits on a lock for
// more than a second.
//
// The dataset is seeded at the schema just before the first online migration, the way an
// installation meets an upgrade: its rows are there before the migration runs. (Migrations before
// FirstOnline predate the rules: 13 rewrites the search documents under lock.) Should the seeder
// one day need a column a later migration adds, seed at that version instead and keep applying
// the rest under load. The scale dataset does not fill the outbox, which every write appends to
// and online migrations index (17), so the test adds a busy installation's worth of relayed rows.
//
// The load is the previous release's statements on the main tables: feed and post reads, post
// updates, board pins, outbox inserts and relays, audit-style reads, each on a connection with
// lock_timeout = 1s, so a statement that waits longer on a lock fails with lock_not_available.
// A sampler of pg_locks meanwhile records how long any session waited, for the log.
//
// By default the dataset is a tenth of seed.DefaultScale (about 10,000 posts), to keep `make test`
// quick; CLEARPOST_SCALE_TEST=1 (`make migrate-under-load`) uses the full scale dataset of the
// README's benchmarks (100,000 posts, 10,000 employees, 200 boards).
func TestOnlineMigrationsApplyUnderLoadWithoutLongLockWaits(t *testing.T) {
	t.Parallel()
	scale, outboxRows := seed.ScaleOptions{Posts: 10_000, Employees: 1_000, Boards: 100, Seed: 1}, 100_000
	if os.Getenv("CLEARPOST_SCALE_TEST") == "1" {
		scale, outboxRows = seed.DefaultScale, 1_000_000
	}
	ctx := context.Background()
	pool := emptyDatabase(t)
	db := stdlib.OpenDBFromPool(pool)
	t.Cleanup(func() { db.Close() })
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	before := int64(migrations.FirstOnline - 1)
	if _, err := provider.UpTo(ctx, before); err != nil {
		t.Fatalf("migrate to %d: %v", before, err)
	}

	start := time.Now()
	org, err := seed.Base(ctx, pool, "example", "https://idp.example.com", "clearpost")
	if err == nil {
		err = seed.Scale(ctx, pool, org, scale)
	}
	if err != nil {
		t.Fatalf("seed the scale dataset at migration %d: %v", before, err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO outbox (org_id, topic, payload, created_at, relayed_at)
		SELECT $1, 'post.approved', jsonb_build_object('post_id', gen_random_uuid()), now() - i * interval '1 second', now() - i * interval '1 second'
		FROM generate_series(1, $2) i`, org, outboxRows); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE outbox`); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d posts, %d employees, %d boards and %d outbox rows at migration %d in %s",
		scale.Posts, scale.Employees, scale.Boards, outboxRows, before, time.Since(start).Round(time.Millisecond))

	l := startLoad(t, pool, org)
	sampler := startLockSampler(t, pool, l.pids)
	l.waitEveryWorker(t, time.Now()) // the load under way before the first migration
	applied := 0
	for {
		res, err := provider.UpByOne(ctx)
		if errors.Is(err, goose.ErrNoNextVersion) {
			break
		}
		if err != nil {
			t.Fatalf("migrate up under load: %v", err)
		}
		t.Logf("applied %s under load in %s", res.Source.Path, res.Duration.Round(time.Millisecond))
		applied++
	}
	// Statements that were waiting on the last migration finish (or time out) before the load stops.
	l.waitEveryWorker(t, time.Now())
	stats := l.stop()
	longest := sampler.stop()

	if applied == 0 {
		t.Fatal("no migration applied under load")
	}
	if stats.statements < 100 {
		t.Errorf("only %d statements ran during the migrations: the load did not load", stats.statements)
	}
	t.Logf("load: %d statements, slowest %s (%s); longest lock wait sampled: %s",
		stats.statements, stats.slowest.Round(time.Millisecond), stats.slowestName, longest.Round(time.Millisecond))
	for name, n := range stats.lockTimeouts {
		t.Errorf("%s waited on a lock for more than %s %d times", name, maxLockWait, n)
	}
	for _, err := range stats.errors {
		t.Errorf("load statement failed: %v", err)
	}
	if longest > maxLockWait {
		t.Errorf("a session waited %s on a lock, want at most %s", longest, maxLockWait)
	}
}

// emptyDatabase creates a database with no migration applied, dropped when t ends.
func emptyDatabase(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pgtest.ServerURL())
	if err != nil {
		t.Fatalf("connect to the test server: %v", err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("clearpost_load_%d", rand.Uint64())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(pgtest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	pool, err := postgres.Open(ctx, u.String(), 16)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		a, err := pgx.Connect(ctx, pgtest.ServerURL())
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer a.Close(ctx)
		if _, err := a.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	return pool
}

// loadStatement is one of the previous release's statements, with its arguments drawn from the
// dataset.
type loadStatement struct {
	name string
	sql  string
	args func(r *rand.Rand, d *dataset) []any
}

// dataset is what the load picks its arguments from.
type dataset struct {
	org    uuid.UUID
	posts  []uuid.UUID
	boards []uuid.UUID
	users  []uuid.UUID
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

var loadStatements = []loadStatement{
	{"feed page", `SELECT i.post_id, p.title, i.pinned FROM board_items i JOIN posts p ON p.id = i.post_id
		WHERE i.board_id = $1 ORDER BY i.pinned DESC, i.position DESC LIMIT 20`,
		func(r *rand.Rand, d *dataset) []any { return []any{pick(r, d.boards)} }},
	{"post with its version", `SELECT p.title, p.state, v.content, v.content_hash FROM posts p
		JOIN post_versions v ON v.post_id = p.id AND v.number = p.current_version WHERE p.id = $1`,
		func(r *rand.Rand, d *dataset) []any { return []any{pick(r, d.posts)} }},
	{"user", `SELECT email, name, roles, department, region FROM users WHERE id = $1`,
		func(r *rand.Rand, d *dataset) []any { return []any{pick(r, d.users)} }},
	{"post update", `UPDATE posts SET updated_at = now() WHERE id = $1`,
		func(r *rand.Rand, d *dataset) []any { return []any{pick(r, d.posts)} }},
	{"board pin", `UPDATE board_items SET pinned = NOT pinned WHERE board_id = $1 AND post_id IN (
		SELECT post_id FROM board_items WHERE board_id = $1 ORDER BY position DESC LIMIT 1)`,
		func(r *rand.Rand, d *dataset) []any { return []any{pick(r, d.boards)} }},
	{"outbox insert", `INSERT INTO outbox (org_id, topic, payload) VALUES ($1, 'post.boards_changed', jsonb_build_object('post_ids', jsonb_build_array($2::text)))`,
		func(r *rand.Rand, d *dataset) []any { return []any{d.org, pick(r, d.posts)} }},
	{"outbox relay", `UPDATE outbox SET relayed_at = now() WHERE id IN (
		SELECT id FROM outbox WHERE relayed_at IS NULL ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)`,
		func(*rand.Rand, *dataset) []any { return nil }},
	{"outbox backlog", `SELECT count(*), min(created_at) FROM outbox WHERE relayed_at IS NULL`,
		func(*rand.Rand, *dataset) []any { return nil }},
}

type loadStats struct {
	statements   int
	slowest      time.Duration
	slowestName  string
	lockTimeouts map[string]int
	errors       []error
}

type load struct {
	pids      []uint32 // the load's backends
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	mu        sync.Mutex
	stats     loadStats
	lastBegun []time.Time // by worker: when its last finished statement began
}

// loadWorkers is how many connections run the load at once.
const loadWorkers = 4

// startLoad runs loadStatements in a loop on loadWorkers connections, each with lock_timeout set
// to maxLockWait, until stop.
func startLoad(t *testing.T, pool *pgxpool.Pool, org uuid.UUID) *load {
	t.Helper()
	ctx := context.Background()
	d := &dataset{org: org}
	for _, q := range []struct {
		dst *[]uuid.UUID
		sql string
	}{
		{&d.posts, `SELECT id FROM posts WHERE org_id = $1 ORDER BY random() LIMIT 2000`},
		{&d.boards, `SELECT id FROM boards WHERE org_id = $1`},
		{&d.users, `SELECT id FROM users WHERE org_id = $1 ORDER BY random() LIMIT 2000`},
	} {
		rows, err := pool.Query(ctx, q.sql, org)
		if err != nil {
			t.Fatal(err)
		}
		if *q.dst, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID]); err != nil || len(*q.dst) == 0 {
			t.Fatalf("%s: %d rows, %v", q.sql, len(*q.dst), err)
		}
	}
	runCtx, cancel := context.WithCancel(ctx)
	l := &load{cancel: cancel, stats: loadStats{lockTimeouts: map[string]int{}}, lastBegun: make([]time.Time, loadWorkers)}
	for w := range loadWorkers {
		conn, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, fmt.Sprintf("SET lock_timeout = '%dms'", maxLockWait.Milliseconds())); err != nil {
			t.Fatal(err)
		}
		l.pids = append(l.pids, conn.Conn().PgConn().PID())
		l.wg.Go(func() {
			defer conn.Release()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for runCtx.Err() == nil {
				s := pick(r, loadStatements)
				begin := time.Now()
				_, err := conn.Exec(runCtx, s.sql, s.args(r, d)...)
				l.record(w, s.name, begin, err, runCtx)
			}
		})
	}
	return l
}

func (l *load) record(worker int, name string, begin time.Time, err error, ctx context.Context) {
	took := time.Since(begin)
	l.mu.Lock()
	defer l.mu.Unlock()
	var pgErr *pgconn.PgError
	switch {
	case err != nil && ctx.Err() != nil:
		return // stopped mid-statement
	case errors.As(err, &pgErr) && pgErr.Code == "55P03": // lock_not_available: lock_timeout hit
		l.stats.lockTimeouts[name]++
	case err != nil:
		l.stats.errors = append(l.stats.errors, fmt.Errorf("%s: %w", name, err))
	}
	l.stats.statements++
	l.lastBegun[worker] = begin
	if took > l.stats.slowest {
		l.stats.slowest, l.stats.slowestName = took, name
	}
}

// waitEveryWorker returns once every worker has finished a statement it began after since.
func (l *load) waitEveryWorker(t *testing.T, since time.Time) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		l.mu.Lock()
		behind := 0
		for _, begun := range l.lastBegun {
			if !begun.After(since) {
				behind++
			}
		}
		l.mu.Unlock()
		if behind == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d load workers finished no statement begun in the 30 s since %s", behind, loadWorkers, since.Format(time.TimeOnly))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (l *load) stop() loadStats {
	l.cancel()
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}

// lockSampler polls pg_locks for the load's sessions waiting on a lock and keeps the longest wait
// seen.
type lockSampler struct {
	cancel  context.CancelFunc
	done    chan struct{}
	longest time.Duration
}

// Only the load's sessions count: a migration may wait (CREATE INDEX CONCURRENTLY waits for the
// transactions that started before it), as long as nobody waits for it.
func startLockSampler(t *testing.T, pool *pgxpool.Pool, pids []uint32) *lockSampler {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &lockSampler{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			var waited time.Duration
			// waitstart (PostgreSQL 14+) is when the session began waiting for this lock.
			err := pool.QueryRow(ctx, `SELECT coalesce(max(now() - waitstart), '0') FROM pg_locks
				WHERE NOT granted AND pid = ANY($1)`, pids).Scan(&waited)
			if err == nil {
				s.longest = max(s.longest, waited)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *lockSampler) stop() time.Duration {
	s.cancel()
	<-s.done
	return s.longest
}
