package devoidc

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// noRedirects is a browser that lets the test look at every redirect.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

var (
	formActionRe  = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	hiddenInputRe = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// flow is one relying party's authorization code flow with PKCE against the fixture.
type flow struct {
	conf     *oauth2.Config
	state    string
	nonce    string
	verifier string
}

// newFlow prepares a flow of a public client that sends its client_id in the form. (With
// oauth2.AuthStyleAutoDetect, x/oauth2 retries a refused exchange with the other style, and the
// test would see the refusal of the retry: "code already used".)
func newFlow(f fixture, redirectURI string) *flow {
	endpoint := f.oidc.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInParams
	return &flow{
		conf: &oauth2.Config{
			ClientID:    testClientID,
			Endpoint:    endpoint,
			RedirectURL: redirectURI,
			Scopes:      []string{oidc.ScopeOpenID, "email", "profile", "groups"},
		},
		state:    randomString(12),
		nonce:    randomString(12),
		verifier: oauth2.GenerateVerifier(),
	}
}

func (fl *flow) authURL(opts ...oauth2.AuthCodeOption) string {
	return fl.conf.AuthCodeURL(fl.state, append([]oauth2.AuthCodeOption{oidc.Nonce(fl.nonce), oauth2.S256ChallengeOption(fl.verifier)}, opts...)...)
}

// signIn does what a person does: it opens authURL, picks subject on the sign-in page and
// returns where the provider sends the browser back to.
func signIn(t *testing.T, authURL, subject string) *url.URL {
	t.Helper()
	resp, err := noRedirects.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in page: status %d: %s", resp.StatusCode, page)
	}
	action := formActionRe.FindSubmatch(page)
	if action == nil {
		t.Fatalf("sign-in page has no form:\n%s", page)
	}
	form := url.Values{"subject": {subject}}
	for _, m := range hiddenInputRe.FindAllSubmatch(page, -1) {
		form.Set(html.UnescapeString(string(m[1])), html.UnescapeString(string(m[2])))
	}
	return postSignIn(t, html.UnescapeString(string(action[1])), form)
}

// postSignIn posts the sign-in form and returns the redirect it answers with.
func postSignIn(t *testing.T, action string, form url.Values) *url.URL {
	t.Helper()
	resp, err := noRedirects.PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: status %d, want a redirect: %s", resp.StatusCode, body)
	}
	loc, err := resp.Location()
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// codeFrom checks that the provider sent the browser to the client with a code and the state.
func (fl *flow) codeFrom(t *testing.T, f fixture, loc *url.URL) string {
	t.Helper()
	q := loc.Query()
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != fl.conf.RedirectURL {
		t.Fatalf("redirected to %s, want %s", got, fl.conf.RedirectURL)
	}
	if q.Get("state") != fl.state || q.Get("iss") != f.p.Issuer() || q.Get("error") != "" {
		t.Fatalf("callback query = %v", q)
	}
	if q.Get("code") == "" {
		t.Fatal("no code in the callback")
	}
	return q.Get("code")
}

func oauthErrorCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

