package platform_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"
)

func setupSlack(t *testing.T) (*platformtest.Slack, *platform.SlackAdapter) {
	t.Helper()
	return platformtest.NewSlack(t), platform.NewSlack(testOptions(nil))
}

func TestSlackPublish(t *testing.T) {
	t.Parallel()
	fake, a := setupSlack(t)
	m := platform.Message{
		Text: "Big news <!channel> & more",
		Link: "https://example.com/news",
		Media: []platform.Media{
			{URL: "https://cdn.example.com/hero.png", AltText: "Team photo", Kind: platform.MediaImage},
			{URL: "https://cdn.example.com/clip.mp4", Kind: platform.MediaVideo},
		},
	}
	r, err := a.Publish(context.Background(), fake.Credentials(), m)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if r.ExternalID != "" || r.URL != "" {
		t.Errorf("receipt = %+v, want no id or URL", r)
	}
	assertRecent(t, r.At)
	msgs := fake.Messages()
	if len(msgs) != 1 {
		t.Fatalf("fake got %d messages, want 1", len(msgs))
	}
	// Escaped: the post cannot ping the channel or inject markup.
	want := "Big news &lt;!channel&gt; &amp; more\nhttps://example.com/news"
	if msgs[0].Text != want {
		t.Errorf("text = %q, want %q", msgs[0].Text, want)
	}
	blocks := msgs[0].Blocks
	if len(blocks) != 2 || blocks[0]["type"] != "section" || blocks[1]["type"] != "image" ||
		blocks[1]["alt_text"] != "Team photo" || blocks[1]["image_url"] != "https://cdn.example.com/hero.png" {
		t.Errorf("blocks = %v, want a section and one image with its alt text", blocks)
	}
}

func TestSlackTextOnly(t *testing.T) {
	t.Parallel()
	fake, a := setupSlack(t)
	if _, err := a.Publish(context.Background(), fake.Credentials(), platform.Message{Text: "hello"}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if m := fake.Messages()[0]; m.Text != "hello" || m.Blocks != nil {
		t.Errorf("message = %+v", m)
	}
}

func TestSlackErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		retryable bool
		code      string
	}{
		{"invalid payload", 400, "invalid_payload", false, "invalid_payload"},
		{"no service", 404, "no_service", false, "no_service"},
		{"rate limited", 429, "rate_limited", true, "rate_limited"},
		{"server", 500, "rollup_error", true, "rollup_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, a := setupSlack(t)
			fake.FailNext(1, tt.status, tt.body)
			_, err := a.Publish(context.Background(), fake.Credentials(), platform.Message{Text: "hello"})
			pe := mustPlatformError(t, err)
			if pe.Status != tt.status || pe.Retryable != tt.retryable || pe.Code != tt.code {
				t.Errorf("error = %+v, want status %d code %s retryable %v", pe, tt.status, tt.code, tt.retryable)
			}
			assertNoSecrets(t, err, fake.Credentials())
		})
	}
}

func TestSlackArchivedChannelIsPermanent(t *testing.T) {
	t.Parallel()
	fake, a := setupSlack(t)
	fake.Archive()
	_, err := a.Publish(context.Background(), fake.Credentials(), platform.Message{Text: "hello"})
	pe := mustPlatformError(t, err)
	if pe.Status != http.StatusGone || pe.Retryable || pe.Code != "channel_is_archived" || !strings.Contains(err.Error(), "channel_is_archived") {
		t.Errorf("error = %+v", pe)
	}
}

func TestSlackNetworkErrorHidesWebhookURL(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	c := platform.Credentials{platform.KeyWebhookURL: dead.URL + "/services/T0/B0/supersecretpart"}
	_, err := platform.NewSlack(testOptions(nil)).Publish(context.Background(), c, platform.Message{Text: "x"})
	if !platform.IsRetryable(err) {
		t.Errorf("network error %v is not retryable", err)
	}
	assertNoSecrets(t, err, c)
	if strings.Contains(err.Error(), "supersecretpart") {
		t.Errorf("error %q leaks the webhook URL", err)
	}
}

func TestSlackFindCannotFind(t *testing.T) {
	t.Parallel()
	fake, a := setupSlack(t)
	_, found, err := a.Find(context.Background(), fake.Credentials(), platform.Message{Text: "x"}, time.Now())
	if found || !errors.Is(err, platform.ErrCannotFind) {
		t.Fatalf("Find = found %v, err %v; want ErrCannotFind", found, err)
	}
}

func TestSlackValidate(t *testing.T) {
	t.Parallel()
	strict := platform.NewSlack(platform.Options{})
	lenient := platform.NewSlack(testOptions(nil))
	tests := []struct {
		url           string
		strict, loose bool // valid for each adapter
	}{
		{"https://hooks.slack.com/services/T0/B0/abc", true, true},
		{"http://hooks.slack.com/services/T0/B0/abc", false, false},
		{"http://127.0.0.1:8080/services/T0/B0/abc", false, true},
		{"https://10.1.2.3/services/x", false, true},
		{"ftp://hooks.slack.com/x", false, false},
		{"hooks.slack.com/services/x", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		c := platform.Credentials{platform.KeyWebhookURL: tt.url}
		for _, v := range []struct {
			a    *platform.SlackAdapter
			want bool
		}{{strict, tt.strict}, {lenient, tt.loose}} {
			err := v.a.Validate(c)
			if (err == nil) != v.want {
				t.Errorf("Validate(%q) = %v, want valid %v", tt.url, err, v.want)
			}
			if err != nil && (apperr.CodeOf(err) != apperr.Invalid || !strings.HasPrefix(err.Error(), "credentials.webhook_url: ")) {
				t.Errorf("Validate(%q) = %q, want an Invalid error naming credentials.webhook_url", tt.url, err)
			}
		}
	}
}
