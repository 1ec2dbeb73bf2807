package devoidc

import (
	"net/http"
	"net/url"
)

// serveLogout serves {issuer}/logout, the end-session endpoint (OpenID Connect RP-Initiated
// Logout 1.0). The provider keeps no session, so there is nothing to end: it sends the browser to
// post_logout_redirect_uri when that URI is registered, and otherwise shows a signed-out page.
func (p *Provider) serveLogout(w http.ResponseWriter, r *http.Request) {
	var form url.Values
	if r.Method == http.MethodPost {
		if err := parseForm(w, r); err != nil {
			p.renderError(w, http.StatusBadRequest, "Bad request", "The sign-out request could not be read.")
			return
		}
		form = r.PostForm
	} else {
		form = r.URL.Query()
	}
	if id := form.Get("client_id"); id != "" && id != p.clientID {
		p.renderError(w, http.StatusBadRequest, "Sign-out request refused", "Unknown client_id.")
		return
	}
	target := form.Get("post_logout_redirect_uri")
	if target == "" {
		p.renderHTML(w, http.StatusOK, "message", struct{ Title, Message string }{"Signed out", "You can close this window."})
		return
	}
	if len(form["post_logout_redirect_uri"]) > 1 || !p.logoutURIs[target] {
		p.renderError(w, http.StatusBadRequest, "Sign-out request refused", "post_logout_redirect_uri is not registered for this client.")
		return
	}
	params := url.Values{}
	if state := form.Get("state"); state != "" {
		params.Set("state", state)
	}
	http.Redirect(w, r, withQuery(target, params), http.StatusSeeOther)
}
