// Package frontend serves the web app that Vite builds from this directory (see package.json).
//
// The build lands in dist/app and is embedded into the binary. dist/ also holds a committed
// README.md, so the embed pattern always matches: a `go build` on a tree where the app was never
// built still compiles, and the server then answers app routes with a page saying how to build it.
package frontend

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Build returns the embedded web app, or nil when dist/app was not built before `go build`.
func Build() fs.FS {
	app, err := fs.Sub(dist, "dist/app")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(app, "index.html"); err != nil {
		return nil
	}
	return app
}

// Options tune Handler.
type Options struct {
	// Noscript renders what the page shows a browser without JavaScript (nil: nothing).
	Noscript func(r *http.Request) template.HTML
}

// reserved are the server's own path prefixes: never answered with the app's index.html.
var reserved = []string{"/graphql", "/auth/", "/s/", "/scim/", "/admin/", "/dev/", "/healthz", "/readyz", "/metrics"}

// noscriptMarker in index.html is replaced by Options.Noscript's HTML.
const noscriptMarker = "<!--clearpost:noscript-->"

// Handler serves the web app in app (from Build; nil: the how-to-build page): hashed files under
// /assets for a year, other files of the build as they are, and index.html for every other path
// (history fallback: the app routes in the browser), never cached, with a strict
// Content-Security-Policy. The server's own prefixes (reserved) are not found here.
func Handler(app fs.FS, opts Options) http.Handler {
	index := []byte(placeholder)
	if app != nil {
		if b, err := fs.ReadFile(app, "index.html"); err == nil {
			index = b
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := r.URL.Path
		for _, prefix := range reserved {
			if p == strings.TrimSuffix(prefix, "/") || strings.HasPrefix(p, prefix) {
				http.NotFound(w, r)
				return
			}
		}
		name := strings.TrimPrefix(path.Clean(p), "/")
		if app != nil && name != "" && name != "index.html" {
			if st, err := fs.Stat(app, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					// Vite puts a content hash in every file name under assets/.
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					w.Header().Set("Cache-Control", "no-cache")
				}
				w.Header().Set("X-Content-Type-Options", "nosniff")
				http.ServeFileFS(w, r, app, name)
				return
			}
		}
		// A missing asset or file is not found; anything else is a route of the app.
		if name != "" && name != "index.html" && (strings.HasPrefix(name, "assets/") || strings.Contains(path.Base(name), ".")) {
			http.NotFound(w, r)
			return
		}
		page := index
		if opts.Noscript != nil {
			page = bytes.Replace(page, []byte(noscriptMarker), []byte(opts.Noscript(r)), 1)
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", contentSecurityPolicy(r.Host))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(page)
		}
	})
}

// contentSecurityPolicy allows no inline script. Styles allow 'unsafe-inline' because Mantine
// writes its theme's CSS variables in a <style> element and style props as style attributes.
// Images and media come from wherever a post's links point (https); the GraphQL subscription
// opens a websocket to this host.
func contentSecurityPolicy(host string) string {
	connect := "'self'"
	if host != "" && !strings.ContainsAny(host, " ;,'\"") {
		connect += " ws://" + host + " wss://" + host
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: https:; media-src 'self' https:; font-src 'self' data:; " +
		"connect-src " + connect + "; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
}

// placeholder is the page served when the binary was built without the web app.
const placeholder = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clearpost</title><link rel="icon" href="data:,">
</head><body style="font:16px/1.5 system-ui,sans-serif;max-width:38rem;margin:4rem auto;padding:0 1rem">
<main>
<h1>Clearpost</h1>
<p>The web app is not part of this build. Build it, then the server:</p>
<pre>make frontend     # npm ci (once) and vite build into frontend/dist/app
make build        # go build, embedding frontend/dist/app</pre>
<p>(<code>make run</code> does both.) The API is up meanwhile: <a href="/graphql/ide">GraphQL IDE</a> (development).</p>
` + noscriptMarker + `
</main>
</body></html>
`
