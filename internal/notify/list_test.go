package notify_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/notify"

	"github.com/google/uuid"
)

// mustNotification inserts a listed notification of u created at t, in its own transaction (as
// another process would).
func mustNotification(tb testing.TB, b *bundle, u *user, title string, at time.Time) uuid.UUID {
	tb.Helper()
	var id uuid.UUID
	if err := b.pool.QueryRow(context.Background(), `INSERT INTO notifications (org_id, user_id, kind, event_key, title, created_at)
		VALUES ($1, $2, 'POST_APPROVED', $3, $4, $5) RETURNING id`, u.p.OrgID, u.id, uuid.NewString(), title, at).Scan(&id); err != nil {
		tb.Fatal(err)
	}
	return id
}

// TestListPagesAndMarksRead: the caller's notifications page newest first without gaps or
// repeats; marking read touches only the caller's own (others' ids are ignored silently).
func TestListPagesAndMarksRead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ann := mustUser(t, b.pool, b.org, "Ann", marketer)
	bob := mustUser(t, b.pool, b.org, "Bob", reviewer)
	base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	var annIDs []uuid.UUID // oldest first
	for i := range 5 {
		// Two share a creation time: the id breaks the tie.
		at := base.Add(time.Duration(min(i, 3)) * time.Minute)
		annIDs = append(annIDs, mustNotification(t, b, ann, "ann", at))
	}
	bobID := mustNotification(t, b, bob, "bob", base)

	var got []uuid.UUID
	var after *notify.Cursor
	pages := 0
	for {
		page, more, err := b.svc.List(ann.ctx(), false, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, n := range page {
			if n.UserID != ann.id {
				t.Fatalf("Ann's list has %s's notification", n.UserID)
			}
			got = append(got, n.ID)
		}
		if !more {
			break
		}
		c := page[len(page)-1].Cursor()
		after = &c
	}
	if pages != 3 || len(got) != 5 {
		t.Fatalf("%d pages, %d notifications; want 3 and 5", pages, len(got))
	}
	seen := map[uuid.UUID]bool{}
	all, _, err := b.svc.List(ann.ctx(), false, nil, notify.MaxPage)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range all {
		if n.ID != got[i] {
			t.Fatalf("paged order differs from one page at %d", i)
		}
		if i > 0 && n.CreatedAt.After(all[i-1].CreatedAt) {
			t.Fatal("not newest first")
		}
		seen[n.ID] = true
	}
	// Newest first; the two created at the same time in descending id order.
	want := []uuid.UUID{annIDs[4], annIDs[3], annIDs[2], annIDs[1], annIDs[0]}
	if bytes.Compare(annIDs[3][:], annIDs[4][:]) > 0 {
		want[0], want[1] = annIDs[3], annIDs[4]
	}
	if len(seen) != 5 || !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}

	if n, err := b.svc.UnreadCount(ann.ctx()); err != nil || n != 5 {
		t.Fatalf("unread %d (%v), want 5", n, err)
	}
	marked, err := b.svc.MarkRead(ann.ctx(), []uuid.UUID{annIDs[0], annIDs[1], bobID, uuid.New()})
	if err != nil || marked != 2 {
		t.Fatalf("marked %d (%v), want 2: Bob's and unknown ids are ignored", marked, err)
	}
	if n, _ := b.svc.UnreadCount(bob.ctx()); n != 1 {
		t.Fatalf("Bob's notification was marked read by Ann")
	}
	again, err := b.svc.MarkRead(ann.ctx(), []uuid.UUID{annIDs[0]})
	if err != nil || again != 0 {
		t.Fatalf("marking a read notification again: %d %v", again, err)
	}
	unread, _, err := b.svc.List(ann.ctx(), true, nil, 10)
	if err != nil || len(unread) != 3 {
		t.Fatalf("unread list: %d (%v), want 3", len(unread), err)
	}
	for _, n := range unread {
		if n.ID == annIDs[0] || n.ID == annIDs[1] || n.ReadAt != nil {
			t.Fatalf("read notification in the unread list: %+v", n)
		}
	}
	if n, err := b.svc.MarkAllRead(ann.ctx()); err != nil || n != 3 {
		t.Fatalf("mark all read: %d %v, want 3", n, err)
	}
	if n, _ := b.svc.UnreadCount(ann.ctx()); n != 0 {
		t.Fatalf("unread %d after marking all read", n)
	}
	if n, _ := b.svc.UnreadCount(bob.ctx()); n != 1 {
		t.Fatal("Ann's mark-all-read touched Bob's")
	}
	if n, err := b.svc.Get(ann.ctx(), annIDs[2]); err != nil || n.ReadAt == nil {
		t.Fatalf("get: %+v %v", n, err)
	}
	_, err = b.svc.Get(ann.ctx(), bobID)
	wantCode(t, err, apperr.NotFound)

	// Bad input and no caller.
	_, _, err = b.svc.List(ann.ctx(), false, nil, 0)
	wantField(t, err, "first")
	_, _, err = b.svc.List(ann.ctx(), false, nil, notify.MaxPage+1)
	wantField(t, err, "first")
	_, err = b.svc.MarkRead(ann.ctx(), make([]uuid.UUID, notify.MaxMarkRead+1))
	wantField(t, err, "ids")
	_, err = b.svc.UnreadCount(context.Background())
	wantCode(t, err, apperr.Unauthenticated)
}
