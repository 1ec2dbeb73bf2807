package devoidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// DevTokenPath is the dev-token endpoint's path relative to the issuer URL.
const DevTokenPath = pathDevToken

// DevTokenResponse is the dev-token endpoint's answer.
type DevTokenResponse struct {
	IDToken   string `json:"id_token"`
	TokenType string `json:"token_type"`
	ExpiresIn int64  `json:"expires_in"`
}

// serveDevToken serves POST {issuer}/dev-token: form email=... returns an ID token for that
// configured user, for `clearpost dev token EMAIL`. It answers loopback clients only, and only
// when addressed by a loopback or the issuer's host name (no DNS rebinding).
func (p *Provider) serveDevToken(w http.ResponseWriter, r *http.Request) {
	if !isLoopback(r.RemoteAddr) || !p.trustedHost(r.Host) {
		p.writeError(w, http.StatusForbidden, "access_denied", "the dev-token endpoint answers loopback clients only")
		return
	}
	if err := parseForm(w, r); err != nil {
		p.writeError(w, http.StatusBadRequest, "invalid_request", "the request body could not be read")
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if email == "" {
		p.writeError(w, http.StatusBadRequest, "invalid_request", "email is required")
		return
	}
	token, err := p.Token(email)
	if errors.Is(err, ErrUnknownUser) {
		p.writeError(w, http.StatusNotFound, "unknown_user", fmt.Sprintf("no development user has the e-mail address %q", email))
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.writeJSON(w, http.StatusOK, DevTokenResponse{IDToken: token, TokenType: "Bearer", ExpiresIn: int64(p.tokenTTL.Seconds())})
}

// isLoopback reports whether remoteAddr (host:port) is a loopback address.
func isLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

// trustedHost reports whether a request's Host names the issuer's host or a loopback address, so
// a page on another site that rebinds its DNS name to 127.0.0.1 cannot read a token.
func (p *Provider) trustedHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if u, err := url.Parse(p.issuer); err == nil && strings.EqualFold(host, u.Hostname()) {
		return true
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

// RequestDevToken asks the provider at issuer for an ID token for the development user with this
// e-mail address; it is the client side of `clearpost dev token EMAIL`. client may be nil
// (http.DefaultClient). An unknown address yields an error wrapping ErrUnknownUser.
func RequestDevToken(ctx context.Context, client *http.Client, issuer, email string) (DevTokenResponse, error) {
	if client == nil {
		client = http.DefaultClient
	}
	endpoint := strings.TrimSuffix(issuer, "/") + DevTokenPath
	body := url.Values{"email": {email}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		return DevTokenResponse{}, fmt.Errorf("dev token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return DevTokenResponse{}, fmt.Errorf("dev token: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return DevTokenResponse{}, fmt.Errorf("dev token: read response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e oauthError
		if json.Unmarshal(raw, &e) != nil || e.Error == "" {
			return DevTokenResponse{}, fmt.Errorf("dev token: %s from %s", resp.Status, endpoint)
		}
		if resp.StatusCode == http.StatusNotFound && e.Error == "unknown_user" {
			return DevTokenResponse{}, fmt.Errorf("%w: %s", ErrUnknownUser, e.Description)
		}
		return DevTokenResponse{}, fmt.Errorf("dev token: %s: %s", e.Error, e.Description)
	}
	var out DevTokenResponse
	if err := json.Unmarshal(raw, &out); err != nil || out.IDToken == "" {
		return DevTokenResponse{}, fmt.Errorf("dev token: malformed response from %s", endpoint)
	}
	return out, nil
}
