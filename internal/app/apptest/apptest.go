// Package apptest boots the real App for end-to-end tests: its own database cloned from the
// migrated template, development identity providers served over real HTTP, and a GraphQL client.
package apptest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"clearpost/internal/app"
	"clearpost/internal/auth"
	"clearpost/internal/config"
	"clearpost/internal/devoidc"
	"clearpost/internal/jobs/jobstest"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/secretbox"
	"clearpost/internal/seed"

	"github.com/google/uuid"
)

// ClientID is the OIDC client id the test providers issue tokens for.
const ClientID = "clearpost-test"

// Env is a running Clearpost with its identity providers.
type Env struct {
	App   *app.App
	URL   string         // the API's base URL
	Redis jobstest.Redis // the task queue's database (StartWithQueue)
	idp   *httptest.Server
	mux   *http.ServeMux
	mu    sync.Mutex
	orgs  map[string]*Org
}

// Org is an organization of the Env, with its own identity provider.
type Org struct {
	ID       uuid.UUID
	Slug     string
	Provider *devoidc.Provider
}

// Logger returns a logger for tests: silent unless CLEARPOST_TEST_LOG=1.
func Logger() *slog.Logger {
	if os.Getenv("CLEARPOST_TEST_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// Start boots the App on a free loopback port with the demo organization "example" (users,
// workflow, rules; no posts) signed into by a development provider, with the audit sealer but no
// task queue. configure, if given, adjusts the configuration first.
func Start(t testing.TB, configure ...func(*config.Config)) *Env {
	return start(t, false, configure...)
}

// StartWithQueue is Start with the task queue too (outbox relay and task handlers), on a Redis
// database of its own, leased for the test.
func StartWithQueue(t testing.TB, configure ...func(*config.Config)) *Env {
	r := jobstest.NewRedis(t)
	env := start(t, true, append([]func(*config.Config){func(c *config.Config) { c.RedisURL = r.URL() }}, configure...)...)
	env.Redis = r
	return env
}

// StartWithQueueVia is StartWithQueue with the app reaching Redis through a proxy the test can
// stop and start, to cut Redis off without touching the server other tests share. Env.Redis is
// the database itself, not the proxy.
func StartWithQueueVia(t testing.TB, configure ...func(*config.Config)) (*Env, *jobstest.Proxy) {
	r := jobstest.NewRedis(t)
	proxy := jobstest.NewProxy(t, r.Addr)
	env := start(t, true, append([]func(*config.Config){func(c *config.Config) { c.RedisURL = r.Via(proxy.Addr()).URL() }}, configure...)...)
	env.Redis = r
	return env, proxy
}

func start(t testing.TB, queue bool, configure ...func(*config.Config)) *Env {
	t.Helper()
	ctx := context.Background()
	_, dbURL := pgtest.NewWithURL(t)
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.HTTPAddr, cfg.AuditSigningKey = dbURL, "127.0.0.1:0", key
	cfg.GroupMap = seed.GroupMap
	cfg.AuditSealEvery = 50 * time.Millisecond
	cfg.SecretKeys, cfg.ClickKey = secretbox.NewKey("test"), "test-click-key-0123456789"
	cfg.RetryBase, cfg.AllowPrivateTargets = 20*time.Millisecond, true
	cfg.ShutdownDelay = 0 // no load balancer to tell
	for _, f := range configure {
		f(&cfg)
	}
	a, err := app.New(ctx, cfg, Logger(), app.Options{HTTP: true, Worker: true, Queue: queue})
	if err != nil {
		t.Fatalf("start app: %v", err)
	}
	if err := a.Listen(); err != nil {
		t.Fatalf("listen: %v", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	env := &Env{App: a, URL: "http://" + a.Addr(), mux: http.NewServeMux(), orgs: map[string]*Org{}}
	env.idp = httptest.NewServer(env.mux)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("app run: %v", err)
		}
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		if err := a.Shutdown(sctx); err != nil {
			t.Errorf("app shutdown: %v", err)
		}
		env.idp.Close()
	})
	env.Org(t, "example")
	return env
}

// Org returns organization slug, creating it (demo users, workflow and rules) with its own
// identity provider on first use.
func (e *Env) Org(t testing.TB, slug string) *Org {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if o, ok := e.orgs[slug]; ok {
		return o
	}
	issuer := e.idp.URL + "/" + slug
	var users []devoidc.User
	for _, p := range seed.People {
		users = append(users, devoidc.User{Subject: p.Subject(), Email: p.Email, Name: p.Name, Groups: p.IdPGroups})
	}
	provider, err := devoidc.New(issuer, ClientID, users,
		devoidc.WithRedirectURIs(e.URL+"/auth/callback"), devoidc.WithPostLogoutRedirectURIs(e.URL+"/"))
	if err != nil {
		t.Fatalf("identity provider: %v", err)
	}
	e.mux.Handle("/"+slug+"/", provider.Handler())
	id, err := seed.Base(context.Background(), e.App.Pool, slug, issuer, ClientID)
	if err != nil {
		t.Fatalf("seed %s: %v", slug, err)
	}
	o := &Org{ID: id, Slug: slug, Provider: provider}
	e.orgs[slug] = o
	return o
}

// Token returns an ID token for a demo user of the org.
func (o *Org) Token(t testing.TB, email string) string {
	t.Helper()
	tok, err := o.Provider.Token(email)
	if err != nil {
		t.Fatalf("token for %s: %v", email, err)
	}
	return tok
}

// Result is a GraphQL response.
type Result struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
}

