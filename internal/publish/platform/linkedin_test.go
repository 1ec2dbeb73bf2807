package platform_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"
)

func setupLinkedIn(t *testing.T) (*platformtest.LinkedIn, *platform.LinkedInAdapter) {
	t.Helper()
	fake := platformtest.NewLinkedIn(t)
	return fake, platform.NewLinkedIn(testOptions(func(o *platform.Options) {
		o.LinkedInBaseURL = fake.URL
		o.LinkedInVersion = "202605"
	}))
}

func TestLinkedInPublish(t *testing.T) {
	t.Parallel()
	fake, a := setupLinkedIn(t)
	m := platform.Message{
		Text:           "Our Q3 report (preliminary) is out #results",
		Link:           "https://example.com/q3",
		Title:          "Q3 report",
		IdempotencyKey: "job-1",
	}
	r, err := a.Publish(context.Background(), fake.Credentials(), m)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	posts := fake.Posts()
	if len(posts) != 1 {
		t.Fatalf("fake holds %d posts, want 1", len(posts))
	}
	p := posts[0]
	if r.ExternalID != p.ID || !strings.HasPrefix(r.ExternalID, "urn:li:share:") {
		t.Errorf("ExternalID = %q, want the created URN %q", r.ExternalID, p.ID)
	}
	if want := "https://www.linkedin.com/feed/update/" + p.ID + "/"; r.URL != want {
		t.Errorf("URL = %q, want %q", r.URL, want)
	}
	assertRecent(t, r.At)
	if p.Author != fake.OrganizationURN() || p.Link != m.Link || p.Title != m.Title {
		t.Errorf("post = %+v", p)
	}
	if p.Text != platform.EscapeLittleText(m.Text) {
		t.Errorf("commentary = %q, want escaped %q", p.Text, platform.EscapeLittleText(m.Text))
	}
	if p.Rendered != m.Text {
		t.Errorf("LinkedIn would display %q, want the full text %q", p.Rendered, m.Text)
	}
	req := fake.Requests()[0]
	if got := req.Header.Get("LinkedIn-Version"); got != "202605" {
		t.Errorf("LinkedIn-Version = %q", got)
	}
	if got := req.Header.Get("X-Restli-Protocol-Version"); got != "2.0.0" {
		t.Errorf("X-Restli-Protocol-Version = %q", got)
	}
}

func TestLinkedInPublishWithoutLinkAsPerson(t *testing.T) {
	t.Parallel()
	fake, a := setupLinkedIn(t)
	if _, err := a.Publish(context.Background(), fake.PersonCredentials(), platform.Message{Text: "Proud of the team"}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	p := fake.Posts()[0]
	if p.Author != fake.PersonURN || p.Link != "" {
		t.Errorf("post = %+v, want a text post by %s", p, fake.PersonURN)
	}
	if body := string(fake.Requests()[0].Body); strings.Contains(body, `"content"`) {
		t.Errorf("text-only post carries content: %s", body)
	}
}

func TestLinkedInErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		retryable bool
		text      string
	}{
		{"expired token", 401, `{"message":"The token used in the request has expired","serviceErrorCode":65601,"status":401}`, false, "The token used in the request has expired"},
		{"validation", 422, `{"message":"ERROR :: /commentary :: length exceeds 3000","status":422}`, false, "length exceeds 3000"},
		{"throttled", 429, `{"message":"Resource level throttle limit for calls to this resource is reached.","status":429}`, true, "throttle limit"},
		{"server", 500, `{"message":"Internal Server Error","status":500}`, true, "Internal Server Error"},
		{"gateway html", 502, `<html>Bad Gateway</html>`, true, "Bad Gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, a := setupLinkedIn(t)
			fake.FailNext(1, tt.status, tt.body)
			_, err := a.Publish(context.Background(), fake.Credentials(), platform.Message{Text: "hello"})
			pe := mustPlatformError(t, err)
			if pe.Status != tt.status || pe.Retryable != tt.retryable || platform.IsRetryable(err) != tt.retryable {
				t.Errorf("error = %+v, want status %d retryable %v", pe, tt.status, tt.retryable)
			}
			if !strings.Contains(err.Error(), tt.text) || !strings.HasPrefix(err.Error(), "linkedin: ") {
				t.Errorf("error %q does not surface %q", err, tt.text)
			}
			if len(fake.Posts()) != 0 {
				t.Errorf("a failed request left a post")
			}
		})
	}
}

