package advocacy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"clearpost/internal/advocacy"
	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/jobs/jobstest"
	"clearpost/internal/postgres"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/secretbox"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
)

const publicURL = "https://clearpost.example.com"

// bundle is what most tests need: a database with one organization, its admin, marketer and an
// employee, and the service with a recording approver.
type bundle struct {
	pool     *pgxpool.Pool
	keys     *secretbox.Keyring
	approver *fakeApprover
	svc      *advocacy.Service
	org      uuid.UUID
	admin    *auth.Principal
	marketer *auth.Principal
	employee *auth.Principal
}

func setup(t *testing.T) bundle {
	t.Helper()
	pool := pgtest.New(t)
	keys, err := secretbox.Parse(secretbox.NewKey("test"))
	if err != nil {
		t.Fatal(err)
	}
	b := bundle{pool: pool, keys: keys, approver: &fakeApprover{pool: pool}}
	b.svc = advocacy.NewService(pool, keys, b.approver, publicURL)
	b.org = mustOrg(t, pool, "acme")
	b.admin = mustUser(t, pool, b.org, "admin@acme.test", "Ada Admin", auth.RoleAdmin)
	b.marketer = mustUser(t, pool, b.org, "marketer@acme.test", "Mark Marketer", auth.RoleMarketer)
	b.employee = mustUser(t, pool, b.org, "employee@acme.test", "Emma Employee", auth.RoleEmployee)
	return b
}

func as(p *auth.Principal) context.Context { return auth.WithPrincipal(context.Background(), p) }

func mustOrg(tb testing.TB, db postgres.DB, slug string) uuid.UUID {
	tb.Helper()
	var id uuid.UUID
	if err := db.QueryRow(context.Background(), `INSERT INTO organizations (slug, name) VALUES ($1, $1) RETURNING id`, slug).Scan(&id); err != nil {
		tb.Fatalf("insert organization %s: %v", slug, err)
	}
	return id
}

// mustUser inserts an active user and returns them as a principal.
func mustUser(tb testing.TB, db postgres.DB, org uuid.UUID, email, name string, roles ...auth.Role) *auth.Principal {
	tb.Helper()
	p := &auth.Principal{OrgID: org, Email: email, Name: name, Roles: roles}
	if err := db.QueryRow(context.Background(), `INSERT INTO users (org_id, issuer, subject, email, name, roles)
		VALUES ($1, 'https://idp.test', $2, $2, $3, $4) RETURNING id`, org, email, name, roles).Scan(&p.UserID); err != nil {
		tb.Fatalf("insert user %s: %v", email, err)
	}
	return p
}

