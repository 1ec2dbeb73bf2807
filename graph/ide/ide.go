// Package ide serves the GraphQL IDE (GraphiQL) entirely from the binary: the page, its script
// and the vendored GraphiQL and React builds, so it works on a network with no internet and
// under a Content-Security-Policy that allows scripts from this origin only.
package ide

import (
	"compress/gzip"
	"embed"
	"html/template"
	"io"
	"net/http"
	"path"
	"strings"
)

// The vendored builds, gzipped (scripts/ide-assets.sh fetches them from the npm registry):
// graphiql 3.9.0, react 18.3.1 and react-dom 18.3.1, all MIT-licensed (assets/LICENSES.md).
//
//go:embed assets/*.gz assets/LICENSES.md
var assets embed.FS

//go:embed ide.js
var bootstrap []byte

// Version names the vendored GraphiQL; it is part of the asset URLs so they can be cached for good.
const Version = "3.9.0"

var page = template.Must(template.New("ide").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clearpost GraphQL</title>
<link rel="stylesheet" href="{{.Base}}/assets/{{.Version}}/graphiql.min.css">
<link rel="stylesheet" href="{{.Base}}/assets/{{.Version}}/ide.css">
</head>
<body>
<div id="graphiql" data-endpoint="{{.Endpoint}}">Loading…</div>
<script src="{{.Base}}/assets/{{.Version}}/react.production.min.js"></script>
<script src="{{.Base}}/assets/{{.Version}}/react-dom.production.min.js"></script>
<script src="{{.Base}}/assets/{{.Version}}/graphiql.min.js"></script>
<script src="{{.Base}}/assets/{{.Version}}/ide.js"></script>
</body>
</html>`))

// Handler serves the IDE at base (the page) and base/assets/... for endpoint.
func Handler(base, endpoint string) http.Handler {
	base = strings.TrimSuffix(base, "/")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		rest := strings.TrimPrefix(r.URL.Path, base)
		if rest == "" || rest == "/" {
			servePage(w, base, endpoint)
			return
		}
		name, ok := strings.CutPrefix(rest, "/assets/"+Version+"/")
		if !ok || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		serveAsset(w, r, name)
	})
}

func servePage(w http.ResponseWriter, base, endpoint string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// Scripts come from this origin only; GraphiQL's editor sets styles inline, its stylesheet
	// carries its fonts and icons as data: URLs.
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	_ = page.Execute(w, map[string]string{"Base": base, "Version": Version, "Endpoint": endpoint})
}

func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	h := w.Header()
	switch path.Ext(name) {
	case ".js":
		h.Set("Content-Type", "text/javascript; charset=utf-8")
	case ".css":
		h.Set("Content-Type", "text/css; charset=utf-8")
	default:
		http.NotFound(w, r)
		return
	}
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	switch name {
	case "ide.js":
		_, _ = w.Write(bootstrap)
		return
	case "ide.css":
		_, _ = io.WriteString(w, "html,body,#graphiql{height:100%;margin:0}\n")
		return
	}
	f, err := assets.Open("assets/" + name + ".gz")
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	h.Add("Vary", "Accept-Encoding")
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		_, _ = io.Copy(w, f)
		return
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		http.Error(w, "corrupt asset", http.StatusInternalServerError)
		return
	}
	_, _ = io.Copy(w, zr)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}
