package devoidc

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// idClaims are the claims the tests read back from verified ID tokens.
type idClaims struct {
	Email         string   `json:"email"`
	EmailVerified bool     `json:"email_verified"`
	Name          string   `json:"name"`
	Groups        []string `json:"groups"`
	Department    string   `json:"department"`
	Nonce         string   `json:"nonce"`
	AuthTime      int64    `json:"auth_time"`
}

func mustToken(t *testing.T, p *Provider, email string, opts ...MintOption) string {
	t.Helper()
	raw, err := p.Token(email, opts...)
	if err != nil {
		t.Fatalf("Token(%q): %v", email, err)
	}
	return raw
}

func TestMintedTokenVerifies(t *testing.T) {
	t.Parallel()
	f := setup(t)

	tok, err := f.verifier.Verify(t.Context(), mustToken(t, f.p, "ANA@example.com"))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	var c idClaims
	if err := tok.Claims(&c); err != nil {
		t.Fatal(err)
	}
	if tok.Issuer != f.p.Issuer() || tok.Subject != "u-ana" || !slices.Equal(tok.Audience, []string{testClientID}) {
		t.Errorf("iss/sub/aud = %q/%q/%v", tok.Issuer, tok.Subject, tok.Audience)
	}
	if c.Email != "ana@example.com" || !c.EmailVerified || c.Name != "Ana Legal" {
		t.Errorf("email/verified/name = %q/%v/%q", c.Email, c.EmailVerified, c.Name)
	}
	if !slices.Equal(c.Groups, []string{"legal", "clearpost-reviewers"}) {
		t.Errorf("groups = %v", c.Groups)
	}
	if life := tok.Expiry.Sub(tok.IssuedAt); life != DefaultTokenTTL {
		t.Errorf("lifetime = %v, want %v", life, DefaultTokenTTL)
	}
	if c.AuthTime != tok.IssuedAt.Unix() {
		t.Errorf("auth_time = %d, want iat %d", c.AuthTime, tok.IssuedAt.Unix())
	}

	// Extra claims are added, but never override protocol claims.
	tok, err = f.verifier.Verify(t.Context(), mustToken(t, f.p, "bo@example.com", Nonce("n-1")))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := tok.Claims(&c); err != nil {
		t.Fatal(err)
	}
	if c.Department != "growth" || tok.Issuer != f.p.Issuer() || c.Nonce != "n-1" {
		t.Errorf("department/iss/nonce = %q/%q/%q", c.Department, tok.Issuer, c.Nonce)
	}

	if _, err := f.p.Token("nobody@example.com"); err == nil {
		t.Error("Token minted a token for an unknown user")
	}
}

// TestVerifierRefuses mints tokens a verifier must refuse.
func TestVerifierRefuses(t *testing.T) {
	t.Parallel()
	f := setup(t)
	now := time.Now()
	for _, tc := range []struct {
		name string
		mint func() (string, error)
		want string // part of go-oidc's error
	}{
		{"wrong audience", func() (string, error) { return f.p.Token("ana@example.com", Audience("someone-else")) }, "audience"},
		{"expired", func() (string, error) { return f.p.Token("ana@example.com", TTL(-time.Minute)) }, "expired"},
		{"foreign issuer", func() (string, error) {
			return f.p.Token("ana@example.com", Claim("iss", "https://idp.example.com"))
		}, "different provider"},
		{"unknown key id", func() (string, error) { return f.p.Token("ana@example.com", HeaderKeyID("not-a-key")) }, "signature"},
		{"signed by another provider", func() (string, error) {
			other, err := New(f.p.Issuer(), testClientID, testUsers())
			if err != nil {
				return "", err
			}
			return other.Token("ana@example.com", HeaderKeyID(f.p.KeyID()))
		}, "signature"},
		{"no exp", func() (string, error) {
			return f.p.MintWith(map[string]any{"iss": f.p.Issuer(), "aud": testClientID, "sub": "u-ana", "iat": now.Unix()})
		}, "exp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw, err := tc.mint()
			if err != nil {
				t.Fatalf("mint: %v", err)
			}
			_, err = f.verifier.Verify(t.Context(), raw)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("verify: err = %v, want an error about %q", err, tc.want)
			}
		})
	}
}

