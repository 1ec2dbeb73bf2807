// Package jobs is Clearpost's background work: the transactional outbox that state changes write
// to, the relay that turns outbox rows into asynq tasks, and the task handlers.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"clearpost/internal/postgres"
	"clearpost/internal/tracing"

	"github.com/google/uuid"
)

// Enqueue writes an outbox row in the caller's transaction, so the work it describes happens if and
// only if the state change commits.
func Enqueue(ctx context.Context, db postgres.Execer, org uuid.UUID, topic string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("outbox %s: %w", topic, err)
	}
	if err := insertOutbox(ctx, db, org, topic, b, TraceContext(ctx)); err != nil {
		return fmt.Errorf("outbox %s: %w", topic, err)
	}
	return nil
}

// Message is one outbox row for EnqueueBatch: what Enqueue writes for org, topic and payload, with
// the trace of the request that asked for it (TraceContext of its ctx, nil when not traced).
type Message struct {
	OrgID        uuid.UUID
	Topic        string
	Payload      any
	TraceContext *string
}

// EnqueueBatch writes an outbox row for each message, the rows Enqueue would write one by one, in
// one statement: one round trip and one relay wake-up (the notify trigger fires per statement)
// however many rows. Either every row is written or none is.
func EnqueueBatch(ctx context.Context, db postgres.Execer, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	orgs := make([]uuid.UUID, len(msgs))
	topics := make([]string, len(msgs))
	payloads := make([]string, len(msgs))
	traces := make([]*string, len(msgs))
	for i, m := range msgs {
		b, err := json.Marshal(m.Payload)
		if err != nil {
			return fmt.Errorf("outbox %s: %w", m.Topic, err)
		}
		orgs[i], topics[i], payloads[i], traces[i] = m.OrgID, m.Topic, string(b), m.TraceContext
	}
	if err := insertOutboxRows(ctx, db, orgs, topics, payloads, traces); err != nil {
		return fmt.Errorf("outbox: %d rows: %w", len(msgs), err)
	}
	return nil
}

// TraceContext is the outbox's trace_context for rows written in ctx: the traceparent of its span,
// so that the task a row starts continues the trace of the request that asked for it; nil when
// ctx is not traced. Statements that write outbox rows themselves store it too.
func TraceContext(ctx context.Context) *string {
	if tp := tracing.Inject(ctx); tp != "" {
		return &tp
	}
	return nil
}
