package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/approval"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/notify"
	"clearpost/internal/postgres"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/secretbox"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The SMTP server's credentials: they must never show up in a message.
const (
	smtpUser     = "clearpost"
	smtpPassword = "smtp-s3cret-Pa55"
)

// bundle is what a test needs: a database with one organization, an SMTP server and a Slack
// webhook server on loopback, and the service delivering to them.
type bundle struct {
	pool  *pgxpool.Pool
	org   uuid.UUID
	keys  *secretbox.Keyring
	svc   *notify.Service
	smtp  *smtpServer
	slack *slackServer
	log   *slog.Logger

	strictTargets bool
}

type setupOptions struct {
	maxAttempts int
	slackStatus int // what the Slack server answers; 0: 200
	// strictTargets is the production guard: no private or loopback targets (so the loopback
	// Slack server is refused). Off by default, as in tests and `clearpost dev`.
	strictTargets bool
}

func setup(t *testing.T, opts ...func(*setupOptions)) *bundle {
	t.Helper()
	var o setupOptions
	for _, f := range opts {
		f(&o)
	}
	pool := pgtest.New(t)
	keys, err := secretbox.Parse(secretbox.NewKey("k1"))
	if err != nil {
		t.Fatal(err)
	}
	b := &bundle{pool: pool, keys: keys, smtp: newSMTPServer(t), slack: newSlackServer(t, o.slackStatus), log: slog.New(slog.DiscardHandler),
		strictTargets: o.strictTargets}
	b.org = mustOrg(t, pool, "acme")
	b.svc = b.newService(t, o.maxAttempts)
	return b
}

