package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/secretbox"

	"github.com/alexedwards/scs/v2"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/oauth2"
)

// RelyingParty is how Clearpost signs browsers in at one identity provider.
type RelyingParty struct {
	Issuer       string
	ClientID     string
	ClientSecret string // empty: a public client, protected by PKCE alone
}

// SessionOptions configure browser sessions.
type SessionOptions struct {
	IdleTimeout time.Duration
	Lifetime    time.Duration // absolute: a session never outlives it
	Secure      bool          // the cookie's Secure attribute (false only for http on loopback)
	Log         *slog.Logger
}

// NewSessions returns server-side sessions stored in PostgreSQL. The cookie is HttpOnly,
// SameSite=Lax and carries only an opaque token; the store keeps a hash of it.
func NewSessions(pool *pgxpool.Pool, o SessionOptions) *scs.SessionManager {
	s := scs.New()
	store := &sessionStore{pool: pool, lifetime: o.Lifetime}
	go store.deleteExpired(10*time.Minute, o.Log)
	s.Store = newTouchingStore(store, s.Codec, min(sessionTouchEvery, o.IdleTimeout/10))
	s.HashTokenInStore = true
	s.IdleTimeout, s.Lifetime = o.IdleTimeout, o.Lifetime
	s.Cookie.Name = "clearpost_session"
	s.Cookie.HttpOnly = true
	s.Cookie.SameSite = http.SameSiteLaxMode
	s.Cookie.Secure = o.Secure
	s.Cookie.Path = "/"
	s.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		o.Log.ErrorContext(r.Context(), "session store", slog.Any("error", err))
		WriteJSONError(w, http.StatusServiceUnavailable, string(apperr.Internal), "sessions are unavailable, try again")
	}
	return s
}

// Session keys.
const (
	keyUserID   = "uid"
	keyOrgID    = "org"
	keySignedIn = "signed_in"
	keyAuthTime = "auth_time"
	keyIDToken  = "id_token"
	keyIssuer   = "iss"
)

// SignOn is browser sign-in: the authorization code flow with PKCE, state and nonce, at
// /auth/login, /auth/callback and /auth/logout, and the session cookie on later requests.
type SignOn struct {
	authn     *Authenticator
	sessions  *scs.SessionManager
	secrets   map[string]string // client secrets by issuer; none for public clients
	scopes    []string
	publicURL string
	states    *secretbox.Keyring // seals the login state cookie
	csrf      *http.CrossOriginProtection
	log       *slog.Logger
}

// SignOnOptions configure browser sign-in.
type SignOnOptions struct {
	// PublicURL is how browsers reach Clearpost: the redirect URI is PublicURL/auth/callback.
	PublicURL string
	// Secrets are the client secrets of confidential clients, by issuer.
	Secrets map[string]string
	// Scopes requested (default: openid profile email).
	Scopes []string
	// TrustedOrigins are other origins (the CORS allow-list) whose cookie-authenticated requests
	// are not cross-site forgeries.
	TrustedOrigins []string
	// StateKeys seal (encrypt and authenticate) the sign-in in progress, which the browser keeps
	// in a short-lived cookie until the provider answers. Every process of a deployment has the
	// same keys (CLEARPOST_SECRET_KEYS), so the callback may reach another one than the login.
	StateKeys *secretbox.Keyring
}

// NewSignOn returns browser sign-in at every registered identity provider.
func NewSignOn(authn *Authenticator, sessions *scs.SessionManager, o SignOnOptions, log *slog.Logger) (*SignOn, error) {
	if o.StateKeys == nil {
		return nil, errors.New("browser sign-in needs keys to seal its login state (CLEARPOST_SECRET_KEYS)")
	}
	csrf := http.NewCrossOriginProtection()
	for _, origin := range o.TrustedOrigins {
		if err := csrf.AddTrustedOrigin(origin); err != nil {
			return nil, fmt.Errorf("trusted origin %q: %w", origin, err)
		}
	}
	scopes := o.Scopes
	if len(scopes) == 0 {
		scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	}
	return &SignOn{authn: authn, sessions: sessions, secrets: o.Secrets, scopes: scopes,
		publicURL: strings.TrimSuffix(o.PublicURL, "/"), states: o.StateKeys, csrf: csrf, log: log}, nil
}

