package devoidc

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

const (
	testClientID       = "clearpost"
	testRedirect       = "http://127.0.0.1:9999/auth/callback"
	testOtherRedirect  = "http://127.0.0.1:9999/auth/other-callback"
	testLogoutRedirect = "http://127.0.0.1:9999/"
)

func testUsers() []User {
	return []User{
		{Subject: "u-ana", Email: "ana@example.com", Name: "Ana Legal", Groups: []string{"legal", "clearpost-reviewers"}},
		{Subject: "u-bo", Email: "Bo@Example.com", Name: "Bo Marketing", Groups: []string{"marketing"}, Extra: map[string]any{"department": "growth", "iss": "ignored"}},
		{Subject: "u-eve", Email: "eve@example.com", Name: `<script>alert("x")</script>`},
	}
}

// fixture is a provider served over real HTTP at {server}/dev/oidc, and go-oidc pointed at it.
type fixture struct {
	p        *Provider
	srv      *httptest.Server
	oidc     *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

// setup serves a provider with the test users and redirect URIs plus opts.
func setup(t *testing.T, opts ...Option) fixture {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := []Option{WithRedirectURIs(testRedirect, testOtherRedirect), WithPostLogoutRedirectURIs(testLogoutRedirect)}
	p, err := New("http://"+srv.Listener.Addr().String()+"/dev/oidc", testClientID, testUsers(), append(base, opts...)...)
	if err != nil {
		srv.Close()
		t.Fatalf("New: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/dev/oidc/", p.Handler())
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)

	provider, err := oidc.NewProvider(t.Context(), p.Issuer())
	if err != nil {
		t.Fatalf("oidc.NewProvider: %v", err)
	}
	return fixture{p: p, srv: srv, oidc: provider, verifier: provider.Verifier(&oidc.Config{ClientID: testClientID})}
}

func TestDiscovery(t *testing.T) {
	t.Parallel()
	f := setup(t)

	var d map[string]any
	if err := f.oidc.Claims(&d); err != nil {
		t.Fatal(err)
	}
	issuer := f.p.Issuer()
	wantStrings := map[string]string{
		"issuer":                 issuer,
		"authorization_endpoint": issuer + "/authorize",
		"token_endpoint":         issuer + "/token",
		"jwks_uri":               issuer + "/jwks",
		"userinfo_endpoint":      issuer + "/userinfo",
		"end_session_endpoint":   issuer + "/logout",
	}
	for k, want := range wantStrings {
		if d[k] != want {
			t.Errorf("%s = %v, want %q", k, d[k], want)
		}
	}
	wantLists := map[string][]string{
		"response_types_supported":              {"code"},
		"subject_types_supported":               {"public"},
		"id_token_signing_alg_values_supported": {"RS256"},
		"code_challenge_methods_supported":      {"S256"},
		"grant_types_supported":                 {"authorization_code"},
	}
	for k, want := range wantLists {
		if got := stringList(d[k]); !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	for k, want := range map[string]string{"scopes_supported": "openid", "claims_supported": "groups"} {
		if !slices.Contains(stringList(d[k]), want) {
			t.Errorf("%s = %v, want it to contain %q", k, d[k], want)
		}
	}
}

func stringList(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, s := range list {
		str, _ := s.(string)
		out = append(out, str)
	}
	return out
}

// TestHandlerMounts serves the same provider with the issuer prefix stripped by the mount and at
// a root issuer.
func TestHandlerMounts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		path   string
		handle func(mux *http.ServeMux, p *Provider)
	}{
		{"stripped", "/dev/oidc", func(mux *http.ServeMux, p *Provider) {
			mux.Handle("/dev/oidc/", http.StripPrefix("/dev/oidc", p.Handler()))
		}},
		{"root issuer", "", func(mux *http.ServeMux, p *Provider) { mux.Handle("/", p.Handler()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewUnstartedServer(nil)
			p, err := New("http://"+srv.Listener.Addr().String()+tc.path, testClientID, testUsers())
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			tc.handle(mux, p)
			srv.Config.Handler = mux
			srv.Start()
			t.Cleanup(srv.Close)

			provider, err := oidc.NewProvider(t.Context(), p.Issuer())
			if err != nil {
				t.Fatalf("discover: %v", err)
			}
			raw, err := p.Token("ana@example.com")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := provider.Verifier(&oidc.Config{ClientID: testClientID}).Verify(t.Context(), raw); err != nil {
				t.Fatalf("verify: %v", err)
			}
		})
	}
}

func TestHandlerRouting(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/dev/oidc/nope", http.StatusNotFound, ""},
		{http.MethodPost, "/dev/oidc/jwks", http.StatusMethodNotAllowed, "GET"},
		{http.MethodGet, "/dev/oidc/token", http.StatusMethodNotAllowed, "POST"},
		{http.MethodHead, "/dev/oidc/jwks", http.StatusOK, ""},
	} {
		req, err := http.NewRequestWithContext(t.Context(), tc.method, f.srv.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
		if got := resp.Header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}

func TestNewRefusesBadConfiguration(t *testing.T) {
	t.Parallel()
	ok := []User{{Subject: "a", Email: "a@example.com"}}
	for _, tc := range []struct {
		name     string
		issuer   string
		clientID string
		users    []User
		opts     []Option
		want     string
	}{
		{"relative issuer", "/dev/oidc", "c", ok, nil, "issuer"},
		{"issuer with query", "http://127.0.0.1/x?y=1", "c", ok, nil, "issuer"},
		{"no client", "http://127.0.0.1/dev/oidc", "", ok, nil, "client id"},
		{"user without email", "http://127.0.0.1", "c", []User{{Subject: "a"}}, nil, "required"},
		{"duplicate subject", "http://127.0.0.1", "c", []User{{Subject: "a", Email: "a@x"}, {Subject: "a", Email: "b@x"}}, nil, "duplicate user subject"},
		{"duplicate email", "http://127.0.0.1", "c", []User{{Subject: "a", Email: "a@x"}, {Subject: "b", Email: "A@X"}}, nil, "duplicate user email"},
		{"relative redirect", "http://127.0.0.1", "c", ok, []Option{WithRedirectURIs("/callback")}, "redirect URI"},
		{"redirect with fragment", "http://127.0.0.1", "c", ok, []Option{WithPostLogoutRedirectURIs("http://x/#y")}, "redirect URI"},
		{"zero ttl", "http://127.0.0.1", "c", ok, []Option{WithTokenTTL(0)}, "TTL"},
	} {
		_, err := New(tc.issuer, tc.clientID, tc.users, tc.opts...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestUsersAreCopies(t *testing.T) {
	t.Parallel()
	users := testUsers()
	p, err := New("http://127.0.0.1/dev/oidc", testClientID, users)
	if err != nil {
		t.Fatal(err)
	}
	users[0].Groups[0] = "changed"
	got := p.Users()
	got[0].Groups[0] = "changed too"
	if u, _ := p.UserByEmail("ANA@example.com"); u.Groups[0] != "legal" {
		t.Errorf("groups = %v: the provider shares memory with its callers", u.Groups)
	}
}

// decodeJSON decodes a JSON response body into v and closes it.
func decodeJSON(t *testing.T, body io.ReadCloser, v any) {
	t.Helper()
	defer body.Close()
	if err := json.NewDecoder(body).Decode(v); err != nil {
		t.Fatalf("decode response: %v", err)
	}
}

// testClock is a clock for WithClock that a test moves forward.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Now()} }

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
