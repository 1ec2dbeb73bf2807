package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"clearpost/internal/jobs"
)

// WebhookAdapter delivers a signed JSON event to any HTTP endpoint.
//
// Credentials: url (http or https, public host), secret (at least 16 characters).
//
// Each delivery is a POST of a WebhookEvent with headers Content-Type: application/json,
// Idempotency-Key (the message's key, equal to the event id), X-Clearpost-Timestamp and
// X-Clearpost-Signature (see Sign). Any 2xx is success; a JSON "id" in the answer becomes the
// receipt's ExternalID. Redirects are not followed. Receivers dedupe by Idempotency-Key, so Find
// returns ErrCannotFind.
type WebhookAdapter struct {
	c            caller
	allowPrivate bool
}

// NewWebhook returns the generic webhook adapter.
func NewWebhook(opts Options) *WebhookAdapter {
	opts = opts.withDefaults()
	return &WebhookAdapter{
		c:            caller{platform: Webhook, client: guardedClient(opts.HTTPClient, opts.AllowPrivateAddresses), now: opts.Now, tracer: opts.tracer()},
		allowPrivate: opts.AllowPrivateAddresses,
	}
}

// Platform returns "webhook".
func (a *WebhookAdapter) Platform() string { return Webhook }

// MinWebhookSecretLen is the shortest signing secret Validate accepts.
const MinWebhookSecretLen = 16

// Validate checks the URL (http(s), no user info, public host unless private addresses are
// allowed) and the secret.
func (a *WebhookAdapter) Validate(c Credentials) error {
	var p problems
	checkDestination(c[KeyURL], KeyURL, false, a.allowPrivate, &p)
	if p.require(c, KeySecret) && len(c[KeySecret]) < MinWebhookSecretLen {
		p.add(KeySecret, "must be at least %d characters", MinWebhookSecretLen)
	}
	return p.err()
}

// WebhookEventType is the type of the event a publish delivers.
const WebhookEventType = jobs.TopicPostPublished

// WebhookEvent is the JSON body of a delivery.
type WebhookEvent struct {
	ID        string      `json:"id"` // the idempotency key
	Type      string      `json:"type"`
	CreatedAt time.Time   `json:"created_at"`
	Data      WebhookData `json:"data"`
}

// WebhookData is the published content.
type WebhookData struct {
	Text  string            `json:"text"`
	Link  string            `json:"link,omitempty"`
	Title string            `json:"title,omitempty"`
	Media []WebhookMedia    `json:"media"`
	Meta  map[string]string `json:"meta"`
}

// WebhookMedia is one attachment.
type WebhookMedia struct {
	URL     string `json:"url"`
	AltText string `json:"alt_text,omitempty"`
	Kind    string `json:"kind"`
}

// ErrNoIdempotencyKey is the cause of a webhook Publish refused because the message has no key.
var ErrNoIdempotencyKey = errors.New("message has no idempotency key")

// Publish delivers the event.
func (a *WebhookAdapter) Publish(ctx context.Context, c Credentials, m Message) (Receipt, error) {
	if err := validated(Webhook, a.Validate, c); err != nil {
		return Receipt{}, err
	}
	if strings.TrimSpace(m.IdempotencyKey) == "" {
		return Receipt{}, internalError(Webhook, ErrNoIdempotencyKey)
	}
	now := a.c.now()
	ev := WebhookEvent{
		ID:        m.IdempotencyKey,
		Type:      WebhookEventType,
		CreatedAt: now.UTC().Truncate(time.Second),
		Data: WebhookData{
			Text:  m.Text,
			Link:  m.Link,
			Title: m.Title,
			Media: make([]WebhookMedia, 0, len(m.Media)),
			Meta:  m.Meta,
		},
	}
	if ev.Data.Meta == nil {
		ev.Data.Meta = map[string]string{}
	}
	for _, md := range m.Media {
		ev.Data.Media = append(ev.Data.Media, WebhookMedia{URL: md.URL, AltText: md.AltText, Kind: md.Kind})
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return Receipt{}, internalError(Webhook, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c[KeyURL], bytes.NewReader(body))
	if err != nil {
		return Receipt{}, internalError(Webhook, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(IdempotencyKeyHeader, m.IdempotencyKey)
	req.Header.Set(TimestampHeader, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(SignatureHeader, Sign([]byte(c[KeySecret]), now, body))
	resp, err := a.c.do(req, c)
	if err != nil {
		return Receipt{}, err
	}
	if !resp.ok() {
		return Receipt{}, webhookError(resp, c)
	}
	return Receipt{ExternalID: webhookResponseID(resp.body), At: a.c.acceptedAt(resp)}, nil
}

// webhookResponseID returns the "id" of a JSON object answer (string or number), or "".
func webhookResponseID(body []byte) string {
	var v struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(body, &v) != nil || len(v.ID) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v.ID, &s) == nil {
		return truncateRunes(s, 255)
	}
	var n json.Number
	if json.Unmarshal(v.ID, &n) == nil {
		return n.String()
	}
	return ""
}

func webhookError(resp *response, c Credentials) error {
	msg := strings.TrimSpace(string(resp.body))
	var v struct {
		Error   any    `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(resp.body, &v) == nil {
		switch e := v.Error.(type) {
		case string:
			msg = e
		case map[string]any:
			if s, ok := e["message"].(string); ok {
				msg = s
			}
		}
		if v.Message != "" {
			msg = v.Message
		}
	}
	if !utf8.ValidString(msg) {
		msg = ""
	}
	if len(msg) > 200 {
		msg = truncateRunes(msg, 200)
	}
	if resp.status >= 300 && resp.status < 400 {
		msg = "receiver answered with a redirect, which is not followed"
	}
	return statusError(Webhook, resp.status, "", msg, c)
}

// Find returns ErrCannotFind: receivers dedupe deliveries by Idempotency-Key.
func (a *WebhookAdapter) Find(context.Context, Credentials, Message, time.Time) (Receipt, bool, error) {
	return Receipt{}, false, ErrCannotFind
}
