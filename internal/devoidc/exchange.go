package devoidc

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
)

// tokenResponse is a successful token response (RFC 6749 section 5.1, OpenID Connect Core 3.1.3.3).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	IDToken     string `json:"id_token"`
	Scope       string `json:"scope,omitempty"`
}

// serveToken serves POST {issuer}/token: the authorization code grant with PKCE.
func (p *Provider) serveToken(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Pragma", "no-cache")
	if err := parseForm(w, r); err != nil {
		p.writeError(w, http.StatusBadRequest, "invalid_request", "the request body could not be read")
		return
	}
	form := r.PostForm
	clientID, ok := p.authenticateClient(w, r)
	if !ok {
		return
	}
	if gt := form.Get("grant_type"); gt != "authorization_code" {
		p.writeError(w, http.StatusBadRequest, "unsupported_grant_type", "only grant_type=authorization_code is supported")
		return
	}
	code := form.Get("code")
	if code == "" {
		p.writeError(w, http.StatusBadRequest, "invalid_request", "code is required")
		return
	}
	now := p.now()
	// The code is consumed here, before anything else is checked: a code is good for one attempt.
	c, err := p.grants.takeCode(code, now, p.tokenTTL)
	if err != nil {
		p.writeError(w, http.StatusBadRequest, "invalid_grant", err.Error())
		return
	}
	if err := checkExchange(c.req, clientID, form); err != nil {
		p.writeError(w, http.StatusBadRequest, "invalid_grant", err.Error())
		return
	}
	u, ok := p.userBySubject(c.subject)
	if !ok { // users are fixed at New, so this cannot happen
		p.serverError(w, r, errors.New("code for an unknown subject"))
		return
	}

	expires := now.Add(p.tokenTTL)
	accessToken := p.grants.issueAccessToken(code, accessGrant{subject: u.Subject, scope: c.req.scope, expires: expires}, now)
	claims := p.idTokenClaims(u, now, c.authTime)
	claims["at_hash"] = accessTokenHash(accessToken)
	if c.req.nonce != "" {
		claims["nonce"] = c.req.nonce
	}
	bad := p.misbehavior()
	idToken, err := p.sign(&mint{now: now, claims: claims}, bad.IDTokenOptions)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	if bad.IDToken != nil {
		idToken = bad.IDToken(idToken)
	}
	p.writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: accessToken,
		TokenType:   "Bearer",
		ExpiresIn:   int64(p.tokenTTL.Seconds()),
		IDToken:     idToken,
		Scope:       c.req.scope,
	})
}

// authenticateClient identifies the client of a token request by HTTP Basic authentication or
// client_id (and client_secret) in the form, and checks the secret of a confidential client. On
// failure it has written the error response.
func (p *Provider) authenticateClient(w http.ResponseWriter, r *http.Request) (string, bool) {
	clientID, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 section 2.3.1: both are form-url-encoded before Basic encoding.
		var errID, errSecret error
		clientID, errID = url.QueryUnescape(clientID)
		secret, errSecret = url.QueryUnescape(secret)
		if errID != nil || errSecret != nil {
			p.refuseClient(w, basic)
			return "", false
		}
		if formID := r.PostForm.Get("client_id"); formID != "" && formID != clientID {
			p.refuseClient(w, basic)
			return "", false
		}
	} else {
		clientID, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if clientID != p.clientID {
		p.refuseClient(w, basic)
		return "", false
	}
	if p.clientSecret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(p.clientSecret)) != 1 {
		p.refuseClient(w, basic)
		return "", false
	}
	return clientID, true
}

func (p *Provider) refuseClient(w http.ResponseWriter, basic bool) {
	if basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="devoidc"`)
	}
	p.writeError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
}

// checkExchange checks that a token request presents what the code was bound to: the client,
// the exact redirect URI and the PKCE verifier.
func checkExchange(req authRequest, clientID string, form url.Values) error {
	if clientID != req.clientID {
		return errors.New("code was issued to another client")
	}
	if form.Get("redirect_uri") != req.redirectURI {
		return errors.New("redirect_uri does not match the authorization request")
	}
	verifier := form.Get("code_verifier")
	if !validVerifier(verifier) {
		return errors.New("code_verifier is missing or malformed")
	}
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(challenge), []byte(req.codeChallenge)) != 1 {
		return errors.New("code_verifier does not match the code_challenge")
	}
	return nil
}

// validVerifier reports whether v is a PKCE code verifier: 43 to 128 unreserved characters
// (RFC 7636 section 4.1).
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}
