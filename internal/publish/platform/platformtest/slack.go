package platformtest

import (
	"encoding/json"
	"mime"
	"net/http"
	"sync"
	"testing"
	"unicode/utf8"

	"clearpost/internal/publish/platform"
)

// SlackMessage is a message a fake Slack webhook accepted.
type SlackMessage struct {
	Text   string
	Blocks []map[string]any
	Body   []byte // the raw request body
}

// Slack is a fake Slack incoming webhook.
//
// It accepts POSTs of application/json to its URL's path only (anything else: 404 no_service),
// requires a JSON object with a non-empty "text" or "blocks" (else 400 invalid_payload or
// missing_text_or_fallback_or_attachments), checks blocks (section text up to 3000 characters,
// image blocks with image_url and alt_text; else 400 invalid_blocks) and answers 200 "ok".
// Archive makes it answer 410 channel_is_archived, as Slack does for an archived channel.
type Slack struct {
	*Faults
	*recorder

	URL  string // the full webhook URL: the channel's webhook_url credential
	path string

	mu       sync.Mutex
	messages []SlackMessage
	archived bool
}

// NewSlack starts a fake Slack incoming webhook.
func NewSlack(tb testing.TB) *Slack {
	s := &Slack{Faults: newFaults(), path: "/services/T00000000/B00000000/" + randomToken("")}
	s.recorder = newRecorder(tb, s.Faults, s.handle)
	s.URL = s.srv.URL + s.path
	return s
}

// Credentials are valid channel credentials for the fake webhook.
func (s *Slack) Credentials() platform.Credentials {
	return platform.Credentials{platform.KeyWebhookURL: s.URL}
}

// Messages returns the accepted messages, oldest first.
func (s *Slack) Messages() []SlackMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SlackMessage(nil), s.messages...)
}

// Archive makes every following message fail with 410 channel_is_archived.
func (s *Slack) Archive() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.archived = true
}

func slackText(status int, body string) result {
	return result{status: status, contentType: "text/html", body: []byte(body)}
}

func (s *Slack) handle(r *http.Request, body []byte) result {
	if r.Method != http.MethodPost || r.URL.Path != s.path {
		return slackText(http.StatusNotFound, "no_service")
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		return slackText(http.StatusBadRequest, "invalid_payload")
	}
	var msg struct {
		Text   *string          `json:"text"`
		Blocks []map[string]any `json:"blocks"`
	}
	if _, ok := decodeObject(body); !ok || json.Unmarshal(body, &msg) != nil {
		return slackText(http.StatusBadRequest, "invalid_payload")
	}
	text := ""
	if msg.Text != nil {
		text = *msg.Text
	}
	if text == "" && len(msg.Blocks) == 0 {
		return slackText(http.StatusBadRequest, "missing_text_or_fallback_or_attachments")
	}
	if !validSlackBlocks(msg.Blocks) {
		return slackText(http.StatusBadRequest, "invalid_blocks")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.archived {
		return slackText(http.StatusGone, "channel_is_archived")
	}
	s.messages = append(s.messages, SlackMessage{Text: text, Blocks: msg.Blocks, Body: body})
	res := slackText(http.StatusOK, "ok")
	res.accepted = true
	return res
}

func validSlackBlocks(blocks []map[string]any) bool {
	if len(blocks) > 50 {
		return false
	}
	for _, b := range blocks {
		switch b["type"] {
		case "section":
			t, _ := b["text"].(map[string]any)
			s, _ := t["text"].(string)
			if t == nil || (t["type"] != "mrkdwn" && t["type"] != "plain_text") || s == "" || utf8.RuneCountInString(s) > 3000 {
				return false
			}
		case "image":
			u, _ := b["image_url"].(string)
			alt, _ := b["alt_text"].(string)
			if u == "" || alt == "" || utf8.RuneCountInString(alt) > 2000 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