// mustPost inserts a post in state with one version of c, and returns it with its version.
func mustPost(tb testing.TB, db postgres.DB, org, author uuid.UUID, state content.State, c content.Content) (uuid.UUID, uuid.UUID) {
	tb.Helper()
	ctx := context.Background()
	c = c.Normalize()
	var post, version uuid.UUID
	if err := db.QueryRow(ctx, `INSERT INTO posts (org_id, author_id, state, title, approved_at)
		VALUES ($1, $2, $3, $4, CASE WHEN $3 = 'APPROVED' THEN now() END) RETURNING id`, org, author, state, c.Title).Scan(&post); err != nil {
		tb.Fatalf("insert post: %v", err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO post_versions (org_id, post_id, number, content, content_hash, author_id)
		VALUES ($1, $2, 1, $3, $4, $5) RETURNING id`, org, post, c.Canonical(), c.Hash(), author).Scan(&version); err != nil {
		tb.Fatalf("insert version: %v", err)
	}
	return post, version
}

// mustEdit gives a post a new current version with c, in state (as an edit of an approved post
// does).
func mustEdit(tb testing.TB, db postgres.DB, post uuid.UUID, state content.State, c content.Content) {
	tb.Helper()
	ctx := context.Background()
	c = c.Normalize()
	_, err := db.Exec(ctx, `WITH v AS (
			INSERT INTO post_versions (org_id, post_id, number, content, content_hash, author_id)
			SELECT org_id, id, current_version + 1, $2, $3, author_id FROM posts WHERE id = $1
			RETURNING number)
		UPDATE posts SET current_version = (SELECT number FROM v), state = $4 WHERE id = $1`, post, c.Canonical(), c.Hash(), state)
	if err != nil {
		tb.Fatalf("edit post: %v", err)
	}
}

// mustBoard inserts a board with an audience of groups (none: everyone) and puts posts on it.
func mustBoard(tb testing.TB, db postgres.DB, org, creator uuid.UUID, groups []string, posts ...uuid.UUID) uuid.UUID {
	tb.Helper()
	ctx := context.Background()
	var id uuid.UUID
	if groups == nil {
		groups = []string{}
	}
	if err := db.QueryRow(ctx, `INSERT INTO boards (org_id, name, audience_everyone, audience_groups, created_by)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, org, "board "+uuid.NewString()[:8], len(groups) == 0, groups, creator).Scan(&id); err != nil {
		tb.Fatalf("insert board: %v", err)
	}
	for _, p := range posts {
		if _, err := db.Exec(ctx, `INSERT INTO board_items (board_id, post_id, org_id, position) VALUES ($1, $2, $3, 1)`, id, p, org); err != nil {
			tb.Fatalf("insert board item: %v", err)
		}
	}
	return id
}

// sharedContent is a post's content as most tests share it.
func sharedContent(editable bool) content.Content {
	return content.Content{
		Title: "Spring launch", Body: "We launched.", Link: "https://example.com/launch?ref=news#section",
		Tags: []string{"spring-launch", "zeta"}, ShareText: "Proud of the team's launch", ShareTextEditable: editable,
	}
}

// approvedPost inserts an APPROVED post of c on a board for everyone.
func (b bundle) approvedPost(t *testing.T, c content.Content) uuid.UUID {
	t.Helper()
	post, _ := mustPost(t, b.pool, b.org, b.marketer.UserID, content.StateApproved, c)
	mustBoard(t, b.pool, b.org, b.marketer.UserID, nil, post)
	return post
}

// employeeShare is the employee's LinkedIn share of an approved post, with its tracked link.
func (b bundle) employeeShare(t *testing.T) *advocacy.Share {
	t.Helper()
	post := b.approvedPost(t, sharedContent(false))
	sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "linkedin"})
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

func (b bundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// mustCode fails unless err is an apperr of code (and field, when given).
func mustCode(t *testing.T, err error, code apperr.Code, field string) *apperr.Error {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("want %s error, got %v", code, err)
	}
	if field != "" && e.Field != field {
		t.Fatalf("want an error on field %q, got %q: %v", field, e.Field, err)
	}
	return e
}

// fakeApprover puts the edited text into a post under review, authored by the caller, as the
// content service does, and records the calls.
type fakeApprover struct {
	pool  *pgxpool.Pool
	mu    sync.Mutex
	calls []approverCall
}

type approverCall struct {
	Parent        uuid.UUID
	Network, Text string
	Post          uuid.UUID
}

func (f *fakeApprover) SubmitShareText(ctx context.Context, parent uuid.UUID, network, text string) (uuid.UUID, error) {
	p := auth.PrincipalFrom(ctx)
	post, _ := mustPostCtx(ctx, f.pool, p.OrgID, p.UserID, content.StateInReview, content.Content{Body: text})
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, approverCall{parent, network, text, post})
	return post, nil
}

func (f *fakeApprover) Calls() []approverCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]approverCall(nil), f.calls...)
}

func mustPostCtx(ctx context.Context, db postgres.DB, org, author uuid.UUID, state content.State, c content.Content) (uuid.UUID, error) {
	c = c.Normalize()
	var post uuid.UUID
	err := db.QueryRow(ctx, `WITH p AS (INSERT INTO posts (org_id, author_id, state) VALUES ($1, $2, $3) RETURNING id)
		INSERT INTO post_versions (org_id, post_id, number, content, content_hash, author_id)
		SELECT $1, id, 1, $4, $5, $2 FROM p RETURNING post_id`, org, author, state, c.Canonical(), c.Hash()).Scan(&post)
	return post, err
}

// task builds a task as the relay would for an outbox row of topic with payload.
func task(t *testing.T, typ string, org uuid.UUID, topic string, payload map[string]any) *asynq.Task {
	t.Helper()
	payload["org_id"], payload["topic"], payload["outbox_id"] = org, topic, 1
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return asynq.NewTask(typ, b)
}

// fakePublisher records what it publishes; err, when set, is returned instead; block, when set,
// holds each call until it is closed.
type fakePublisher struct {
	mu      sync.Mutex
	calls   []publishCall
	err     error
	started chan struct{}
	block   chan struct{}
}

