package devoidc

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// ErrUnknownUser is returned for an e-mail address or subject that names no configured user.
var ErrUnknownUser = errors.New("devoidc: unknown user")

// protocolClaims are set by the provider only; User.Extra cannot override them.
var protocolClaims = map[string]bool{
	"iss": true, "sub": true, "aud": true, "exp": true, "iat": true, "nbf": true,
	"auth_time": true, "nonce": true, "at_hash": true, "azp": true,
}

// MintOption adjusts a token minted by Token, MintIDToken or MintWith. Options apply in order,
// on top of the starting claims, so tests can build tokens a verifier must refuse.
type MintOption func(*mint)

// mint is a token being built: its claims and its JOSE header key id.
type mint struct {
	now    time.Time
	claims map[string]any
	kid    *string // nil: the signing key's own id
}

// Audience sets the "aud" claim: a string for one audience, an array for several.
func Audience(aud ...string) MintOption {
	return func(m *mint) {
		if len(aud) == 1 {
			m.claims["aud"] = aud[0]
			return
		}
		m.claims["aud"] = aud
	}
}

// TTL sets "exp" to the minting time plus d; a negative d mints an already expired token.
func TTL(d time.Duration) MintOption {
	return func(m *mint) { m.claims["exp"] = m.now.Add(d).Unix() }
}

// Nonce sets the "nonce" claim.
func Nonce(nonce string) MintOption {
	return func(m *mint) { m.claims["nonce"] = nonce }
}

// Claim sets the claim name to value, replacing what the provider put there (e.g. Claim("iss",
// "https://evil.example")).
func Claim(name string, value any) MintOption {
	return func(m *mint) { m.claims[name] = value }
}

// WithoutClaim removes the claim name.
func WithoutClaim(name string) MintOption {
	return func(m *mint) { delete(m.claims, name) }
}

// HeaderKeyID puts kid in the JOSE header instead of the signing key's id; an empty kid leaves
// the "kid" header out. The token is still signed with the current key.
func HeaderKeyID(kid string) MintOption {
	return func(m *mint) { m.kid = &kid }
}

// Token mints an ID token for the configured user with this e-mail address (case-insensitive),
// for the provider's client, valid for the provider's token TTL.
func (p *Provider) Token(email string, opts ...MintOption) (string, error) {
	u, ok := p.UserByEmail(email)
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrUnknownUser, email)
	}
	return p.MintIDToken(u, opts...)
}

// MintIDToken mints an ID token for u, who need not be a configured user: iss, sub, aud (the
// client id), exp (the provider's token TTL), iat, auth_time, email, email_verified, name, groups
// and u.Extra, then opts.
func (p *Provider) MintIDToken(u User, opts ...MintOption) (string, error) {
	now := p.now()
	m := &mint{now: now, claims: p.idTokenClaims(u, now, now)}
	return p.sign(m, opts)
}

// MintWith signs exactly claims (nothing added, nothing checked), then opts, with the current key.
// It is for negative tests: tokens without "exp", with a foreign issuer, a wrong type, ...
func (p *Provider) MintWith(claims map[string]any, opts ...MintOption) (string, error) {
	m := &mint{now: p.now(), claims: maps.Clone(claims)}
	if m.claims == nil {
		m.claims = map[string]any{}
	}
	return p.sign(m, opts)
}

// idTokenClaims returns the standard claims of an ID token for u issued at now to the client.
func (p *Provider) idTokenClaims(u User, now, authTime time.Time) map[string]any {
	c := userClaims(u)
	c["iss"] = p.issuer
	c["aud"] = p.clientID
	c["iat"] = now.Unix()
	c["exp"] = now.Add(p.tokenTTL).Unix()
	c["auth_time"] = authTime.Unix()
	return c
}

// userClaims returns what the provider asserts about u: sub, email, email_verified, name,
// groups, and u.Extra (never a protocol claim other than sub).
func userClaims(u User) map[string]any {
	groups := u.Groups
	if groups == nil {
		groups = []string{}
	}
	c := map[string]any{
		"sub":            u.Subject,
		"email":          u.Email,
		"email_verified": true,
		"groups":         groups,
	}
	if u.Name != "" {
		c["name"] = u.Name
	}
	for k, v := range u.Extra {
		if !protocolClaims[k] {
			c[k] = v
		}
	}
	return c
}

// sign applies opts to m and signs its claims with the current key (RS256, typ JWT).
func (p *Provider) sign(m *mint, opts []MintOption) (string, error) {
	for _, opt := range opts {
		opt(m)
	}
	key := p.keys.currentKey()
	kid := key.kid
	if m.kid != nil {
		kid = *m.kid
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key.priv, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return "", fmt.Errorf("devoidc: signer: %w", err)
	}
	payload, err := json.Marshal(m.claims)
	if err != nil {
		return "", fmt.Errorf("devoidc: encode claims: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("devoidc: sign: %w", err)
	}
	return jws.CompactSerialize()
}

// accessTokenHash is the "at_hash" of an RS256 ID token issued with accessToken: the left half
// of its SHA-256, base64url-encoded (OpenID Connect Core 3.1.3.6).
func accessTokenHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}
