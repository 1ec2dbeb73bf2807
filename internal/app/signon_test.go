package app_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/config"
	"clearpost/internal/devoidc"
)

const meQuery = `{ me { email roles groups } }`

func TestBrowserSignInSessionAndLogout(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	org := env.Org(t, "example")
	b := env.NewBrowser(t)
	if r := b.Do(t, meQuery, nil); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("before sign-in: %q", r.Code())
	}
	b.SignIn(t, org, "legal@example.com")

	// The cookie is HttpOnly, SameSite=Lax, and carries no claims.
	var cookie *http.Cookie
	for _, c := range b.Jar.Cookies(mustURL(t, env.URL)) {
		if c.Name == "clearpost_session" {
			cookie = c
		}
	}
	if cookie == nil || strings.Contains(cookie.Value, ".") || len(cookie.Value) > 64 {
		t.Fatalf("session cookie: %+v", cookie)
	}
	r := b.Do(t, meQuery, nil)
	var me struct{ Me struct{ Email string } }
	if r.Code() != "" || !strings.Contains(string(r.Data), "legal@example.com") {
		t.Fatalf("me with the session cookie: %s %s", r.Code(), r.Data)
	}
	_ = me

	// A cross-site POST with the cookie is a forgery.
	if r := b.Do(t, meQuery, http.Header{"Sec-Fetch-Site": {"cross-site"}}); r.Status != http.StatusForbidden || r.Code() != "FORBIDDEN" {
		t.Fatalf("cross-site request: %d %q", r.Status, r.Code())
	}
	if r := b.Do(t, meQuery, http.Header{"Origin": {"https://evil.example"}}); r.Status != http.StatusForbidden {
		t.Fatalf("foreign origin: %d", r.Status)
	}

	// Logout ends the session here and at the provider (RP-initiated logout).
	noFollow := *b.Client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Post(env.URL+"/auth/logout", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, org.Provider.Issuer()+"/logout?") || !strings.Contains(loc, "id_token_hint=") {
		t.Fatalf("logout: %d %s", resp.StatusCode, loc)
	}
	if r := b.Do(t, meQuery, nil); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("after logout: %q", r.Code())
	}
	var sessions int
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions`).Scan(&sessions); err != nil {
		t.Fatal(err)
	}
	if sessions != 0 {
		t.Fatalf("%d sessions left after logout", sessions)
	}
}

func TestSessionsExpireAndEndOnDeactivation(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	org := env.Org(t, "example")
	ctx := context.Background()

	expired := env.NewBrowser(t)
	expired.SignIn(t, org, "brand@example.com")
	// Expiry is the store's: move this session's deadline into the past.
	if _, err := env.App.Pool.Exec(ctx, `UPDATE sessions SET expiry = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	if r := expired.Do(t, meQuery, nil); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("expired session: %q", r.Code())
	}

	a, b := env.NewBrowser(t), env.NewBrowser(t)
	a.SignIn(t, org, "employee@example.com")
	b.SignIn(t, org, "employee@example.com")
	if r := a.Do(t, meQuery, nil); r.Code() != "" {
		t.Fatalf("fresh session: %v", r.Errors)
	}
	// Deactivation (by an admin or SCIM) ends every session of the user at once.
	if _, err := env.App.Pool.Exec(ctx, `UPDATE users SET active = false, sessions_revoked_at = now() WHERE org_id = $1 AND email = 'employee@example.com'`, org.ID); err != nil {
		t.Fatal(err)
	}
	for i, br := range []*apptest.Browser{a, b} {
		if r := br.Do(t, meQuery, nil); r.Status != http.StatusUnauthorized || r.Code() != "UNAUTHENTICATED" {
			t.Fatalf("session %d after deactivation: %d %q", i, r.Status, r.Code())
		}
	}
	// And the deactivated user cannot sign in again.
	c := env.NewBrowser(t)
	action, form := c.StartSignIn(t, org)
	u, _ := org.Provider.UserByEmail("employee@example.com")
	if resp, body := c.ChooseUser(t, action, form, u.Subject); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "deactivated") {
		t.Fatalf("deactivated sign-in: %d %s", resp.StatusCode, body)
	}
}

