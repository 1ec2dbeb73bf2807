package advocacy_test

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"clearpost/internal/advocacy"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/migrations"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// Sharing a post to a network again returns the share already made: one row, one tracked link,
// one share on the leaderboard, whatever text the repeat asks for.
func TestReshareReturnsTheShare(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(true))
	ctx := as(b.employee)
	first, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "linkedin"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 14 {
		in := advocacy.ShareInput{PostID: post, Network: "LinkedIn"}
		if i%2 == 1 {
			in.Text = fmt.Sprintf("My own words, take %d", i) // an edit on a repeat changes nothing
		}
		again, err := b.svc.Share(ctx, in)
		if err != nil {
			t.Fatalf("share %d: %v", i+2, err)
		}
		if again.ID != first.ID || again.Code != first.Code || again.TrackedURL != first.TrackedURL ||
			again.Text != first.Text || again.Edited || again.IntentURL != first.IntentURL {
			t.Fatalf("share %d is not the first share:\n%+v\n%+v", i+2, again, first)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM shares WHERE post_id = $1`, post); n != 1 {
		t.Fatalf("%d share rows after 15 shares, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'share.created'`); n != 1 {
		t.Fatalf("%d share.created events, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM outbox WHERE topic = $1`, jobs.TopicShareCreated); n != 1 {
		t.Fatalf("%d share.created outbox rows, want 1", n)
	}
	counts, err := b.svc.Counts(ctx, []uuid.UUID{post})
	if err != nil || counts[post].Shares != 1 {
		t.Fatalf("counts %+v, %v", counts[post], err)
	}
	board, err := b.svc.Leaderboard(ctx, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), 10)
	if err != nil || len(board) != 1 || board[0].Shares != 1 || board[0].Points != advocacy.PointsPerShare {
		t.Fatalf("leaderboard %+v, %v", board, err)
	}

	// Another network is another share; so is another employee's share.
	x, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "x"})
	if err != nil || x.ID == first.ID {
		t.Fatalf("share to x: %+v, %v", x, err)
	}
	other := mustUser(t, b.pool, b.org, "other@acme.test", "Otto Other", auth.RoleEmployee)
	if o, err := b.svc.Share(as(other), advocacy.ShareInput{PostID: post, Network: "linkedin"}); err != nil || o.ID == first.ID {
		t.Fatalf("another employee's share: %+v, %v", o, err)
	}
}

// A share that did not go out and never will (canceled) does not stand in the way of a new one.
func TestReshareAfterCancel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sh, post := b.scheduled(t)
	at := time.Now().Add(2 * time.Hour)
	again, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "x", ScheduleAt: &at})
	if err != nil || again.ID != sh.ID || !again.ScheduleAt.Equal(*sh.ScheduleAt) {
		t.Fatalf("a repeat of a scheduled share: %+v, %v", again, err)
	}
	if _, err := b.svc.Cancel(as(b.employee), sh.ID); err != nil {
		t.Fatal(err)
	}
	fresh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "x", ScheduleAt: &at})
	if err != nil || fresh.ID == sh.ID || fresh.Status != advocacy.StatusScheduled {
		t.Fatalf("share after cancel: %+v, %v", fresh, err)
	}
}

// Concurrent shares of one post to one network by one employee make one share, which every
// caller gets.
func TestConcurrentSharesMakeOne(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(false))
	const n = 12
	ids := make([]uuid.UUID, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "facebook"})
			errs[i] = err
			if err == nil {
				ids[i] = sh.ID
			}
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("share %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("share %d is %s, share 0 is %s", i, ids[i], ids[0])
		}
	}
	if c := b.count(t, `SELECT count(*) FROM shares WHERE post_id = $1`, post); c != 1 {
		t.Fatalf("%d share rows, want 1", c)
	}
}

// clickFrom follows a tracked link from addr with user agent ua, as the redirect handler rd sees it.
func clickFrom(t *testing.T, rd http.Handler, code, addr, ua string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/s/"+code, nil)
	req.SetPathValue("code", code)
	req.RemoteAddr = addr
	req.Header.Set("User-Agent", ua)
	w := httptest.NewRecorder()
	rd.ServeHTTP(w, req)
	if w.Code != http.StatusFound {
		t.Fatalf("click from %s: %d", addr, w.Code)
	}
}

