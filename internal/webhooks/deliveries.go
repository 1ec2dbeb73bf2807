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
	out, err := listDeliveries(ctx, s.pool, p.OrgID, subscriptionID, after != nil, afterAt, afterID, clampLimit(limit))
	if err != nil {
		return nil, err
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
	return eachAttempt(ctx, s.pool, org, ids, func(id uuid.UUID, a Attempt) {
		byID[id].Attempts = append(byID[id].Attempts, a)
	})
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
		d, err = insertRedelivery(ctx, tx, p.OrgID, deliveryID, p.UserID)
		if err != nil {
			return err
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
