package notify_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"clearpost/internal/notify"

	"github.com/google/uuid"
)

const hubTimeout = 20 * time.Second

// runHub runs a hub on b's database until the test ends, and returns it with the channel its
// LISTEN connections' backend pids arrive on. Hooks are set before it starts.
func runHub(t *testing.T, b *bundle, configure func(*notify.Hub), reconnecting func()) (*notify.Hub, <-chan uint32) {
	t.Helper()
	h := notify.NewHub(b.pool, b.log)
	if configure != nil {
		configure(h)
	}
	pids := make(chan uint32, 10)
	notify.SetHubHooks(h, func(pid uint32) { pids <- pid }, reconnecting)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := h.Run(ctx); err != nil {
			t.Errorf("hub: %v", err)
		}
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return h, pids
}

func receivePID(t *testing.T, pids <-chan uint32) uint32 {
	t.Helper()
	select {
	case pid := <-pids:
		return pid
	case <-time.After(hubTimeout):
		t.Fatal("hub never listened")
		return 0
	}
}

// next returns the next notification on ch, failing after a deadline or if ch closes.
func next(t *testing.T, ch <-chan *notify.Notification) *notify.Notification {
	t.Helper()
	select {
	case n, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return n
	case <-time.After(hubTimeout):
		t.Fatal("no notification arrived")
		return nil
	}
}

// TestHubDeliversToItsUserOnly: a notification committed by another connection reaches its
// user's subscribers, and only theirs; an unlisted one reaches nobody; ending a subscription
// closes its channel.
func TestHubDeliversToItsUserOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ann := mustUser(t, b.pool, b.org, "Ann", marketer)
	bob := mustUser(t, b.pool, b.org, "Bob", reviewer)
	h, pids := runHub(t, b, nil, nil)
	receivePID(t, pids)

	annCtx, endAnn := context.WithCancel(context.Background())
	annCh := h.Subscribe(annCtx, ann.id)
	annCh2 := h.Subscribe(context.Background(), ann.id) // a second tab
	bobCh := h.Subscribe(context.Background(), bob.id)

	first := mustNotification(t, b, ann, "for Ann", time.Now())
	for _, ch := range []<-chan *notify.Notification{annCh, annCh2} {
		if n := next(t, ch); n.ID != first || n.UserID != ann.id || n.Title != "for Ann" || n.OrgID != b.org {
			t.Fatalf("Ann's subscriber got %+v", n)
		}
	}
	// Bob's first is his own: Ann's never reached him (the hub handles notifications in order).
	forBob := mustNotification(t, b, bob, "for Bob", time.Now())
	if n := next(t, bobCh); n.ID != forBob {
		t.Fatalf("Bob's subscriber got %s (%q), want his own", n.ID, n.Title)
	}
	// An unlisted (e-mail only) notification is not pushed.
	if _, err := b.pool.Exec(context.Background(), `INSERT INTO notifications (org_id, user_id, kind, event_key, title, in_app)
		VALUES ($1, $2, 'POST_APPROVED', $3, 'mail only', false)`, b.org, ann.id, uuid.NewString()); err != nil {
		t.Fatal(err)
	}
	second := mustNotification(t, b, ann, "for Ann again", time.Now())
	if n := next(t, annCh); n.ID != second {
		t.Fatalf("Ann's subscriber got %q, want the second listed one", n.Title)
	}
	endAnn()
	for range annCh { // drains, then ends when the hub closes it
	}
	if n := next(t, annCh2); n.ID != second {
		t.Fatalf("Ann's second subscriber got %q", n.Title)
	}
}

// TestHubSlowSubscriberDropsWithoutBlockingOthers: a subscriber that reads nothing keeps its
// buffer's worth and loses the rest; another user's subscriber still gets theirs.
func TestHubSlowSubscriberDropsWithoutBlockingOthers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ann := mustUser(t, b.pool, b.org, "Ann", marketer)
	bob := mustUser(t, b.pool, b.org, "Bob", reviewer)
	h, pids := runHub(t, b, func(h *notify.Hub) { h.SubscriberBuffer = 2 }, nil)
	receivePID(t, pids)
	slow := h.Subscribe(context.Background(), ann.id)
	bobCh := h.Subscribe(context.Background(), bob.id)
	for range 5 {
		mustNotification(t, b, ann, "for Ann", time.Now())
	}
	last := mustNotification(t, b, bob, "for Bob", time.Now())
	// The hub handles notifications in commit order: once Bob has his, Ann's five were handled.
	if n := next(t, bobCh); n.ID != last {
		t.Fatalf("Bob got %q", n.Title)
	}
	if len(slow) != 2 || h.Dropped() != 3 {
		t.Fatalf("slow subscriber holds %d, %d dropped; want 2 and 3", len(slow), h.Dropped())
	}
}

// TestHubCatchesUpAfterReconnect: a notification committed while the hub's connection is down is
// delivered once the hub is back, exactly once.
func TestHubCatchesUpAfterReconnect(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ann := mustUser(t, b.pool, b.org, "Ann", marketer)
	down := make(chan struct{}, 1)
	release := make(chan struct{})
	h, pids := runHub(t, b, nil, func() {
		down <- struct{}{}
		<-release
	})
	pid := receivePID(t, pids)
	ch := h.Subscribe(context.Background(), ann.id)
	before := mustNotification(t, b, ann, "before", time.Now())
	if n := next(t, ch); n.ID != before {
		t.Fatalf("got %q", n.Title)
	}

	// Cut the hub's connection and commit while it is away.
	if _, err := b.pool.Exec(context.Background(), `SELECT pg_terminate_backend($1)`, int32(pid)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-down:
	case <-time.After(hubTimeout):
		t.Fatal("hub did not notice its connection was cut")
	}
	missed := mustNotification(t, b, ann, "while away", time.Now())
	close(release)
	if again := receivePID(t, pids); again == pid {
		t.Fatal("hub listens on the terminated backend")
	}
	if n := next(t, ch); n.ID != missed {
		t.Fatalf("after reconnecting got %q, want the one committed while away", n.Title)
	}
	// Nothing twice: the next to arrive is a new one, not a repeat of the catch-up.
	after := mustNotification(t, b, ann, "after", time.Now())
	if n := next(t, ch); n.ID != after {
		t.Fatalf("got %q, want the one after the reconnection", n.Title)
	}
}