type publishCall struct {
	Network string
	Creds   map[string]string
	Message advocacy.Message
}

func (f *fakePublisher) Publish(ctx context.Context, network string, creds map[string]string, m advocacy.Message) (string, string, error) {
	f.mu.Lock()
	f.calls = append(f.calls, publishCall{network, creds, m})
	n, err, block, started := len(f.calls), f.err, f.block, f.started
	f.mu.Unlock()
	if started != nil {
		started <- struct{}{}
	}
	if block != nil {
		<-block
	}
	if err != nil {
		return "", "", err
	}
	return fmt.Sprintf("ext-%d", n), fmt.Sprintf("https://%s.example/status/%d", network, n), nil
}

func (f *fakePublisher) Calls() []publishCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]publishCall(nil), f.calls...)
}

// linkServer serves the tracked links of a redirector over real HTTP; a relay hands the clicks
// it writes to the outbox on to a leased Redis database.
type linkServer struct {
	url       string
	redirect  *advocacy.Redirector
	relay     *jobs.Relay
	redis     jobstest.Redis
	inspector *asynq.Inspector
	client    *http.Client // does not follow redirects
}

// testVisitorKey keys the visitor hash in tests.
var testVisitorKey = []byte("0123456789abcdef0123456789abcdef")

func newLinkServer(tb testing.TB, pool *pgxpool.Pool) *linkServer {
	tb.Helper()
	r := jobstest.NewRedis(tb)
	client := asynq.NewClient(r.Opt())
	tb.Cleanup(func() { client.Close() })
	inspector := asynq.NewInspector(r.Opt())
	tb.Cleanup(func() { inspector.Close() })
	rd := newRedirector(tb, pool, advocacy.RedirectOptions{FlushEvery: 5 * time.Millisecond})
	mux := http.NewServeMux()
	mux.Handle("GET /s/{code}", rd)
	// As a trusted proxy would, a test names the client's address in a header: visitors are told
	// apart by address.
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if addr := r.Header.Get(clientAddrHeader); addr != "" {
			r.RemoteAddr = addr
		}
		mux.ServeHTTP(w, r)
	}))
	tb.Cleanup(hs.Close)
	// Only clicks become tasks; the outbox rows of other topics are marked relayed and left.
	relay := jobs.NewRelay(pool, client, jobs.Routes{jobs.TopicShareClicked: {jobs.TypeShareClick}}, slog.New(slog.DiscardHandler))
	return &linkServer{
		url: hs.URL, redirect: rd, relay: relay, redis: r, inspector: inspector,
		client: &http.Client{
			Timeout:       10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// newRedirector returns a redirector on pool with the test visitor key and opts, closed (its
// clicks written) when tb ends, before pool is.
func newRedirector(tb testing.TB, pool *pgxpool.Pool, opts advocacy.RedirectOptions) *advocacy.Redirector {
	tb.Helper()
	opts.VisitorKey = testVisitorKey
	rd, err := advocacy.NewRedirector(pool, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rd.Close(ctx)
	})
	return rd
}

// clientAddrHeader names, in a request to a linkServer, the client address the redirect handler sees.
const clientAddrHeader = "X-Test-Client-Addr"

// waitWritten waits until rd has written every click it took to the outbox.
func waitWritten(tb testing.TB, rd *advocacy.Redirector) {
	tb.Helper()
	eventually(tb, 10*time.Second, "the buffered clicks written to the outbox", func() bool { return advocacy.Buffered(rd) == 0 })
}

// clickTasks waits for the clicks to be written to the outbox, relays them to Redis as a worker
// would, and returns the share:click tasks waiting there.
func (ls *linkServer) clickTasks(tb testing.TB) []*asynq.TaskInfo {
	tb.Helper()
	waitWritten(tb, ls.redirect)
	for {
		n, err := ls.relay.RelayOnce(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	tasks, err := ls.inspector.ListPendingTasks(jobs.QueueFor(jobs.TypeShareClick), asynq.PageSize(1000))
	if err != nil && !errors.Is(err, asynq.ErrQueueNotFound) {
		tb.Fatalf("list click tasks: %v", err)
	}
	return tasks
}

// eventually polls cond until it holds, failing tb after timeout.
func eventually(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
	}
}

const browserUA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
