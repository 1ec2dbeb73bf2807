package devoidc

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLogout(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, tc := range []struct {
		name     string
		query    url.Values
		status   int
		location string
	}{
		{"registered redirect", url.Values{"post_logout_redirect_uri": {testLogoutRedirect}, "state": {"s1"}, "client_id": {testClientID}}, http.StatusSeeOther, testLogoutRedirect + "?state=s1"},
		{"no redirect", url.Values{}, http.StatusOK, ""},
		{"unregistered redirect", url.Values{"post_logout_redirect_uri": {"https://evil.example/"}}, http.StatusBadRequest, ""},
		{"a sign-in redirect is not a logout redirect", url.Values{"post_logout_redirect_uri": {testRedirect}}, http.StatusBadRequest, ""},
		{"unknown client", url.Values{"post_logout_redirect_uri": {testLogoutRedirect}, "client_id": {"someone-else"}}, http.StatusBadRequest, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, err := noRedirects.Get(f.oidcEndSession(t) + "?" + tc.query.Encode())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.location {
				t.Fatalf("status %d, Location %q; want %d, %q", resp.StatusCode, resp.Header.Get("Location"), tc.status, tc.location)
			}
			if tc.status == http.StatusOK && !strings.Contains(string(body), "Signed out") {
				t.Errorf("page: %s", body)
			}
		})
	}
}

// oidcEndSession returns the end_session_endpoint from discovery.
func (f fixture) oidcEndSession(t *testing.T) string {
	t.Helper()
	var d struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := f.oidc.Claims(&d); err != nil || d.EndSession == "" {
		t.Fatalf("end_session_endpoint: %q, %v", d.EndSession, err)
	}
	return d.EndSession
}