// The visitor is the address (keyed, never stored), not the user agent: 30 browsers from one
// address are one visitor, two addresses two.
func TestClickVisitorIsTheAddress(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(false))
	sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "linkedin"})
	if err != nil {
		t.Fatal(err)
	}
	ls := newLinkServer(t, b.pool)
	h := advocacy.NewClickHandler(b.pool)
	clicks := func() int {
		return b.count(t, `SELECT clicks FROM shares WHERE id = $1`, sh.ID)
	}
	for i := range 30 {
		ua := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" +
			strconv.Itoa(100+i) + ".0.0.0 Safari/537.36"
		clickFrom(t, ls.redirect, sh.Code, "198.51.100.7:"+strconv.Itoa(40000+i), ua)
	}
	runClicks(t, ls, h)
	if got := clicks(); got != 1 {
		t.Fatalf("30 user agents from one address counted %d visitors, want 1", got)
	}
	clickFrom(t, ls.redirect, sh.Code, "198.51.100.8:40000", browserUA)
	runClicks(t, ls, h)
	if got := clicks(); got != 2 {
		t.Fatalf("two addresses counted %d visitors, want 2", got)
	}
	// An IPv6 device picks addresses within its /64 at will: one visitor. Another /64 is another.
	clickFrom(t, ls.redirect, sh.Code, "[2001:db8:1:2::1]:443", browserUA)
	clickFrom(t, ls.redirect, sh.Code, "[2001:db8:1:2:a:b:c:d]:443", browserUA+" Edg/126.0")
	clickFrom(t, ls.redirect, sh.Code, "[::ffff:198.51.100.8]:443", browserUA) // the IPv4 visitor again
	runClicks(t, ls, h)
	if got := clicks(); got != 3 {
		t.Fatalf("clicks = %d after one more /64, want 3", got)
	}
	clickFrom(t, ls.redirect, sh.Code, "[2001:db8:1:3::1]:443", browserUA)
	runClicks(t, ls, h)
	if got := clicks(); got != 4 {
		t.Fatalf("clicks = %d after another /64, want 4", got)
	}
	board, err := b.svc.Leaderboard(as(b.employee), time.Now().Add(-time.Hour), time.Now().Add(time.Hour), 10)
	if err != nil || len(board) != 1 || board[0].Clicks != 4 || board[0].Shares != 1 {
		t.Fatalf("leaderboard %+v, %v", board, err)
	}
}