// Routes mounts the sign-in endpoints on mux, inside the session middleware.
func (s *SignOn) Routes(mux *http.ServeMux) {
	// No session middleware: a sign-in in progress lives in the browser's login state cookie, so
	// that no session row exists before the identity provider has answered.
	mux.Handle("GET /auth/login", http.HandlerFunc(s.login))
	mux.Handle("GET /auth/callback", s.sessions.LoadAndSave(http.HandlerFunc(s.callback)))
	mux.Handle("POST /auth/logout", s.sessions.LoadAndSave(s.csrf.Handler(http.HandlerFunc(s.logout))))
	mux.Handle("GET /auth/logout", s.sessions.LoadAndSave(http.HandlerFunc(s.logoutPage)))
}

// party finds the enabled (configured) identity provider by issuer, or by organization slug, or
// (neither given) the first registered.
func (s *SignOn) party(ctx context.Context, issuer, org string) (RelyingParty, error) {
	rp, found, err := relyingParty(ctx, s.authn.pool, issuer, org)
	if err != nil {
		return rp, fmt.Errorf("identity provider: %w", err)
	}
	if !found {
		return rp, refuse(http.StatusBadRequest, "unknown identity provider")
	}
	rp.ClientSecret = s.secrets[rp.Issuer]
	return rp, nil
}

func (s *SignOn) oauthConfig(rp RelyingParty, v *issuerVerifier) *oauth2.Config {
	return &oauth2.Config{
		ClientID: rp.ClientID, ClientSecret: rp.ClientSecret, Endpoint: v.provider.Endpoint(),
		RedirectURL: s.publicURL + "/auth/callback", Scopes: s.scopes,
	}
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// safeReturn keeps only same-origin paths, so sign-in is never an open redirect: no scheme, no
// host, no control characters (browsers drop tabs and newlines, turning "/\t/x" into "//x").
func safeReturn(to string) string {
	for _, r := range to {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(to)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(to, "//") {
		return "/"
	}
	return u.EscapedPath() + func() string {
		if u.RawQuery != "" {
			return "?" + u.RawQuery
		}
		return ""
	}()
}

// login starts the code flow: ?idp=ISSUER or ?org=SLUG picks the provider (default: the first
// registered), ?return_to= a path to land on afterwards.
func (s *SignOn) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rp, err := s.party(ctx, r.URL.Query().Get("idp"), r.URL.Query().Get("org"))
	if err != nil {
		s.refused(w, r, err)
		return
	}
	v, err := s.authn.verifierFor(ctx, rp.Issuer)
	if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, "the identity provider cannot be reached", err)
		return
	}
	st := loginState{
		State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(),
		Issuer: rp.Issuer, ReturnTo: safeReturn(r.URL.Query().Get("return_to")),
		Expires: time.Now().Add(loginStateTTL).Unix(),
	}
	s.setLoginState(w, st)
	opts := []oauth2.AuthCodeOption{oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)}
	if r.URL.Query().Get("step_up") != "" {
		// A fresh authentication at the provider, whatever session it has: for approvals under
		// an organization's step-up policy.
		opts = append(opts, oauth2.SetAuthURLParam("prompt", "login"), oauth2.SetAuthURLParam("max_age", "0"))
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, s.oauthConfig(rp, v).AuthCodeURL(st.State, opts...), http.StatusFound)
}

// loginState is a sign-in in progress: what the callback checks the provider's answer against.
// The browser keeps it, sealed (AES-256-GCM under the deployment's keys: neither readable nor
// forgeable), in a cookie that lives for loginStateTTL; nothing is stored server-side.
type loginState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"` // PKCE
	Issuer   string `json:"i"`
	ReturnTo string `json:"r"`
	Expires  int64  `json:"e"` // Unix seconds
}

