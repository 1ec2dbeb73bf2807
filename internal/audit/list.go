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
	"github.com/jackc/pgx/v5"
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
	// Two fixed queries, so that each keeps an index that yields rows in id order: by subject, or
	// by organization.
	var rows pgx.Rows
	var err error
	if f.SubjectID != "" {
		rows, err = db.Query(ctx, `
			SELECT `+listColumns+` FROM audit_events
			WHERE org_id = $1 AND subject_type = $2 AND subject_id = $3 AND id < $4
				AND ($5::text = '' OR action = $5) AND ($6::uuid IS NULL OR actor_id = $6)
			ORDER BY id DESC LIMIT $7`,
			orgID, f.SubjectType, f.SubjectID, before, f.Action, f.ActorID, limit)
	} else {
		rows, err = db.Query(ctx, `
			SELECT `+listColumns+` FROM audit_events
			WHERE org_id = $1 AND id < $2
				AND ($3::text = '' OR subject_type = $3) AND ($4::text = '' OR action = $4)
				AND ($5::uuid IS NULL OR actor_id = $5)
			ORDER BY id DESC LIMIT $6`,
			orgID, before, f.SubjectType, f.Action, f.ActorID, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("list audit events of org %s: %w", orgID, err)
	}
	events, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[StoredEvent])
	if err != nil {
		return nil, fmt.Errorf("list audit events of org %s: %w", orgID, err)
	}
	return events, nil
}

const listColumns = `id, org_id, occurred_at, actor_id, actor_email, action, subject_type, subject_id,
	request_id, ip, details, seq, hash`
