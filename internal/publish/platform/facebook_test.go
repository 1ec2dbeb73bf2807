package platform_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"
)

func setupFacebook(t *testing.T) (*platformtest.Facebook, *platform.FacebookAdapter) {
	t.Helper()
	fake := platformtest.NewFacebook(t)
	return fake, platform.NewFacebook(testOptions(func(o *platform.Options) {
		o.FacebookBaseURL = fake.URL
		o.FacebookVersion = "v26.0"
	}))
}

func TestFacebookPublish(t *testing.T) {
	t.Parallel()
	fake, a := setupFacebook(t)
	m := platform.Message{Text: "New case study: 40% faster onboarding", Link: "https://example.com/case", Title: "Case study"}
	r, err := a.Publish(context.Background(), fake.Credentials(), m)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	posts := fake.Posts()
	if len(posts) != 1 || posts[0].Text != m.Text || posts[0].Link != m.Link {
		t.Fatalf("posts = %+v", posts)
	}
	if r.ExternalID != posts[0].ID || !strings.HasPrefix(r.ExternalID, fake.PageID+"_") {
		t.Errorf("ExternalID = %q, want %q", r.ExternalID, posts[0].ID)
	}
	if r.URL != "https://www.facebook.com/"+r.ExternalID {
		t.Errorf("URL = %q", r.URL)
	}
	assertRecent(t, r.At)
	req := fake.Requests()[0]
	if req.Path != "/v26.0/"+fake.PageID+"/feed" || req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("request %s %s (%s)", req.Method, req.Path, req.Header.Get("Content-Type"))
	}
	form, err := url.ParseQuery(string(req.Body))
	if err != nil || form.Get("access_token") != fake.AccessToken || form.Get("message") != m.Text || form.Get("link") != m.Link {
		t.Errorf("form = %v", form)
	}
	if req.Query.Get("access_token") != "" {
		t.Error("the publish request put the token in the URL")
	}
}

func TestFacebookErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		retryable bool
		code      string
		text      string
	}{
		{"expired token", 400, `{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"A1"}}`, false, "190/463", "Session has expired"},
		{"app rate limit", 400, `{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4,"fbtrace_id":"A2"}}`, true, "4", "Application request limit reached"},
		{"page rate limit", 400, `{"error":{"message":"(#32) Page request limit reached","type":"OAuthException","code":32,"fbtrace_id":"A3"}}`, true, "32", "Page request limit reached"},
		{"custom rate limit", 400, `{"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","type":"OAuthException","code":613}}`, true, "613", "exceeded the rate limit"},
		{"transient", 400, `{"error":{"message":"An unexpected error has occurred.","type":"OAuthException","code":9999,"is_transient":true}}`, true, "9999", "unexpected error"},
		{"server", 500, `{"error":{"message":"An unknown error has occurred.","type":"OAuthException","code":1}}`, true, "1", "unknown error"},
		{"permission", 403, `{"error":{"message":"(#200) Requires pages_manage_posts permission","type":"OAuthException","code":200}}`, false, "200", "pages_manage_posts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, a := setupFacebook(t)
			fake.FailNext(1, tt.status, tt.body)
			_, err := a.Publish(context.Background(), fake.Credentials(), platform.Message{Text: "hello"})
			pe := mustPlatformError(t, err)
			if pe.Status != tt.status || pe.Retryable != tt.retryable || pe.Code != tt.code {
				t.Errorf("error = %+v, want status %d code %s retryable %v", pe, tt.status, tt.code, tt.retryable)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not surface %q", err, tt.text)
			}
		})
	}
}

func TestFacebookRealRefusals(t *testing.T) {
	t.Parallel()
	fake, a := setupFacebook(t)
	ctx := context.Background()
	m := platform.Message{Text: "Only once"}
	if _, err := a.Publish(ctx, fake.Credentials(), m); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	_, err := a.Publish(ctx, fake.Credentials(), m)
	if pe := mustPlatformError(t, err); pe.Retryable || !platform.IsDuplicate(err) || !strings.Contains(pe.Message, "(#506)") {
		t.Errorf("duplicate: %+v", pe)
	}

	bad := fake.Credentials()
	bad[platform.KeyAccessToken] = "EAAB-a-revoked-page-token"
	_, err = a.Publish(ctx, bad, platform.Message{Text: "other"})
	if pe := mustPlatformError(t, err); pe.Retryable || pe.Code != "190" || !strings.Contains(pe.Message, "Invalid OAuth access token") {
		t.Errorf("bad token: %+v", pe)
	}
	assertNoSecrets(t, err, bad)
	if n := len(fake.Posts()); n != 1 {
		t.Errorf("fake holds %d posts, want 1", n)
	}
}

func TestFacebookFind(t *testing.T) {
	t.Parallel()
	fake, a := setupFacebook(t)
	ctx := context.Background()
	c := fake.Credentials()
	since := time.Now().Add(-time.Minute)
	m := platform.Message{Text: "Hiring in Lisbon", Link: "https://example.com/jobs"}

	fake.AddPost(platformtest.Post{Text: "Hiring in Berlin"})
	fake.AddPost(platformtest.Post{Text: "An old announcement", CreatedAt: since.Add(-24 * time.Hour)})
	if _, found, err := a.Find(ctx, c, m, since); err != nil || found {
		t.Fatalf("Find before publishing = found %v, err %v", found, err)
	}
	if _, found, err := a.Find(ctx, c, platform.Message{Text: "An old announcement"}, since); err != nil || found {
		t.Fatalf("Find of a post older than since = found %v, err %v", found, err)
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
	req := fake.Requests()[len(fake.Requests())-1]
	if req.Method != http.MethodGet || req.Query.Get("fields") != "id,message,created_time" || req.Query.Get("since") == "" {
		t.Errorf("feed read %s %v", req.Method, req.Query)
	}
}

func TestFacebookNetworkErrorHidesToken(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	a := platform.NewFacebook(testOptions(func(o *platform.Options) { o.FacebookBaseURL = dead.URL }))
	c := platform.Credentials{platform.KeyPageID: "123", platform.KeyAccessToken: "EAAB-very-secret-page-token"}
	// Find puts the token in the query string, which Go's url.Error would repeat.
	_, _, err := a.Find(context.Background(), c, platform.Message{Text: "x"}, time.Now())
	pe := mustPlatformError(t, err)
	if !pe.Retryable || pe.Status != 0 {
		t.Errorf("network error = %+v, want retryable with no status", pe)
	}
	assertNoSecrets(t, err, c)
	if strings.Contains(err.Error(), "access_token") {
		t.Errorf("error %q mentions the token parameter", err)
	}
}
