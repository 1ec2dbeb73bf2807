package devoidc

import "sync"

// Misbehavior makes the provider's token and userinfo endpoints answer wrongly, so that a relying
// party's tests can check that each bad answer is refused. The zero value is good behaviour.
type Misbehavior struct {
	// IDTokenOptions apply when the token endpoint mints an ID token: a wrong audience, an
	// expired token, an unknown key id, a wrong nonce or at_hash (Claim), a missing sub
	// (WithoutClaim).
	IDTokenOptions []MintOption
	// IDToken, when set, rewrites the minted ID token (an "alg: none" token, a bad signature).
	IDToken func(valid string) string
	// UserinfoSubject, when set, is the sub the userinfo endpoint reports.
	UserinfoSubject string
}

type misbehavior struct {
	mu sync.Mutex
	m  Misbehavior
}

// Misbehave sets how the provider misbehaves from now on; Misbehave(Misbehavior{}) restores it.
// For tests of relying parties only.
func (p *Provider) Misbehave(m Misbehavior) {
	p.misbehaving.mu.Lock()
	defer p.misbehaving.mu.Unlock()
	p.misbehaving.m = m
}

func (p *Provider) misbehavior() Misbehavior {
	p.misbehaving.mu.Lock()
	defer p.misbehaving.mu.Unlock()
	return p.misbehaving.m
}
