package webhooks

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Deliveries returns up to limit deliveries of a subscription after cursor, newest first, each
// with its attempts (admins).
func (s *Service) Deliveries(ctx context.Context, subscriptionID uuid.UUID, after *DeliveryCursor, limit int) ([]*Delivery, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if _, err := subscription(ctx, s.pool, p, subscriptionID, false); err != nil {
		return nil, err
	}
	var afterAt time.Time
	var afterID uuid.UUID
	if after != nil {
		afterAt, afterID = after.CreatedAt, after.ID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE org_id = $1 AND subscription_id = $2 AND (NOT $3 OR (created_at, id) < ($4, $5))
		ORDER BY created_at DESC, id DESC
		LIMIT $6`, p.OrgID, subscriptionID, after != nil, afterAt, afterID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list webhook deliveries: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Delivery, error) { return scanDeliveryWith(r) })
	if err != nil {
		return nil, fmt.Errorf("list webhook deliveries: %w", err)
	}
	if err := s.attachAttempts(ctx, p.OrgID, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Delivery returns one delivery with its attempts (admins).
func (s *Service) Delivery(ctx context.Context, id uuid.UUID) (*Delivery, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	d, err := delivery(ctx, s.pool, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	if err := s.attachAttempts(ctx, p.OrgID, []*Delivery{d}); err != nil {
		return nil, err
	}
	return d, nil
}

func delivery(ctx context.Context, db postgres.DB, org, id uuid.UUID) (*Delivery, error) {
	d, err := scanDeliveryWith(db.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE org_id = $1 AND id = $2`, org, id))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("webhook delivery %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get webhook delivery %s: %w", id, err)
	}
	return d, nil
}

// attachAttempts fills the Attempts of ds in one query.
func (s *Service) attachAttempts(ctx context.Context, org uuid.UUID, ds []*Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	byID := make(map[uuid.UUID]*Delivery, len(ds))
	ids := make([]uuid.UUID, len(ds))
	for i, d := range ds {
		byID[d.ID], ids[i] = d, d.ID
		d.Attempts = []Attempt{}
	}
	rows, err := s.pool.Query(ctx, `SELECT delivery_id, number, status_code, response_excerpt, error, duration_ms, attempted_at
		FROM webhook_delivery_attempts WHERE org_id = $1 AND delivery_id = ANY($2)
		ORDER BY delivery_id, number`, org, ids)
	if err != nil {
		return fmt.Errorf("list webhook delivery attempts: %w", err)
	}
	var id uuid.UUID
	var a Attempt
	var ms int64
	_, err = pgx.ForEachRow(rows, []any{&id, &a.Number, &a.StatusCode, &a.ResponseExcerpt, &a.Error, &ms, &a.AttemptedAt}, func() error {
		a.Duration = time.Duration(ms) * time.Millisecond
		byID[id].Attempts = append(byID[id].Attempts, a)
		a.StatusCode = nil
		return nil
	})
	if err != nil {
		return fmt.Errorf("list webhook delivery attempts: %w", err)
	}
	return nil
}

// Redeliver sends a delivery's event again (admins): a new delivery of the same event and data,
// with its own id (and so Idempotency-Key), to the same subscription, which must be active.
func (s *Service) Redeliver(ctx context.Context, deliveryID uuid.UUID) (*Delivery, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var d *Delivery
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		orig, err := delivery(ctx, tx, p.OrgID, deliveryID)
		if err != nil {
			return err
		}
		sub, err := subscription(ctx, tx, p, orig.SubscriptionID, false)
		if err != nil {
			return err
		}
		if !sub.Active {
			return apperr.Conflictf("the subscription is inactive: activate it before redelivering")
		}
		d, err = scanDeliveryWith(tx.QueryRow(ctx, `INSERT INTO webhook_deliveries
				(org_id, subscription_id, event, outbox_id, event_created_at, data, redelivery_of, created_by)
			SELECT org_id, subscription_id, event, outbox_id, event_created_at, data, id, $3
			FROM webhook_deliveries WHERE org_id = $1 AND id = $2
			RETURNING `+deliveryColumns, p.OrgID, deliveryID, p.UserID))
		if err != nil {
			return postgres.MapError(err)
		}
		d.Attempts = []Attempt{}
		if err := enqueueDelivery(ctx, tx, p.OrgID, d.ID); err != nil {
			return err
		}
		return p.Record(ctx, tx, "webhook.redelivered", "webhook_subscription", sub.ID.String(), map[string]any{
			"delivery_id": d.ID, "redelivery_of": orig.ID, "event": d.Event, "event_id": d.EventID,
		})
	})
	if err != nil {
		return nil, fmt.Errorf("redeliver webhook delivery %s: %w", deliveryID, err)
	}
	return d, nil
}
