package webhooks

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"clearpost/internal/jobs"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
)

// deliveryRow is the payload of a jobs.TopicWebhookDelivery outbox row. Its task key is the delivery id: one
// task per delivery exists however often a row for it is relayed.
type deliveryRow struct {
	jobs.Schedule
	DeliveryID uuid.UUID `json:"delivery_id"`
}

// deliveryTask is the payload of a jobs.TypeWebhookDeliver task.
type deliveryTask struct {
	jobs.Event
	DeliveryID uuid.UUID `json:"delivery_id"`
}

// enqueueDelivery writes the outbox row that starts delivery id's task.
func enqueueDelivery(ctx context.Context, db postgres.Execer, org, id uuid.UUID) error {
	return jobs.Enqueue(ctx, db, org, jobs.TopicWebhookDelivery, deliveryRow{
		Schedule:   jobs.Schedule{TaskKey: id.String()},
		DeliveryID: id,
	})
}

// postSnapshot is what a delivery says of the post an event is about.
type postSnapshot struct {
	ID             uuid.UUID `json:"id"`
	Title          string    `json:"title"`
	State          string    `json:"state"`
	CurrentVersion int       `json:"current_version"`
	ContentHash    string    `json:"content_hash"`
}

// internalKeys are keys of a task payload that are the relay's business, not the receiver's.
var internalKeys = []string{"outbox_id", "org_id", "topic", "task_key", "process_at"}

// HandleFanout is the jobs.TypeWebhookFanout task handler: for an event (an outbox row of one of Events) it
// creates, in one transaction, a delivery for each active subscription of the event's organization
// that names the event, and the outbox row that starts each delivery's task. A delivery is unique
// per (subscription, event), so running it again creates nothing. The body's data is the event's
// payload with the post it names (id, title, state, current version and its content hash) as it
// is now, frozen in the delivery (an event that names a version_id but no post_id, such as
// post.published, gets the version's post).
func (s *Service) HandleFanout(ctx context.Context, t *asynq.Task) error {
	ev, err := jobs.DecodePayload[jobs.Event](t)
	if err != nil {
		return err
	}
	fields, err := jobs.DecodePayload[map[string]json.RawMessage](t)
	if err != nil {
		return err
	}
	if ev.OrgID == uuid.Nil || ev.OutboxID == 0 {
		return fmt.Errorf("webhook fanout: payload without org_id or outbox_id: %w", asynq.SkipRetry)
	}
	if !ValidEvent(ev.Topic) {
		s.log.WarnContext(ctx, "webhook fanout for a topic that is not a webhook event; route only Events to it",
			slog.String("topic", ev.Topic), slog.Int64("outbox_id", ev.OutboxID))
		return nil
	}
	for _, k := range internalKeys {
		delete(fields, k)
	}
	postID, versionID := uuidField(fields, "post_id"), uuidField(fields, "version_id")
	if postID.Valid || versionID.Valid {
		post, err := s.snapshot(ctx, ev.OrgID, postID, versionID)
		if err != nil {
			return err
		}
		if post != nil {
			if fields["post"], err = json.Marshal(post); err != nil {
				return err
			}
		}
	}
	data, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("webhook fanout: %w", err)
	}
	var created int
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		// The event's time is its outbox row's; a row already pruned makes it now.
		at, err := eventTime(ctx, tx, ev.OrgID, ev.OutboxID)
		if err != nil {
			return err
		}
		// Subscriptions created after the event do not get it.
		ids, err := insertDeliveries(ctx, tx, ev.OrgID, ev.Topic, ev.OutboxID, at, data)
		if err != nil {
			return err
		}
		var w postgres.Deferred
		for _, id := range ids {
			if err := enqueueDelivery(ctx, &w, ev.OrgID, id); err != nil {
				return err
			}
		}
		created = len(ids)
		return w.Flush(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("webhook fanout of %s (outbox row %d): %w", ev.Topic, ev.OutboxID, err)
	}
	if created > 0 {
		s.log.DebugContext(ctx, "webhook deliveries created", slog.String("event", ev.Topic),
			slog.Int64("outbox_id", ev.OutboxID), slog.Int("deliveries", created))
	}
	return nil
}

// uuidField reads a uuid field of an event's payload.
func uuidField(fields map[string]json.RawMessage, key string) uuid.NullUUID {
	var id uuid.UUID
	raw, ok := fields[key]
	if !ok || json.Unmarshal(raw, &id) != nil || id == uuid.Nil {
		return uuid.NullUUID{}
	}
	return uuid.NullUUID{UUID: id, Valid: true}
}
