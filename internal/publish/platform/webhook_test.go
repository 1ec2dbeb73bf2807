package platform_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"
)

func setupWebhook(t *testing.T) (*platformtest.WebhookReceiver, *platform.WebhookAdapter) {
	t.Helper()
	return platformtest.NewWebhookReceiver(t), platform.NewWebhook(testOptions(nil))
}

func webhookMessage() platform.Message {
	return platform.Message{
		Text:           "Approved post body",
		Link:           "https://example.com/p/1",
		Title:          "Post title",
		Media:          []platform.Media{{URL: "https://cdn.example.com/1.png", AltText: "Chart", Kind: platform.MediaImage}},
		IdempotencyKey: "pubjob_0191f2",
		Meta:           map[string]string{"post_id": "p1", "version": "3", "content_hash": "abc123"},
	}
}

func TestWebhookPublish(t *testing.T) {
	t.Parallel()
	rcv, a := setupWebhook(t)
	m := webhookMessage()
	r, err := a.Publish(context.Background(), rcv.Credentials(), m)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if r.ExternalID != "rcv_1" {
		t.Errorf("ExternalID = %q, want the receiver's id", r.ExternalID)
	}
	assertRecent(t, r.At)
	d := rcv.Deliveries()
	if len(d) != 1 {
		t.Fatalf("receiver accepted %d deliveries, want 1", len(d))
	}
	ev := d[0].Event
	if ev.ID != m.IdempotencyKey || ev.Type != "post.published" || d[0].IdempotencyKey != m.IdempotencyKey {
		t.Errorf("event = %+v", ev)
	}
	if ev.Data.Text != m.Text || ev.Data.Link != m.Link || ev.Data.Title != m.Title || ev.Data.Meta["content_hash"] != "abc123" {
		t.Errorf("data = %+v", ev.Data)
	}
	if len(ev.Data.Media) != 1 || ev.Data.Media[0].AltText != "Chart" || ev.Data.Media[0].Kind != platform.MediaImage {
		t.Errorf("media = %+v", ev.Data.Media)
	}
	assertRecent(t, ev.CreatedAt)
	h := d[0].Header
	ts, err := strconv.ParseInt(h.Get(platform.TimestampHeader), 10, 64)
	if err != nil || h.Get(platform.SignatureHeader) != platform.Sign([]byte(rcv.Secret), time.Unix(ts, 0), d[0].Body) {
		t.Errorf("signature headers %v do not sign the body", h)
	}
}

func TestWebhookRetryIsDedupedByReceiver(t *testing.T) {
	t.Parallel()
	rcv, a := setupWebhook(t)
	m := webhookMessage()
	// The receiver processes the first delivery, but the answer is lost.
	rcv.LoseNext(1, http.StatusBadGateway, "<html>502</html>")
	_, err := a.Publish(context.Background(), rcv.Credentials(), m)
	if pe := mustPlatformError(t, err); !pe.Retryable || pe.Status != http.StatusBadGateway {
		t.Fatalf("first attempt = %+v, want a retryable 502", pe)
	}
	r, err := a.Publish(context.Background(), rcv.Credentials(), m)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if r.ExternalID != "rcv_1" || len(rcv.Deliveries()) != 1 || rcv.Duplicates() != 1 {
		t.Errorf("receipt %+v, %d deliveries, %d duplicates; want one delivery seen twice", r, len(rcv.Deliveries()), rcv.Duplicates())
	}
	first, second := rcv.Requests()[0], rcv.Requests()[1]
	if first.Header.Get("Idempotency-Key") != second.Header.Get("Idempotency-Key") {
		t.Error("the retry carried another idempotency key")
	}
}

func TestWebhookErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		retryable bool
		text      string
	}{
		{"rejected", 422, `{"error":"unknown channel"}`, false, "unknown channel"},
		{"gone", 410, `gone for good`, false, "gone for good"},
		{"overloaded", 503, `{"message":"try later"}`, true, "try later"},
		{"throttled", 429, ``, true, "Too Many Requests"},
		{"redirect", 302, ``, false, "redirect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rcv, a := setupWebhook(t)
			rcv.FailNext(1, tt.status, tt.body)
			_, err := a.Publish(context.Background(), rcv.Credentials(), webhookMessage())
			pe := mustPlatformError(t, err)
			if pe.Status != tt.status || pe.Retryable != tt.retryable || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q (%+v), want status %d retryable %v mentioning %q", err, pe, tt.status, tt.retryable, tt.text)
			}
		})
	}
}

