package app

import (
	"html/template"
	"net/http"

	"clearpost/internal/auth"
)

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clearpost</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}
a,button{color:#0969da}button{font:inherit;background:none;border:0;padding:0;cursor:pointer;text-decoration:underline}</style>
</head><body>
<h1>Clearpost</h1>
{{if .}}<p>Signed in as <strong>{{.Name}}</strong> ({{.Email}}) · roles {{range $i, $r := .Roles}}{{if $i}}, {{end}}{{$r}}{{end}}{{if .Groups}} · reviewer groups {{range $i, $g := .Groups}}{{if $i}}, {{end}}{{$g}}{{end}}{{end}}</p>
<p><a href="/graphql/ide">GraphQL IDE</a> (this browser's session authenticates it)</p>
<form method="post" action="/auth/logout"><button type="submit">Sign out</button></form>
{{else}}<p><a href="/auth/login">Sign in with your company account</a></p>{{end}}
</body></html>`))

// home is the landing page until the web app arrives: who is signed in, and the way in or out.
func home(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = homePage.Execute(w, auth.PrincipalFrom(r.Context()))
}
