package advocacy_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"clearpost/internal/advocacy"
	"clearpost/internal/jobs"

	"github.com/jackc/pgx/v5/pgxpool"
)

// refuseOutbox makes PostgreSQL refuse every write to the outbox until the returned function is
// called; refusals counts the statements refused so far (a sequence: it survives their rollback).
func refuseOutbox(t *testing.T, pool *pgxpool.Pool) (refusals func() int, allow func()) {
	t.Helper()
	ctx := context.Background()
	for _, sql := range []string{
		`CREATE SEQUENCE outbox_refusals`,
		`CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			PERFORM nextval('outbox_refusals');
			RAISE EXCEPTION 'the outbox refuses writes';
		END $$`,
		`CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION refuse_outbox()`,
	} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	refusals = func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM outbox_refusals`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	allow = func() {
		if _, err := pool.Exec(ctx, `DROP TRIGGER refuse_outbox ON outbox`); err != nil {
			t.Fatal(err)
		}
	}
	return refusals, allow
}

func (b bundle) outboxClicks(t *testing.T) int {
	t.Helper()
	return b.count(t, `SELECT count(*) FROM outbox WHERE topic = $1`, jobs.TopicShareClicked)
}

// While PostgreSQL refuses the outbox, clicks stay in memory and the write is retried; once it
// takes them again every click is written, once, and counted.
func TestClicksWaitWhileTheOutboxRefusesThem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sh := b.employeeShare(t)
	ls := newLinkServer(t, b.pool)
	refusals, allow := refuseOutbox(t, b.pool)

	addrs := []string{"192.0.2.1:1000", "192.0.2.2:1000", "192.0.2.3:1000"}
	for _, addr := range addrs {
		clickFrom(t, ls.redirect, sh.Code, addr, browserUA)
	}
	// Refused twice: the first write and a retry.
	eventually(t, 10*time.Second, "two refused writes", func() bool { return refusals() >= 2 })
	if n, held := b.outboxClicks(t), advocacy.Buffered(ls.redirect); n != 0 || held != len(addrs) {
		t.Fatalf("while refused: %d clicks in the outbox, %d in memory; want 0 and %d", n, held, len(addrs))
	}

	allow()
	waitWritten(t, ls.redirect)
	if n := b.outboxClicks(t); n != len(addrs) {
		t.Fatalf("%d clicks in the outbox, want %d", n, len(addrs))
	}
	runClicks(t, ls, advocacy.NewClickHandler(b.pool))
	if n := b.count(t, `SELECT clicks FROM shares WHERE id = $1`, sh.ID); n != len(addrs) {
		t.Fatalf("%d clicks counted, want %d", n, len(addrs))
	}
}

// Close writes what is buffered; a click after Close, or past the buffer's bound, still redirects
// but is dropped, and told to Dropped.
func TestCloseWritesBufferedClicks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sh := b.employeeShare(t)
	var dropped atomic.Int64
	// The flusher never writes on its own: only Close does.
	rd := newRedirector(t, b.pool, advocacy.RedirectOptions{FlushEvery: time.Hour, Wait: -1, Buffer: 3, Dropped: func() { dropped.Add(1) }})
	for i, addr := range []string{"192.0.2.1:1000", "192.0.2.2:1000", "192.0.2.3:1000", "192.0.2.4:1000"} {
		clickFrom(t, rd, sh.Code, addr, browserUA)
		if want := int64(max(0, i-2)); dropped.Load() != want {
			t.Fatalf("after %d clicks into a buffer of 3, %d dropped, want %d", i+1, dropped.Load(), want)
		}
	}
	if n, held := b.outboxClicks(t), advocacy.Buffered(rd); n != 0 || held != 3 {
		t.Fatalf("before Close: %d clicks in the outbox, %d in memory; want 0 and 3", n, held)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rd.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := b.outboxClicks(t); n != 3 {
		t.Fatalf("after Close: %d clicks in the outbox, want 3", n)
	}
	clickFrom(t, rd, sh.Code, "192.0.2.5:1000", browserUA)
	if n := b.outboxClicks(t); n != 3 || dropped.Load() != 2 {
		t.Fatalf("a click after Close: %d clicks in the outbox, %d dropped; want 3 and 2", n, dropped.Load())
	}
	if err := rd.Close(ctx); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
}

// While PostgreSQL refuses the outbox, Close retries until its context ends and says how many
// clicks were lost.
func TestCloseReportsClicksTheOutboxRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sh := b.employeeShare(t)
	rd := newRedirector(t, b.pool, advocacy.RedirectOptions{FlushEvery: time.Hour, Wait: -1})
	clickFrom(t, rd, sh.Code, "192.0.2.1:1000", browserUA)
	refusals, _ := refuseOutbox(t, b.pool)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err := rd.Close(ctx)
	if err == nil || !strings.Contains(err.Error(), "1 clicks not written") {
		t.Fatalf("Close = %v, want 1 click not written", err)
	}
	if refusals() < 2 {
		t.Fatalf("Close tried to write %d times, want retries", refusals())
	}
}

// A redirect is answered once its click is in the outbox, written with the clicks of the moment,
// not at the flusher's next tick: a process killed right after the answer has lost no click.
func TestARedirectAnsweredIsAClickWritten(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sh := b.employeeShare(t)
	rd := newRedirector(t, b.pool, advocacy.RedirectOptions{FlushEvery: time.Hour}) // no tick in the test's time
	for i, addr := range []string{"192.0.2.1:1000", "192.0.2.2:1000"} {
		clickFrom(t, rd, sh.Code, addr, browserUA)
		if n, held := b.outboxClicks(t), advocacy.Buffered(rd); n != i+1 || held != 0 {
			t.Fatalf("after redirect %d: %d clicks in the outbox, %d in memory; want %d and 0", i+1, n, held, i+1)
		}
	}
}
