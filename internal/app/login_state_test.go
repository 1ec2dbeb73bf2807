package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"clearpost/internal/app/apptest"
)

func sessionRows(t *testing.T, env *apptest.Env) int {
	t.Helper()
	var n int
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Unauthenticated /auth/login requests write nothing to the database: the sign-in in progress
// (state, nonce, PKCE verifier, return_to) lives in a sealed, short-lived cookie, and the session
// row is created at the callback, after the identity provider's token is verified.
func TestLoginWritesNoSessionUntilTheProviderAnswers(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	org := env.Org(t, "example")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(env.URL + "/auth/login?org=example&return_to=/healthz")
			if err != nil {
				errs <- err.Error()
				return
			}
			resp.Body.Close()
			var login, session bool
			for _, c := range resp.Cookies() {
				login = login || (c.Name == "clearpost_login" && c.HttpOnly && c.MaxAge > 0 && c.MaxAge <= 600)
				session = session || c.Name == "clearpost_session"
			}
			if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), org.Provider.Issuer()) || !login || session {
				errs <- resp.Status + " " + resp.Header.Get("Location") + " " + strings.Join(resp.Header.Values("Set-Cookie"), "; ")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("login: %s", e)
	}
	if got := sessionRows(t, env); got != 0 {
		t.Fatalf("%d logins wrote %d session rows", n, got)
	}

	// A full sign-in still works, and makes exactly one session.
	b := env.NewBrowser(t)
	b.SignIn(t, org, "legal@example.com")
	if r := b.Do(t, meQuery, nil); r.Code() != "" || !strings.Contains(string(r.Data), "legal@example.com") {
		t.Fatalf("me after sign-in: %q %s", r.Code(), r.Data)
	}
	if got := sessionRows(t, env); got != 1 {
		t.Fatalf("one sign-in made %d session rows", got)
	}
}

// The login state cannot be forged, tampered with or replayed.
func TestLoginStateIsSealedAndSingleUse(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	org := env.Org(t, "example")
	u, _ := org.Provider.UserByEmail("compliance@example.com")
	base := mustURL(t, env.URL)
	loginCookie := func(b *apptest.Browser) *http.Cookie {
		for _, c := range b.Jar.Cookies(base) {
			if c.Name == "clearpost_login" {
				return c
			}
		}
		return nil
	}

	// A tampered login state is no sign-in at all.
	b := env.NewBrowser(t)
	action, form := b.StartSignIn(t, org)
	c := loginCookie(b)
	if c == nil {
		t.Fatal("no login state cookie")
	}
	raw := []byte(c.Value)
	raw[len(raw)/2] ^= 0x01
	if raw[len(raw)/2] == '-' || raw[len(raw)/2] == '_' {
		raw[len(raw)/2] = 'A'
	}
	b.Jar.SetCookies(base, []*http.Cookie{{Name: "clearpost_login", Value: string(raw), Path: "/"}})
	resp, body := b.ChooseUser(t, action, form, u.Subject)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "no sign-in in progress") {
		t.Fatalf("tampered login state: %d %s", resp.StatusCode, body)
	}

	// A state parameter the browser's login state does not hold is refused.
	b = env.NewBrowser(t)
	b.StartSignIn(t, org)
	resp, err := b.Get(env.URL + "/auth/callback?code=x&state=forged")
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "state mismatch") {
		t.Fatalf("forged state: %d %s", resp.StatusCode, body)
	}

	// A completed sign-in's callback, replayed: in the same browser the login state is gone; with
	// the captured login state cookie in another browser, the code is spent.
	b = env.NewBrowser(t)
	action, form = b.StartSignIn(t, org)
	captured := *loginCookie(b)
	form.Set("subject", u.Subject)
	resp, err = noFollowClient(b).PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	callback := resp.Header.Get("Location")
	if resp, err = b.Get(callback); err != nil {
		t.Fatal(err)
	}
	if readAll(t, resp); resp.StatusCode != http.StatusOK || loginCookie(b) != nil {
		t.Fatalf("sign-in: %d, login state left: %v", resp.StatusCode, loginCookie(b))
	}
	sessions := sessionRows(t, env)
	if resp, err = noFollowClient(b).Get(callback); err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "no sign-in in progress") {
		t.Fatalf("replayed callback: %d %s", resp.StatusCode, body)
	}
	thief := env.NewBrowser(t)
	thief.Jar.SetCookies(base, []*http.Cookie{{Name: captured.Name, Value: captured.Value, Path: "/"}})
	if resp, err = thief.Get(callback); err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "refused the authorization code") {
		t.Fatalf("replayed login state and code: %d %s", resp.StatusCode, body)
	}
	if r := thief.Do(t, meQuery, nil); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("replay signed in: %q", r.Code())
	}
	if got := sessionRows(t, env); got != sessions {
		t.Fatalf("refused callbacks changed the sessions: %d -> %d", sessions, got)
	}
}
