package platform_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"
)

func setupX(t *testing.T) (*platformtest.X, *platform.XAdapter) {
	t.Helper()
	fake := platformtest.NewX(t)
	return fake, platform.NewX(testOptions(func(o *platform.Options) { o.XBaseURL = fake.URL }))
}

func TestXPublish(t *testing.T) {
	t.Parallel()
	fake, a := setupX(t)
	m := platform.Message{
		Text:  "Q&A with our CTO <live> today",
		Link:  "https://example.com/qa?x=1&y=2",
		Media: []platform.Media{{URL: "https://cdn.example.com/a.png", AltText: "CTO on stage", Kind: platform.MediaImage}},
	}
	r, err := a.Publish(context.Background(), fake.Credentials(), m)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	posts := fake.Posts()
	if len(posts) != 1 {
		t.Fatalf("fake holds %d posts, want 1", len(posts))
	}
	if want := m.Text + " " + m.Link; posts[0].Text != want {
		t.Errorf("posted text = %q, want %q", posts[0].Text, want)
	}
	if r.ExternalID != posts[0].ID || r.URL != "https://x.com/i/web/status/"+posts[0].ID {
		t.Errorf("receipt = %+v, post id %s", r, posts[0].ID)
	}
	assertRecent(t, r.At)
	var body map[string]any
	if err := json.Unmarshal(fake.Requests()[0].Body, &body); err != nil || len(body) != 1 {
		t.Errorf("request body = %s, want only text", fake.Requests()[0].Body)
	}
}

func TestXPublishDoesNotRepeatLinkInText(t *testing.T) {
	t.Parallel()
	fake, a := setupX(t)
	m := platform.Message{Text: "Read https://example.com/post now", Link: "https://example.com/post"}
	if _, err := a.Publish(context.Background(), fake.Credentials(), m); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if got := fake.Posts()[0].Text; got != m.Text {
		t.Errorf("posted %q, want %q", got, m.Text)
	}
}

func TestXErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		retryable bool
		text      string
	}{
		{"unauthorized", 401, `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`, false, "Unauthorized"},
		{"invalid", 400, `{"errors":[{"message":"$.text: must be shorter"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}`, false, "$.text: must be shorter"},
		{"rate limited", 429, `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`, true, "Too Many Requests"},
		{"unavailable", 503, `{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}`, true, "Service Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, a := setupX(t)
			fake.FailNext(1, tt.status, tt.body)
			_, err := a.Publish(context.Background(), fake.Credentials(), platform.Message{Text: "hello"})
			pe := mustPlatformError(t, err)
			if pe.Status != tt.status || pe.Retryable != tt.retryable {
				t.Errorf("error = %+v, want status %d retryable %v", pe, tt.status, tt.retryable)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not surface %q", err, tt.text)
			}
			assertNoSecrets(t, err, fake.Credentials())
		})
	}
}

func TestXDuplicateIsPermanent(t *testing.T) {
	t.Parallel()
	fake, a := setupX(t)
	m := platform.Message{Text: "Once is enough"}
	if _, err := a.Publish(context.Background(), fake.Credentials(), m); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	_, err := a.Publish(context.Background(), fake.Credentials(), m)
	pe := mustPlatformError(t, err)
	if pe.Status != http.StatusForbidden || pe.Retryable || !platform.IsDuplicate(err) {
		t.Errorf("duplicate error = %+v", pe)
	}
	if !strings.Contains(err.Error(), "duplicate content") {
		t.Errorf("error %q lacks X's detail", err)
	}
	if n := len(fake.Posts()); n != 1 {
		t.Errorf("fake holds %d posts, want 1", n)
	}
}

func TestXFind(t *testing.T) {
	t.Parallel()
	fake, a := setupX(t)
	ctx := context.Background()
	c := fake.Credentials()
	since := time.Now().Add(-time.Minute)
	// X answers with the link on t.co and & < > escaped: Find must still recognise the post.
	m := platform.Message{Text: "R&D <update>", Link: "https://example.com/rd"}

	fake.AddPost(platformtest.Post{Text: "R&D <other update> https://example.com/rd"})
	if _, found, err := a.Find(ctx, c, m, since); err != nil || found {
		t.Fatalf("Find before publishing = found %v, err %v", found, err)
	}
	r, err := a.Publish(ctx, c, m)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	got, found, err := a.Find(ctx, c, m, since)
	if err != nil || !found || got.ExternalID != r.ExternalID || got.URL != r.URL {
		t.Fatalf("Find = %+v found %v err %v, want %+v", got, found, err, r)
	}
	assertRecent(t, got.At)
	if _, found, err := a.Find(ctx, c, m, time.Now().Add(time.Hour)); err != nil || found {
		t.Errorf("Find after the post's time = found %v, err %v", found, err)
	}
	req := fake.Requests()[len(fake.Requests())-1]
	if req.Query.Get("max_results") != "20" || req.Query.Get("tweet.fields") != "created_at" || req.Query.Get("start_time") == "" {
		t.Errorf("timeline query = %v", req.Query)
	}
}

func TestXFindUnknownUserIsAnError(t *testing.T) {
	t.Parallel()
	fake, a := setupX(t)
	c := fake.Credentials()
	c[platform.KeyUserID] = "12345"
	_, found, err := a.Find(context.Background(), c, platform.Message{Text: "x"}, time.Now())
	if found || err == nil || !strings.Contains(err.Error(), "Could not find user") {
		t.Fatalf("Find for an unknown user = found %v, err %v; want X's not-found error", found, err)
	}
}

func TestXPublishRespectsContext(t *testing.T) {
	t.Parallel()
	fake, a := setupX(t)
	fake.Hold()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := a.Publish(ctx, fake.Credentials(), platform.Message{Text: "held"})
		errc <- err
	}()
	fake.WaitHeld(t, 1)
	cancel()
	err := <-errc
	if !errors.Is(err, context.Canceled) || !platform.IsRetryable(err) {
		t.Fatalf("Publish = %v, want a retryable context.Canceled", err)
	}
	assertNoSecrets(t, err, fake.Credentials())
	if n := len(fake.Posts()); n != 0 {
		t.Errorf("a cancelled request created %d posts", n)
	}
}