func TestCodeFlow(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	fl := newFlow(f, testRedirect)
	fl.conf.Endpoint.AuthStyle = oauth2.AuthStyleAutoDetect // what go-oidc's Endpoint() gives

	code := fl.codeFrom(t, f, signIn(t, fl.authURL(), "u-ana"))
	tok, err := fl.conf.Exchange(ctx, code, oauth2.VerifierOption(fl.verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.AccessToken == "" || time.Until(tok.Expiry) < 50*time.Minute {
		t.Errorf("token type %q, expiry %v", tok.TokenType, tok.Expiry)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := f.verifier.Verify(ctx, raw)
	if err != nil {
		t.Fatalf("verify ID token: %v", err)
	}
	if idt.Nonce != fl.nonce {
		t.Errorf("nonce = %q, want %q", idt.Nonce, fl.nonce)
	}
	if idt.AccessTokenHash == "" {
		t.Error("no at_hash")
	} else if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		t.Fatal(err)
	}
	if idt.Subject != "u-ana" || c.Email != "ana@example.com" || !slices.Equal(c.Groups, []string{"legal", "clearpost-reviewers"}) {
		t.Errorf("sub/email/groups = %q/%q/%v", idt.Subject, c.Email, c.Groups)
	}

	info, err := f.oidc.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	var ic idClaims
	if err := info.Claims(&ic); err != nil {
		t.Fatal(err)
	}
	if info.Subject != "u-ana" || info.Email != "ana@example.com" || !info.EmailVerified || ic.Name != "Ana Legal" || !slices.Equal(ic.Groups, c.Groups) {
		t.Errorf("userinfo = %+v %+v", info, ic)
	}
}

func TestCodeFlowConfidentialClient(t *testing.T) {
	t.Parallel()
	f := setup(t, WithClientSecret("s3cret"))
	for _, tc := range []struct {
		name, secret string
		style        oauth2.AuthStyle
		want         string
	}{
		{"basic", "s3cret", oauth2.AuthStyleInHeader, ""},
		{"post", "s3cret", oauth2.AuthStyleInParams, ""},
		{"wrong secret", "guess", oauth2.AuthStyleAutoDetect, "invalid_client"},
		{"no secret", "", oauth2.AuthStyleInParams, "invalid_client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fl := newFlow(f, testRedirect)
			fl.conf.ClientSecret = tc.secret
			fl.conf.Endpoint.AuthStyle = tc.style
			code := fl.codeFrom(t, f, signIn(t, fl.authURL(), "u-bo"))
			_, err := fl.conf.Exchange(t.Context(), code, oauth2.VerifierOption(fl.verifier))
			if got := oauthErrorCode(err); got != tc.want || (tc.want == "" && err != nil) {
				t.Fatalf("exchange: err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestTokenEndpointRefuses(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	t.Run("wrong verifier", func(t *testing.T) {
		t.Parallel()
		fl := newFlow(f, testRedirect)
		code := fl.codeFrom(t, f, signIn(t, fl.authURL(), "u-ana"))
		_, err := fl.conf.Exchange(ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
		if oauthErrorCode(err) != "invalid_grant" || !strings.Contains(err.Error(), "code_verifier") {
			t.Fatalf("wrong verifier: err = %v, want invalid_grant", err)
		}
		// The failed attempt used the code up.
		if _, err := fl.conf.Exchange(ctx, code, oauth2.VerifierOption(fl.verifier)); oauthErrorCode(err) != "invalid_grant" {
			t.Fatalf("right verifier after a wrong one: err = %v, want invalid_grant", err)
		}
	})

	t.Run("no verifier", func(t *testing.T) {
		t.Parallel()
		fl := newFlow(f, testRedirect)
		code := fl.codeFrom(t, f, signIn(t, fl.authURL(), "u-ana"))
		if _, err := fl.conf.Exchange(ctx, code); oauthErrorCode(err) != "invalid_grant" {
			t.Fatalf("err = %v, want invalid_grant", err)
		}
	})

	t.Run("replayed code", func(t *testing.T) {
		t.Parallel()
		fl := newFlow(f, testRedirect)
		code := fl.codeFrom(t, f, signIn(t, fl.authURL(), "u-ana"))
		tok, err := fl.conf.Exchange(ctx, code, oauth2.VerifierOption(fl.verifier))
		if err != nil {
			t.Fatalf("first exchange: %v", err)
		}
		if _, err := f.oidc.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err != nil {
			t.Fatalf("userinfo before the replay: %v", err)
		}
		_, err = fl.conf.Exchange(ctx, code, oauth2.VerifierOption(fl.verifier))
		if oauthErrorCode(err) != "invalid_grant" || !strings.Contains(err.Error(), "already used") {
			t.Fatalf("replay: err = %v, want invalid_grant", err)
		}
		// RFC 6749 4.1.2: the replay revokes what the code was exchanged for.
		if _, err := f.oidc.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
			t.Fatal("the access token survived a replay of its code")
		}
	})

	t.Run("other redirect_uri", func(t *testing.T) {
		t.Parallel()
		fl := newFlow(f, testRedirect)
		code := fl.codeFrom(t, f, signIn(t, fl.authURL(), "u-ana"))
		fl.conf.RedirectURL = testOtherRedirect // registered, but not the one the code was issued for
		_, err := fl.conf.Exchange(ctx, code, oauth2.VerifierOption(fl.verifier))
		if oauthErrorCode(err) != "invalid_grant" || !strings.Contains(err.Error(), "redirect_uri") {
			t.Fatalf("err = %v, want invalid_grant about redirect_uri", err)
		}
	})

	t.Run("unknown code", func(t *testing.T) {
		t.Parallel()
		fl := newFlow(f, testRedirect)
		if _, err := fl.conf.Exchange(ctx, "made-up", oauth2.VerifierOption(fl.verifier)); oauthErrorCode(err) != "invalid_grant" {
			t.Fatalf("err = %v, want invalid_grant", err)
		}
	})

	t.Run("other client", func(t *testing.T) {
		t.Parallel()
		fl := newFlow(f, testRedirect)
		code := fl.codeFrom(t, f, signIn(t, fl.authURL(), "u-ana"))
		fl.conf.ClientID = "someone-else"
		if _, err := fl.conf.Exchange(ctx, code, oauth2.VerifierOption(fl.verifier)); oauthErrorCode(err) != "invalid_client" {
			t.Fatalf("err = %v, want invalid_client", err)
		}
	})

	t.Run("unsupported grant", func(t *testing.T) {
		t.Parallel()
		resp, err := http.PostForm(f.p.Issuer()+"/token", url.Values{"grant_type": {"password"}, "client_id": {testClientID}})
		if err != nil {
			t.Fatal(err)
		}
		var e oauthError
		decodeJSON(t, resp.Body, &e)
		if resp.StatusCode != http.StatusBadRequest || e.Error != "unsupported_grant_type" {
			t.Fatalf("status %d, error %+v", resp.StatusCode, e)
		}
	})

	t.Run("bad access token", func(t *testing.T) {
		t.Parallel()
		_, err := f.oidc.UserInfo(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "made-up", TokenType: "Bearer"}))
		if err == nil {
			t.Fatal("userinfo answered a made-up access token")
		}
	})
}

func TestCodeExpires(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	f := setup(t, WithClock(clock.now))
	fl := newFlow(f, testRedirect)
	code := fl.codeFrom(t, f, signIn(t, fl.authURL(), "u-ana"))
	clock.advance(codeTTL + time.Second)
	_, err := fl.conf.Exchange(t.Context(), code, oauth2.VerifierOption(fl.verifier))
	if oauthErrorCode(err) != "invalid_grant" || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("err = %v, want invalid_grant: expired", err)
	}
}

func TestAccessTokenExpires(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	f := setup(t, WithClock(clock.now), WithTokenTTL(time.Minute))
	fl := newFlow(f, testRedirect)
	code := fl.codeFrom(t, f, signIn(t, fl.authURL(), "u-ana"))
	tok, err := fl.conf.Exchange(t.Context(), code, oauth2.VerifierOption(fl.verifier))
	if err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Minute)
	tok.Expiry = time.Time{} // the client would not send it; the provider must refuse it anyway
	if _, err := f.oidc.UserInfo(t.Context(), oauth2.StaticTokenSource(tok)); err == nil {
		t.Fatal("userinfo answered an expired access token")
	}
}

