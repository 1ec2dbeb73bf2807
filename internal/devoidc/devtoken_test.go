package devoidc

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestDevToken(t *testing.T) {
	t.Parallel()
	f := setup(t)

	got, err := RequestDevToken(t.Context(), nil, f.p.Issuer(), "bo@example.com")
	if err != nil {
		t.Fatalf("RequestDevToken: %v", err)
	}
	if got.TokenType != "Bearer" || got.ExpiresIn != int64(DefaultTokenTTL.Seconds()) {
		t.Errorf("token_type/expires_in = %q/%d", got.TokenType, got.ExpiresIn)
	}
	tok, err := f.verifier.Verify(t.Context(), got.IDToken)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if tok.Subject != "u-bo" {
		t.Errorf("subject = %q, want u-bo", tok.Subject)
	}

	_, err = RequestDevToken(t.Context(), nil, f.p.Issuer(), "nobody@example.com")
	if !errors.Is(err, ErrUnknownUser) || !strings.Contains(err.Error(), "nobody@example.com") {
		t.Errorf("unknown user: err = %v, want ErrUnknownUser naming the address", err)
	}
}

func TestDevTokenRefuses(t *testing.T) {
	t.Parallel()
	f := setup(t)
	issuerHost := strings.TrimPrefix(f.srv.URL, "http://")
	for _, tc := range []struct {
		name       string
		method     string
		remoteAddr string
		host       string
		header     http.Header
		body       url.Values
		status     int
		code       string
	}{
		{"non-loopback client", http.MethodPost, "203.0.113.5:1234", issuerHost, nil, url.Values{"email": {"ana@example.com"}}, http.StatusForbidden, "access_denied"},
		{"IPv4-mapped non-loopback", http.MethodPost, "[::ffff:203.0.113.5]:1234", issuerHost, nil, url.Values{"email": {"ana@example.com"}}, http.StatusForbidden, "access_denied"},
		{"rebound host name", http.MethodPost, "127.0.0.1:1234", "attacker.example:8080", nil, url.Values{"email": {"ana@example.com"}}, http.StatusForbidden, "access_denied"},
		{"cross-site browser request", http.MethodPost, "127.0.0.1:1234", issuerHost, http.Header{"Sec-Fetch-Site": {"cross-site"}}, url.Values{"email": {"ana@example.com"}}, http.StatusForbidden, ""},
		{"unknown email", http.MethodPost, "127.0.0.1:1234", issuerHost, nil, url.Values{"email": {"nobody@example.com"}}, http.StatusNotFound, "unknown_user"},
		{"no email", http.MethodPost, "127.0.0.1:1234", issuerHost, nil, url.Values{}, http.StatusBadRequest, "invalid_request"},
		{"GET", http.MethodGet, "127.0.0.1:1234", issuerHost, nil, nil, http.StatusMethodNotAllowed, ""},
		{"IPv6 loopback", http.MethodPost, "[::1]:1234", "localhost:8080", nil, url.Values{"email": {"ana@example.com"}}, http.StatusOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tc.method, "/dev/oidc/dev-token", strings.NewReader(tc.body.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.header {
				req.Header[k] = v
			}
			req.RemoteAddr = tc.remoteAddr
			req.Host = tc.host
			rec := httptest.NewRecorder()
			f.p.Handler().ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.code == "" {
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			var e oauthError
			decodeJSON(t, rec.Result().Body, &e)
			if e.Error != tc.code || e.Description == "" {
				t.Errorf("error = %+v, want code %q with a description", e, tc.code)
			}
			if strings.Contains(rec.Body.String(), "id_token") {
				t.Error("a refused request got a token")
			}
		})
	}
}
