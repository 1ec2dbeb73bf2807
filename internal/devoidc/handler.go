package devoidc

import (
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Endpoint paths, relative to the issuer URL.
const (
	pathDiscovery = "/.well-known/openid-configuration"
	pathJWKS      = "/jwks"
	pathAuthorize = "/authorize"
	pathToken     = "/token"
	pathUserinfo  = "/userinfo"
	pathLogout    = "/logout"
	pathDevToken  = "/dev-token"
)

// Handler returns the provider's HTTP handler. It serves every endpoint under the issuer URL's
// path and may be mounted with or without the prefix stripped:
//
//	mux.Handle("/dev/oidc/", p.Handler())
//	mux.Handle("/dev/oidc/", http.StripPrefix("/dev/oidc", p.Handler()))
func (p *Provider) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	routes := map[string]map[string]http.Handler{
		pathDiscovery: {http.MethodGet: http.HandlerFunc(p.serveDiscovery)},
		pathJWKS:      {http.MethodGet: http.HandlerFunc(p.serveJWKS)},
		pathAuthorize: {
			http.MethodGet:  http.HandlerFunc(p.serveAuthorize),
			http.MethodPost: cop.Handler(http.HandlerFunc(p.serveSignIn)),
		},
		pathToken: {http.MethodPost: http.HandlerFunc(p.serveToken)},
		pathUserinfo: {
			http.MethodGet:  http.HandlerFunc(p.serveUserinfo),
			http.MethodPost: http.HandlerFunc(p.serveUserinfo),
		},
		pathLogout: {
			http.MethodGet:  http.HandlerFunc(p.serveLogout),
			http.MethodPost: cop.Handler(http.HandlerFunc(p.serveLogout)),
		},
		pathDevToken: {http.MethodPost: cop.Handler(http.HandlerFunc(p.serveDevToken))},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		methods, ok := routes[p.relativePath(r.URL.Path)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		method := r.Method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		h, ok := methods[method]
		if !ok {
			w.Header().Set("Allow", strings.Join(slices.Sorted(maps.Keys(methods)), ", "))
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// relativePath returns the request path relative to the issuer: path with the issuer's path
// prefix removed, or path itself when a mount already stripped it.
func (p *Provider) relativePath(path string) string {
	if p.pathPrefix != "" && (path == p.pathPrefix || strings.HasPrefix(path, p.pathPrefix+"/")) {
		return path[len(p.pathPrefix):]
	}
	return path
}

// writeJSON writes v as a JSON response that no cache keeps.
func (p *Provider) writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		p.log.Error("devoidc: encode response", slog.Any("error", err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// oauthError is an OAuth 2.0 error response body (RFC 6749 section 5.2).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// writeError writes an OAuth 2.0 JSON error.
func (p *Provider) writeError(w http.ResponseWriter, status int, code, description string) {
	p.writeJSON(w, status, oauthError{Error: code, Description: description})
}

// serverError logs err (which must not contain secrets) and answers with a generic error.
func (p *Provider) serverError(w http.ResponseWriter, r *http.Request, err error) {
	p.log.ErrorContext(r.Context(), "devoidc: request failed", slog.String("path", r.URL.Path), slog.Any("error", err))
	p.writeError(w, http.StatusInternalServerError, "server_error", "internal error")
}

// maxFormBytes bounds request bodies.
const maxFormBytes = 64 << 10

// parseForm parses a request's query and url-encoded body, bounded by maxFormBytes.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	return r.ParseForm()
}
