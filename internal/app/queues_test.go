package app_test

import (
	"net/http"
	"strings"
	"testing"

	"clearpost/internal/app"
)

// The queue dashboard is for admins only; a browser without a session is sent to sign in.
func TestQueueDashboardIsForAdmins(t *testing.T) {
	t.Parallel()
	p, _ := setupPublishing(t)
	get := func(path, token string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, p.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	if r := get(app.QueuesPath+"/", ""); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/auth/login") {
		t.Errorf("anonymous: %d to %q, want a redirect to sign in", r.StatusCode, r.Header.Get("Location"))
	}
	for _, who := range []string{"employee", "marketer"} {
		if r := get(app.QueuesPath+"/api/queues", p.tok[who]); r.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", who, r.StatusCode)
		}
	}
	r := get(app.QueuesPath+"/api/queues", p.tok["admin"])
	if body := readAll(t, r); r.StatusCode != http.StatusOK || !strings.Contains(body, "queues") {
		t.Errorf("admin: %d %s", r.StatusCode, body)
	}
	if r := get(app.QueuesPath+"/", p.tok["admin"]); r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("admin UI: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
}
