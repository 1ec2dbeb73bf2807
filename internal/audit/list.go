package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
)

// StoredEvent is an event as the audit log holds it. Seq and Hash are nil until it is sealed.
type StoredEvent struct {
	ID          int64           `db:"id"`
	OrgID       uuid.UUID       `db:"org_id"`
	OccurredAt  time.Time       `db:"occurred_at"`
	ActorID     uuid.NullUUID   `db:"actor_id"`
	ActorEmail  string          `db:"actor_email"`
	Action      string          `db:"action"`
	SubjectType string          `db:"subject_type"`
	SubjectID   string          `db:"subject_id"`
	RequestID   string          `db:"request_id"`
	IP          string          `db:"ip"`
	Details     json.RawMessage `db:"details"`
	Seq         *int64          `db:"seq"`
	Hash        []byte          `db:"hash"`
}

// EventFilter narrows ListEvents; zero fields match everything. SubjectID needs SubjectType.
type EventFilter struct {
	SubjectType string
	SubjectID   string
	Action      string
	ActorID     *uuid.UUID
}

// EventCursor is the keyset position of an event in ListEvents' order (newest first).
type EventCursor struct {
	ID int64 `json:"i"`
}

// ListEvents returns up to limit of org's events matching f, newest first, after cursor (nil: from
// the newest). Ask for one more than a page to learn whether there is a next one.
func ListEvents(ctx context.Context, db postgres.DB, orgID uuid.UUID, f EventFilter, after *EventCursor, limit int) ([]*StoredEvent, error) {
	if f.SubjectID != "" && f.SubjectType == "" {
		return nil, apperr.Invalidf("filter.subjectId", "needs a subject type")
	}
	if limit < 1 {
		return nil, apperr.Invalidf("first", "must be 1 or more")
	}
	before := int64(math.MaxInt64)
	if after != nil {
		before = after.ID
	}
	events, err := listEvents(ctx, db, orgID, f, before, limit)
	if err != nil {
		return nil, fmt.Errorf("list audit events of org %s: %w", orgID, err)
	}
	return events, nil
}