func (b *bundle) newService(t *testing.T, maxAttempts int) *notify.Service {
	t.Helper()
	svc, err := notify.NewService(b.pool, b.keys, notify.Options{
		Mail: notify.MailOptions{
			URL:       fmt.Sprintf("smtp://%s:%s@%s", smtpUser, smtpPassword, b.smtp.addr),
			From:      "Clearpost <clearpost@acme.test>",
			TLSPolicy: notify.TLSNone,
			Timeout:   10 * time.Second,
		},
		PublicURL:           "https://clearpost.acme.test/",
		MaxAttempts:         maxAttempts,
		AllowPrivateTargets: !b.strictTargets,
	}, b.log)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func mustOrg(tb testing.TB, db postgres.DB, slug string) uuid.UUID {
	tb.Helper()
	var id uuid.UUID
	if err := db.QueryRow(context.Background(), `INSERT INTO organizations (slug, name) VALUES ($1, $2) RETURNING id`, slug, slug).Scan(&id); err != nil {
		tb.Fatalf("insert organization %s: %v", slug, err)
	}
	return id
}

// user is a user of a test, and the principal they act as.
type user struct {
	id    uuid.UUID
	email string
	name  string
	p     *auth.Principal
}

// ctx returns a context in which u is signed in.
func (u *user) ctx() context.Context { return auth.WithPrincipal(context.Background(), u.p) }

// mustUser inserts an active user of org with roles and groups (assigned by an admin).
func mustUser(tb testing.TB, db postgres.DB, org uuid.UUID, name string, roles []auth.Role, groups ...string) *user {
	tb.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@" + org.String()[:8] + ".test"
	rs := make([]string, len(roles))
	for i, r := range roles {
		rs[i] = string(r)
	}
	if groups == nil {
		groups = []string{}
	}
	var id uuid.UUID
	if err := db.QueryRow(context.Background(), `INSERT INTO users (org_id, issuer, subject, email, name, roles, groups)
		VALUES ($1, 'https://idp.test', $2, $2, $3, $4, $5) RETURNING id`, org, email, name, rs, groups).Scan(&id); err != nil {
		tb.Fatalf("insert user %s: %v", name, err)
	}
	return &user{id: id, email: email, name: name, p: &auth.Principal{
		UserID: id, OrgID: org, Email: email, Name: name, Roles: roles, Groups: groups,
	}}
}

var (
	reviewer = []auth.Role{auth.RoleReviewer}
	marketer = []auth.Role{auth.RoleMarketer}
	admin    = []auth.Role{auth.RoleAdmin}
)

// mustWorkflow makes stages the default workflow of m's organization, as an admin of it (only
// admins configure routing).
func mustWorkflow(tb testing.TB, pool *pgxpool.Pool, m *user, stages ...approval.Stage) {
	tb.Helper()
	a := mustUser(tb, pool, m.p.OrgID, "Workflow Admin "+uuid.NewString()[:8], admin)
	if _, err := approval.NewService(pool).CreateWorkflow(a.ctx(), approval.WorkflowInput{Name: "Default", IsDefault: true, Stages: stages}); err != nil {
		tb.Fatalf("create workflow: %v", err)
	}
}

func anyOf(group string) approval.GroupRequirement {
	return approval.GroupRequirement{Group: group, Quorum: approval.Quorum{Kind: approval.QuorumAny}}
}

// mustSubmit creates a post titled title as author and submits it.
func mustSubmit(tb testing.TB, pool *pgxpool.Pool, author *user, title string) *content.Post {
	tb.Helper()
	post, err := content.NewService(pool, nil).Create(author.ctx(), content.Content{Title: title, Body: "Our new plans start at $49 a month."})
	if err != nil {
		tb.Fatalf("create post: %v", err)
	}
	if _, err := approval.NewService(pool).Submit(author.ctx(), post.ID); err != nil {
		tb.Fatalf("submit post: %v", err)
	}
	return post
}

// mustDecide records reviewer r's decision on the version under review of post.
func mustDecide(tb testing.TB, pool *pgxpool.Pool, r *user, post uuid.UUID, kind approval.DecisionKind, comment string) {
	tb.Helper()
	var version uuid.UUID
	if err := pool.QueryRow(context.Background(), `SELECT version_id FROM reviews WHERE post_id = $1 AND status = 'IN_REVIEW'`, post).Scan(&version); err != nil {
		tb.Fatalf("open review of %s: %v", post, err)
	}
	if _, _, err := approval.NewService(pool).Decide(r.ctx(), approval.DecisionInput{PostID: post, VersionID: version, Kind: kind, Comment: comment}); err != nil {
		tb.Fatalf("%s decides %s: %v", r.name, kind, err)
	}
}

// handlers are the task handlers a test relay runs, by task type.
func (b *bundle) handlers() map[string]func(context.Context, *asynq.Task) error {
	return map[string]func(context.Context, *asynq.Task) error{
		jobs.TypeNotifyEvent: b.svc.ProcessEvent,
		jobs.TypeNotifyEmail: b.svc.ProcessEmail,
		jobs.TypeNotifySlack: b.svc.ProcessSlack,
	}
}

// testRoutes route the topics of notifications as the app does.
func testRoutes() jobs.Routes {
	r := jobs.Routes{jobs.TopicNotifyEmail: {jobs.TypeNotifyEmail}, jobs.TopicNotifySlack: {jobs.TypeNotifySlack}}
	for _, topic := range jobs.NotifyTopics {
		r[topic] = []string{jobs.TypeNotifyEvent}
	}
	return r
}

// outboxRow is an outbox row as a test relays it.
type outboxRow struct {
	ID      int64
	OrgID   uuid.UUID
	Topic   string
	Payload []byte
}

// taskOf builds the task the relay starts for row: the row's payload with outbox_id, org_id and
// topic added.
func taskOf(tb testing.TB, typ string, row outboxRow) *asynq.Task {
	tb.Helper()
	fields := map[string]any{}
	if err := json.Unmarshal(row.Payload, &fields); err != nil {
		tb.Fatalf("outbox row %d payload: %v", row.ID, err)
	}
	fields["outbox_id"], fields["org_id"], fields["topic"] = row.ID, row.OrgID, row.Topic
	payload, err := json.Marshal(fields)
	if err != nil {
		tb.Fatal(err)
	}
	return asynq.NewTask(typ, payload)
}

// drain relays the outbox in id order until it is empty, running each task's handler directly,
// and returns how many tasks of each type ran. A handler error fails the test.
func (b *bundle) drain(tb testing.TB) map[string]int {
	tb.Helper()
	ctx := context.Background()
	routes, handlers := testRoutes(), b.handlers()
	ran := map[string]int{}
	for range 100 {
		rows := b.pendingOutbox(tb, "")
		if len(rows) == 0 {
			return ran
		}
		for _, row := range rows {
			if _, err := b.pool.Exec(ctx, `UPDATE outbox SET relayed_at = now() WHERE id = $1`, row.ID); err != nil {
				tb.Fatal(err)
			}
			for _, typ := range routes[row.Topic] {
				if err := handlers[typ](ctx, taskOf(tb, typ, row)); err != nil {
					tb.Fatalf("%s for outbox row %d (%s): %v", typ, row.ID, row.Topic, err)
				}
				ran[typ]++
			}
		}
	}
	tb.Fatal("outbox never drained")
	return nil
}

// pendingOutbox returns the unrelayed outbox rows (of topic, when given), oldest first.
func (b *bundle) pendingOutbox(tb testing.TB, topic string) []outboxRow {
	tb.Helper()
	rows, err := b.pool.Query(context.Background(), `SELECT id, org_id, topic, payload FROM outbox
		WHERE relayed_at IS NULL AND ($1 = '' OR topic = $1) ORDER BY id`, topic)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[outboxRow])
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// skipOutbox marks every pending outbox row relayed without running anything.
func (b *bundle) skipOutbox(tb testing.TB) {
	tb.Helper()
	if _, err := b.pool.Exec(context.Background(), `UPDATE outbox SET relayed_at = now() WHERE relayed_at IS NULL`); err != nil {
		tb.Fatal(err)
	}
}

// notifications returns every notification of u (listed or not), oldest first.
type storedNotification struct {
	ID    uuid.UUID
	Kind  string
	Title string
	Body  string
	Link  string
	InApp bool
}

func (b *bundle) notificationsOf(tb testing.TB, u *user) []storedNotification {
	tb.Helper()
	rows, err := b.pool.Query(context.Background(), `SELECT id, kind, title, body, link, in_app FROM notifications
		WHERE user_id = $1 ORDER BY created_at, id`, u.id)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[storedNotification])
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// kindsOf returns the kinds of u's notifications, oldest first, as one string.
func (b *bundle) kindsOf(tb testing.TB, u *user) string {
	tb.Helper()
	var kinds []string
	for _, n := range b.notificationsOf(tb, u) {
		kinds = append(kinds, n.Kind)
	}
	return strings.Join(kinds, ",")
}

// count runs a count(*) query.
func count(tb testing.TB, db postgres.DB, sql string, args ...any) int {
	tb.Helper()
	var n int
	if err := db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}

// wantField fails unless err is BAD_USER_INPUT naming field.
func wantField(tb testing.TB, err error, field string) {
	tb.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Invalid || e.Field != field {
		tb.Fatalf("want a BAD_USER_INPUT error on %s, got %v", field, err)
	}
}

// wantCode fails unless err carries code.
func wantCode(tb testing.TB, err error, code apperr.Code) {
	tb.Helper()
	if err == nil || apperr.CodeOf(err) != code {
		tb.Fatalf("want %s, got %v", code, err)
	}
}

// waitFor waits until cond holds, checking it whenever signal fires (and every 20 ms for what
// signals nothing), failing after timeout.
func waitFor(tb testing.TB, signal <-chan struct{}, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-signal:
		case <-tick.C:
		case <-deadline.C:
			tb.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}

// smtpServer is an SMTP server on loopback that requires the test credentials and records every
// message it accepts. Mail to an address starting with "bounce" is refused for good.
type smtpServer struct {
	addr    string
	mu      sync.Mutex
	msgs    []smtpMessage
	arrived chan struct{}
}

type smtpMessage struct {
	From string
	To   []string
	Data string // as received
}

// text returns the message's headers, decoded, and its body, decoded from quoted-printable.
func (m smtpMessage) text(tb testing.TB) (mail.Header, string) {
	tb.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		tb.Fatalf("parse e-mail: %v\n%s", err, m.Data)
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(msg.Body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		tb.Fatalf("read e-mail body: %v", err)
	}
	return msg.Header, string(b)
}

// subject returns the message's decoded subject.
func (m smtpMessage) subject(tb testing.TB) string {
	tb.Helper()
	h, _ := m.text(tb)
	s, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// body returns the message's decoded body.
func (m smtpMessage) body(tb testing.TB) string {
	tb.Helper()
	_, b := m.text(tb)
	return b
}

func newSMTPServer(tb testing.TB) *smtpServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &smtpServer{addr: ln.Addr().String(), arrived: make(chan struct{}, 1)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go srv.Serve(ln) //nolint:errcheck // ends when closed
	tb.Cleanup(func() { srv.Close() })
	return s
}

// messages returns the messages received so far.
func (s *smtpServer) messages() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage(nil), s.msgs...)
}