// Error is one GraphQL error.
type Error struct {
	Message    string `json:"message"`
	Path       []any  `json:"path"`
	Extensions struct {
		Code   string `json:"code"`
		Field  string `json:"field"`
		Reason string `json:"reason"`
	} `json:"extensions"`
}

// Code returns the first error's extensions.code, or "".
func (r *Result) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

// Do posts a GraphQL operation with token (none when empty) and decodes the response.
func (e *Env) Do(t testing.TB, token, query string, vars map[string]any) *Result {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	header := http.Header{}
	if token != "" {
		header.Set("Authorization", "Bearer "+token)
	}
	return send(t, client, e.URL+"/graphql", body, header)
}

// client keeps a connection open for each of the requests a test or benchmark has in flight
// (http.DefaultTransport keeps two, and would open a new connection for every third).
var client = func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t}
}()

// send posts a GraphQL request body with header through client and decodes the response.
func send(t testing.TB, client *http.Client, url string, body []byte, header http.Header) *Result {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("graphql request: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	res := &Result{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, res); err != nil {
		t.Fatalf("graphql response (%d): %v: %s", resp.StatusCode, err, raw)
	}
	return res
}

// Must runs an operation that must succeed and decodes its data into out (when not nil).
func (e *Env) Must(t testing.TB, token, query string, vars map[string]any, out any) {
	t.Helper()
	res := e.Do(t, token, query, vars)
	if len(res.Errors) > 0 {
		msgs := make([]string, len(res.Errors))
		for i, er := range res.Errors {
			msgs[i] = er.Extensions.Code + ": " + er.Message
		}
		t.Fatalf("graphql errors: %s\nquery: %s", strings.Join(msgs, "; "), query)
	}
	if out != nil {
		if err := json.Unmarshal(res.Data, out); err != nil {
			t.Fatalf("decode data: %v: %s", err, res.Data)
		}
	}
}

// As returns ctx signed in as a demo user of the org, for calling services directly.
func (e *Env) As(t testing.TB, o *Org, email string) context.Context {
	t.Helper()
	var id uuid.UUID
	err := e.App.Pool.QueryRow(context.Background(), `SELECT id FROM users WHERE org_id = $1 AND email = $2`, o.ID, email).Scan(&id)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	u, err := auth.GetUser(context.Background(), e.App.Pool, o.ID, id)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return auth.WithPrincipal(context.Background(), u.Principal())
}

// Browser is a person's browser: it keeps cookies and follows redirects.
type Browser struct {
	*http.Client
	env *Env
}