const (
	loginStateCookie = "clearpost_login"
	loginStateTTL    = 10 * time.Minute
)

// loginStateAAD binds the sealed state to its use: no other ciphertext of the keyring opens as one.
var loginStateAAD = []byte("clearpost auth login state v1")

func (s *SignOn) setLoginState(w http.ResponseWriter, st loginState) {
	b, _ := json.Marshal(st)
	http.SetCookie(w, &http.Cookie{
		Name: loginStateCookie, Value: base64.RawURLEncoding.EncodeToString(s.states.Seal(b, loginStateAAD)),
		Path: "/", MaxAge: int(loginStateTTL / time.Second), HttpOnly: true, Secure: s.sessions.Cookie.Secure,
		// Lax: the cookie comes back on the provider's top-level redirect to the callback.
		SameSite: http.SameSiteLaxMode,
	})
}

// takeLoginState reads and clears the browser's sign-in in progress; ok is false when there is
// none, or it was tampered with, sealed with unknown keys, or has expired.
func (s *SignOn) takeLoginState(w http.ResponseWriter, r *http.Request) (loginState, bool) {
	var st loginState
	c, err := r.Cookie(loginStateCookie)
	if err != nil {
		return st, false
	}
	http.SetCookie(w, &http.Cookie{Name: loginStateCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.sessions.Cookie.Secure, SameSite: http.SameSiteLaxMode})
	sealed, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return st, false
	}
	b, err := s.states.Open(sealed, loginStateAAD)
	if err != nil || json.Unmarshal(b, &st) != nil {
		return st, false
	}
	if st.State == "" || st.Verifier == "" || st.Issuer == "" || time.Now().Unix() > st.Expires {
		return st, false
	}
	return st, true
}

// errSignIn is a refused sign-in: its message is shown to the person.
type errSignIn struct {
	status int
	msg    string
}

func (e *errSignIn) Error() string { return e.msg }

func refuse(status int, format string, a ...any) error {
	return &errSignIn{status: status, msg: fmt.Sprintf(format, a...)}
}

// callback finishes the code flow. Every check go-oidc leaves to its caller is made here: state,
// nonce, subject, issued-at, at_hash, and the userinfo subject.
func (s *SignOn) callback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, ok := s.takeLoginState(w, r)
	p, rawIDToken, err := s.finish(ctx, r, st, ok)
	if err != nil {
		// Nothing of the attempt survives: no user (provision runs last), no session, and the
		// login state is cleared. A person already signed in stays signed in (a forged callback
		// must not sign them out).
		s.refused(w, r, err)
		return
	}
	returnTo := safeReturn(st.ReturnTo)
	issuer := st.Issuer
	// The session begins only now, after the provider has answered and its token is verified.
	// A fresh token: a session id fixed before sign-in is useless after it.
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.fail(w, r, http.StatusInternalServerError, "sign-in failed", err)
		return
	}
	s.sessions.Put(ctx, keyUserID, p.UserID.String())
	s.sessions.Put(ctx, keyOrgID, p.OrgID.String())
	s.sessions.Put(ctx, keySignedIn, time.Now().UnixMicro())
	s.sessions.Put(ctx, keyAuthTime, p.AuthTime.Unix())
	s.sessions.Put(ctx, keyIDToken, rawIDToken)
	s.sessions.Put(ctx, keyIssuer, issuer)
	s.log.InfoContext(ctx, "signed in", slog.String("user_id", p.UserID.String()), slog.String("org_id", p.OrgID.String()))
	http.Redirect(w, r, returnTo, http.StatusFound)
}

