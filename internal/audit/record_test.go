package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"clearpost/internal/audit"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

func TestRecord(t *testing.T) {
	t.Parallel()
	ctx := audit.WithRequest(context.Background(), audit.Request{ID: "req-from-ctx", IP: "198.51.100.4"})
	b := setup(t)
	org := MustOrg(t, b.pool, "rec")
	actor := uuid.New()

	events := []audit.Event{
		{OrgID: org, ActorID: uuid.NullUUID{UUID: actor, Valid: true}, ActorEmail: "a@example.com",
			Action: "post.submitted", SubjectType: "post", SubjectID: "p1", Details: map[string]int{"rev": 2}},
		{OrgID: org, Action: "workflow.updated", SubjectType: "workflow", SubjectID: "w1",
			RequestID: "explicit", IP: "203.0.113.1"},
		{OrgID: org, Action: "user.deactivated", SubjectType: "user", SubjectID: "u1", Details: (map[string]any)(nil)},
		{OrgID: org, Action: "post.commented", SubjectType: "post", SubjectID: "p1", Details: json.RawMessage(`{"c": "hi"}`)},
	}
	err := postgres.WithTx(ctx, b.pool, func(tx pgx.Tx) error {
		for _, e := range events {
			if err := audit.Record(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := audit.ListEvents(ctx, b.pool, org, audit.EventFilter{}, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d events", len(got))
	}
	// Newest first.
	first, second, third, fourth := got[3], got[2], got[1], got[0]
	if first.RequestID != "req-from-ctx" || first.IP != "198.51.100.4" || first.ActorID.UUID != actor ||
		string(first.Details) != `{"rev":2}` || first.Seq != nil || first.Hash != nil || first.OccurredAt.IsZero() {
		t.Fatalf("first event %+v (details %s)", first, first.Details)
	}
	if second.RequestID != "explicit" || second.IP != "203.0.113.1" || second.ActorID.Valid || string(second.Details) != `{}` {
		t.Fatalf("second event %+v (details %s)", second, second.Details)
	}
	if string(third.Details) != `{}` {
		t.Fatalf("nil map details = %s", third.Details)
	}
	if string(fourth.Details) != `{"c":"hi"}` {
		t.Fatalf("raw details = %s", fourth.Details)
	}

	// Rolled back with the caller's transaction.
	_ = postgres.WithTx(ctx, b.pool, func(tx pgx.Tx) error {
		if err := audit.Record(ctx, tx, events[0]); err != nil {
			t.Fatal(err)
		}
		return errors.New("roll back")
	})
	if got, _ := audit.ListEvents(ctx, b.pool, org, audit.EventFilter{}, nil, 10); len(got) != 4 {
		t.Fatalf("%d events after a rolled-back Record", len(got))
	}
}

func TestRecordRejectsIncompleteEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	org := MustOrg(t, b.pool, "bad")
	for _, e := range []audit.Event{
		{Action: "post.submitted", SubjectType: "post"},
		{OrgID: org, SubjectType: "post"},
		{OrgID: org, Action: "post.submitted"},
		{OrgID: org, Action: "x", SubjectType: "post", Details: func() {}},
	} {
		if err := audit.Record(ctx, b.pool, e); err == nil {
			t.Errorf("Record(%+v) = nil", e)
		}
	}
	// An organization that does not exist.
	err := audit.Record(ctx, b.pool, audit.Event{OrgID: uuid.New(), Action: "x", SubjectType: "post"})
	if err == nil {
		t.Fatal("Record for an unknown org = nil")
	}
}
