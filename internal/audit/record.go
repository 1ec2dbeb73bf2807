package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"clearpost/internal/postgres"

	"github.com/google/uuid"
)

// Record inserts e, unsealed, through db: pass the transaction that makes the change so that the
// event commits or rolls back with it. Empty RequestID and IP are taken from RequestFrom(ctx);
// Details is marshalled to JSON, nil as {}. The sealer gives the event its chain position shortly
// after. Record costs one INSERT.
func Record(ctx context.Context, db postgres.Execer, e Event) error {
	if e.OrgID == uuid.Nil || e.Action == "" || e.SubjectType == "" {
		return fmt.Errorf("record audit event %q: org id, action and subject type are required", e.Action)
	}
	if e.RequestID == "" || e.IP == "" {
		r := RequestFrom(ctx)
		if e.RequestID == "" {
			e.RequestID = r.ID
		}
		if e.IP == "" {
			e.IP = r.IP
		}
	}
	details, err := marshalDetails(e.Details)
	if err != nil {
		return fmt.Errorf("record audit event %s: marshal details: %w", e.Action, err)
	}
	err = insertEvent(ctx, db, e, details)
	if err != nil {
		return fmt.Errorf("record audit event %s on %s %s: %w", e.Action, e.SubjectType, e.SubjectID, err)
	}
	return nil
}

var emptyObject = []byte("{}")

func marshalDetails(v any) ([]byte, error) {
	if v == nil {
		return emptyObject, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(b, []byte("null")) {
		return emptyObject, nil
	}
	return b, nil
}