func (s *SignOn) finish(ctx context.Context, r *http.Request, st loginState, inProgress bool) (*Principal, string, error) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return nil, "", refuse(http.StatusUnauthorized, "the identity provider refused the sign-in: %s", e)
	}
	if !inProgress {
		return nil, "", refuse(http.StatusBadRequest, "no sign-in in progress in this browser (expired, or started elsewhere): start again")
	}
	nonce, verifier := st.Nonce, st.Verifier
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(st.State)) != 1 {
		return nil, "", refuse(http.StatusBadRequest, "state mismatch: start the sign-in again")
	}
	code := q.Get("code")
	if code == "" {
		return nil, "", refuse(http.StatusBadRequest, "the identity provider sent no code")
	}
	rp, err := s.party(ctx, st.Issuer, "")
	if err != nil {
		return nil, "", err
	}
	v, err := s.authn.verifierFor(ctx, rp.Issuer)
	if err != nil {
		return nil, "", err
	}
	octx := oidc.ClientContext(ctx, s.authn.client)
	tok, err := s.oauthConfig(rp, v).Exchange(octx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		s.log.InfoContext(ctx, "code exchange refused", slog.Any("error", err))
		return nil, "", refuse(http.StatusUnauthorized, "the identity provider refused the authorization code")
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, "", refuse(http.StatusUnauthorized, "the identity provider sent no ID token")
	}
	idTok, err := v.idTokens.Verify(ctx, raw)
	if err != nil {
		s.log.InfoContext(ctx, "ID token refused", slog.Any("error", err))
		return nil, "", refuse(http.StatusUnauthorized, "invalid ID token")
	}
	if subtle.ConstantTimeCompare([]byte(idTok.Nonce), []byte(nonce)) != 1 {
		return nil, "", refuse(http.StatusUnauthorized, "ID token nonce mismatch")
	}
	claims, err := checkToken(idTok)
	if err != nil {
		return nil, "", err
	}
	if idTok.AccessTokenHash != "" {
		if err := idTok.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, "", refuse(http.StatusUnauthorized, "ID token at_hash does not match the access token")
		}
	}
	if endpoint := v.provider.UserInfoEndpoint(); endpoint != "" {
		info, err := v.provider.UserInfo(octx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return nil, "", refuse(http.StatusUnauthorized, "the identity provider's userinfo endpoint refused the access token")
		}
		if info.Subject != idTok.Subject {
			return nil, "", refuse(http.StatusUnauthorized, "userinfo subject does not match the ID token's")
		}
		var extra map[string]any
		if err := info.Claims(&extra); err == nil {
			for k, val := range extra {
				if _, ok := claims[k]; !ok {
					claims[k] = val
				}
			}
		}
	}
	p, err := s.authn.signIn(ctx, v.orgID, idTok.Issuer, idTok.Subject, claims)
	if err != nil {
		return nil, "", err
	}
	return p, raw, nil
}

// logout ends the session and, when the provider supports it, signs out there too (RP-initiated
// logout).
func (s *SignOn) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rawID, issuer := s.sessions.GetString(ctx, keyIDToken), s.sessions.GetString(ctx, keyIssuer)
	if err := s.sessions.Destroy(ctx); err != nil {
		s.fail(w, r, http.StatusInternalServerError, "sign-out failed", err)
		return
	}
	to := "/"
	if rp, err := s.party(ctx, issuer, ""); err == nil && issuer != "" {
		if v, err := s.authn.verifierFor(ctx, rp.Issuer); err == nil {
			var meta struct {
				EndSession string `json:"end_session_endpoint"`
			}
			if v.provider.Claims(&meta) == nil && meta.EndSession != "" {
				q := url.Values{"client_id": {rp.ClientID}, "post_logout_redirect_uri": {s.publicURL + "/"}}
				if rawID != "" {
					q.Set("id_token_hint", rawID)
				}
				to = meta.EndSession + "?" + q.Encode()
			}
		}
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

var logoutPage = template.Must(template.New("logout").Parse(`<!doctype html><meta charset="utf-8"><title>Sign out of Clearpost</title>
<form method="post" action="/auth/logout"><button type="submit">Sign out</button></form>`))

// logoutPage asks for a POST, so a link or image elsewhere cannot sign a person out.
func (s *SignOn) logoutPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = logoutPage.Execute(w, nil)
}

