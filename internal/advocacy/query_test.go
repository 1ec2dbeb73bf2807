package advocacy_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"clearpost/internal/advocacy"
	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/jobs"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
)

// click counts n distinct visitors' clicks on a share at time at, through the click handler.
func (b bundle) click(t *testing.T, share uuid.UUID, n int, at time.Time) {
	t.Helper()
	h := advocacy.NewClickHandler(b.pool)
	for i := range n {
		visitor := make([]byte, 16)
		copy(visitor, fmt.Sprintf("v%d-%s", i, share)[:16])
		p, _ := json.Marshal(map[string]any{"share_id": share, "visitor": hex.EncodeToString(visitor), "at": at, "window": at.Truncate(30 * time.Minute)})
		if err := h.ProcessTask(context.Background(), asynq.NewTask(jobs.TypeShareClick, p)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLeaderboard(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(false))
	alice := mustUser(t, b.pool, b.org, "alice@acme.test", "Alice", auth.RoleEmployee)
	bob := mustUser(t, b.pool, b.org, "bob@acme.test", "Bob", auth.RoleEmployee)
	carol := mustUser(t, b.pool, b.org, "carol@acme.test", "Carol", auth.RoleEmployee)
	other := b.approvedPost(t, sharedContent(false))
	share := func(p *auth.Principal, post uuid.UUID, network string) uuid.UUID {
		t.Helper()
		sh, err := b.svc.Share(as(p), advocacy.ShareInput{PostID: post, Network: network})
		if err != nil {
			t.Fatal(err)
		}
		return sh.ID
	}
	now := time.Now()
	// Bob: 2 shares (one post to two networks) and 3 clicks = 23; sharing the post to a network
	// again scores nothing. Alice: the same = 23 (before Bob by name). Carol: 1 share and 15
	// clicks = 25.
	bob1, _, _ := share(bob, post, "linkedin"), share(bob, post, "x"), share(bob, post, "linkedin")
	b.click(t, bob1, 3, now)
	alice1, _, _ := share(alice, post, "linkedin"), share(alice, post, "x"), share(alice, post, "x")
	b.click(t, alice1, 3, now)
	carol1 := share(carol, post, "linkedin")
	b.click(t, carol1, 15, now)
	// Out of the period: a share of Carol's 40 days ago and clicks on it then; clicks of last month
	// on Alice's share.
	old := share(carol, other, "linkedin")
	if _, err := b.pool.Exec(context.Background(), `UPDATE shares SET shared_at = now() - interval '40 days' WHERE id = $1`, old); err != nil {
		t.Fatal(err)
	}
	b.click(t, old, 50, now.AddDate(0, 0, -40))
	b.click(t, alice1, 7, now.AddDate(0, 0, -40))
	// Shares that did not go out score nothing.
	if _, err := b.svc.ConnectAccount(as(b.employee), "x", "tok", "@emma"); err != nil {
		t.Fatal(err)
	}
	at := now.Add(time.Hour)
	if _, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "x", ScheduleAt: &at}); err != nil {
		t.Fatal(err)
	}

	board, err := b.svc.Leaderboard(as(b.employee), now.AddDate(0, 0, -30), now.Add(time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name                   string
		Rank                   int
		Shares, Clicks, Points int64
	}
	var got []row
	for _, e := range board {
		got = append(got, row{e.Name, e.Rank, e.Shares, e.Clicks, e.Points})
	}
	want := []row{{"Carol", 1, 1, 15, 25}, {"Alice", 2, 2, 3, 23}, {"Bob", 3, 2, 3, 23}}
	if !slices.Equal(got, want) {
		t.Fatalf("leaderboard\n got %+v\nwant %+v", got, want)
	}
	if top, err := b.svc.Leaderboard(as(b.employee), now.AddDate(0, 0, -30), now.Add(time.Minute), 1); err != nil || len(top) != 1 || top[0].UserID != carol.UserID {
		t.Fatalf("top 1: %+v, %v", top, err)
	}
	// Each employee's own entry, wherever they rank: Bob is third even when only the top one is
	// listed; an employee whose only share has not gone out has none.
	mine, err := b.svc.MyLeaderboardEntry(as(bob), now.AddDate(0, 0, -30), now.Add(time.Minute))
	if err != nil || mine == nil || (row{mine.Name, mine.Rank, mine.Shares, mine.Clicks, mine.Points} != row{"Bob", 3, 2, 3, 23}) {
		t.Fatalf("Bob's own entry: %+v, %v", mine, err)
	}
	if mine, err := b.svc.MyLeaderboardEntry(as(b.employee), now.AddDate(0, 0, -30), now.Add(time.Minute)); err != nil || mine != nil {
		t.Fatalf("the entry of an employee without points: %+v, %v", mine, err)
	}
	if mine, err := b.svc.MyLeaderboardEntry(as(alice), now.AddDate(0, 0, -41), now.AddDate(0, 0, -39)); err != nil || mine == nil || mine.Rank != 2 || mine.Points != 7 {
		t.Fatalf("Alice's own entry over the older period: %+v, %v", mine, err)
	}
	_, err = b.svc.MyLeaderboardEntry(as(bob), now, now.Add(-time.Hour))
	mustCode(t, err, apperr.Invalid, "to")
	// Over the older period, Carol's old share and its clicks count, and Alice's old clicks.
	older, err := b.svc.Leaderboard(as(b.employee), now.AddDate(0, 0, -41), now.AddDate(0, 0, -39), 10)
	if err != nil || len(older) != 2 || older[0].Points != 60 || older[1].Points != 7 || older[1].UserID != alice.UserID {
		t.Fatalf("older period: %+v, %v", older, err)
	}
	_, err = b.svc.Leaderboard(as(b.employee), now, now.Add(-time.Hour), 10)
	mustCode(t, err, apperr.Invalid, "to")
}

func TestArchiveAdminsOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(true))
	other := mustUser(t, b.pool, b.org, "other@acme.test", "Otto", auth.RoleEmployee)
	var ids []uuid.UUID
	// One share per post, network and employee: the employee's second share goes to facebook.
	for i, p := range []*auth.Principal{b.employee, other, b.employee} {
		network := []string{"linkedin", "linkedin", "facebook"}[i]
		sh, err := b.svc.Share(as(p), advocacy.ShareInput{PostID: post, Network: network, Text: fmt.Sprintf("text %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sh.ID)
	}
	if _, err := b.svc.ConnectAccount(as(b.employee), "x", "tok", "@emma"); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Hour)
	if _, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "x", ScheduleAt: &at}); err != nil {
		t.Fatal(err)
	}

	for _, p := range []*auth.Principal{b.employee, b.marketer} {
		_, err := b.svc.Archive(as(p), advocacy.ArchiveFilter{}, nil, 10)
		mustCode(t, err, apperr.Forbidden, "")
	}
	all, err := b.svc.Archive(as(b.admin), advocacy.ArchiveFilter{}, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 { // the scheduled share has not gone out
		t.Fatalf("%d archived shares, want 3", len(all))
	}
	first := all[0]
	if first.ID != ids[2] || first.Text != "text 2" || first.ContentHash != sharedContent(true).Hash() || first.PostID != post ||
		first.VersionID == uuid.Nil || first.SharedAt == nil || first.Network != advocacy.Facebook {
		t.Fatalf("archived share %+v", first)
	}
	// Keyset pages, and the filters.
	page1, err := b.svc.Archive(as(b.admin), advocacy.ArchiveFilter{}, nil, 2)
	if err != nil || len(page1) != 2 {
		t.Fatalf("page 1: %d, %v", len(page1), err)
	}
	last := page1[1]
	page2, err := b.svc.Archive(as(b.admin), advocacy.ArchiveFilter{}, &advocacy.ArchiveCursor{SharedAt: *last.SharedAt, ID: last.ID}, 2)
	if err != nil || len(page2) != 1 || page2[0].ID != ids[0] {
		t.Fatalf("page 2: %+v, %v", page2, err)
	}
	mine, err := b.svc.Archive(as(b.admin), advocacy.ArchiveFilter{UserID: &other.UserID}, nil, 10)
	if err != nil || len(mine) != 1 || mine[0].ID != ids[1] {
		t.Fatalf("filtered by user: %+v, %v", mine, err)
	}
	future := time.Now().Add(time.Hour)
	if none, err := b.svc.Archive(as(b.admin), advocacy.ArchiveFilter{From: &future}, nil, 10); err != nil || len(none) != 0 {
		t.Fatalf("filtered by time: %d, %v", len(none), err)
	}
	past := time.Now().Add(-time.Hour)
	_, err = b.svc.Archive(as(b.admin), advocacy.ArchiveFilter{From: &future, To: &past}, nil, 10)
	mustCode(t, err, apperr.Invalid, "filter.to")
}

