package app_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/config"
	"clearpost/internal/jobs"

	"github.com/emersion/go-smtp"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
)

// wipeBound is how soon after Redis comes back empty lost work must have run: the reconciler's
// period (README, "When Redis loses its data": enqueued again within it), plus time for the task
// itself on a busy two-core test machine. A scheduled task runs at its time when that is later.
const wipeBound = jobs.ReconcileEvery + 10*time.Second

// wipeCase is one kind of work Redis loses, counted where it lands.
type wipeCase struct {
	name     string
	want     int                    // landings expected: one per piece of work lost
	landed   func(t *testing.T) int // landings so far, repeats included
	notSoon  time.Time              // a scheduled task's time: landing earlier is a bug
	landedAt time.Time              // when the test first saw all of it land
}

// Every kind of task Redis can lose comes back from PostgreSQL: each is relayed to Redis and kept
// from running (its queue paused, or its target down and the task waiting for a retry), then Redis
// restarts without its data. Left alone, with no sweep called by the test, every piece of work
// lands once, within the reconciler's period of the wipe (a scheduled share at its own time), and
// no second sweep finds anything more to do.
func TestEveryKindOfTaskSurvivesRedisLosingItsData(t *testing.T) {
	t.Parallel()
	f := newFakes(t)
	inbox := newMailbox(t)
	hooks := newHookReceiver(t)
	env, proxy := apptest.StartWithQueueVia(t, f.configure, func(c *config.Config) {
		c.SMTPURL, c.SMTPTLS = "smtp://"+inbox.addr, "none"
	})
	p := tokens(t, env)
	ctx := context.Background()
	inspector := asynq.NewInspector(env.Redis.Opt())
	t.Cleanup(func() { inspector.Close() })

	// What every case needs, settled with the queue running: a post employees can share, a tracked
	// link, a connected account, the organization's Slack and a webhook subscription.
	board := p.board(t, "Everyone", map[string]any{"everyone": true})
	shared, link := p.trackedLink(t, board)
	p.Must(t, p.tok["employee"], `mutation($t: String!, $a: String!) { connectAccount(network: LINKEDIN, token: $t, accountId: $a) { network } }`,
		map[string]any{"t": f.linkedin.AccessToken, "a": f.linkedin.PersonURN}, nil)
	p.Must(t, p.tok["admin"], `mutation($u: String!) { setSlackWebhook(url: $u) }`, map[string]any{"u": f.slack.URL}, nil)
	for _, who := range []string{"legal", "compliance", "brand"} {
		p.Must(t, p.tok[who], `mutation { setNotificationPreferences(input: {channels: [IN_APP, EMAIL, SLACK]}) { channels } }`, nil, nil)
	}
	p.Must(t, p.tok["admin"], `mutation($in: WebhookSubscriptionInput!) { createWebhookSubscription(input: $in) { secret } }`,
		map[string]any{"in": map[string]any{"url": hooks.URL, "events": []string{"post.submitted"}}}, nil)
	p.waitRelayed(t)
	slackBefore := len(f.slack.Requests())

	// Work whose target is down: the e-mail and the Slack message of a review request, and the
	// webhook delivery of its submission, each refused once and waiting in Redis for a retry.
	inbox.down.Store(true)
	hooks.down.Store(true)
	f.slack.FailNext(1000, http.StatusServiceUnavailable, `{"error":"service_unavailable"}`)
	refused := p.create(t, "Review me while the mail server is down.")
	p.submit(t, refused.ID)
	eventually(t, 15*time.Second, "the e-mail, the Slack message and the webhook delivery refused once each", func() bool {
		return inbox.refused.Load() > 0 && hooks.refused.Load() > 0 && len(f.slack.Requests()) > slackBefore
	})
	// Each piece of that work by its id: the receivers count arrivals by it.
	var mails, hookIDs []string
	for _, q := range []struct {
		ids *[]string
		sql string
	}{
		{&mails, `SELECT n.id::text || '@localhost' FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id AND d.channel = 'EMAIL' WHERE n.post_id = $1`},
		{&hookIDs, `SELECT d.id::text FROM webhook_deliveries d WHERE d.data->>'post_id' = $1::text`},
	} {
		rows, err := env.App.Pool.Query(ctx, q.sql, refused.ID)
		if err != nil {
			t.Fatal(err)
		}
		if *q.ids, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil || len(*q.ids) == 0 {
			t.Fatalf("%s: %v, %v", q.sql, *q.ids, err)
		}
	}
	slacks := count(t, env, `SELECT count(*) FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id AND d.channel = 'SLACK' WHERE n.post_id = $1`, refused.ID)
	// Paused, the queues keep every task that is not running where it is; Redis restarting forgets
	// the pause with the rest.
	pauseQueues(t, inspector)

	// Work whose outbox row a request writes, relayed into the paused queues: a click made while
	// Redis was away, the index update and the author's in-app
	// notification of a newly approved post, and a share scheduled through the connected account.
	proxy.Stop()
	click := clickOnce(t, link)
	proxy.Start()
	indexed := p.create(t, "Quokkas visit the Lisbon office.")
	p.Must(t, p.tok["marketer"], `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`, map[string]any{"p": indexed.ID, "b": []string{board}}, nil)
	p.approvePost(t, indexed)
	at := time.Now().Add(12 * time.Second).Truncate(time.Second)
	p.Must(t, p.tok["employee"], `mutation($p: ID!, $at: Time!) { sharePost(postId: $p, network: LINKEDIN, scheduleAt: $at) { status } }`,
		map[string]any{"p": shared, "at": at.UTC().Format(time.RFC3339)}, nil)
	eventually(t, 15*time.Second, "the click written and every outbox row relayed", func() bool {
		return count(t, env, `SELECT count(*) FROM outbox WHERE topic = 'share.clicked'`) > 0 &&
			count(t, env, `SELECT count(*) FROM outbox WHERE relayed_at IS NULL`) == 0
	})
	if n := count(t, env, `SELECT count(*) FROM outbox WHERE topic = 'share.clicked'`); click != http.StatusFound || n != 1 {
		t.Fatalf("tracked link answered %d while Redis was away and left %d clicks in the outbox, want 302 and 1", click, n)
	}

	cases := []*wipeCase{
		{name: "search index update", landed: func(t *testing.T) int { return len(p.search(t, "employee", "quokkas")) }},
		{name: "tracked-link click", landed: func(t *testing.T) int { return clicksOn(t, env, shared) }},
		{name: "in-app notification", landed: func(t *testing.T) int {
			return count(t, env, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
				WHERE n.post_id = $1 AND n.kind = 'POST_APPROVED' AND u.email = 'marketer@example.com'`, indexed.ID)
		}},
		{name: "notification e-mail", want: len(mails), landed: func(*testing.T) int { return inbox.arrived.arrivals(mails) }},
		{name: "notification on Slack", want: slacks, landed: func(*testing.T) int {
			n := 0
			for _, m := range f.slack.Messages() {
				if strings.Contains(m.Text, refused.ID) {
					n++
				}
			}
			return n
		}},
		{name: "scheduled share", notSoon: at, landed: func(*testing.T) int {
			n := 0
			for _, post := range f.linkedin.Posts() {
				if post.Author == f.linkedin.PersonURN {
					n++
				}
			}
			return n
		}},
		{name: "webhook delivery", want: len(hookIDs), landed: func(*testing.T) int { return hooks.arrived.arrivals(hookIDs) }},
	}
	for _, c := range cases {
		if n := c.landed(t); n != 0 {
			t.Fatalf("%s: landed %d times before Redis lost its data: the test did not hold it back", c.name, n)
		}
	}
	if left := time.Until(at); left < time.Second {
		t.Fatalf("only %s left before the scheduled share: too late to take its task away", left)
	}

	env.Redis.Wipe(t)
	wiped := time.Now()
	inbox.down.Store(false)
	hooks.down.Store(false)
	f.slack.FailNext(0, 0, "")

	deadline := wiped.Add(wipeBound)
	if due := at.Add(wipeBound - jobs.ReconcileEvery); due.After(deadline) {
		deadline = due // the scheduled share, due after the sweep
	}
	for {
		waiting := 0
		for _, c := range cases {
			if c.landedAt.IsZero() && c.landed(t) >= max(1, c.want) {
				c.landedAt = time.Now()
			}
			if c.landedAt.IsZero() {
				waiting++
			}
		}
		if waiting == 0 {
			break
		}
		if time.Now().After(deadline) {
			for _, c := range cases {
				if c.landedAt.IsZero() {
					t.Errorf("%s: landed %d times %s after the wipe, want %d", c.name, c.landed(t), time.Since(wiped).Round(time.Millisecond), max(1, c.want))
				}
			}
			t.FailNow()
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.waitTasksDone(t, 15*time.Second)
	for _, c := range cases {
		if n := c.landed(t); n != max(1, c.want) {
			t.Errorf("%s: landed %d times, want %d", c.name, n, max(1, c.want))
		}
		if !c.notSoon.IsZero() && c.landedAt.Before(c.notSoon) {
			t.Errorf("%s: landed at %s, before its time %s", c.name, c.landedAt.Format(time.RFC3339Nano), c.notSoon.Format(time.RFC3339))
		}
		t.Logf("%s landed %s after the wipe", c.name, c.landedAt.Sub(wiped).Round(time.Millisecond))
	}
	// Nothing else arrived twice either: the e-mails, Slack messages and webhook deliveries the
	// recovered work started after the wipe.
	if dup := inbox.arrived.duplicates() + hooks.arrived.duplicates(); dup != 0 {
		t.Errorf("%d e-mails or webhook deliveries arrived again", dup)
	}
	if got, sent := len(f.slack.Messages()), count(t, env, `SELECT count(*) FROM notification_deliveries WHERE channel = 'SLACK'`); got != sent {
		t.Errorf("Slack got %d messages for %d notifications", got, sent)
	}
	// PostgreSQL agrees: every delivery sent (a worker writes that once the receiver answered, so
	// wait for it), and sweeps find nothing more to recover and leave no relayed row undone (once
	// the last tasks recorded their completion).
	eventually(t, 10*time.Second, "every notification delivery SENT", func() bool {
		return count(t, env, `SELECT count(*) FROM notification_deliveries WHERE status <> 'SENT'`) == 0
	})
	eventually(t, 10*time.Second, "every webhook delivery DELIVERED", func() bool {
		return count(t, env, `SELECT count(*) FROM webhook_deliveries WHERE status <> 'DELIVERED'`) == 0
	})
	eventually(t, 10*time.Second, "every outbox row done after a sweep", func() bool {
		res, err := env.App.Reconciler.Sweep(ctx)
		if err != nil || res.Recovered != 0 {
			t.Fatalf("sweep after recovery = %+v, %v; want nothing recovered", res, err)
		}
		return count(t, env, `SELECT count(*) FROM outbox WHERE done_at IS NULL`) == 0
	})
}

// A click is in the outbox before Redis sees it (the redirect writes clicks in batches, within
// its flush interval), so a click whose task Redis lost before running it is in PostgreSQL: the
// reconciler enqueues it again, and it is counted once.
func TestClickRelayedToRedisSurvivesRedisLosingItsData(t *testing.T) {
	t.Parallel()
	p := queued(t)
	inspector := asynq.NewInspector(p.Redis.Opt())
	t.Cleanup(func() { inspector.Close() })
	shared, link := p.trackedLink(t, p.board(t, "Everyone", map[string]any{"everyone": true}))
	p.waitRelayed(t)
	pauseQueues(t, inspector)
	if code := clickOnce(t, link); code != http.StatusFound {
		t.Fatalf("tracked link answered %d, want 302", code)
	}
	eventually(t, 10*time.Second, "the click in the outbox and relayed to Redis", func() bool {
		return count(t, p.Env, `SELECT count(*) FROM outbox WHERE topic = 'share.clicked' AND relayed_at IS NOT NULL`) == 1
	})
	tasks, err := inspector.ListPendingTasks(jobs.QueueFor(jobs.TypeShareClick))
	if err != nil {
		t.Fatal(err)
	}
	var clicks int
	for _, ti := range tasks {
		if ti.Type == jobs.TypeShareClick {
			clicks++
		}
	}
	if clicks != 1 {
		t.Fatalf("%d share:click tasks pending in Redis, want the click", clicks)
	}
	p.Redis.Wipe(t)
	eventually(t, wipeBound, "the click Redis lost to be counted", func() bool { return clicksOn(t, p.Env, shared) > 0 })
	p.waitTasksDone(t, 15*time.Second)
	if n := clicksOn(t, p.Env, shared); n != 1 {
		t.Errorf("%d clicks counted, want 1", n)
	}
}

// pauseQueues stops the workers taking tasks from every queue: what Redis holds stays there until
// the queues are resumed, or Redis forgets the pause with the rest of its data.
func pauseQueues(t *testing.T, inspector *asynq.Inspector) {
	t.Helper()
	for _, q := range []string{jobs.QueueCritical, jobs.QueueDefault, jobs.QueueLow} {
		if err := inspector.PauseQueue(q); err != nil {
			t.Fatalf("pause %s: %v", q, err)
		}
	}
}

// eventually polls cond until it holds, failing t after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
	}
}

func count(t *testing.T, env *apptest.Env, query string, args ...any) int {
	t.Helper()
	var n int
	if err := env.App.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// mailbox is an SMTP server on loopback that counts the messages it accepts and, while down,
// refuses every sender with a temporary failure (421), as a server in trouble does.
type mailbox struct {
	addr    string
	down    atomic.Bool
	refused atomic.Int64
	arrived tally // by Message-ID
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &mailbox{addr: ln.Addr().String()}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return mailSession{m}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go srv.Serve(ln) //nolint:errcheck // ends when closed
	t.Cleanup(func() { srv.Close() })
	return m
}

type mailSession struct{ m *mailbox }

func (s mailSession) Mail(string, *smtp.MailOptions) error {
	if s.m.down.Load() {
		s.m.refused.Add(1)
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "try again later"}
	}
	return nil
}
func (s mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	s.m.arrived.add(strings.Trim(msg.Header.Get("Message-Id"), "<>"))
	return nil
}
func (mailSession) Reset()        {}
func (mailSession) Logout() error { return nil }

// hookReceiver is an outgoing webhook's endpoint: it counts deliveries by their Idempotency-Key
// (the delivery's id) and, while down, answers 503.
type hookReceiver struct {
	*httptest.Server
	down    atomic.Bool
	refused atomic.Int64
	arrived tally
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if h.down.Load() {
			h.refused.Add(1)
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		h.arrived.add(r.Header.Get("Idempotency-Key"))
	}))
	t.Cleanup(h.Close)
	return h
}

// tally counts arrivals by id.
type tally struct {
	mu   sync.Mutex
	seen map[string]int
}

func (c *tally) add(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]int{}
	}
	c.seen[id]++
}

// arrivals is how many times the ids arrived, repeats included.
func (c *tally) arrivals(ids []string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, id := range ids {
		n += c.seen[id]
	}
	return n
}

// duplicates is how many arrivals repeated an id that had arrived.
func (c *tally) duplicates() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, k := range c.seen {
		n += k - 1
	}
	return n
}
