package devoidc_test

import (
	"log"
	"net/http"

	"clearpost/internal/devoidc"
)

// The development provider mounted inside the app, as `clearpost dev` does.
func ExampleProvider_Handler() {
	p, err := devoidc.New("http://127.0.0.1:8080/dev/oidc", "clearpost",
		[]devoidc.User{{Subject: "u-1", Email: "ana@example.com", Name: "Ana", Groups: []string{"legal"}}},
		devoidc.WithRedirectURIs("http://127.0.0.1:8080/auth/callback"),
		devoidc.WithPostLogoutRedirectURIs("http://127.0.0.1:8080/"),
	)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/dev/oidc/", p.Handler())
	// ... mount the rest of the app on mux and serve it on 127.0.0.1:8080.
}