// Each rejection of the OpenID Foundation's relying-party tests that applies: a clear 401/400 and
// nothing created.
func TestSignInRejections(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	org := env.Org(t, "example")
	ctx := context.Background()
	later := time.Now().Add(time.Hour).Unix()
	cases := []struct {
		name   string
		bad    devoidc.Misbehavior
		status int
		msg    string
	}{
		{"wrong issuer", devoidc.Misbehavior{IDTokenOptions: []devoidc.MintOption{devoidc.Claim("iss", "https://evil.example")}}, 401, "invalid ID token"},
		{"wrong audience", devoidc.Misbehavior{IDTokenOptions: []devoidc.MintOption{devoidc.Audience("someone-else")}}, 401, "invalid ID token"},
		{"expired", devoidc.Misbehavior{IDTokenOptions: []devoidc.MintOption{devoidc.TTL(-time.Minute)}}, 401, "invalid ID token"},
		{"not yet valid", devoidc.Misbehavior{IDTokenOptions: []devoidc.MintOption{devoidc.Claim("nbf", later)}}, 401, "invalid ID token"},
		{"issued in the future", devoidc.Misbehavior{IDTokenOptions: []devoidc.MintOption{devoidc.Claim("iat", later)}}, 401, "issued-at"},
		{"missing sub", devoidc.Misbehavior{IDTokenOptions: []devoidc.MintOption{devoidc.WithoutClaim("sub")}}, 401, ""},
		{"alg none", devoidc.Misbehavior{IDToken: algNone}, 401, "invalid ID token"},
		{"bad signature", devoidc.Misbehavior{IDToken: flipSignature}, 401, "invalid ID token"},
		{"unknown kid", devoidc.Misbehavior{IDTokenOptions: []devoidc.MintOption{devoidc.HeaderKeyID("retired-key")}}, 401, "invalid ID token"},
		{"nonce mismatch", devoidc.Misbehavior{IDTokenOptions: []devoidc.MintOption{devoidc.Claim("nonce", "replayed")}}, 401, "nonce mismatch"},
		{"at_hash mismatch", devoidc.Misbehavior{IDTokenOptions: []devoidc.MintOption{devoidc.Claim("at_hash", "AAAAAAAAAAAAAAAAAAAAAA")}}, 401, "at_hash"},
		{"userinfo sub mismatch", devoidc.Misbehavior{UserinfoSubject: "someone-else"}, 401, "userinfo subject"},
	}
	u, _ := org.Provider.UserByEmail("compliance@example.com")
	before := userCount(t, env)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			org.Provider.Misbehave(c.bad)
			defer org.Provider.Misbehave(devoidc.Misbehavior{})
			b := env.NewBrowser(t)
			action, form := b.StartSignIn(t, org)
			resp, body := b.ChooseUser(t, action, form, u.Subject)
			if resp.StatusCode != c.status || !strings.Contains(body, c.msg) {
				t.Fatalf("got %d %s, want %d %q", resp.StatusCode, body, c.status, c.msg)
			}
			if r := b.Do(t, meQuery, nil); r.Code() != "UNAUTHENTICATED" {
				t.Fatalf("a refused sign-in left a session")
			}
		})
	}
	if after := userCount(t, env); after != before {
		t.Fatalf("refused sign-ins changed the users: %d -> %d", before, after)
	}
	var sessions int
	if err := env.App.Pool.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&sessions); err != nil {
		t.Fatal(err)
	}
	if sessions != 0 {
		t.Fatalf("refused sign-ins left %d sessions", sessions)
	}
}

