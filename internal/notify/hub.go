package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/text"

	"github.com/google/uuid"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/jackc/pgx/v5/pgxpool"
)

// NotifyChannel is the PostgreSQL channel the notifications trigger (migration 00011) notifies
// with "<user id> <notification id>" when a listed notification commits.
const NotifyChannel = "clearpost_notification"

// Hub defaults.
const (
	DefaultSubscriberBuffer = 64
	DefaultHeartbeat        = 30 * time.Second
	// catchUpGrace reaches back before the last moment the hub knew it was listening when it
	// catches up after a reconnect: a notification's created_at is its transaction's start, which
	// precedes its commit.
	catchUpGrace = 2 * time.Minute
	catchUpLimit = 1000
	// deliveredMemory is how many notification ids the hub remembers having delivered, so that a
	// catch-up does not deliver again what a notification already did.
	deliveredMemory = 10000
)

// Hub pushes new notifications to the subscribers of this process (GraphQL subscriptions): it
// LISTENs on NotifyChannel on a dedicated connection, reads each notification whose user has a
// subscriber here, and hands it to that user's subscribers only.
//
// A subscriber that does not keep up loses notifications: each has a buffer of SubscriberBuffer,
// and a notification that finds it full is dropped for that subscriber alone (counted in
// Dropped), so one slow client never holds up the others. A client that may have missed some
// reads List and UnreadCount.
//
// When the connection drops, the hub reconnects with backoff and then delivers, to the users
// subscribed at that moment, the notifications created since shortly before it last knew it was
// listening (a heartbeat checks the connection every Heartbeat) that it has not delivered yet.
type Hub struct {
	SubscriberBuffer int           // channel capacity per subscriber; set before Run
	Heartbeat        time.Duration // how often an idle connection is checked; set before Run

	pool *pgxpool.Pool
	log  *slog.Logger

	mu        sync.Mutex
	subs      map[uuid.UUID]map[*subscriber]struct{}
	delivered *lru.Cache[uuid.UUID, struct{}]
	lastAlive time.Time // database clock: the last moment the hub knew it was listening
	dropped   atomic.Int64

	listening    func(pid uint32) // test hook: LISTEN succeeded on the backend pid (caught up first)
	reconnecting func()           // test hook: called before each reconnection
}

type subscriber struct {
	ch chan *Notification
}

// NewHub returns a hub on pool. Run it.
func NewHub(pool *pgxpool.Pool, log *slog.Logger) *Hub {
	delivered, _ := lru.New[uuid.UUID, struct{}](deliveredMemory)
	return &Hub{
		SubscriberBuffer: DefaultSubscriberBuffer,
		Heartbeat:        DefaultHeartbeat,
		pool:             pool,
		log:              log.With(slog.String("component", "notify_hub")),
		subs:             map[uuid.UUID]map[*subscriber]struct{}{},
		delivered:        delivered,
	}
}

// Subscribe returns a channel of userID's new notifications, closed when ctx ends. The caller
// must be userID (or act for them).
func (h *Hub) Subscribe(ctx context.Context, userID uuid.UUID) <-chan *Notification {
	size := h.SubscriberBuffer
	if size <= 0 {
		size = DefaultSubscriberBuffer
	}
	s := &subscriber{ch: make(chan *Notification, size)}
	h.mu.Lock()
	if h.subs[userID] == nil {
		h.subs[userID] = map[*subscriber]struct{}{}
	}
	h.subs[userID][s] = struct{}{}
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs[userID], s)
		if len(h.subs[userID]) == 0 {
			delete(h.subs, userID)
		}
		close(s.ch) // under the lock: deliver never sends on a closed channel
	}()
	return s.ch
}

// Dropped returns how many notifications were dropped for subscribers whose buffer was full.
func (h *Hub) Dropped() int64 { return h.dropped.Load() }

// Run listens until ctx is done, reconnecting with backoff when the connection breaks.
func (h *Hub) Run(ctx context.Context) error {
	var failures int
	for {
		listened, err := h.listenOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			failures = 0
		}
		if failures == 0 {
			h.log.WarnContext(ctx, "notification listen connection lost; reconnecting", slog.Any("error", err))
		}
		failures++
		if !jobs.Sleep(ctx, jobs.Backoff(failures)) {
			return nil
		}
		if h.reconnecting != nil {
			h.reconnecting()
		}
	}
}