// TestAuthorizeRefuses covers requests refused on the page (never redirected: the client or its
// redirect URI is not trusted) and refusals reported to the client at its redirect URI.
func TestAuthorizeRefuses(t *testing.T) {
	t.Parallel()
	f := setup(t)
	valid := func() url.Values {
		return url.Values{
			"client_id":             {testClientID},
			"redirect_uri":          {testRedirect},
			"response_type":         {"code"},
			"scope":                 {"openid email"},
			"state":                 {"st"},
			"nonce":                 {"nn"},
			"code_challenge":        {oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())},
			"code_challenge_method": {"S256"},
		}
	}
	for _, tc := range []struct {
		name   string
		change func(url.Values)
		error  string // "" when refused on the page
	}{
		{"redirect_uri not registered", func(v url.Values) { v.Set("redirect_uri", "https://evil.example/callback") }, ""},
		{"redirect_uri prefix of a registered one", func(v url.Values) { v.Set("redirect_uri", "http://127.0.0.1:9999/auth/") }, ""},
		{"redirect_uri missing", func(v url.Values) { v.Del("redirect_uri") }, ""},
		{"redirect_uri repeated", func(v url.Values) { v.Add("redirect_uri", "https://evil.example/callback") }, ""},
		{"unknown client", func(v url.Values) { v.Set("client_id", "someone-else") }, ""},
		{"implicit flow", func(v url.Values) { v.Set("response_type", "id_token") }, "unsupported_response_type"},
		{"no openid scope", func(v url.Values) { v.Set("scope", "email") }, "invalid_scope"},
		{"no PKCE", func(v url.Values) { v.Del("code_challenge"); v.Del("code_challenge_method") }, "invalid_request"},
		{"plain PKCE", func(v url.Values) { v.Set("code_challenge_method", "plain") }, "invalid_request"},
		{"malformed challenge", func(v url.Values) { v.Set("code_challenge", "short") }, "invalid_request"},
		{"prompt none", func(v url.Values) { v.Set("prompt", "none") }, "login_required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := valid()
			tc.change(q)
			resp, err := noRedirects.Get(f.p.Issuer() + "/authorize?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tc.error == "" {
				if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
					t.Fatalf("status %d, Location %q: want 400 without a redirect", resp.StatusCode, resp.Header.Get("Location"))
				}
				if strings.Contains(string(body), "evil.example") {
					t.Error("the error page shows the refused URI")
				}
				return
			}
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d, want a redirect to the client: %s", resp.StatusCode, body)
			}
			loc, _ := resp.Location()
			if !strings.HasPrefix(loc.String(), testRedirect+"?") || loc.Query().Get("error") != tc.error || loc.Query().Get("state") != "st" {
				t.Fatalf("redirected to %s, want %s with error=%s and the state", loc, testRedirect, tc.error)
			}
		})
	}

	t.Run("form re-checked on POST", func(t *testing.T) {
		t.Parallel()
		q := valid()
		q.Set("redirect_uri", "https://evil.example/callback")
		q.Set("subject", "u-ana")
		resp, err := noRedirects.PostForm(f.p.Issuer()+"/authorize", q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Fatalf("status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	t.Run("unknown subject", func(t *testing.T) {
		t.Parallel()
		q := valid()
		q.Set("subject", "u-nobody")
		resp, err := noRedirects.PostForm(f.p.Issuer()+"/authorize", q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", resp.StatusCode)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		t.Parallel()
		q := valid()
		q.Set("cancel", "1")
		loc := postSignIn(t, f.p.Issuer()+"/authorize", q)
		if loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st" || loc.Query().Has("code") {
			t.Fatalf("redirected to %s, want error=access_denied", loc)
		}
	})

	t.Run("cross-site POST", func(t *testing.T) {
		t.Parallel()
		q := valid()
		q.Set("subject", "u-ana")
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, f.p.Issuer()+"/authorize", strings.NewReader(q.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := noRedirects.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
	})
}

func TestSignInPage(t *testing.T) {
	t.Parallel()
	f := setup(t)
	fl := newFlow(f, testRedirect)
	fl.state = `"><script>alert(1)</script>`
	resp, err := http.Get(fl.authURL())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"Ana Legal", "ana@example.com", "legal, clearpost-reviewers", "Bo Marketing", `value="u-bo"`, "&lt;script&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>") {
		t.Error("page contains unescaped markup from a user name or the state")
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "Cache-Control"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}

	// The state survives the round trip through the page unchanged.
	code := fl.codeFrom(t, f, signIn(t, fl.authURL(), "u-eve"))
	if code == "" {
		t.Fatal("no code")
	}
}
