package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"clearpost/internal/devoidc"
	"clearpost/internal/devoidc/devoidctest"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/secretbox"
)

// syncBuffer is a bytes.Buffer a running command writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startCLI runs a long-running subcommand until the test ends (or stop is called) and returns
// its output so far.
func startCLI(t *testing.T, env map[string]string, args ...string) (out *syncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, func(k string) string { return env[k] }, out, out) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("clearpost %s: %v\n%s", strings.Join(args, " "), err, out)
				}
			case <-time.After(20 * time.Second):
				t.Errorf("clearpost %s did not stop", strings.Join(args, " "))
			}
		})
	}
	t.Cleanup(stop)
	return out, stop
}

// waitReady polls base/readyz until it answers 200.
func waitReady(t *testing.T, base string, out *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never became ready:\n%s", base, out)
}

// freeAddr returns a loopback address no one listens on (for commands that must be told their
// public URL before they listen).
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// graphql posts query with a bearer token (or through client's cookies) and returns the
// response's status, data and first error code.
func graphql(t *testing.T, client *http.Client, base, token, query string, vars map[string]any) (int, json.RawMessage, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("graphql response %d: %s", resp.StatusCode, raw)
	}
	code := ""
	if len(r.Errors) > 0 {
		code = r.Errors[0].Extensions.Code
	}
	return resp.StatusCode, r.Data, code
}

var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
	formHidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// browserSignIn signs a new browser in at base through /auth/login and the provider's page, as
// subject, and returns the browser.
func browserSignIn(t *testing.T, base, subject string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := b.Get(base + "/auth/login?return_to=/healthz")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := formAction.FindSubmatch(page)
	if m == nil {
		t.Fatalf("sign-in page: %d %s", resp.StatusCode, page)
	}
	form := url.Values{"subject": {subject}}
	for _, h := range formHidden.FindAllSubmatch(page, -1) {
		form.Set(html.UnescapeString(string(h[1])), html.UnescapeString(string(h[2])))
	}
	resp, err = b.PostForm(html.UnescapeString(string(m[1])), form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/healthz" {
		t.Fatalf("sign-in ended at %s with %d: %s", resp.Request.URL, resp.StatusCode, body)
	}
	return b
}

func serveEnv(t *testing.T, dbURL, addr string) map[string]string {
	t.Helper()
	out, err := runCLI(t, nil, "audit", "keygen")
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"CLEARPOST_DATABASE_URL": dbURL, "CLEARPOST_HTTP_ADDR": addr, "CLEARPOST_PUBLIC_URL": "http://" + addr,
		"CLEARPOST_AUDIT_SIGNING_KEY": strings.TrimSpace(out), "CLEARPOST_SECRET_KEYS": secretbox.NewKey("test"),
		"CLEARPOST_CLICK_KEY": "test-click-key-0123456789", "CLEARPOST_OIDC_CLIENT_ID": "clearpost",
		"CLEARPOST_ORG_SLUG": "acme", "CLEARPOST_LOG_LEVEL": "error",
	}
}

const meQuery = `{ me { email } }`

