// Package devoidc is a small but real OpenID Connect provider for development and tests.
//
// It serves discovery, a JWKS, the authorization code flow with PKCE (S256), a token endpoint,
// userinfo and end-session, and signs RS256 ID tokens that go-oidc verifies exactly as it verifies
// tokens from a production identity provider. `clearpost dev` mounts it inside the app at
// http://127.0.0.1:8080/dev/oidc; tests serve it from an httptest.Server.
//
// Anyone who can reach the provider can sign in as any configured user: it has no passwords on
// purpose. It must never be exposed beyond loopback. The dev-token endpoint, which hands out an ID
// token for an e-mail address without a browser, additionally refuses non-loopback callers.
//
// A Provider is safe for concurrent use.
package devoidc

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"strings"
	"time"
)

// User is an identity the provider can sign in.
type User struct {
	// Subject is the stable, unique "sub" claim.
	Subject string
	// Email is the "email" claim; it is always reported as verified. Unique, compared
	// case-insensitively.
	Email string
	// Name is the "name" claim.
	Name string
	// Groups is the "groups" claim.
	Groups []string
	// Extra holds additional claims for ID tokens and userinfo. They may override the user claims
	// above (e.g. "email_verified": false) but never the protocol claims (iss, sub, aud, exp, iat,
	// nbf, auth_time, nonce, at_hash, azp).
	Extra map[string]any
}

// Provider is an OpenID Connect provider for one client.
type Provider struct {
	issuer     string // exactly as configured: the "iss" claim and the discovery "issuer"
	base       string // issuer without a trailing slash: endpoint URLs are base + "/name"
	pathPrefix string // the issuer URL's path without a trailing slash ("" for a root issuer)

	clientID     string
	clientSecret string // empty: public client (PKCE only)
	redirectURIs map[string]bool
	logoutURIs   map[string]bool
	tokenTTL     time.Duration
	now          func() time.Time
	log          *slog.Logger
	users        []User
	usersBySub   map[string]int
	usersByEmail map[string]int // by lower-cased e-mail
	keys         keySet
	grants       grantStore
	misbehaving  misbehavior // tests of relying parties only
}

// Option configures a Provider.
type Option func(*Provider)

// WithRedirectURIs allows the authorization endpoint to redirect to these URIs (exact match). With
// none, the authorization code flow refuses every request.
func WithRedirectURIs(uris ...string) Option {
	return func(p *Provider) {
		for _, u := range uris {
			p.redirectURIs[u] = true
		}
	}
}

// WithPostLogoutRedirectURIs allows the end-session endpoint to redirect to these URIs (exact
// match).
func WithPostLogoutRedirectURIs(uris ...string) Option {
	return func(p *Provider) {
		for _, u := range uris {
			p.logoutURIs[u] = true
		}
	}
}

// WithClientSecret makes the client confidential: the token endpoint then requires this secret
// (HTTP Basic or client_secret in the form). Without it the client is public and PKCE alone binds
// the code to the client.
func WithClientSecret(secret string) Option {
	return func(p *Provider) { p.clientSecret = secret }
}

// WithTokenTTL sets the lifetime of ID and access tokens (default one hour).
func WithTokenTTL(d time.Duration) Option {
	return func(p *Provider) { p.tokenTTL = d }
}

// WithClock replaces time.Now for everything the provider issues and checks (token times, code
// and access-token expiry). Verifiers keep their own clock.
func WithClock(now func() time.Time) Option {
	return func(p *Provider) { p.now = now }
}

// WithLogger sets the logger for internal errors. Tokens, codes and keys are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(p *Provider) { p.log = l }
}

// DefaultTokenTTL is the lifetime of ID and access tokens unless WithTokenTTL says otherwise.
const DefaultTokenTTL = time.Hour

// codeTTL is how long an authorization code can be redeemed.
const codeTTL = 60 * time.Second

// New returns a provider for issuer (the full issuer URL, e.g. http://127.0.0.1:8080/dev/oidc)
// that serves the client clientID and signs in users. It generates a fresh RSA-2048 signing key.
func New(issuer, clientID string, users []User, opts ...Option) (*Provider, error) {
	u, err := url.Parse(issuer)
	if err != nil {
		return nil, fmt.Errorf("devoidc: issuer: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("devoidc: issuer %q must be an http(s) URL without query, fragment or user info", issuer)
	}
	if clientID == "" {
		return nil, errors.New("devoidc: client id is empty")
	}
	p := &Provider{
		issuer:       issuer,
		base:         strings.TrimSuffix(issuer, "/"),
		pathPrefix:   strings.TrimSuffix(u.EscapedPath(), "/"),
		clientID:     clientID,
		redirectURIs: map[string]bool{},
		logoutURIs:   map[string]bool{},
		tokenTTL:     DefaultTokenTTL,
		now:          time.Now,
		log:          slog.New(slog.DiscardHandler),
		usersBySub:   map[string]int{},
		usersByEmail: map[string]int{},
	}
	for _, opt := range opts {
		opt(p)
	}
	if p.tokenTTL <= 0 {
		return nil, errors.New("devoidc: token TTL must be positive")
	}
	for _, set := range []map[string]bool{p.redirectURIs, p.logoutURIs} {
		for raw := range set {
			if err := checkRedirectURI(raw); err != nil {
				return nil, err
			}
		}
	}
	for i, usr := range users {
		if usr.Subject == "" || usr.Email == "" {
			return nil, fmt.Errorf("devoidc: user %d: subject and email are required", i)
		}
		email := strings.ToLower(usr.Email)
		if _, dup := p.usersBySub[usr.Subject]; dup {
			return nil, fmt.Errorf("devoidc: duplicate user subject %q", usr.Subject)
		}
		if _, dup := p.usersByEmail[email]; dup {
			return nil, fmt.Errorf("devoidc: duplicate user email %q", usr.Email)
		}
		p.usersBySub[usr.Subject] = i
		p.usersByEmail[email] = i
		p.users = append(p.users, cloneUser(usr))
	}
	if err := p.keys.init(); err != nil {
		return nil, err
	}
	p.grants.init()
	return p, nil
}

// Issuer returns the issuer URL exactly as configured.
func (p *Provider) Issuer() string { return p.issuer }

// ClientID returns the one client the provider serves.
func (p *Provider) ClientID() string { return p.clientID }

// Users returns a copy of the configured users in their configured order.
func (p *Provider) Users() []User {
	out := make([]User, len(p.users))
	for i, u := range p.users {
		out[i] = cloneUser(u)
	}
	return out
}

// UserByEmail returns the configured user with this e-mail address (case-insensitive).
func (p *Provider) UserByEmail(email string) (User, bool) {
	i, ok := p.usersByEmail[strings.ToLower(email)]
	if !ok {
		return User{}, false
	}
	return cloneUser(p.users[i]), true
}

func (p *Provider) userBySubject(sub string) (User, bool) {
	i, ok := p.usersBySub[sub]
	if !ok {
		return User{}, false
	}
	return p.users[i], true
}

// endpoint returns the absolute URL of the endpoint name ("jwks", "token", ...).
func (p *Provider) endpoint(name string) string { return p.base + "/" + name }

// checkRedirectURI refuses a registered redirect URI that is not an absolute URL without fragment
// (RFC 6749 section 3.1.2).
func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("devoidc: redirect URI %q must be an absolute URL without fragment or user info", raw)
	}
	return nil
}

func cloneUser(u User) User {
	if u.Groups != nil {
		u.Groups = append([]string(nil), u.Groups...)
	}
	u.Extra = maps.Clone(u.Extra)
	return u
}
