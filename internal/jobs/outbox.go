// Package jobs is Clearpost's background work: the transactional outbox that state changes write
// to, the relay that turns outbox rows into asynq tasks, and the task handlers.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"clearpost/internal/postgres"

	"github.com/google/uuid"
)

// Enqueue writes an outbox row in the caller's transaction, so the work it describes happens if and
// only if the state change commits.
func Enqueue(ctx context.Context, db postgres.Execer, org uuid.UUID, topic string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("outbox %s: %w", topic, err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO outbox (org_id, topic, payload) VALUES ($1, $2, $3)`, org, topic, b); err != nil {
		return fmt.Errorf("outbox %s: %w", topic, err)
	}
	return nil
}
