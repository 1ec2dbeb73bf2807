package devoidc

import (
	"errors"
	"sync"
	"time"
)

// authRequest is a validated authorization request: what the code is bound to.
type authRequest struct {
	clientID      string
	redirectURI   string
	scope         string
	state         string
	nonce         string
	codeChallenge string // S256
}

// authCode is an issued, not yet redeemed authorization code.
type authCode struct {
	req      authRequest
	subject  string
	authTime time.Time
	expires  time.Time
}

// accessGrant is what an access token stands for.
type accessGrant struct {
	subject string
	scope   string
	expires time.Time
}

// redeemedCode remembers a redeemed code so a replay is refused and revokes the access token the
// code was exchanged for (RFC 6749 section 4.1.2).
type redeemedCode struct {
	accessToken string // empty while the exchange is in progress or when it failed
	forget      time.Time
}

var (
	errCodeUnknown  = errors.New("authorization code is unknown")
	errCodeExpired  = errors.New("authorization code has expired")
	errCodeReplayed = errors.New("authorization code was already used")
)

// grantStore holds authorization codes and access tokens in memory.
type grantStore struct {
	mu       sync.Mutex
	codes    map[string]authCode
	redeemed map[string]redeemedCode
	access   map[string]accessGrant
}

func (g *grantStore) init() {
	g.codes = map[string]authCode{}
	g.redeemed = map[string]redeemedCode{}
	g.access = map[string]accessGrant{}
}

// issueCode stores c under a new random code and returns the code.
func (g *grantStore) issueCode(c authCode, now time.Time) string {
	code := randomString(32)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pruneLocked(now)
	g.codes[code] = c
	return code
}

// takeCode consumes code: whatever follows, it can never be redeemed again. A replay revokes the
// access token the first redemption produced. retain is how long the redemption is remembered.
func (g *grantStore) takeCode(code string, now time.Time, retain time.Duration) (authCode, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r, ok := g.redeemed[code]; ok {
		if r.accessToken != "" {
			delete(g.access, r.accessToken)
		}
		return authCode{}, errCodeReplayed
	}
	c, ok := g.codes[code]
	if !ok {
		return authCode{}, errCodeUnknown
	}
	delete(g.codes, code)
	g.redeemed[code] = redeemedCode{forget: now.Add(retain)}
	if !now.Before(c.expires) {
		return authCode{}, errCodeExpired
	}
	return c, nil
}

// issueAccessToken stores a under a new random access token, records it as the result of
// redeeming code, and returns the token.
func (g *grantStore) issueAccessToken(code string, a accessGrant, now time.Time) string {
	token := randomString(32)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pruneLocked(now)
	g.access[token] = a
	if r, ok := g.redeemed[code]; ok {
		r.accessToken = token
		g.redeemed[code] = r
	}
	return token
}

// accessGrant returns the live grant of an access token.
func (g *grantStore) accessGrant(token string, now time.Time) (accessGrant, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	a, ok := g.access[token]
	if !ok || !now.Before(a.expires) {
		return accessGrant{}, false
	}
	return a, true
}

// pruneLocked forgets expired codes, tokens and redemptions. g.mu must be held.
func (g *grantStore) pruneLocked(now time.Time) {
	for k, c := range g.codes {
		if !now.Before(c.expires) {
			delete(g.codes, k)
		}
	}
	for k, a := range g.access {
		if !now.Before(a.expires) {
			delete(g.access, k)
		}
	}
	for k, r := range g.redeemed {
		if !now.Before(r.forget) {
			delete(g.redeemed, k)
		}
	}
}