func TestWebhookWrongSecretIsRefused(t *testing.T) {
	t.Parallel()
	rcv, a := setupWebhook(t)
	c := rcv.Credentials()
	c[platform.KeySecret] = "not-the-receivers-secret"
	_, err := a.Publish(context.Background(), c, webhookMessage())
	pe := mustPlatformError(t, err)
	if pe.Status != http.StatusUnauthorized || pe.Retryable || !strings.Contains(pe.Message, "invalid signature") {
		t.Errorf("error = %+v", pe)
	}
	assertNoSecrets(t, err, c)
	if rcv.Rejected() != 1 || len(rcv.Deliveries()) != 0 {
		t.Errorf("receiver rejected %d, accepted %d", rcv.Rejected(), len(rcv.Deliveries()))
	}
}

func TestWebhookNeedsIdempotencyKey(t *testing.T) {
	t.Parallel()
	rcv, a := setupWebhook(t)
	m := webhookMessage()
	m.IdempotencyKey = ""
	_, err := a.Publish(context.Background(), rcv.Credentials(), m)
	if !errors.Is(err, platform.ErrNoIdempotencyKey) || platform.IsRetryable(err) {
		t.Fatalf("Publish = %v, want permanent ErrNoIdempotencyKey", err)
	}
	if n := len(rcv.Requests()); n != 0 {
		t.Errorf("receiver got %d requests", n)
	}
}

func TestWebhookRefusesPrivateAddress(t *testing.T) {
	t.Parallel()
	rcv := platformtest.NewWebhookReceiver(t)
	strict := platform.NewWebhook(platform.Options{})
	// Validate refuses the loopback receiver, and so does Publish (which validates first).
	err := strict.Validate(rcv.Credentials())
	if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(err.Error(), "credentials.url: must point to a public address") {
		t.Fatalf("Validate = %v", err)
	}
	_, err = strict.Publish(context.Background(), rcv.Credentials(), webhookMessage())
	if err == nil || platform.IsRetryable(err) {
		t.Fatalf("Publish = %v, want a permanent refusal", err)
	}
	if n := len(rcv.Requests()); n != 0 {
		t.Errorf("receiver got %d requests", n)
	}
}

func TestWebhookValidate(t *testing.T) {
	t.Parallel()
	a := platform.NewWebhook(platform.Options{})
	secret := "0123456789abcdef"
	tests := []struct {
		url, secret string
		field       string // "" when valid
	}{
		{"https://hooks.example.com/clearpost", secret, ""},
		{"http://hooks.example.com/clearpost", secret, ""},
		{"ftp://hooks.example.com/x", secret, "credentials.url"},
		{"https://user:pw@hooks.example.com/x", secret, "credentials.url"},
		{"https://localhost/x", secret, "credentials.url"},
		{"https://169.254.169.254/latest/meta-data", secret, "credentials.url"},
		{"https://[::1]/x", secret, "credentials.url"},
		{"https://192.168.1.10/x", secret, "credentials.url"},
		{"", secret, "credentials.url"},
		{"https://hooks.example.com/x", "", "credentials.secret"},
		{"https://hooks.example.com/x", "short", "credentials.secret"},
	}
	for _, tt := range tests {
		err := a.Validate(platform.Credentials{platform.KeyURL: tt.url, platform.KeySecret: tt.secret})
		if tt.field == "" {
			if err != nil {
				t.Errorf("Validate(%q) = %v, want valid", tt.url, err)
			}
			continue
		}
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.Invalid || ae.Field != tt.field {
			t.Errorf("Validate(%q, %q) = %v, want Invalid on %s", tt.url, tt.secret, err, tt.field)
		}
	}
}

func TestWebhookFindCannotFind(t *testing.T) {
	t.Parallel()
	rcv, a := setupWebhook(t)
	if _, found, err := a.Find(context.Background(), rcv.Credentials(), webhookMessage(), time.Now()); found || !errors.Is(err, platform.ErrCannotFind) {
		t.Fatalf("Find = found %v, err %v", found, err)
	}
}
