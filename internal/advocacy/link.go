package advocacy

import (
	"crypto/rand"
	"net/url"
	"strings"

	"github.com/google/uuid"
)

// Tracked link codes: 10 base62 characters from crypto/rand, about 59 bits, so they cannot be
// guessed or enumerated.
const (
	codeLength   = 10
	codeAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// newCode returns a fresh random code.
func newCode() string {
	var out [codeLength]byte
	buf := make([]byte, 2*codeLength)
	for n := 0; n < codeLength; {
		rand.Read(buf)
		for _, b := range buf {
			// 248 = 4*62: rejecting larger bytes keeps every character equally likely.
			if b < 248 && n < codeLength {
				out[n] = codeAlphabet[b%62]
				n++
			}
		}
	}
	return string(out[:])
}

// validCode reports whether s has the shape of a code, so malformed codes never reach the database.
func validCode(s string) bool {
	if len(s) != codeLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// trackedURL is the tracked link of code under the public base URL.
func trackedURL(base, code string) string {
	if code == "" {
		return ""
	}
	return strings.TrimRight(base, "/") + "/s/" + code
}

// intentURL opens network's share dialog with text and link, in the employee's own account.
// LinkedIn and Facebook take only the link (their dialogs do not accept text: the employee pastes
// it); X takes both; e-mail opens the mail program with a subject and a body.
func intentURL(network Network, text, link, subject string) string {
	switch network {
	case LinkedIn:
		return "https://www.linkedin.com/sharing/share-offsite/?url=" + url.QueryEscape(link)
	case Facebook:
		return "https://www.facebook.com/sharer/sharer.php?u=" + url.QueryEscape(link)
	case X:
		v := url.Values{"text": {text}}
		if link != "" {
			v.Set("url", link)
		}
		return "https://x.com/intent/tweet?" + v.Encode()
	case Email:
		body := text
		if link != "" {
			body = strings.TrimSpace(body + "\n\n" + link)
		}
		return "mailto:?subject=" + mailEscape(subject) + "&body=" + mailEscape(body)
	}
	return ""
}

// mailEscape percent-encodes s for a mailto: header value (RFC 6068: spaces as %20, not +).
func mailEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// utmKeys are the query parameters a redirect sets, in the order it appends them.
var utmKeys = []string{"utm_source", "utm_medium", "utm_campaign", "utm_content"}

// redirectLocation is destination with the share's UTM parameters merged into its query: the
// destination's own parameters stay as they were written, in their order, except those the
// redirect sets, which it replaces; the fragment stays. utm_campaign is omitted when the share has
// no campaign (a utm_campaign of the destination's own then stays).
func redirectLocation(destination string, network Network, campaign string, shareID uuid.UUID) (string, error) {
	u, err := url.Parse(destination)
	if err != nil {
		return "", err
	}
	set := map[string]string{
		"utm_source":   string(network),
		"utm_medium":   "employee_advocacy",
		"utm_campaign": campaign,
		"utm_content":  shareID.String(),
	}
	if campaign == "" {
		delete(set, "utm_campaign")
	}
	var kept []string
	if u.RawQuery != "" {
		for _, pair := range strings.Split(u.RawQuery, "&") {
			key, _, _ := strings.Cut(pair, "=")
			if k, err := url.QueryUnescape(key); err == nil {
				if _, replaced := set[k]; replaced {
					continue
				}
			}
			if pair != "" {
				kept = append(kept, pair)
			}
		}
	}
	for _, k := range utmKeys {
		if v, ok := set[k]; ok {
			kept = append(kept, k+"="+url.QueryEscape(v))
		}
	}
	u.RawQuery = strings.Join(kept, "&")
	u.ForceQuery = false
	return u.String(), nil
}
