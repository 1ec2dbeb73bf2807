package platform_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"clearpost/internal/apperr"
	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"
)

func TestAdapters(t *testing.T) {
	t.Parallel()
	all := platform.Adapters(platform.Options{})
	for _, name := range []string{"linkedin", "x", "facebook", "slack", "webhook"} {
		a, ok := all[name]
		if !ok || a.Platform() != name {
			t.Errorf("Adapters()[%q] = %v", name, a)
		}
	}
	if len(all) != 5 {
		t.Errorf("Adapters() has %d entries, want 5", len(all))
	}
}

func TestValidateNamesTheMissingKey(t *testing.T) {
	t.Parallel()
	all := platform.Adapters(platform.Options{})
	tests := []struct {
		platform string
		creds    platform.Credentials
		fields   []string // every field the error must name
	}{
		{"linkedin", platform.Credentials{}, []string{"credentials.access_token", "credentials.organization_id"}},
		{"linkedin", platform.Credentials{"access_token": "t", "organization_id": "acme"}, []string{"credentials.organization_id"}},
		{"linkedin", platform.Credentials{"access_token": "t", "author_urn": "urn:li:group:1"}, []string{"credentials.author_urn"}},
		{"x", platform.Credentials{"access_token": "t"}, []string{"credentials.user_id"}},
		{"x", platform.Credentials{"user_id": "42"}, []string{"credentials.access_token"}},
		{"facebook", platform.Credentials{"access_token": "t"}, []string{"credentials.page_id"}},
		{"facebook", platform.Credentials{"page_id": "123"}, []string{"credentials.access_token"}},
		{"slack", platform.Credentials{}, []string{"credentials.webhook_url"}},
		{"webhook", platform.Credentials{"url": "https://hooks.example.com/x"}, []string{"credentials.secret"}},
		{"webhook", platform.Credentials{"secret": "0123456789abcdef"}, []string{"credentials.url"}},
	}
	for _, tt := range tests {
		err := all[tt.platform].Validate(tt.creds)
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.Invalid {
			t.Errorf("%s.Validate(%v) = %v, want an Invalid error", tt.platform, tt.creds, err)
			continue
		}
		got := map[string]bool{ae.Field: true}
		for _, p := range ae.Problems {
			got[p.Field] = true
		}
		for _, f := range tt.fields {
			if !got[f] || !strings.Contains(err.Error(), f) {
				t.Errorf("%s.Validate(%v) = %q, does not name %s", tt.platform, tt.creds, err, f)
			}
		}
	}
	valid := map[string]platform.Credentials{
		"linkedin": {"access_token": "t", "organization_id": "123"},
		"x":        {"access_token": "t", "user_id": "42"},
		"facebook": {"access_token": "t", "page_id": "123"},
		"slack":    {"webhook_url": "https://hooks.slack.com/services/T0/B0/x"},
		"webhook":  {"url": "https://hooks.example.com/x", "secret": "0123456789abcdef"},
	}
	for name, c := range valid {
		if err := all[name].Validate(c); err != nil {
			t.Errorf("%s.Validate(valid) = %v", name, err)
		}
	}
}

func TestPublishWithInvalidCredentialsMakesNoRequest(t *testing.T) {
	t.Parallel()
	fake := platformtest.NewX(t)
	a := platform.NewX(testOptions(func(o *platform.Options) { o.XBaseURL = fake.URL }))
	_, err := a.Publish(context.Background(), platform.Credentials{"access_token": "t"}, platform.Message{Text: "x"})
	if err == nil || platform.IsRetryable(err) || apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("Publish = %v, want a permanent Invalid error", err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("fake got %d requests", n)
	}
}

func TestResponseBodyIsBounded(t *testing.T) {
	t.Parallel()
	fake := platformtest.NewLinkedIn(t)
	a := platform.NewLinkedIn(testOptions(func(o *platform.Options) { o.LinkedInBaseURL = fake.URL }))
	huge := `{"message":"` + strings.Repeat("x", 1<<20) + `","status":400}`
	fake.FailNext(1, http.StatusBadRequest, huge)
	_, err := a.Publish(context.Background(), fake.Credentials(), platform.Message{Text: "x"})
	pe := mustPlatformError(t, err)
	if pe.Status != http.StatusBadRequest || len(err.Error()) > 1000 {
		t.Errorf("error of %d bytes (status %d), want a bounded message", len(err.Error()), pe.Status)
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	e := &platform.Error{Platform: "x", Status: 403, Code: "duplicate", Message: "You are not allowed to create a Tweet with duplicate content."}
	if got, want := e.Error(), "x: You are not allowed to create a Tweet with duplicate content. (HTTP 403, code duplicate)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := (&platform.Error{Platform: "slack", Status: 502}).Error(); got != "slack: Bad Gateway (HTTP 502)" {
		t.Errorf("Error() = %q", got)
	}
}
