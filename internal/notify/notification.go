package notify

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
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
	out, err := listNotifications(ctx, s.pool, p.OrgID, p.UserID, unreadOnly, cur, limit+1)
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
	n, err := getNotification(ctx, s.pool, p.OrgID, p.UserID, id)
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
	n, err := countUnread(ctx, s.pool, p.OrgID, p.UserID)
	if err != nil {
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
	n, err := markRead(ctx, s.pool, p.OrgID, p.UserID, ids)
	if err != nil {
		return 0, fmt.Errorf("mark notifications read: %w", err)
	}
	return n, nil
}

// MarkAllRead marks every unread notification of the caller read, and returns how many.
func (s *Service) MarkAllRead(ctx context.Context) (int, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return 0, err
	}
	n, err := markAllRead(ctx, s.pool, p.OrgID, p.UserID)
	if err != nil {
		return 0, fmt.Errorf("mark all notifications read: %w", err)
	}
	return n, nil
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
	list, err := userDeliveries(ctx, s.pool, p.OrgID, p.UserID, ids)
	if err != nil {
		return nil, fmt.Errorf("notification deliveries: %w", err)
	}
	out := make(map[uuid.UUID][]Delivery, len(ids))
	for _, d := range list {
		out[d.NotificationID] = append(out[d.NotificationID], d)
	}
	return out, nil
}
