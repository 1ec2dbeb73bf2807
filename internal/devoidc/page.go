package devoidc

import (
	"bytes"
	_ "embed"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed pages.html
var pagesHTML string

// pages are the provider's HTML pages; html/template escapes everything they show.
var pages = template.Must(template.New("pages").Parse(pagesHTML))

// signInPage is the data of the sign-in page.
type signInPage struct {
	ClientID string
	Action   string
	Hidden   []hiddenField
	Users    []userButton
}

type hiddenField struct{ Name, Value string }

type userButton struct {
	Subject, Name, Email, Groups, Initials string
}

// renderSignIn renders the sign-in page for a validated request; its form posts req back.
func (p *Provider) renderSignIn(w http.ResponseWriter, req authRequest) {
	page := signInPage{
		ClientID: req.clientID,
		Action:   p.endpoint("authorize"),
		Hidden: []hiddenField{
			{"client_id", req.clientID},
			{"redirect_uri", req.redirectURI},
			{"response_type", "code"},
			{"scope", req.scope},
			{"state", req.state},
			{"nonce", req.nonce},
			{"code_challenge", req.codeChallenge},
			{"code_challenge_method", "S256"},
		},
	}
	for _, u := range p.users {
		name := u.Name
		if name == "" {
			name = u.Email
		}
		page.Users = append(page.Users, userButton{
			Subject:  u.Subject,
			Name:     name,
			Email:    u.Email,
			Groups:   strings.Join(u.Groups, ", "),
			Initials: initials(name),
		})
	}
	p.renderHTML(w, http.StatusOK, "signin", page)
}

// renderError renders a message page for a refused request.
func (p *Provider) renderError(w http.ResponseWriter, status int, title, message string) {
	p.renderHTML(w, status, "message", struct{ Title, Message string }{title, message})
}

// renderHTML executes the template name with data and writes it with headers that keep the page
// out of caches, frames and referrers.
func (p *Provider) renderHTML(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		p.log.Error("devoidc: render page", slog.String("page", name), slog.Any("error", err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// initials returns up to two upper-case initials of name.
func initials(name string) string {
	name, _, _ = strings.Cut(name, "@")
	var out []rune
	for _, word := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r, _ := utf8.DecodeRuneInString(word)
		out = append(out, unicode.ToUpper(r))
		if len(out) == 2 {
			break
		}
	}
	return string(out)
}