// NewBrowser returns a browser with no cookies.
func (e *Env) NewBrowser(t testing.TB) *Browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// Tests run on loopback only: a redirect anywhere else is an error, never a request.
	stayLocal := func(req *http.Request, via []*http.Request) error {
		if h := req.URL.Hostname(); h != "127.0.0.1" && h != "localhost" {
			return fmt.Errorf("redirected off this machine, to %s", req.URL)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &Browser{Client: &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: stayLocal}, env: e}
}

var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
	formHidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// StartSignIn opens /auth/login for org, asking to land on /healthz afterwards, and returns the
// identity provider's sign-in page: the form's action and hidden fields.
func (b *Browser) StartSignIn(t testing.TB, o *Org) (string, url.Values) {
	t.Helper()
	return b.StartSignInTo(t, o, "/healthz")
}

// StartSignInTo is StartSignIn asking to land on returnTo.
func (b *Browser) StartSignInTo(t testing.TB, o *Org, returnTo string) (string, url.Values) {
	t.Helper()
	resp, err := b.Get(b.env.URL + "/auth/login?" + url.Values{"org": {o.Slug}, "return_to": {returnTo}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	m := formAction.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("sign-in page: %d %s", resp.StatusCode, page)
	}
	form := url.Values{}
	for _, h := range formHidden.FindAllSubmatch(page, -1) {
		form.Set(html.UnescapeString(string(h[1])), html.UnescapeString(string(h[2])))
	}
	return html.UnescapeString(string(m[1])), form
}

// ChooseUser submits the provider's sign-in form as subject and returns the final response
// (after the callback's redirects) with its body.
func (b *Browser) ChooseUser(t testing.TB, action string, form url.Values, subject string) (*http.Response, string) {
	t.Helper()
	form.Set("subject", subject)
	resp, err := b.PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// SignIn signs the browser in as a demo user of org through the real code flow.
func (b *Browser) SignIn(t testing.TB, o *Org, email string) {
	t.Helper()
	u, ok := o.Provider.UserByEmail(email)
	if !ok {
		t.Fatalf("no demo user %s", email)
	}
	action, form := b.StartSignIn(t, o)
	resp, body := b.ChooseUser(t, action, form, u.Subject)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/healthz" {
		t.Fatalf("sign-in as %s ended at %s with %d: %s", email, resp.Request.URL, resp.StatusCode, body)
	}
}

// Do posts a GraphQL operation with the browser's cookies and extra headers.
func (b *Browser) Do(t testing.TB, query string, header http.Header) *Result {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	return send(t, b.Client, b.env.URL+"/graphql", body, header)
}

// StartServe runs another serve replica (the API only) against the same database and Redis as e,
// until t ends, and returns its base URL.
func (e *Env) StartServe(t testing.TB) string {
	t.Helper()
	cfg := e.App.Config
	cfg.HTTPAddr = "127.0.0.1:0" // behind the same public URL, as behind a load balancer
	a := runProcess(t, "serve replica", cfg, app.Options{HTTP: true})
	return "http://" + a.Addr()
}

// runProcess runs another process's worth of the App (what opts says) with cfg until t ends.
func runProcess(t testing.TB, what string, cfg config.Config, opts app.Options) *app.App {
	t.Helper()
	a, err := app.New(context.Background(), cfg, Logger(), opts)
	if err != nil {
		t.Fatalf("start %s: %v", what, err)
	}
	if err := a.Listen(); err != nil {
		t.Fatalf("%s: listen: %v", what, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s run: %v", what, err)
		}
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		if err := a.Shutdown(sctx); err != nil {
			t.Errorf("%s shutdown: %v", what, err)
		}
	})
	return a
}

// DoAt is Do against another replica's base URL.
func (b *Browser) DoAt(t testing.TB, base, query string) *Result {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	return send(t, b.Client, base+"/graphql", body, nil)
}

// StartWorker runs another worker process's worth of the App (outbox relay, task handlers,
// scheduler, audit sealer) against the same database and Redis as e, until t ends. configure, if
// given, adjusts its configuration first.
func (e *Env) StartWorker(t testing.TB, configure ...func(*config.Config)) *app.App {
	t.Helper()
	cfg := e.App.Config
	for _, f := range configure {
		f(&cfg)
	}
	return runProcess(t, "worker", cfg, app.Options{Worker: true, Queue: true})
}
