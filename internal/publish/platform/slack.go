package platform

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// SlackAdapter posts to a Slack channel through an incoming webhook.
//
// Credentials: webhook_url (https; the URL itself is the secret).
//
// The message text is Message.Text with Message.Link on its own line, with &, < and > escaped as
// Slack requires (so a post can never smuggle in <!channel> or a disguised link). IMAGE media with
// an http(s) URL are added as image blocks with their alt text. Slack cannot be queried, so Find
// returns ErrCannotFind.
type SlackAdapter struct {
	c            caller
	allowPrivate bool
}

// NewSlack returns the Slack adapter.
func NewSlack(opts Options) *SlackAdapter {
	opts = opts.withDefaults()
	return &SlackAdapter{
		c:            caller{platform: Slack, client: guardedClient(opts.HTTPClient, opts.AllowPrivateAddresses), now: opts.Now, tracer: opts.tracer()},
		allowPrivate: opts.AllowPrivateAddresses,
	}
}

// Platform returns "slack".
func (a *SlackAdapter) Platform() string { return Slack }

// Validate checks the webhook URL: https (plain http only to loopback, when private addresses
// are allowed), and a public host.
func (a *SlackAdapter) Validate(c Credentials) error {
	var p problems
	checkDestination(c[KeyWebhookURL], KeyWebhookURL, true, a.allowPrivate, &p)
	return p.err()
}

// Slack's documented limits for blocks.
const (
	slackSectionMax = 3000
	slackAltTextMax = 2000
	slackImageMax   = 9
)

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// SlackText is the (escaped) text the adapter posts for m.
func SlackText(m Message) string {
	text := m.Text
	if m.Link != "" && !strings.Contains(text, m.Link) {
		if text != "" {
			text += "\n"
		}
		text += m.Link
	}
	return slackEscaper.Replace(text)
}

type slackBlock struct {
	Type     string         `json:"type"`
	Text     *slackTextElem `json:"text,omitempty"`
	ImageURL string         `json:"image_url,omitempty"`
	AltText  string         `json:"alt_text,omitempty"`
}

type slackTextElem struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func slackPayload(m Message) map[string]any {
	text := SlackText(m)
	payload := map[string]any{"text": text}
	var images []slackBlock
	for _, md := range m.Media {
		if md.Kind != MediaImage || !(strings.HasPrefix(md.URL, "https://") || strings.HasPrefix(md.URL, "http://")) {
			continue
		}
		alt := strings.TrimSpace(md.AltText)
		if alt == "" {
			alt = "image"
		}
		images = append(images, slackBlock{Type: "image", ImageURL: md.URL, AltText: truncateRunes(alt, slackAltTextMax)})
		if len(images) == slackImageMax {
			break
		}
	}
	if len(images) > 0 && text != "" && utf8.RuneCountInString(text) <= slackSectionMax {
		blocks := []slackBlock{{Type: "section", Text: &slackTextElem{Type: "mrkdwn", Text: text}}}
		payload["blocks"] = append(blocks, images...)
	}
	return payload
}

// truncateRunes cuts s to at most n characters (runes) and adds nothing. It is not text.Truncate,
// whose ellipsis goes one past n: the limits it keeps are hard ones (Slack refuses a longer
// alt_text), and a receipt id is stored as the platform gave it, never with a character of ours.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Publish posts the message; Slack answers 200 "ok", or a status with an error word such as
// invalid_payload, no_service or channel_is_archived.
func (a *SlackAdapter) Publish(ctx context.Context, c Credentials, m Message) (Receipt, error) {
	if err := validated(Slack, a.Validate, c); err != nil {
		return Receipt{}, err
	}
	req, err := newJSONRequest(ctx, http.MethodPost, c[KeyWebhookURL], slackPayload(m))
	if err != nil {
		return Receipt{}, internalError(Slack, err)
	}
	resp, err := a.c.do(req, c)
	if err != nil {
		return Receipt{}, err
	}
	body := strings.TrimSpace(string(resp.body))
	if resp.ok() && (resp.status != http.StatusOK || body == "ok") {
		return Receipt{At: a.c.acceptedAt(resp)}, nil
	}
	code := ""
	if isSlackErrorWord(body) {
		code = body
	}
	if body == "" || resp.ok() {
		body = "unexpected response: " + body
	}
	if resp.status >= 300 && resp.status < 400 {
		body = "webhook answered with a redirect, which is not followed"
	}
	return Receipt{}, statusError(Slack, resp.status, code, body, c)
}

func isSlackErrorWord(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Find returns ErrCannotFind: incoming webhooks cannot be queried.
func (a *SlackAdapter) Find(context.Context, Credentials, Message, time.Time) (Receipt, bool, error) {
	return Receipt{}, false, ErrCannotFind
}
