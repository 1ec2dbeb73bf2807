package scim_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/devoidc"
	"clearpost/internal/devoidc/devoidctest"

	"github.com/google/uuid"
)

// TestSignInFindsTheProvisionedUser: a person the identity provider provisioned (externalId = its
// user id = the sub of its ID tokens) signs in to the row SCIM created, with the roles its groups
// map to; once SCIM deactivates them, their token is refused.
func TestSignInFindsTheProvisionedUser(t *testing.T) {
	t.Parallel()
	provider := devoidctest.Start(t, "clearpost", []devoidc.User{
		{Subject: "00u1okta", Email: "ada@acme.test", Name: "Ada Lovelace", Groups: []string{"okta-legal"}},
	})
	b := setupWithIssuer(t, provider.Issuer())
	ctx := context.Background()
	id := b.mustCreateUser(t, "ada@acme.test", "00u1okta")
	b.do(t, http.MethodPost, "/Groups", groupBody("okta-legal", id)).want(t, http.StatusCreated)

	authn := auth.NewAuthenticator(b.pool, mapping, slog.New(slog.DiscardHandler), nil)
	tok, err := provider.Token("ada@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	p, err := authn.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if p.UserID != uuid.MustParse(id) || !p.InGroup("legal") || !p.Has(auth.RoleEmployee) {
		t.Fatalf("signed in as %+v, want the SCIM user %s in group legal", p, id)
	}
	if n := b.count(t, `SELECT count(*) FROM users`); n != 1 {
		t.Fatalf("%d users after sign-in", n)
	}

	b.do(t, http.MethodPatch, "/Users/"+id, patchOp(map[string]any{"op": "replace", "value": map[string]any{"active": false}})).
		want(t, http.StatusOK)
	if _, err := authn.Authenticate(ctx, tok); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("a deactivated user's token: %v", err)
	}
}