// to returns the messages received for addr.
func (s *smtpServer) to(addr string) []smtpMessage {
	var out []smtpMessage
	for _, m := range s.messages() {
		for _, rcpt := range m.To {
			if rcpt == addr {
				out = append(out, m)
			}
		}
	}
	return out
}

type smtpSession struct {
	srv    *smtpServer
	authed bool
	from   string
	to     []string
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != smtpUser || password != smtpPassword {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "bounce") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, smtpMessage{From: s.from, To: s.to, Data: string(b)})
	s.srv.mu.Unlock()
	select {
	case s.srv.arrived <- struct{}{}:
	default:
	}
	return nil
}

func (s *smtpSession) Reset()        { s.from, s.to = "", nil }
func (s *smtpSession) Logout() error { return nil }

// slackServer is a Slack incoming webhook on loopback that records what is posted to it.
type slackServer struct {
	url    string
	status int
	mu     sync.Mutex
	posts  []slackPost
}

type slackPost struct {
	ContentType string
	Path        string
	Body        map[string]any
	Raw         string
}

func newSlackServer(tb testing.TB, status int) *slackServer {
	tb.Helper()
	if status == 0 {
		status = http.StatusOK
	}
	s := &slackServer{status: status}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		p := slackPost{ContentType: r.Header.Get("Content-Type"), Path: r.URL.Path, Raw: string(raw)}
		_ = json.Unmarshal(raw, &p.Body)
		s.mu.Lock()
		s.posts = append(s.posts, p)
		s.mu.Unlock()
		w.WriteHeader(s.status)
		_, _ = io.WriteString(w, "ok")
	}))
	tb.Cleanup(hs.Close)
	// The path stands for the secret part of a real webhook URL.
	s.url = hs.URL + "/services/T000/B000/" + "xoxsecret" + uuid.NewString()[:8]
	return s
}

func (s *slackServer) received() []slackPost {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]slackPost(nil), s.posts...)
}
