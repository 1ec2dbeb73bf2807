package devoidc

import (
	"net/http"
	"strings"
)

// serveUserinfo serves {issuer}/userinfo: the claims of the user an access token was issued for.
func (p *Provider) serveUserinfo(w http.ResponseWriter, r *http.Request) {
	token, ok := bearerToken(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="devoidc"`)
		p.writeError(w, http.StatusUnauthorized, "invalid_request", "a bearer access token is required")
		return
	}
	grant, ok := p.grants.accessGrant(token, p.now())
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="devoidc", error="invalid_token"`)
		p.writeError(w, http.StatusUnauthorized, "invalid_token", "the access token is unknown, expired or revoked")
		return
	}
	u, ok := p.userBySubject(grant.subject)
	if !ok {
		p.writeError(w, http.StatusUnauthorized, "invalid_token", "the access token's user no longer exists")
		return
	}
	claims := userClaims(u)
	if sub := p.misbehavior().UserinfoSubject; sub != "" {
		claims["sub"] = sub
	}
	p.writeJSON(w, http.StatusOK, claims)
}

// bearerToken returns the token of an "Authorization: Bearer" header (RFC 6750 section 2.1).
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
