package notify

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

// Notification is one thing one user was told.
type Notification struct {
	ID        uuid.UUID
	OrgID     uuid.UUID
	UserID    uuid.UUID
	Kind      Kind
	PostID    *uuid.UUID
	Title     string
	Body      string
	Link      string // a path of the web app, e.g. /posts/<id>
	CreatedAt time.Time
	ReadAt    *time.Time
}

// Cursor is the keyset position of a notification in List's order (newest first).
type Cursor struct {
	CreatedAt time.Time `json:"t"`
	ID        uuid.UUID `json:"i"`
}

// Cursor returns n's position, for the next page.
func (n *Notification) Cursor() Cursor { return Cursor{CreatedAt: n.CreatedAt, ID: n.ID} }

const notificationColumns = `id, org_id, user_id, kind, post_id, title, body, link, created_at, read_at`

func scanNotification(row pgx.Row) (*Notification, error) {
	var n Notification
	if err := row.Scan(&n.ID, &n.OrgID, &n.UserID, &n.Kind, &n.PostID, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &n.ReadAt); err != nil {
		return nil, err
	}
	return &n, nil
}

// MaxPage is the most notifications List returns at once.
const MaxPage = 100

// List returns up to limit of the caller's notifications after cursor, newest first (only the
// unread ones when unreadOnly), and whether more follow.
func (s *Service) List(ctx context.Context, unreadOnly bool, after *Cursor, limit int) ([]*Notification, bool, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, false, err
	}
	if limit < 1 || limit > MaxPage {
		return nil, false, apperr.Invalidf("first", "must be between 1 and %d", MaxPage)
	}
	// Before every possible row: the far future, and the greatest id.
	cur := Cursor{CreatedAt: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), ID: uuid.Max}
	if after != nil {
		cur = *after
	}
	rows, err := s.pool.Query(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE user_id = $1 AND org_id = $2 AND in_app AND (NOT $3 OR read_at IS NULL)
		  AND (created_at, id) < ($4, $5)
		ORDER BY created_at DESC, id DESC
		LIMIT $6`, p.UserID, p.OrgID, unreadOnly, cur.CreatedAt, cur.ID, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("list notifications: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Notification, error) { return scanNotification(r) })
	if err != nil {
		return nil, false, fmt.Errorf("list notifications: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// Get returns one of the caller's notifications; anyone else's is NOT_FOUND.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Notification, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	n, err := scanNotification(s.pool.QueryRow(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE id = $1 AND user_id = $2 AND org_id = $3 AND in_app`, id, p.UserID, p.OrgID))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("notification %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get notification %s: %w", id, err)
	}
	return n, nil
}

// UnreadCount returns how many of the caller's notifications are unread.
func (s *Service) UnreadCount(ctx context.Context) (int, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM notifications
		WHERE user_id = $1 AND org_id = $2 AND in_app AND read_at IS NULL`, p.UserID, p.OrgID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count unread notifications: %w", err)
	}
	return n, nil
}

// MaxMarkRead is the most ids MarkRead takes at once.
const MaxMarkRead = 500

// MarkRead marks those of ids that are the caller's unread notifications read, and returns how
// many it marked. Ids of other users' notifications, read ones and unknown ones are ignored
// silently: the answer reveals nothing about them.
func (s *Service) MarkRead(ctx context.Context, ids []uuid.UUID) (int, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return 0, err
	}
	if len(ids) > MaxMarkRead {
		return 0, apperr.Invalidf("ids", "has %d ids; at most %d are allowed", len(ids), MaxMarkRead)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	tag, err := s.pool.Exec(ctx, `UPDATE notifications SET read_at = now()
		WHERE id = ANY($1) AND user_id = $2 AND org_id = $3 AND in_app AND read_at IS NULL`, ids, p.UserID, p.OrgID)
	if err != nil {
		return 0, fmt.Errorf("mark notifications read: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// MarkAllRead marks every unread notification of the caller read, and returns how many.
func (s *Service) MarkAllRead(ctx context.Context) (int, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE notifications SET read_at = now()
		WHERE user_id = $1 AND org_id = $2 AND in_app AND read_at IS NULL`, p.UserID, p.OrgID)
	if err != nil {
		return 0, fmt.Errorf("mark all notifications read: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// DeliveryStatus is where an e-mail or Slack message of a notification stands.
type DeliveryStatus string

const (
	DeliveryPending DeliveryStatus = "PENDING"
	DeliverySent    DeliveryStatus = "SENT"
	DeliveryFailed  DeliveryStatus = "FAILED"  // the last attempt failed, or the destination refused it for good
	DeliverySkipped DeliveryStatus = "SKIPPED" // nothing to send to any more (user deactivated, webhook removed)
)

// Delivery is one e-mail or Slack message of a notification.
type Delivery struct {
	NotificationID uuid.UUID
	Channel        Channel
	Status         DeliveryStatus
	Attempts       int
	LastError      string // what went wrong last, without addresses or URLs
	UpdatedAt      time.Time
	SentAt         *time.Time
}

// Deliveries returns the deliveries of those of ids that are the caller's notifications, keyed by
// notification (for a dataloader). Other ids have none.
func (s *Service) Deliveries(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]Delivery, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT d.notification_id, d.channel, d.status, d.attempts, d.last_error, d.updated_at, d.sent_at
		FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
		WHERE d.notification_id = ANY($1) AND n.user_id = $2 AND n.org_id = $3
		ORDER BY d.notification_id, d.channel`, ids, p.UserID, p.OrgID)
	if err != nil {
		return nil, fmt.Errorf("notification deliveries: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Delivery, error) {
		var d Delivery
		return d, r.Scan(&d.NotificationID, &d.Channel, &d.Status, &d.Attempts, &d.LastError, &d.UpdatedAt, &d.SentAt)
	})
	if err != nil {
		return nil, fmt.Errorf("notification deliveries: %w", err)
	}
	out := make(map[uuid.UUID][]Delivery, len(ids))
	for _, d := range list {
		out[d.NotificationID] = append(out[d.NotificationID], d)
	}
	return out, nil
}