func TestLinkedInRealRefusals(t *testing.T) {
	t.Parallel()
	fake, a := setupLinkedIn(t)
	ctx := context.Background()
	m := platform.Message{Text: "Same words twice"}

	bad := fake.Credentials()
	bad[platform.KeyAccessToken] = "li-some-other-token-value"
	_, err := a.Publish(ctx, bad, m)
	if pe := mustPlatformError(t, err); pe.Status != http.StatusUnauthorized || pe.Retryable || !strings.Contains(pe.Message, "Invalid access token") {
		t.Errorf("wrong token: %+v", pe)
	}
	assertNoSecrets(t, err, bad)

	if _, err := a.Publish(ctx, fake.Credentials(), m); err != nil {
		t.Fatalf("first Publish: %v", err)
	}
	_, err = a.Publish(ctx, fake.Credentials(), m)
	if pe := mustPlatformError(t, err); pe.Status != http.StatusUnprocessableEntity || pe.Retryable || !platform.IsDuplicate(err) {
		t.Errorf("duplicate: %+v", pe)
	}
	if !strings.Contains(err.Error(), "Content is a duplicate of urn:li:share:") {
		t.Errorf("duplicate error %q lacks LinkedIn's text", err)
	}
	if n := len(fake.Posts()); n != 1 {
		t.Errorf("fake holds %d posts, want 1", n)
	}
}

func TestLinkedInErrorNeverCarriesToken(t *testing.T) {
	t.Parallel()
	fake, a := setupLinkedIn(t)
	c := fake.Credentials()
	// A platform (or a proxy in front of it) echoing the token back must not leak it.
	fake.FailNext(1, 400, `{"message":"bad token `+c[platform.KeyAccessToken]+`","status":400}`)
	_, err := a.Publish(context.Background(), c, platform.Message{Text: "x"})
	assertNoSecrets(t, err, c)
	if !strings.Contains(err.Error(), "bad token [REDACTED]") {
		t.Errorf("error %q", err)
	}
}

func TestLinkedInFind(t *testing.T) {
	t.Parallel()
	fake, a := setupLinkedIn(t)
	ctx := context.Background()
	c := fake.Credentials()
	since := time.Now().Add(-time.Minute)
	m := platform.Message{Text: "Launch day (finally) — thanks @everyone!", Link: "https://example.com/launch"}

	// A recent post with other text must not match, nor one with the same text made before since.
	fake.AddPost(platformtest.Post{Text: "something else"})
	old := platform.Message{Text: "Posted last year (really)"}
	fake.AddPost(platformtest.Post{Text: platform.EscapeLittleText(old.Text), CreatedAt: since.Add(-time.Hour)})
	if _, found, err := a.Find(ctx, c, old, since); err != nil || found {
		t.Fatalf("Find of a post older than since = found %v, err %v; want not found", found, err)
	}
	if _, found, err := a.Find(ctx, c, m, since); err != nil || found {
		t.Fatalf("Find before publishing = found %v, err %v; want not found", found, err)
	}
	r, err := a.Publish(ctx, c, m)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	got, found, err := a.Find(ctx, c, m, since)
	if err != nil || !found {
		t.Fatalf("Find after publishing = found %v, err %v", found, err)
	}
	if got.ExternalID != r.ExternalID || got.URL != r.URL {
		t.Errorf("Find = %+v, want %+v", got, r)
	}
	assertRecent(t, got.At)
	if _, found, _ := a.Find(ctx, c, m, time.Now().Add(time.Hour)); found {
		t.Error("Find with since after the post found it")
	}
	if _, found, _ := a.Find(ctx, c, platform.Message{Text: m.Text, Link: "https://example.com/other"}, since); found {
		t.Error("Find matched a post with another article link")
	}
	req := fake.Requests()[len(fake.Requests())-1]
	if req.Query.Get("q") != "author" || req.Query.Get("author") != fake.OrganizationURN() || req.Query.Get("count") != "20" {
		t.Errorf("finder query = %v", req.Query)
	}
}

func TestLinkedInLostResponseThenFind(t *testing.T) {
	t.Parallel()
	fake, a := setupLinkedIn(t)
	c := fake.Credentials()
	m := platform.Message{Text: "Published, but the answer was lost"}
	since := time.Now().Add(-time.Second)

	// The platform accepts the post, but the client times out waiting for the answer.
	fake.HoldAfterAccept()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := a.Publish(ctx, c, m)
	if !platform.IsRetryable(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Publish = %v, want a retryable deadline error", err)
	}
	fake.Release()

	r, found, err := a.Find(context.Background(), c, m, since)
	if err != nil || !found {
		t.Fatalf("Find = found %v, err %v; want the post the lost attempt created", found, err)
	}
	posts := fake.Posts()
	if len(posts) != 1 || posts[0].ID != r.ExternalID {
		t.Errorf("posts = %+v, receipt %+v", posts, r)
	}
}
