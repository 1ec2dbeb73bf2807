package audit_test

import (
	"context"
	"errors"
	"testing"

	"clearpost/internal/apperr"
	"clearpost/internal/audit"

	"github.com/google/uuid"
)

func TestListEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	org, other := MustOrg(t, b.pool, "list"), MustOrg(t, b.pool, "other")
	aliceID := uuid.New()
	alice := &aliceID
	for i := range 25 {
		e := audit.Event{OrgID: org, Action: "post.edited", SubjectType: "post", SubjectID: "p1"}
		switch {
		case i%5 == 0:
			e.SubjectID = "p2"
		case i%5 == 1:
			e.Action = "decision.approved"
			e.ActorID = uuid.NullUUID{UUID: aliceID, Valid: true}
		case i%5 == 2:
			e.SubjectType, e.SubjectID = "workflow", "p1"
		}
		if err := audit.Record(ctx, b.pool, e); err != nil {
			t.Fatal(err)
		}
	}
	MustRecord(t, b.pool, other, 3)
	if _, err := b.sealer.SealOrg(ctx, org); err != nil {
		t.Fatal(err)
	}

	// Page through everything, newest first.
	var all []*audit.StoredEvent
	var after *audit.EventCursor
	for pages := 0; ; pages++ {
		page, err := audit.ListEvents(ctx, b.pool, org, audit.EventFilter{}, after, 10)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if len(page) < 10 {
			if pages != 2 || len(page) != 5 {
				t.Fatalf("last page %d has %d events", pages, len(page))
			}
			break
		}
		after = &audit.EventCursor{ID: page[len(page)-1].ID}
	}
	if len(all) != 25 {
		t.Fatalf("%d events, want 25", len(all))
	}
	for i, e := range all {
		if e.OrgID != org {
			t.Fatalf("event %d of org %s", e.ID, e.OrgID)
		}
		if i > 0 && e.ID >= all[i-1].ID {
			t.Fatalf("not newest first: %d after %d", e.ID, all[i-1].ID)
		}
		if e.Seq == nil || len(e.Hash) != audit.HashSize {
			t.Fatalf("event %d not shown sealed: seq %v hash %x", e.ID, e.Seq, e.Hash)
		}
	}

	count := func(f audit.EventFilter) int {
		t.Helper()
		got, err := audit.ListEvents(ctx, b.pool, org, f, nil, 100)
		if err != nil {
			t.Fatalf("ListEvents(%+v): %v", f, err)
		}
		for _, e := range got {
			if (f.SubjectType != "" && e.SubjectType != f.SubjectType) || (f.SubjectID != "" && e.SubjectID != f.SubjectID) ||
				(f.Action != "" && e.Action != f.Action) || (f.ActorID != nil && e.ActorID.UUID != *f.ActorID) {
				t.Fatalf("ListEvents(%+v) returned %+v", f, e)
			}
		}
		return len(got)
	}
	for _, tt := range []struct {
		f    audit.EventFilter
		want int
	}{
		{audit.EventFilter{SubjectType: "post", SubjectID: "p1"}, 15},
		{audit.EventFilter{SubjectType: "post", SubjectID: "p2"}, 5},
		{audit.EventFilter{SubjectType: "workflow"}, 5},
		{audit.EventFilter{Action: "decision.approved"}, 5},
		{audit.EventFilter{ActorID: alice}, 5},
		{audit.EventFilter{SubjectType: "post", SubjectID: "p1", Action: "post.edited"}, 10},
		{audit.EventFilter{SubjectType: "post", SubjectID: "p1", ActorID: alice}, 5},
		{audit.EventFilter{SubjectType: "post", SubjectID: "nope"}, 0},
	} {
		if got := count(tt.f); got != tt.want {
			t.Errorf("ListEvents(%+v): %d events, want %d", tt.f, got, tt.want)
		}
	}

	// Keyset pagination with a filter.
	p1 := audit.EventFilter{SubjectType: "post", SubjectID: "p1"}
	page, err := audit.ListEvents(ctx, b.pool, org, p1, nil, 4)
	if err != nil || len(page) != 4 {
		t.Fatalf("first filtered page: %d, %v", len(page), err)
	}
	rest, err := audit.ListEvents(ctx, b.pool, org, p1, &audit.EventCursor{ID: page[3].ID}, 100)
	if err != nil || len(rest) != 11 || rest[0].ID >= page[3].ID {
		t.Fatalf("rest: %d, %v", len(rest), err)
	}

	for _, bad := range []struct {
		f     audit.EventFilter
		limit int
	}{
		{audit.EventFilter{SubjectID: "p1"}, 10},
		{audit.EventFilter{}, 0},
	} {
		if _, err := audit.ListEvents(ctx, b.pool, org, bad.f, nil, bad.limit); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("ListEvents(%+v, limit %d) = %v, want invalid", bad.f, bad.limit, err)
		}
	}
}