var failPage = template.Must(template.New("fail").Parse(`<!doctype html><meta charset="utf-8"><title>Sign-in failed</title>
<h1>Sign-in failed</h1><p>{{.}}</p><p><a href="/auth/login">Try again</a></p>`))

// refused answers a failed sign-in step: its own status and message, 401 for refused tokens, 500
// (logged, not shown) for everything else.
func (s *SignOn) refused(w http.ResponseWriter, r *http.Request, err error) {
	var se *errSignIn
	switch {
	case errors.As(err, &se):
		s.fail(w, r, se.status, se.msg, nil)
	case apperr.CodeOf(err) == apperr.Unauthenticated:
		s.fail(w, r, http.StatusUnauthorized, err.Error(), nil)
	default:
		s.fail(w, r, http.StatusInternalServerError, "sign-in failed", err)
	}
}

func (s *SignOn) fail(w http.ResponseWriter, r *http.Request, status int, msg string, err error) {
	if err != nil {
		s.log.ErrorContext(r.Context(), "sign-in", slog.Any("error", err))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = failPage.Execute(w, msg)
}

// Cookie wraps h so that a request without an Authorization header is authenticated by its session
// cookie. Such requests are refused when they come cross-site (CSRF), and when the user has been
// deactivated or their sessions revoked since the session began.
func (s *SignOn) Cookie(h http.Handler) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		uid := s.sessions.GetString(ctx, keyUserID)
		if r.Header.Get("Authorization") != "" || uid == "" {
			h.ServeHTTP(w, r)
			return
		}
		if err := s.csrf.Check(r); err != nil {
			WriteJSONError(w, http.StatusForbidden, string(apperr.Forbidden), "cross-site request refused")
			return
		}
		signedIn := time.UnixMicro(s.sessions.GetInt64(ctx, keySignedIn))
		p, err := s.authn.sessionPrincipal(ctx, s.sessions.GetString(ctx, keyOrgID), uid, signedIn)
		if err != nil {
			_ = s.sessions.Destroy(ctx)
			if apperr.CodeOf(err) == apperr.Unauthenticated {
				WriteJSONError(w, http.StatusUnauthorized, string(apperr.Unauthenticated), err.Error())
				return
			}
			s.log.ErrorContext(ctx, "session", slog.Any("error", err))
			WriteJSONError(w, http.StatusServiceUnavailable, string(apperr.Internal), "sessions are unavailable, try again")
			return
		}
		if at := s.sessions.GetInt64(ctx, keyAuthTime); at > 0 {
			p.AuthTime = time.Unix(at, 0)
		}
		h.ServeHTTP(w, r.WithContext(WithPrincipal(ctx, p)))
	})
	return s.sessions.LoadAndSave(inner)
}

// sessionPrincipal loads a session's user, refusing deactivated users and sessions begun before
// the user's sessions were revoked.
func (a *Authenticator) sessionPrincipal(ctx context.Context, orgID, userID string, signedIn time.Time) (*Principal, error) {
	org, err1 := uuid.Parse(orgID)
	id, err2 := uuid.Parse(userID)
	if err1 != nil || err2 != nil {
		return nil, apperr.Unauthenticatedf("session is damaged: sign in again")
	}
	pol, u, revoked, providerEnabled, err := sessionUser(ctx, a.pool, org, id)
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, apperr.Unauthenticatedf("this account is deactivated")
	}
	if !providerEnabled {
		return nil, apperr.Unauthenticatedf("this session's identity provider is no longer configured: sign in again")
	}
	if !pol.allows(u.Email) {
		return nil, apperr.Unauthenticatedf("e-mail domain of %s may no longer sign in to this organization", u.Email)
	}
	if revoked != nil && !signedIn.After(*revoked) {
		return nil, apperr.Unauthenticatedf("this session was ended: sign in again")
	}
	p := u.Principal()
	p.StepUp = pol.stepUp
	return p, nil
}

// WriteJSONError answers in the shape of a GraphQL error response, so that clients handle one
// shape whether the GraphQL layer or the HTTP layer refused them.
func WriteJSONError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}}})
	_, _ = w.Write(b)
}
