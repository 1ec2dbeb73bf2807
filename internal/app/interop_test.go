package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"clearpost/internal/app/apptest"
	"clearpost/internal/auth"
	"clearpost/internal/config"

	"github.com/oauth2-proxy/mockoidc"
)

// Sign-in against a third-party OIDC provider library (a confidential client with a secret and
// PKCE), to show the flow is not shaped by our own development provider.
func TestSignInWithThirdPartyProvider(t *testing.T) {
	t.Parallel()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	env := apptest.Start(t, func(c *config.Config) {
		c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret = m.Issuer(), m.ClientID, m.ClientSecret
	})
	if _, err := auth.Register(context.Background(), env.App.Pool, auth.Provider{
		OrgSlug: "mock", OrgName: "Mock", Issuer: m.Issuer(), ClientID: m.ClientID,
	}); err != nil {
		t.Fatal(err)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "mock-1", Email: "jane@mock.example", EmailVerified: true, Groups: []string{"x"}})
	b := env.NewBrowser(t)
	resp, err := b.Get(env.URL + "/auth/login?org=mock&return_to=/healthz")
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/healthz" {
		t.Fatalf("sign-in ended at %s with %d: %s", resp.Request.URL, resp.StatusCode, body)
	}
	r := b.Do(t, meQuery, nil)
	if r.Code() != "" || !strings.Contains(string(r.Data), "jane@mock.example") {
		t.Fatalf("me: %s %s %v", r.Code(), r.Data, r.Errors)
	}
}