func TestSignInFlowAttacks(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	org := env.Org(t, "example")
	u, _ := org.Provider.UserByEmail("compliance@example.com")

	// State mismatch: a callback that does not carry this browser's state.
	b := env.NewBrowser(t)
	b.StartSignIn(t, org)
	resp, err := b.Get(env.URL + "/auth/callback?code=x&state=forged")
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "state mismatch") {
		t.Fatalf("state mismatch: %d %s", resp.StatusCode, body)
	}
	// A callback in a browser that never started a sign-in (login CSRF).
	resp, err = env.NewBrowser(t).Get(env.URL + "/auth/callback?code=x&state=y")
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "no sign-in in progress") {
		t.Fatalf("callback without a sign-in: %d %s", resp.StatusCode, body)
	}

	// A replayed authorization code: capture the provider's redirect, use it twice.
	b = env.NewBrowser(t)
	action, form := b.StartSignIn(t, org)
	form.Set("subject", u.Subject)
	noFollow := *b.Client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err = noFollow.PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	callback := resp.Header.Get("Location")
	first, err := b.Get(callback)
	if err != nil {
		t.Fatal(err)
	}
	if readAll(t, first); first.StatusCode != http.StatusOK {
		t.Fatalf("first use of the code: %d", first.StatusCode)
	}
	// The same code again, in a sign-in that carries the right state: the provider refuses it.
	replay := env.NewBrowser(t)
	_, form2 := replay.StartSignIn(t, org)
	replayURL := strings.Replace(callback, "state="+form.Get("state"), "state="+form2.Get("state"), 1)
	resp, err = replay.Get(replayURL)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "refused the authorization code") {
		t.Fatalf("replayed code: %d %s", resp.StatusCode, body)
	}

	// Missing PKCE verifier: exchanging the code without it is refused by the provider.
	b = env.NewBrowser(t)
	action, form = b.StartSignIn(t, org)
	form.Set("subject", u.Subject)
	resp, err = noFollowClient(b).PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	code := mustURL(t, resp.Header.Get("Location")).Query().Get("code")
	tok, err := http.PostForm(org.Provider.Issuer()+"/token", map[string][]string{
		"grant_type": {"authorization_code"}, "code": {code}, "client_id": {apptest.ClientID},
		"redirect_uri": {env.URL + "/auth/callback"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, tok); tok.StatusCode != http.StatusBadRequest || !strings.Contains(body, "invalid_grant") {
		t.Fatalf("exchange without PKCE verifier: %d %s", tok.StatusCode, body)
	}

	// return_to never leads off-site: a sign-in asked to land elsewhere lands on the home page.
	for _, to := range []string{"//evil.example/x", "/\t/evil.example", "https://evil.example/"} {
		b = env.NewBrowser(t)
		action, form = b.StartSignInTo(t, org, to)
		resp, body := b.ChooseUser(t, action, form, u.Subject)
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Host != mustURL(t, env.URL).Host || resp.Request.URL.Path != "/" || !strings.Contains(body, "Signed in as") {
			t.Fatalf("return_to %q ended at %s (%d)", to, resp.Request.URL, resp.StatusCode)
		}
	}
}

func TestSigningKeyRotationIsAcceptedWithoutRestart(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	org := env.Org(t, "example")
	env.Must(t, org.Token(t, "brand@example.com"), meQuery, nil, nil)
	if _, err := org.Provider.RotateKey(); err != nil {
		t.Fatal(err)
	}
	env.Must(t, org.Token(t, "brand@example.com"), meQuery, nil, nil)
	b := env.NewBrowser(t)
	b.SignIn(t, org, "brand@example.com")
}

func TestAccessTokensWithConfiguredAudience(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	org := env.Org(t, "example")
	if _, err := env.App.Pool.Exec(context.Background(), `UPDATE identity_providers SET audience = 'https://api.clearpost.test' WHERE org_id = $1`, org.ID); err != nil {
		t.Fatal(err)
	}
	// A fresh app instance reads the registration on first use; this one caches it for minutes,
	// so use a second organization registered with an audience from the start.
	other := env.Org(t, "other")
	if _, err := env.App.Pool.Exec(context.Background(), `UPDATE identity_providers SET audience = 'https://api.clearpost.test' WHERE org_id = $1`, other.ID); err != nil {
		t.Fatal(err)
	}
	env.Must(t, other.Token(t, "brand@example.com"), meQuery, nil, nil) // an ID token first: provisions the user
	u, _ := other.Provider.UserByEmail("brand@example.com")
	access, err := other.Provider.MintIDToken(u, devoidc.Audience("https://api.clearpost.test"), devoidc.WithoutClaim("email"))
	if err != nil {
		t.Fatal(err)
	}
	env.Must(t, access, meQuery, nil, nil)
	wrong, _ := other.Provider.MintIDToken(u, devoidc.Audience("https://other-api.test"))
	if r := env.Do(t, wrong, meQuery, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("access token for another audience: %d %q", r.Status, r.Code())
	}
}

func TestStepUpForApprovals(t *testing.T) {
	t.Parallel()
	p := setup(t)
	ctx := context.Background()
	if _, err := p.App.Pool.Exec(ctx, `UPDATE organizations SET step_up_minutes = 5 WHERE id = $1`, p.org.ID); err != nil {
		t.Fatal(err)
	}
	pp := p.create(t, "Needs a fresh sign-in.")
	p.submit(t, pp.ID)
	u, _ := p.org.Provider.UserByEmail("brand@example.com")
	signedIn := time.Now().Add(-time.Hour).Truncate(time.Second)
	stale, err := p.org.Provider.MintIDToken(u, devoidc.Claim("auth_time", signedIn.Unix()))
	if err != nil {
		t.Fatal(err)
	}
	// The caller can tell beforehand: their sign-in was recent enough until five minutes after it.
	var until struct{ DecisionSignInValidUntil *time.Time }
	p.Must(t, stale, `{ decisionSignInValidUntil }`, nil, &until)
	if want := signedIn.Add(5 * time.Minute); until.DecisionSignInValidUntil == nil || !until.DecisionSignInValidUntil.Equal(want) {
		t.Fatalf("decisionSignInValidUntil = %v, want %v", until.DecisionSignInValidUntil, want)
	}
	r := p.Do(t, stale, approve, map[string]any{"in": map[string]any{"postId": pp.ID, "versionId": pp.CurrentVersion.ID}})
	if r.Code() != "FORBIDDEN" || !strings.Contains(r.Errors[0].Message, "step-up") {
		t.Fatalf("stale sign-in approving: %q %v", r.Code(), r.Errors)
	}
	if reason := r.Errors[0].Extensions.Reason; reason != "STEP_UP_REQUIRED" {
		t.Fatalf("stale sign-in approving: extensions.reason = %q, want STEP_UP_REQUIRED (the web app sends the reviewer to sign in again on it)", reason)
	}
	// A token without auth_time says nothing of when the person signed in: refused too.
	unknown, _ := p.org.Provider.MintIDToken(u, devoidc.WithoutClaim("auth_time"))
	if r := p.Do(t, unknown, approve, map[string]any{"in": map[string]any{"postId": pp.ID, "versionId": pp.CurrentVersion.ID}}); r.Code() != "FORBIDDEN" {
		t.Fatalf("approval without auth_time: %q", r.Code())
	}
	// Requesting changes needs no step-up; a fresh sign-in approves.
	fresh, _ := p.org.Provider.MintIDToken(u, devoidc.Claim("auth_time", time.Now().Unix()))
	mustOK(t, p.Do(t, fresh, approve, map[string]any{"in": map[string]any{"postId": pp.ID, "versionId": pp.CurrentVersion.ID}}))
}

func algNone(valid string) string {
	parts := strings.Split(valid, ".")
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	return header + "." + parts[1] + "."
}

func flipSignature(valid string) string {
	b := []byte(valid)
	i := len(b) - 5
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func TestEmailDomainAllowList(t *testing.T) {
	t.Parallel()
	p := setup(t)
	set := `mutation($d: [String!]!) { setSignOnPolicy(input: {emailDomains: $d, stepUpMinutes: 30}) { emailDomains stepUpMinutes } }`
	r := p.Do(t, p.tok["admin"], set, map[string]any{"d": []string{"not a domain"}})
	if r.Code() != "BAD_USER_INPUT" || r.Errors[0].Extensions.Field != "emailDomains[0]" {
		t.Fatalf("bad domain: %q %v", r.Code(), r.Errors)
	}
	r = p.Do(t, p.tok["admin"], set, map[string]any{"d": []string{"partner.example"}})
	if r.Code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "lock yourself out") {
		t.Fatalf("self-excluding policy: %q %v", r.Code(), r.Errors)
	}
	if r := p.Do(t, p.tok["marketer"], set, map[string]any{"d": []string{}}); r.Code() != "FORBIDDEN" {
		t.Fatalf("marketer sets the policy: %q", r.Code())
	}
	p.Must(t, p.tok["admin"], set, map[string]any{"d": []string{"Example.com"}}, nil)

	// A person of another domain, vouched for by the organization's own provider, is refused.
	outsider, err := p.org.Provider.MintWith(map[string]any{
		"iss": p.org.Provider.Issuer(), "aud": apptest.ClientID, "sub": "contractor-1", "email": "pat@contractor.example",
		"iat": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix(),
	})
	if err != nil {
		t.Fatal(err)
	}
	before := userCount(t, p.Env)
	if r := p.Do(t, outsider, meQuery, nil); r.Status != http.StatusUnauthorized || !strings.Contains(r.Errors[0].Message, "domain") {
		t.Fatalf("outsider: %d %v", r.Status, r.Errors)
	}
	if userCount(t, p.Env) != before {
		t.Fatal("a refused outsider was provisioned")
	}
	p.Must(t, p.tok["brand"], meQuery, nil, nil)
}

func TestHomePageShowsTheSession(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	org := env.Org(t, "example")
	b := env.NewBrowser(t)
	resp, err := b.Get(env.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); !strings.Contains(body, `href="/auth/login"`) {
		t.Fatalf("signed-out home: %s", body)
	}
	b.SignIn(t, org, "compliance@example.com")
	resp, err = b.Get(env.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); !strings.Contains(body, "compliance@example.com") || !strings.Contains(body, "compliance") || !strings.Contains(body, `action="/auth/logout"`) {
		t.Fatalf("signed-in home: %s", body)
	}
}

func TestCORSAllowList(t *testing.T) {
	t.Parallel()
	preflight := func(env *apptest.Env, origin string) string {
		req, _ := http.NewRequest(http.MethodOptions, env.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("Access-Control-Allow-Origin")
	}
	closed := apptest.Start(t)
	if got := preflight(closed, "https://app.example"); got != "" {
		t.Fatalf("default CORS allows %q", got)
	}
	open := apptest.Start(t, func(c *config.Config) { c.CORSOrigins = []string{"https://app.example"} })
	if got := preflight(open, "https://app.example"); got != "https://app.example" {
		t.Fatalf("allowed origin: %q", got)
	}
	if got := preflight(open, "https://evil.example"); got != "" {
		t.Fatalf("other origin allowed: %q", got)
	}
	// A cookie-authenticated request from the allowed origin is not a forgery.
	org := open.Org(t, "example")
	b := open.NewBrowser(t)
	b.SignIn(t, org, "brand@example.com")
	if r := b.Do(t, meQuery, http.Header{"Origin": {"https://app.example"}, "Sec-Fetch-Site": {"cross-site"}}); r.Code() != "" {
		t.Fatalf("trusted origin refused: %d %v", r.Status, r.Errors)
	}
}
