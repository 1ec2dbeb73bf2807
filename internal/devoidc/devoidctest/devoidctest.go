// Package devoidctest serves a development OpenID Connect provider (package devoidc) from an
// httptest.Server, for tests of code that signs people in with OIDC.
package devoidctest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"clearpost/internal/devoidc"
)

// IssuerPath is the issuer URL's path on the test server, as in `clearpost dev`.
const IssuerPath = "/dev/oidc"

// Start serves a new provider for clientID and users at issuer {test server URL}/dev/oidc, and
// closes the server when the test ends. Pass devoidc.WithRedirectURIs for code-flow tests.
func Start(tb testing.TB, clientID string, users []devoidc.User, opts ...devoidc.Option) *devoidc.Provider {
	tb.Helper()
	srv := httptest.NewUnstartedServer(nil)
	p, err := devoidc.New("http://"+srv.Listener.Addr().String()+IssuerPath, clientID, users, opts...)
	if err != nil {
		srv.Close()
		tb.Fatalf("devoidctest: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle(IssuerPath+"/", p.Handler())
	srv.Config.Handler = mux
	srv.Start()
	tb.Cleanup(srv.Close)
	return p
}
