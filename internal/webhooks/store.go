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

// The webhooks' SQL, and the small functions that run it.

const subscriptionColumns = `id, org_id, url, events, description, active, secret_rotated_at, created_by, created_at, updated_at`

func scanSubscription(row pgx.Row) (*Subscription, error) {
	var s Subscription
	if err := row.Scan(&s.ID, &s.OrgID, &s.URL, &s.Events, &s.Description, &s.Active, &s.SecretRotatedAt,
		&s.CreatedBy, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	return &s, nil
}

func insertSubscription(ctx context.Context, tx pgx.Tx, org, id, by uuid.UUID, url string, events []string, desc string, sealed []byte) (*Subscription, error) {
	sub, err := scanSubscription(tx.QueryRow(ctx, `INSERT INTO webhook_subscriptions
			(id, org_id, url, events, description, secret, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+subscriptionColumns,
		id, org, url, events, desc, sealed, by))
	return sub, postgres.MapError(err)
}

const (
	selectSubscription = `SELECT ` + subscriptionColumns + ` FROM webhook_subscriptions WHERE org_id = $1 AND id = $2`
	lockSubscription   = selectSubscription + ` FOR UPDATE`
)

// subscription reads one of p's organization's subscriptions; another organization's is not found.
func subscription(ctx context.Context, db postgres.DB, p *auth.Principal, id uuid.UUID, forUpdate bool) (*Subscription, error) {
	q := selectSubscription
	if forUpdate {
		q = lockSubscription
	}
	sub, err := scanSubscription(db.QueryRow(ctx, q, p.OrgID, id))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("webhook subscription %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get webhook subscription %s: %w", id, err)
	}
	return sub, nil
}

// listSubscriptions reads up to limit of org's subscriptions after (afterAt, afterID) when after,
// oldest first.
func listSubscriptions(ctx context.Context, db postgres.DB, org uuid.UUID, after bool, afterAt time.Time, afterID uuid.UUID, limit int) ([]*Subscription, error) {
	rows, err := db.Query(ctx, `SELECT `+subscriptionColumns+` FROM webhook_subscriptions
		WHERE org_id = $1 AND (NOT $2 OR (created_at, id) > ($3, $4))
		ORDER BY created_at, id
		LIMIT $5`, org, after, afterAt, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list webhook subscriptions: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Subscription, error) { return scanSubscription(r) })
}

// updateSubscription stores next's url, events, description and active.
func updateSubscription(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, next Subscription) (*Subscription, error) {
	sub, err := scanSubscription(tx.QueryRow(ctx, `UPDATE webhook_subscriptions
		SET url = $3, events = $4, description = $5, active = $6, updated_at = now()
		WHERE org_id = $1 AND id = $2 RETURNING `+subscriptionColumns,
		org, id, next.URL, next.Events, next.Description, next.Active))
	return sub, postgres.MapError(err)
}

func setSecret(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, sealed []byte) (*Subscription, error) {
	return scanSubscription(tx.QueryRow(ctx, `UPDATE webhook_subscriptions
		SET secret = $3, secret_rotated_at = now(), updated_at = now()
		WHERE org_id = $1 AND id = $2 RETURNING `+subscriptionColumns, org, id, sealed))
}

func deleteSubscription(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `DELETE FROM webhook_subscriptions WHERE org_id = $1 AND id = $2`, org, id)
	return err
}

// cancelPending cancels a subscription's pending deliveries. An attempt in flight still records
// its outcome: a delivery it made is DELIVERED.
func cancelPending(ctx context.Context, tx pgx.Tx, sub uuid.UUID) (int64, error) {
	tag, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'CANCELLED', completed_at = now()
		WHERE subscription_id = $1 AND status = 'PENDING'`, sub)
	if err != nil {
		return 0, fmt.Errorf("cancel pending deliveries: %w", err)
	}
	return tag.RowsAffected(), nil
}

const deliveryColumns = `id, org_id, subscription_id, event, outbox_id, event_created_at, data, redelivery_of, status,
	attempts, created_by, created_at, completed_at`

func scanDeliveryWith(row pgx.Row, extra ...any) (*Delivery, error) {
	var d Delivery
	dest := append([]any{&d.ID, &d.OrgID, &d.SubscriptionID, &d.Event, &d.EventID, &d.EventCreatedAt, &d.Data,
		&d.RedeliveryOf, &d.Status, &d.AttemptCount, &d.CreatedBy, &d.CreatedAt, &d.CompletedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &d, nil
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

// listDeliveries reads up to limit deliveries of a subscription after (afterAt, afterID) when
// after, newest first.
func listDeliveries(ctx context.Context, db postgres.DB, org, sub uuid.UUID, after bool, afterAt time.Time, afterID uuid.UUID, limit int) ([]*Delivery, error) {
	rows, err := db.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE org_id = $1 AND subscription_id = $2 AND (NOT $3 OR (created_at, id) < ($4, $5))
		ORDER BY created_at DESC, id DESC
		LIMIT $6`, org, sub, after, afterAt, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list webhook deliveries: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Delivery, error) { return scanDeliveryWith(r) })
	if err != nil {
		return nil, fmt.Errorf("list webhook deliveries: %w", err)
	}
	return out, nil
}

// eachAttempt calls f with each attempt of org's deliveries among ids, by delivery and number.
func eachAttempt(ctx context.Context, db postgres.DB, org uuid.UUID, ids []uuid.UUID, f func(delivery uuid.UUID, a Attempt)) error {
	rows, err := db.Query(ctx, `SELECT delivery_id, number, status_code, response_excerpt, error, duration_ms, attempted_at
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
		f(id, a)
		a.StatusCode = nil
		return nil
	})
	if err != nil {
		return fmt.Errorf("list webhook delivery attempts: %w", err)
	}
	return nil
}

// insertRedelivery copies delivery id of org as a new delivery by user.
func insertRedelivery(ctx context.Context, tx pgx.Tx, org, id, by uuid.UUID) (*Delivery, error) {
	d, err := scanDeliveryWith(tx.QueryRow(ctx, `INSERT INTO webhook_deliveries
			(org_id, subscription_id, event, outbox_id, event_created_at, data, redelivery_of, created_by)
		SELECT org_id, subscription_id, event, outbox_id, event_created_at, data, id, $3
		FROM webhook_deliveries WHERE org_id = $1 AND id = $2
		RETURNING `+deliveryColumns, org, id, by))
	return d, postgres.MapError(err)
}

// lockedDelivery is a delivery locked for an attempt, with its subscription.
type lockedDelivery struct {
	*Delivery
	held   bool // another attempt's lease has not run out
	url    string
	sealed []byte
	active bool
}

// lockDelivery reads delivery id of org with its subscription, locked for the rest of the
// transaction; nil when it is gone.
func lockDelivery(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (*lockedDelivery, error) {
	var l lockedDelivery
	d, err := scanDeliveryWith(tx.QueryRow(ctx, `SELECT d.id, d.org_id, d.subscription_id, d.event, d.outbox_id, d.event_created_at,
			d.data, d.redelivery_of, d.status, d.attempts, d.created_by, d.created_at, d.completed_at,
			COALESCE(d.locked_until > now(), false), s.url, s.secret, s.active
		FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
		WHERE d.org_id = $1 AND d.id = $2
		FOR UPDATE OF d`, org, id), &l.held, &l.url, &l.sealed, &l.active)
	if postgres.NoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	l.Delivery = d
	return &l, nil
}

func setCancelled(ctx context.Context, tx pgx.Tx, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'CANCELLED', completed_at = now() WHERE id = $1`, id)
	return err
}

func setFailed(ctx context.Context, tx pgx.Tx, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'FAILED', completed_at = now() WHERE id = $1`, id)
	return err
}

// startAttempt counts an attempt at delivery id and holds it for lease; it returns the attempt's
// number.
func startAttempt(ctx context.Context, tx pgx.Tx, id uuid.UUID, lease time.Duration) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `UPDATE webhook_deliveries
		SET attempts = attempts + 1, locked_until = now() + make_interval(secs => $2)
		WHERE id = $1 RETURNING attempts`, id, lease.Seconds()).Scan(&n)
	return n, err
}

// settle releases delivery id after an attempt: DELIVERED when ok, FAILED when final and still
// PENDING. It reports false when the delivery is gone.
func settle(ctx context.Context, tx pgx.Tx, id uuid.UUID, ok, final bool) (bool, error) {
	var found bool
	err := tx.QueryRow(ctx, `UPDATE webhook_deliveries SET locked_until = NULL,
			status = CASE WHEN $2 THEN 'DELIVERED' WHEN $3 AND status = 'PENDING' THEN 'FAILED' ELSE status END,
			completed_at = CASE WHEN $2 OR ($3 AND status = 'PENDING') THEN now() ELSE completed_at END
		WHERE id = $1 RETURNING true`, id, ok, final).Scan(&found)
	if postgres.NoRows(err) {
		return false, nil
	}
	return found, err
}

// insertAttempt logs attempt number of a delivery, once.
func insertAttempt(ctx context.Context, tx pgx.Tx, d *Delivery, number int, r result) error {
	_, err := tx.Exec(ctx, `INSERT INTO webhook_delivery_attempts
			(delivery_id, number, org_id, status_code, response_excerpt, error, duration_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (delivery_id, number) DO NOTHING`,
		d.ID, number, d.OrgID, r.status, r.excerpt, clean(r.err, maxErrorText), r.duration.Milliseconds())
	return err
}

// eventTime is the time of the event of outbox row id of org; a row already pruned makes it now.
func eventTime(ctx context.Context, tx pgx.Tx, org uuid.UUID, id int64) (time.Time, error) {
	var at time.Time
	err := tx.QueryRow(ctx, `SELECT COALESCE((SELECT created_at FROM outbox WHERE id = $1 AND org_id = $2), now())`, id, org).Scan(&at)
	return at, err
}

// insertDeliveries creates a delivery of the event for each active subscription of org that
// names it and existed at the event's time, and returns the new deliveries' ids.
func insertDeliveries(ctx context.Context, tx pgx.Tx, org uuid.UUID, topic string, outboxID int64, at time.Time, data []byte) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, `INSERT INTO webhook_deliveries (org_id, subscription_id, event, outbox_id, event_created_at, data)
		SELECT s.org_id, s.id, $2, $3, $4, $5 FROM webhook_subscriptions s
		WHERE s.org_id = $1 AND s.active AND $2 = ANY(s.events) AND s.created_at <= $4
		ORDER BY s.id
		ON CONFLICT (subscription_id, outbox_id) WHERE redelivery_of IS NULL DO NOTHING
		RETURNING id`, org, topic, outboxID, at, data)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// snapshot reads the post an event names (by post_id, or else by the version_id of one of its
// versions) in the event's organization; nil if there is none.
func (s *Service) snapshot(ctx context.Context, org uuid.UUID, postID, versionID uuid.NullUUID) (*postSnapshot, error) {
	var p postSnapshot
	err := s.pool.QueryRow(ctx, `SELECT p.id, p.title, p.state, p.current_version, COALESCE(v.content_hash, '')
		FROM posts p LEFT JOIN post_versions v ON v.post_id = p.id AND v.number = p.current_version
		WHERE p.org_id = $1
		  AND p.id = COALESCE($2::uuid, (SELECT post_id FROM post_versions WHERE org_id = $1 AND id = $3::uuid))`,
		org, postID, versionID).
		Scan(&p.ID, &p.Title, &p.State, &p.CurrentVersion, &p.ContentHash)
	if postgres.NoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the post of the event: %w", err)
	}
	return &p, nil
}
