package devoidc

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/go-jose/go-jose/v4"
)

// signingKey is one RSA key pair and the id it is published under.
type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
}

// keySet holds the current signing key and the previous keys still published in the JWKS, so
// tokens signed before a rotation keep verifying until their key is dropped.
type keySet struct {
	mu       sync.RWMutex
	current  *signingKey
	previous []*signingKey // oldest first
}

func (ks *keySet) init() error {
	k, err := newSigningKey()
	if err != nil {
		return err
	}
	ks.current = k
	return nil
}

func newSigningKey() (*signingKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("devoidc: generate signing key: %w", err)
	}
	return &signingKey{kid: randomString(12), priv: priv}, nil
}

// currentKey returns the key new tokens are signed with.
func (ks *keySet) currentKey() *signingKey {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	return ks.current
}

// publicJWKS returns the public halves of every published key, current key first.
func (ks *keySet) publicJWKS() jose.JSONWebKeySet {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{ks.current.publicJWK()}}
	for i := len(ks.previous) - 1; i >= 0; i-- {
		set.Keys = append(set.Keys, ks.previous[i].publicJWK())
	}
	return set
}

func (k *signingKey) publicJWK() jose.JSONWebKey {
	return jose.JSONWebKey{
		Key:       &k.priv.PublicKey,
		KeyID:     k.kid,
		Algorithm: string(jose.RS256),
		Use:       "sig",
	}
}

// KeyID returns the key id ("kid") of the current signing key.
func (p *Provider) KeyID() string { return p.keys.currentKey().kid }

// KeyIDs returns the ids of every key published in the JWKS, current key first.
func (p *Provider) KeyIDs() []string {
	set := p.keys.publicJWKS()
	ids := make([]string, len(set.Keys))
	for i, k := range set.Keys {
		ids[i] = k.KeyID
	}
	return ids
}

// RotateKey generates a new signing key and signs every later token with it. The previous key
// stays published in the JWKS (tokens it signed keep verifying) until DropKey removes it. It
// returns the new key's id.
func (p *Provider) RotateKey() (string, error) {
	k, err := newSigningKey()
	if err != nil {
		return "", err
	}
	ks := &p.keys
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.previous = append(ks.previous, ks.current)
	ks.current = k
	return k.kid, nil
}

// ErrCurrentKey is returned by DropKey for the key currently signing tokens.
var ErrCurrentKey = errors.New("devoidc: cannot drop the current signing key")

// ErrUnknownKey is returned by DropKey for a key id that is not published.
var ErrUnknownKey = errors.New("devoidc: no such published key")

// DropKey stops publishing the previous key kid: tokens it signed no longer verify once a
// verifier refetches the JWKS (go-oidc does when it meets an unknown key id).
func (p *Provider) DropKey(kid string) error {
	ks := &p.keys
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if ks.current.kid == kid {
		return ErrCurrentKey
	}
	i := slices.IndexFunc(ks.previous, func(k *signingKey) bool { return k.kid == kid })
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrUnknownKey, kid)
	}
	ks.previous = slices.Delete(ks.previous, i, i+1)
	return nil
}

// randomString returns n random bytes, base64url-encoded without padding.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return base64.RawURLEncoding.EncodeToString(b)
}
