package devoidctest_test

import (
	"testing"

	"clearpost/internal/devoidc"
	"clearpost/internal/devoidc/devoidctest"

	"github.com/coreos/go-oidc/v3/oidc"
)

func TestStart(t *testing.T) {
	t.Parallel()
	p := devoidctest.Start(t, "clearpost", []devoidc.User{{Subject: "u1", Email: "ana@example.com", Name: "Ana"}})
	ctx := t.Context()
	provider, err := oidc.NewProvider(ctx, p.Issuer())
	if err != nil {
		t.Fatalf("discover: %v", err)
	}
	raw, err := p.Token("ana@example.com")
	if err != nil {
		t.Fatalf("mint: %v", err)
	}
	tok, err := provider.Verifier(&oidc.Config{ClientID: "clearpost"}).Verify(ctx, raw)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if tok.Subject != "u1" {
		t.Errorf("subject = %q, want u1", tok.Subject)
	}
}