func TestMyShares(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(false))
	var ids []uuid.UUID
	for _, network := range []string{"linkedin", "x", "email"} {
		sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: network})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sh.ID)
	}
	if _, err := b.svc.Share(as(b.marketer), advocacy.ShareInput{PostID: post, Network: "x"}); err != nil {
		t.Fatal(err)
	}
	var got []uuid.UUID
	var after *advocacy.ShareCursor
	for {
		page, err := b.svc.MyShares(as(b.employee), after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range page {
			got = append(got, sh.ID)
			if sh.UserID != b.employee.UserID || sh.IntentURL == "" {
				t.Fatalf("share %+v", sh)
			}
			if sh.Network == advocacy.Email && sh.IntentURL[:len("mailto:?subject=Spring%20launch")] != "mailto:?subject=Spring%20launch" {
				t.Fatalf("e-mail intent %s", sh.IntentURL)
			}
		}
		if len(page) < 2 {
			break
		}
		last := page[len(page)-1]
		after = &advocacy.ShareCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	slices.Reverse(ids)
	if !slices.Equal(got, ids) {
		t.Fatalf("my shares %v, want newest first %v", got, ids)
	}
	counts, err := b.svc.Counts(as(b.employee), []uuid.UUID{post, uuid.New()})
	if err != nil || len(counts) != 2 || counts[post].Shares != 4 {
		t.Fatalf("counts %+v, %v", counts, err)
	}

	// The employee's totals: their three shares and the clicks on their links only; a scheduled
	// share has not gone out.
	b.click(t, ids[0], 4, time.Now())
	b.click(t, ids[1], 1, time.Now())
	other, err := b.svc.Share(as(b.marketer), advocacy.ShareInput{PostID: post, Network: "linkedin"})
	if err != nil {
		t.Fatal(err)
	}
	b.click(t, other.ID, 9, time.Now())
	if _, err := b.svc.ConnectAccount(as(b.employee), "x", "tok", "@emma"); err != nil {
		t.Fatal(err)
	}
	later := b.approvedPost(t, sharedContent(false))
	at := time.Now().Add(time.Hour)
	if _, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: later, Network: "x", ScheduleAt: &at}); err != nil {
		t.Fatal(err)
	}
	totals, err := b.svc.MyTotals(as(b.employee))
	if err != nil || totals != (advocacy.Counts{Shares: 3, Clicks: 5}) {
		t.Fatalf("my totals %+v, %v; want 3 shares, 5 clicks", totals, err)
	}
	if totals, err := b.svc.MyTotals(as(b.marketer)); err != nil || totals != (advocacy.Counts{Shares: 2, Clicks: 9}) {
		t.Fatalf("the marketer's totals %+v, %v; want 2 shares, 9 clicks", totals, err)
	}
}
