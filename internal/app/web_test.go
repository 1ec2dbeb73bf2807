package app_test

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"clearpost/frontend"
	"clearpost/internal/app/apptest"
)

// TestWebAppRoutes checks the real server: app routes get the page (history fallback) with a strict
// policy and no caching; the server's own paths never do. Whether or not the app was built before
// the test binary, the same holds.
func TestWebAppRoutes(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	b := env.NewBrowser(t)

	var first string
	for _, path := range []string{"/", "/feed", "/posts/0c4b4d43-7c59-4d6e-9d0e-8a3c0f6f7d2a", "/search?q=hiring", "/queue"} {
		resp, err := b.Get(env.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", path, got)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self';", "connect-src 'self' ws://" + mustURL(t, env.URL).Host, "object-src 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		for _, directive := range strings.Split(csp, ";") {
			if d := strings.TrimSpace(directive); strings.HasPrefix(d, "script-src") && d != "script-src 'self'" {
				t.Errorf("GET %s: %q lets other scripts run", path, d)
			}
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("GET %s: an inline script, which the policy forbids", path)
		}
		page := body[:strings.Index(body, "<noscript>")+1] // the noscript note varies with the session
		if first == "" {
			first = page
		} else if page != first {
			t.Errorf("GET %s is another page than GET /", path)
		}
	}

	// The server's own paths are never the app, whatever follows them.
	for _, path := range []string{"/graphql/nope", "/auth/nope", "/s/", "/scim/nope", "/admin/nope", "/metrics", "/healthz/x", "/assets/missing-0123.js", "/missing.png"} {
		resp, err := b.Get(env.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode == http.StatusOK || strings.Contains(body, "<!doctype html>") {
			t.Errorf("GET %s: %d, want no app page", path, resp.StatusCode)
		}
	}
	// Only GET and HEAD.
	resp, err := b.Post(env.URL+"/feed", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /feed: %d, want 405", resp.StatusCode)
	}
}

// TestWebAppBuilt serves a build as Vite lays it out: hashed assets cached for a year, other
// files revalidated, routes falling back to index.html.
func TestWebAppBuilt(t *testing.T) {
	t.Parallel()
	build := fstest.MapFS{
		"index.html":              {Data: []byte(`<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head><body><div id="root"></div><noscript><!--clearpost:noscript--></noscript></body></html>`)},
		"assets/index-AbC123.js":  {Data: []byte(`console.log("app")`)},
		"assets/index-AbC123.css": {Data: []byte(`body{}`)},
		"favicon.svg":             {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`)},
	}
	h := frontend.Handler(build, frontend.Options{Noscript: func(*http.Request) template.HTML { return "<p>signed out</p>" }})
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}

	for _, path := range []string{"/assets/index-AbC123.js", "/assets/index-AbC123.css"} {
		rec := get(path)
		if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: %d, Cache-Control %q", path, rec.Code, rec.Header().Get("Cache-Control"))
		}
		if rec.Header().Get("Content-Security-Policy") != "" && strings.Contains(rec.Body.String(), "<!doctype") {
			t.Errorf("GET %s: served the page", path)
		}
	}
	if rec := get("/favicon.svg"); rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("GET /favicon.svg: %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	for _, path := range []string{"/", "/feed", "/posts/42", "/index.html"} {
		rec := get(path)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, `<div id="root">`) || !strings.Contains(body, "<noscript><p>signed out</p></noscript>") {
			t.Errorf("GET %s: %d %s", path, rec.Code, body)
		}
		if rec.Header().Get("Cache-Control") != "no-store" || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "script-src 'self';") {
			t.Errorf("GET %s: headers %v", path, rec.Header())
		}
	}
	for _, path := range []string{"/assets/index-Old999.js", "/robots.txt", "/graphql/x", "/s/abc"} {
		if rec := get(path); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, rec.Code)
		}
	}
}

// TestWebAppUnbuilt: a binary built without the app answers its routes with how to build it.
func TestWebAppUnbuilt(t *testing.T) {
	t.Parallel()
	h := frontend.Handler(nil, frontend.Options{})
	for _, path := range []string{"/", "/feed"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, "make frontend") || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: %d %q", path, rec.Code, body)
		}
		if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GET %s: no Content-Security-Policy", path)
		}
	}
}
