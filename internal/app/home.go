package app

import (
	"bytes"
	"html/template"
	"net/http"

	"clearpost/frontend"
	"clearpost/internal/auth"
)

// sessionNote is what the web app's page says to a browser without JavaScript: who is signed in,
// and the way in or out.
var sessionNote = template.Must(template.New("session").Parse(`<p>Clearpost needs JavaScript.</p>
{{if .}}<p>Signed in as <strong>{{.Name}}</strong> ({{.Email}}) · roles {{range $i, $r := .Roles}}{{if $i}}, {{end}}{{$r}}{{end}}{{if .Groups}} · reviewer groups {{range $i, $g := .Groups}}{{if $i}}, {{end}}{{$g}}{{end}}{{end}}</p>
<form method="post" action="/auth/logout"><button type="submit">Sign out</button></form>
{{else}}<p><a href="/auth/login">Sign in with your company account</a></p>{{end}}`))

// webApp serves the web app embedded from frontend/dist/app (or, when the binary was built without
// it, a page saying how to build it); see package frontend.
var webApp = frontend.Handler(frontend.Build(), frontend.Options{
	Noscript: func(r *http.Request) template.HTML {
		var b bytes.Buffer
		_ = sessionNote.Execute(&b, auth.PrincipalFrom(r.Context()))
		return template.HTML(b.String()) // #nosec G203: html/template escaped every value
	},
})

// home serves the web app: at GET / with the session loaded (the page's noscript note names the
// user), at every other path not routed elsewhere as assets and the app's history fallback.
func home(w http.ResponseWriter, r *http.Request) {
	webApp.ServeHTTP(w, r)
}