// migrationVersion is the version of the migration file named *_suffix.
func migrationVersion(t *testing.T, suffix string) int64 {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*_"+suffix)
	if err != nil || len(names) != 1 {
		t.Fatalf("migration *_%s: %v %v", suffix, names, err)
	}
	v, err := strconv.ParseInt(strings.SplitN(names[0], "_", 2)[0], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Shares repeated before shares were unique: the migration keeps the oldest live share of each
// employee, post and network, marks the others as its repeats, moves their clicks to it, cancels
// the repeats still waiting to go out, and the repeats' links count on the share kept.
func TestMigrationMergesRepeatedShares(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	version := migrationVersion(t, "one_share_per_network.sql")
	db := stdlib.OpenDBFromPool(b.pool)
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.DownTo(ctx, version-1); err != nil {
		t.Fatalf("migrate down to %d: %v", version-1, err)
	}

	post, v := mustPost(t, b.pool, b.org, b.marketer.UserID, content.StateApproved, sharedContent(false))
	mustBoard(t, b.pool, b.org, b.marketer.UserID, nil, post)
	base := time.Now().Add(-time.Hour)
	insert := func(network, status string, age int, clicks int) uuid.UUID {
		t.Helper()
		var id uuid.UUID
		err := b.pool.QueryRow(ctx, `INSERT INTO shares (org_id, user_id, post_id, version_id, content_hash, network, text,
				status, code, destination, schedule_at, shared_at, created_at, clicks)
			VALUES ($1, $2, $3, $4, 'h', $5, 'text', $6, substr(md5(random()::text), 1, 10), 'https://example.com/launch',
				CASE WHEN $6 = 'SCHEDULED' THEN now() + interval '1 day' END,
				CASE WHEN $6 IN ('OPENED', 'PUBLISHED') THEN $7::timestamptz END, $7, $8) RETURNING id`,
			b.org, b.employee.UserID, post, v, network, status, base.Add(time.Duration(age)*time.Minute), clicks).Scan(&id)
		if err != nil {
			t.Fatalf("insert share: %v", err)
		}
		return id
	}
	canceled := insert("linkedin", "CANCELED", 0, 0) // older, but never went out: not kept
	kept := insert("linkedin", "OPENED", 1, 1)
	dup1 := insert("linkedin", "OPENED", 2, 2)
	dup2 := insert("linkedin", "PUBLISHED", 3, 0)
	waiting := insert("linkedin", "SCHEDULED", 4, 0)
	x := insert("x", "OPENED", 5, 0)
	visitor := func(n byte) []byte { return []byte{n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15} }
	window := base.Truncate(30 * time.Minute)
	for _, c := range []struct {
		share uuid.UUID
		v     byte
	}{{kept, 1}, {dup1, 1}, {dup1, 2}} { // visitor 1 clicked the kept share and a repeat: counts once
		if _, err := b.pool.Exec(ctx, `INSERT INTO share_clicks (share_id, org_id, user_id, visitor, window_start, clicked_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, c.share, b.org, b.employee.UserID, visitor(c.v), window); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := provider.UpTo(ctx, version); err != nil {
		t.Fatalf("migrate up to %d: %v", version, err)
	}
	type row struct {
		dupOf  uuid.NullUUID
		status string
		clicks int
	}
	get := func(id uuid.UUID) row {
		var r row
		if err := b.pool.QueryRow(ctx, `SELECT duplicate_of, status, clicks FROM shares WHERE id = $1`, id).Scan(&r.dupOf, &r.status, &r.clicks); err != nil {
			t.Fatal(err)
		}
		return r
	}
	is := func(id uuid.UUID) uuid.NullUUID { return uuid.NullUUID{UUID: id, Valid: true} }
	for name, c := range map[string]struct {
		id   uuid.UUID
		want row
	}{
		"canceled": {canceled, row{status: "CANCELED"}},
		"kept":     {kept, row{status: "OPENED", clicks: 2}},
		"dup1":     {dup1, row{dupOf: is(kept), status: "OPENED"}},
		"dup2":     {dup2, row{dupOf: is(kept), status: "PUBLISHED"}},
		"waiting":  {waiting, row{dupOf: is(kept), status: "CANCELED"}},
		"x":        {x, row{status: "OPENED"}},
	} {
		if got := get(c.id); got != c.want {
			t.Errorf("%s: %+v, want %+v", name, got, c.want)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM share_clicks WHERE share_id = $1`, kept); n != 2 {
		t.Errorf("%d click rows on the kept share, want 2", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'share.canceled' AND subject_id = $1`, waiting.String()); n != 1 {
		t.Errorf("the canceled repeat was not audited")
	}
	counts, err := b.svc.Counts(as(b.employee), []uuid.UUID{post})
	if err != nil || counts[post] != (advocacy.Counts{Shares: 2, Clicks: 2}) {
		t.Errorf("counts %+v, %v; want 2 shares (linkedin, x), 2 clicks", counts[post], err)
	}
	board, err := b.svc.Leaderboard(as(b.employee), base.Add(-time.Hour), time.Now().Add(time.Hour), 10)
	if err != nil || len(board) != 1 || board[0].Shares != 2 || board[0].Clicks != 2 {
		t.Errorf("leaderboard %+v, %v", board, err)
	}
	// A share now returns the kept one; the database refuses a second live one.
	sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "linkedin"})
	if err != nil || sh.ID != kept {
		t.Fatalf("share after the migration: %+v, %v; want the kept share %s", sh, err, kept)
	}
	if _, err := b.pool.Exec(ctx, `INSERT INTO shares (org_id, user_id, post_id, version_id, content_hash, network, text, status, shared_at)
		VALUES ($1, $2, $3, $4, 'h', 'linkedin', 'text', 'OPENED', now())`, b.org, b.employee.UserID, post, v); err == nil ||
		!strings.Contains(err.Error(), "shares_one_per_network") {
		t.Fatalf("a second live share was stored: %v", err)
	}
	// A repeat's tracked link still leads on, and its clicks count on the share kept.
	var code string
	if err := b.pool.QueryRow(ctx, `SELECT code FROM shares WHERE id = $1`, dup1).Scan(&code); err != nil {
		t.Fatal(err)
	}
	// Clicks go through the outbox as the current schema has it.
	if _, err := provider.Up(ctx); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	ls := newLinkServer(t, b.pool)
	clickFrom(t, ls.redirect, code, "203.0.113.9:5000", browserUA)
	runClicks(t, ls, advocacy.NewClickHandler(b.pool))
	if got := get(kept).clicks; got != 3 {
		t.Fatalf("kept share has %d clicks after a click on a repeat's link, want 3", got)
	}
}