func TestMintWithSignsExactlyTheClaims(t *testing.T) {
	t.Parallel()
	f := setup(t)
	raw, err := f.p.MintWith(map[string]any{"iss": f.p.Issuer(), "sub": "someone", "exp": time.Now().Add(time.Minute).Unix()},
		Audience(testClientID, "other"), WithoutClaim("nothing"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.verifier.Verify(t.Context(), raw)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	var all map[string]any
	if err := tok.Claims(&all); err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 || !slices.Equal(tok.Audience, []string{testClientID, "other"}) {
		t.Errorf("claims = %v", all)
	}
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	oldKID := f.p.KeyID()
	oldToken := mustToken(t, f.p, "ana@example.com")
	if _, err := f.verifier.Verify(ctx, oldToken); err != nil {
		t.Fatalf("verify before rotation: %v", err)
	}

	newKID, err := f.p.RotateKey()
	if err != nil {
		t.Fatal(err)
	}
	if newKID == oldKID || f.p.KeyID() != newKID {
		t.Fatalf("KeyID() = %q after rotating from %q to %q", f.p.KeyID(), oldKID, newKID)
	}
	if got := f.p.KeyIDs(); !slices.Equal(got, []string{newKID, oldKID}) {
		t.Fatalf("published keys = %v, want [new old]", got)
	}
	newToken := mustToken(t, f.p, "ana@example.com")

	// Kept: a fresh verifier accepts tokens of both keys.
	kept := oidc.NewVerifier(f.p.Issuer(), oidc.NewRemoteKeySet(ctx, f.p.Issuer()+"/jwks"), &oidc.Config{ClientID: testClientID})
	for _, raw := range []string{oldToken, newToken} {
		if _, err := kept.Verify(ctx, raw); err != nil {
			t.Errorf("verify with the old key still published: %v", err)
		}
	}

	// Dropped: once the verifier has refetched the key set, the old key's tokens are refused.
	if err := f.p.DropKey(newKID); err != ErrCurrentKey {
		t.Errorf("DropKey(current) = %v, want ErrCurrentKey", err)
	}
	if err := f.p.DropKey(oldKID); err != nil {
		t.Fatal(err)
	}
	if err := f.p.DropKey(oldKID); err == nil {
		t.Error("DropKey of a dropped key succeeded")
	}
	if _, err := f.verifier.Verify(ctx, newToken); err != nil { // unknown kid: refetches the JWKS
		t.Fatalf("verify with the new key: %v", err)
	}
	if _, err := f.verifier.Verify(ctx, oldToken); err == nil {
		t.Fatal("a token signed by a dropped key verified")
	}
}

func TestJWKSHasNoPrivateParts(t *testing.T) {
	t.Parallel()
	f := setup(t)
	if _, err := f.p.RotateKey(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(f.p.Issuer() + "/jwks")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var set struct{ Keys []map[string]any }
	decodeJSON(t, resp.Body, &set)
	if len(set.Keys) != 2 {
		t.Fatalf("%d keys published, want 2", len(set.Keys))
	}
	for i, k := range set.Keys {
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"} {
			if _, ok := k[private]; ok {
				t.Errorf("key %d publishes private member %q", i, private)
			}
		}
		if k["kty"] != "RSA" || k["alg"] != "RS256" || k["use"] != "sig" || k["n"] == nil || k["e"] == nil {
			t.Errorf("key %d = kty %v alg %v use %v", i, k["kty"], k["alg"], k["use"])
		}
	}
	if set.Keys[0]["kid"] != f.p.KeyID() {
		t.Errorf("first key %v, want the current key %q", set.Keys[0]["kid"], f.p.KeyID())
	}
}

// TestConcurrentMintingAndRotation is for the race detector. It rotates once: the JWKS publishes the
// current and the previous key, so a token minted before one rotation still verifies, while one
// minted before two would rightly not (and the test would then fail by its timing).
func TestConcurrentMintingAndRotation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				raw, err := f.p.Token("ana@example.com")
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := f.verifier.Verify(t.Context(), raw); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		if _, err := f.p.RotateKey(); err != nil {
			t.Error(err)
		}
		_ = f.p.KeyIDs()
	})
	wg.Wait()
}