// listenOnce listens on a connection taken out of the pool until it breaks or ctx is done, and
// reports whether LISTEN succeeded.
func (h *Hub) listenOnce(ctx context.Context) (bool, error) {
	pc, err := h.pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("acquire listen connection: %w", err)
	}
	// The connection leaves the pool: a connection in LISTEN mode must not serve other queries.
	conn := pc.Hijack()
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(closeCtx) //nolint:errcheck // the connection is dropped either way
	}()
	if err := listen(ctx, conn); err != nil {
		return false, fmt.Errorf("listen %s: %w", NotifyChannel, err)
	}
	// Listening from here on: what committed while the hub was not is caught up from the table.
	listeningSince, err := dbNow(ctx, conn)
	if err != nil {
		return true, fmt.Errorf("listen %s: %w", NotifyChannel, err)
	}
	h.mu.Lock()
	since := h.lastAlive
	h.mu.Unlock()
	if !since.IsZero() {
		if err := h.catchUp(ctx, since.Add(-catchUpGrace)); err != nil {
			return true, err
		}
	}
	h.alive(listeningSince)
	if h.listening != nil {
		h.listening(conn.PgConn().PID())
	}
	heartbeat := h.Heartbeat
	if heartbeat <= 0 {
		heartbeat = DefaultHeartbeat
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, heartbeat)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			h.handle(ctx, n.Payload)
		case ctx.Err() != nil:
			return true, ctx.Err()
		case wctx.Err() != nil:
			// Idle: check the connection, and note that it was listening until now.
			now, err := dbNow(ctx, conn)
			if err != nil {
				return true, fmt.Errorf("heartbeat: %w", err)
			}
			h.alive(now)
		default:
			return true, fmt.Errorf("wait for notification: %w", err)
		}
	}
}

func (h *Hub) alive(t time.Time) {
	h.mu.Lock()
	if t.After(h.lastAlive) {
		h.lastAlive = t
	}
	h.mu.Unlock()
}

// handle delivers the notification a payload names, if its user has a subscriber here.
func (h *Hub) handle(ctx context.Context, payload string) {
	userPart, idPart, _ := strings.Cut(payload, " ")
	user, err1 := uuid.Parse(userPart)
	id, err2 := uuid.Parse(idPart)
	if err1 != nil || err2 != nil {
		h.log.WarnContext(ctx, "malformed notification payload", slog.String("payload", text.Truncate(payload, 100)))
		return
	}
	if !h.wanted(user, id) {
		return
	}
	n, err := inAppNotification(ctx, h.pool, id)
	if err != nil {
		if !postgres.NoRows(err) && ctx.Err() == nil {
			h.log.WarnContext(ctx, "read notification", slog.String("notification_id", id.String()), slog.Any("error", err))
		}
		return
	}
	h.alive(n.CreatedAt)
	h.deliver(n)
}

// wanted reports whether user has a subscriber and notification id was not delivered yet.
func (h *Hub) wanted(user, id uuid.UUID) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[user]) > 0 && !h.delivered.Contains(id)
}

// catchUp delivers the notifications of the current subscribers created after since that the hub
// has not delivered.
func (h *Hub) catchUp(ctx context.Context, since time.Time) error {
	h.mu.Lock()
	users := make([]uuid.UUID, 0, len(h.subs))
	for u := range h.subs {
		users = append(users, u)
	}
	h.mu.Unlock()
	if len(users) == 0 {
		return nil
	}
	missed, err := notificationsSince(ctx, h.pool, users, since, catchUpLimit)
	if err != nil {
		return fmt.Errorf("catch up notifications: %w", err)
	}
	for _, n := range missed {
		h.deliver(n)
	}
	return nil
}

// deliver hands n to its user's subscribers, once, without blocking.
func (h *Hub) deliver(n *Notification) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.delivered.Contains(n.ID) {
		return
	}
	h.delivered.Add(n.ID, struct{}{})
	for s := range h.subs[n.UserID] {
		select {
		case s.ch <- n:
		default:
			h.dropped.Add(1)
		}
	}
}
