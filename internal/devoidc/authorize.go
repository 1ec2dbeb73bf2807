package devoidc

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// authorizeError refuses an authorization request. Errors about the client or its redirect URI
// are shown to the user (redirecting would make the provider an open redirector); the others are
// reported to the client at its redirect URI (RFC 6749 section 4.1.2.1).
type authorizeError struct {
	toClient    bool
	code        string
	description string
}

// parseAuthRequest validates an authorization request's parameters.
func (p *Provider) parseAuthRequest(form url.Values) (authRequest, *authorizeError) {
	for _, name := range []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method"} {
		if len(form[name]) > 1 {
			// Repeated parameters are refused before anything else: which one is the redirect
			// URI is not safe to guess.
			return authRequest{}, &authorizeError{code: "invalid_request", description: "parameter " + name + " is repeated"}
		}
	}
	req := authRequest{
		clientID:      form.Get("client_id"),
		redirectURI:   form.Get("redirect_uri"),
		scope:         form.Get("scope"),
		state:         form.Get("state"),
		nonce:         form.Get("nonce"),
		codeChallenge: form.Get("code_challenge"),
	}
	if req.clientID != p.clientID {
		return req, &authorizeError{code: "invalid_client", description: "unknown client_id"}
	}
	if !p.redirectURIs[req.redirectURI] {
		return req, &authorizeError{code: "invalid_request", description: "redirect_uri is not registered for this client"}
	}
	if rt := form.Get("response_type"); rt != "code" {
		return req, &authorizeError{toClient: true, code: "unsupported_response_type", description: "only response_type=code is supported"}
	}
	if !slices.Contains(strings.Fields(req.scope), "openid") {
		return req, &authorizeError{toClient: true, code: "invalid_scope", description: "scope must include openid"}
	}
	if req.codeChallenge == "" {
		return req, &authorizeError{toClient: true, code: "invalid_request", description: "code_challenge is required (PKCE)"}
	}
	if form.Get("code_challenge_method") != "S256" {
		return req, &authorizeError{toClient: true, code: "invalid_request", description: "code_challenge_method must be S256"}
	}
	if sum, err := base64.RawURLEncoding.DecodeString(req.codeChallenge); err != nil || len(sum) != 32 {
		return req, &authorizeError{toClient: true, code: "invalid_request", description: "code_challenge is not a base64url SHA-256 digest"}
	}
	return req, nil
}

// serveAuthorize serves GET {issuer}/authorize: it validates the request and renders the sign-in
// page listing the configured users.
func (p *Provider) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	req, aerr := p.parseAuthRequest(r.URL.Query())
	if aerr == nil && slices.Contains(strings.Fields(r.URL.Query().Get("prompt")), "none") {
		aerr = &authorizeError{toClient: true, code: "login_required", description: "the development provider keeps no session"}
	}
	if aerr != nil {
		p.refuseAuthorize(w, r, req, aerr)
		return
	}
	p.renderSignIn(w, req)
}

// serveSignIn serves POST {issuer}/authorize, the sign-in page's form: it issues a one-time code
// for the chosen user and sends the browser back to the client.
func (p *Provider) serveSignIn(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		p.renderError(w, http.StatusBadRequest, "Bad request", "The sign-in form could not be read.")
		return
	}
	req, aerr := p.parseAuthRequest(r.PostForm)
	if aerr != nil {
		p.refuseAuthorize(w, r, req, aerr)
		return
	}
	if r.PostForm.Has("cancel") {
		p.refuseAuthorize(w, r, req, &authorizeError{toClient: true, code: "access_denied", description: "the user cancelled sign-in"})
		return
	}
	u, ok := p.userBySubject(r.PostForm.Get("subject"))
	if !ok {
		p.renderError(w, http.StatusBadRequest, "Unknown user", "Choose one of the listed users.")
		return
	}
	now := p.now()
	code := p.grants.issueCode(authCode{req: req, subject: u.Subject, authTime: now, expires: now.Add(codeTTL)}, now)
	http.Redirect(w, r, p.clientRedirect(req, url.Values{"code": {code}}), http.StatusSeeOther)
}

// refuseAuthorize reports aerr to the client by redirect, or to the user when the client or its
// redirect URI cannot be trusted.
func (p *Provider) refuseAuthorize(w http.ResponseWriter, r *http.Request, req authRequest, aerr *authorizeError) {
	if !aerr.toClient {
		p.renderError(w, http.StatusBadRequest, "Sign-in request refused", aerr.description+".")
		return
	}
	params := url.Values{"error": {aerr.code}, "error_description": {aerr.description}}
	http.Redirect(w, r, p.clientRedirect(req, params), http.StatusSeeOther)
}

// clientRedirect returns req's (registered) redirect URI with params, state and iss added.
func (p *Provider) clientRedirect(req authRequest, params url.Values) string {
	if req.state != "" {
		params.Set("state", req.state)
	}
	params.Set("iss", p.issuer) // RFC 9207
	return withQuery(req.redirectURI, params)
}

// withQuery adds params to the query of the URI raw, keeping the parameters it has.
func withQuery(raw string, params url.Values) string {
	u, err := url.Parse(raw)
	if err != nil { // registered URIs are parsed when they are used; an unparsable one gets none
		return raw
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}