// The configuration is the truth about identity providers: serve restarted with another issuer
// disables the old one. Its tokens and its browser sessions are refused, and /auth/login sends
// browsers to the configured provider.
func TestServeDisablesIdentityProvidersNoLongerConfigured(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewWithURL(t)
	addr := freeAddr(t)
	base := "http://" + addr
	users := []devoidc.User{{Subject: "u-1", Email: "pat@example.com", Name: "Pat", Groups: []string{"staff"}}}
	old := devoidctest.Start(t, "clearpost", users, devoidc.WithRedirectURIs(base+"/auth/callback"))
	renamed := devoidctest.Start(t, "clearpost", users, devoidc.WithRedirectURIs(base+"/auth/callback"))
	env := serveEnv(t, dbURL, addr)

	env["CLEARPOST_OIDC_ISSUER"] = old.Issuer()
	out, stop := startCLI(t, env, "serve")
	waitReady(t, base, out)
	oldToken, _ := old.Token("pat@example.com")
	if status, data, code := graphql(t, nil, base, oldToken, meQuery, nil); code != "" {
		t.Fatalf("old issuer's token while configured: %d %s %s", status, code, data)
	}
	browser := browserSignIn(t, base, "u-1")
	if status, data, code := graphql(t, browser, base, "", meQuery, nil); code != "" {
		t.Fatalf("session while configured: %d %s %s", status, code, data)
	}
	stop()

	env["CLEARPOST_OIDC_ISSUER"] = renamed.Issuer()
	out, _ = startCLI(t, env, "serve")
	waitReady(t, base, out)
	if status, _, code := graphql(t, nil, base, oldToken, meQuery, nil); status != http.StatusUnauthorized || code != "UNAUTHENTICATED" {
		t.Fatalf("old issuer's token after the restart: %d %q", status, code)
	}
	fresh, _ := old.Token("pat@example.com")
	if status, _, code := graphql(t, nil, base, fresh, meQuery, nil); status != http.StatusUnauthorized || code != "UNAUTHENTICATED" {
		t.Fatalf("a new token of the old issuer: %d %q", status, code)
	}
	if status, _, code := graphql(t, browser, base, "", meQuery, nil); code != "UNAUTHENTICATED" {
		t.Fatalf("old issuer's browser session after the restart: %d %q", status, code)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(base + "/auth/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, renamed.Issuer()+"/") {
		t.Fatalf("/auth/login sent the browser to %d %s, want %s", resp.StatusCode, loc, renamed.Issuer())
	}
	for _, q := range []string{"?idp=" + url.QueryEscape(old.Issuer())} {
		resp, err := noFollow.Get(base + "/auth/login" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("/auth/login%s: %d %s", q, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	newToken, _ := renamed.Token("pat@example.com")
	if status, data, code := graphql(t, nil, base, newToken, meQuery, nil); code != "" {
		t.Fatalf("configured issuer's token: %d %s %s", status, code, data)
	}
	browserSignIn(t, base, "u-1")

	var disabled, enabled int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE disabled_at IS NOT NULL), count(*) FILTER (WHERE disabled_at IS NULL)
		FROM identity_providers`).Scan(&disabled, &enabled); err != nil {
		t.Fatal(err)
	}
	if disabled != 1 || enabled != 1 {
		t.Fatalf("identity providers: %d disabled, %d enabled", disabled, enabled)
	}
}

// A configured issuer whose discovery document names another issuer (here: a trailing slash), or
// that cannot be reached, stops serve at start with an error naming it.
func TestServeRefusesAnIssuerItCannotDiscover(t *testing.T) {
	t.Parallel()
	_, dbURL := pgtest.NewWithURL(t)
	p := devoidctest.Start(t, "clearpost", nil)
	env := serveEnv(t, dbURL, freeAddr(t))
	env["CLEARPOST_OIDC_ISSUER"] = p.Issuer() + "/"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, []string{"serve"}, func(k string) string { return env[k] }, &out, &out)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("identity provider %s:", p.Issuer()+"/")) || !strings.Contains(err.Error(), "CLEARPOST_OIDC_ISSUER") {
		t.Fatalf("serve with a mistyped issuer: %v\n%s", err, out.String())
	}

	unreachable := "http://" + freeAddr(t) + "/dex"
	env["CLEARPOST_OIDC_ISSUER"] = unreachable
	err = run(ctx, []string{"serve"}, func(k string) string { return env[k] }, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "identity provider "+unreachable) {
		t.Fatalf("serve with an unreachable issuer: %v", err)
	}
}

// serve and worker build links (tracked shares, notifications, e-mail): the startup report names
// CLEARPOST_PUBLIC_URL when it is missing.
func TestServeAndWorkerRequirePublicURL(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"serve", "worker"} {
		_, err := runCLI(t, nil, cmd)
		if err == nil || !strings.Contains(err.Error(), "CLEARPOST_PUBLIC_URL: required") {
			t.Errorf("%s without a public URL: %v", cmd, err)
		}
	}
}
