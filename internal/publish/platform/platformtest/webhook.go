package platformtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sync"
	"testing"
	"time"

	"clearpost/internal/publish/platform"
)

// Delivery is a webhook event a receiver accepted (the first delivery of its idempotency key).
type Delivery struct {
	IdempotencyKey string
	Event          platform.WebhookEvent
	Body           []byte
	Header         http.Header
	ResponseID     string // the id the receiver answered with
}

// WebhookReceiver is a receiver of Clearpost's signed webhooks, behaving as the documentation
// asks receivers to: it verifies X-Clearpost-Signature and X-Clearpost-Timestamp with
// platform.VerifySignature (401 when they do not verify), requires Content-Type
// application/json, an Idempotency-Key equal to the event id and a well-formed event (400
// otherwise), and dedupes by Idempotency-Key: a repeated key is answered 200 with the first
// delivery's id and counted in Duplicates, not recorded again.
type WebhookReceiver struct {
	*Faults
	*recorder

	URL    string // the channel's url credential
	Secret string // the channel's secret credential

	// Tolerance and Now configure signature verification (defaults: 5 minutes, time.Now). Set
	// them before the first delivery.
	Tolerance time.Duration
	Now       func() time.Time

	mu         sync.Mutex
	deliveries []Delivery
	byKey      map[string]string
	duplicates int
	rejected   int
}

// NewWebhookReceiver starts a webhook receiver with a random secret.
func NewWebhookReceiver(tb testing.TB) *WebhookReceiver {
	s := &WebhookReceiver{Faults: newFaults(), Secret: randomToken("whsec_"), byKey: map[string]string{}}
	s.recorder = newRecorder(tb, s.Faults, s.handle)
	s.URL = s.srv.URL + "/hooks/clearpost"
	return s
}

// Credentials are valid channel credentials for the receiver.
func (s *WebhookReceiver) Credentials() platform.Credentials {
	return platform.Credentials{platform.KeyURL: s.URL, platform.KeySecret: s.Secret}
}

// Deliveries returns the accepted deliveries (one per idempotency key), oldest first.
func (s *WebhookReceiver) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// Duplicates is how many deliveries repeated an idempotency key already accepted.
func (s *WebhookReceiver) Duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.duplicates
}

// Rejected is how many deliveries were refused (bad signature, timestamp, key or body).
func (s *WebhookReceiver) Rejected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

func (s *WebhookReceiver) reject(status int, format string, a ...any) result {
	s.mu.Lock()
	s.rejected++
	s.mu.Unlock()
	return jsonResult(status, map[string]any{"error": fmt.Sprintf(format, a...)})
}

func (s *WebhookReceiver) handle(r *http.Request, body []byte) result {
	if r.Method != http.MethodPost {
		return s.reject(http.StatusMethodNotAllowed, "method %s not allowed", r.Method)
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		return s.reject(http.StatusUnsupportedMediaType, "content type must be application/json")
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	err := platform.VerifySignature([]byte(s.Secret), r.Header.Get(platform.SignatureHeader),
		r.Header.Get(platform.TimestampHeader), body, s.Tolerance, now)
	if err != nil {
		return s.reject(http.StatusUnauthorized, "invalid signature: %v", err)
	}
	key := r.Header.Get(platform.IdempotencyKeyHeader)
	if key == "" {
		return s.reject(http.StatusBadRequest, "Idempotency-Key header is required")
	}
	var ev platform.WebhookEvent
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return s.reject(http.StatusBadRequest, "malformed event: %v", err)
	}
	switch {
	case ev.ID != key:
		return s.reject(http.StatusBadRequest, "event id %q does not match Idempotency-Key %q", ev.ID, key)
	case ev.Type != platform.WebhookEventType:
		return s.reject(http.StatusBadRequest, "unknown event type %q", ev.Type)
	case ev.CreatedAt.IsZero():
		return s.reject(http.StatusBadRequest, "created_at is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, seen := s.byKey[key]; seen {
		s.duplicates++
		return jsonResult(http.StatusOK, map[string]any{"id": id, "duplicate": true})
	}
	id := fmt.Sprintf("rcv_%d", len(s.deliveries)+1)
	s.byKey[key] = id
	s.deliveries = append(s.deliveries, Delivery{IdempotencyKey: key, Event: ev, Body: body, Header: r.Header.Clone(), ResponseID: id})
	res := jsonResult(http.StatusOK, map[string]any{"id": id})
	res.accepted = true
	return res
}
