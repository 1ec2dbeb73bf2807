package platformtest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"
)

// call sends a raw request and returns the status and body.
func call(t *testing.T, method, u string, header map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestLinkedInFakeChecksRequests(t *testing.T) {
	t.Parallel()
	s := platformtest.NewLinkedIn(t)
	headers := func(drop string) map[string]string {
		h := map[string]string{
			"Authorization":             "Bearer " + s.AccessToken,
			"LinkedIn-Version":          "202605",
			"X-Restli-Protocol-Version": "2.0.0",
			"Content-Type":              "application/json",
		}
		delete(h, drop)
		return h
	}
	valid := `{"author":"` + s.OrganizationURN() + `","commentary":"hi","visibility":"PUBLIC",` +
		`"distribution":{"feedDistribution":"MAIN_FEED","targetEntities":[],"thirdPartyDistributionChannels":[]},` +
		`"lifecycleState":"PUBLISHED","isReshareDisabledByAuthor":false}`
	tests := []struct {
		name   string
		header map[string]string
		body   string
		status int
		text   string
	}{
		{"no token", headers("Authorization"), valid, 401, "Empty oauth2_access_token"},
		{"no version", headers("LinkedIn-Version"), valid, 400, "VERSION_MISSING"},
		{"no protocol version", headers("X-Restli-Protocol-Version"), valid, 400, "X-Restli-Protocol-Version"},
		{"unknown field", headers(""), strings.Replace(valid, `"commentary"`, `"text":"x","commentary"`, 1), 422, "ERROR :: /text :: unrecognized field"},
		{"missing distribution", headers(""), strings.Replace(valid, `"distribution"`, `"distributio"`, 1), 422, "/distribution :: field is required"},
		{"wrong type", headers(""), strings.Replace(valid, `"isReshareDisabledByAuthor":false`, `"isReshareDisabledByAuthor":"no"`, 1), 422, "string is not a boolean"},
		{"other author", headers(""), strings.Replace(valid, s.OrganizationURN(), "urn:li:organization:1", 1), 403, "Not enough permissions"},
		{"accepted", headers(""), valid, 201, ""},
	}
	for _, tt := range tests {
		status, body := call(t, http.MethodPost, s.URL+"/rest/posts", tt.header, tt.body)
		if status != tt.status || !strings.Contains(body, tt.text) {
			t.Errorf("%s: %d %s, want %d containing %q", tt.name, status, body, tt.status, tt.text)
		}
	}
	if n := len(s.Posts()); n != 1 {
		t.Errorf("fake holds %d posts, want 1", n)
	}
	h := headers("Content-Type")
	status, body := call(t, http.MethodGet, s.URL+"/rest/posts?q=author&author="+s.OrganizationURN(), h, "")
	if status != 400 || !strings.Contains(body, "URL-encoded") {
		t.Errorf("finder with a raw URN: %d %s", status, body)
	}
	status, body = call(t, http.MethodGet, s.URL+"/rest/posts?q=author&author="+url.QueryEscape(s.OrganizationURN()), h, "")
	if status != 200 || !strings.Contains(body, `"commentary":"hi"`) {
		t.Errorf("finder: %d %s", status, body)
	}
}

func TestXFakeChecksRequests(t *testing.T) {
	t.Parallel()
	s := platformtest.NewX(t)
	auth := map[string]string{"Authorization": "Bearer " + s.AccessToken, "Content-Type": "application/json"}
	tests := []struct {
		name   string
		header map[string]string
		body   string
		status int
		text   string
	}{
		{"no token", map[string]string{"Content-Type": "application/json"}, `{"text":"hi"}`, 401, `"title":"Unauthorized"`},
		{"unknown field", auth, `{"text":"hi","status":"x"}`, 400, "$.status: is not defined in the schema"},
		{"wrong type", auth, `{"text":5}`, 400, "$.text: number found, string expected"},
		{"empty", auth, `{}`, 400, "text or media is required"},
		{"accepted", auth, `{"text":"R&D https://example.com/a?b=1&c=2"}`, 201, `https://t.co/`},
		{"duplicate", auth, `{"text":"R&D https://example.com/a?b=1&c=2"}`, 403, "duplicate content"},
	}
	for _, tt := range tests {
		status, body := call(t, http.MethodPost, s.URL+"/2/tweets", tt.header, tt.body)
		if status != tt.status || !strings.Contains(body, tt.text) {
			t.Errorf("%s: %d %s, want %d containing %q", tt.name, status, body, tt.status, tt.text)
		}
	}
	status, body := call(t, http.MethodGet, s.URL+"/2/users/"+s.UserID+"/tweets?max_results=3", auth, "")
	if status != 400 || !strings.Contains(body, "not between 5 and 100") {
		t.Errorf("timeline max_results=3: %d %s", status, body)
	}
	status, body = call(t, http.MethodGet, s.URL+"/2/users/"+s.UserID+"/tweets?tweet.fields=created_at", auth, "")
	var tl struct {
		Data []struct{ ID, Text, CreatedAt string } `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &tl); status != 200 || err != nil || len(tl.Data) != 1 || !strings.Contains(tl.Data[0].Text, "&amp;") {
		t.Errorf("timeline: %d %s", status, body)
	}
}

func TestFacebookFakeChecksRequests(t *testing.T) {
	t.Parallel()
	s := platformtest.NewFacebook(t)
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	feed := s.URL + "/v26.0/" + s.PageID + "/feed"
	tok := "access_token=" + url.QueryEscape(s.AccessToken)
	tests := []struct {
		name, method, url, body string
		status                  int
		text                    string
	}{
		{"no token", "POST", feed, "message=hi", 400, `"code":2500`},
		{"bad token", "POST", feed, "message=hi&access_token=nope", 400, `"code":190`},
		{"unversioned", "POST", s.URL + "/" + s.PageID + "/feed", "message=hi&" + tok, 400, "Unknown path"},
		{"other page", "POST", s.URL + "/v26.0/999/feed", "message=hi&" + tok, 400, `"error_subcode":33`},
		{"unknown param", "POST", feed, "message=hi&colour=red&" + tok, 400, "Param colour"},
		{"nothing to post", "POST", feed, tok, 400, "Missing message or attachment"},
		{"accepted", "POST", feed, "message=hi&" + tok, 200, `"id":"` + s.PageID + `_`},
		{"duplicate", "POST", feed, "message=hi&" + tok, 400, `"code":506`},
		{"deprecated field", "GET", feed + "?fields=id,link&" + tok, "", 400, "(#12) link field is deprecated"},
		{"nonexistent field", "GET", feed + "?fields=id,colour&" + tok, "", 400, "nonexisting field (colour)"},
		{"read", "GET", feed + "?fields=id,message,created_time&" + tok, "", 200, `"message":"hi"`},
	}
	for _, tt := range tests {
		status, body := call(t, tt.method, tt.url, form, tt.body)
		if status != tt.status || !strings.Contains(body, tt.text) {
			t.Errorf("%s: %d %s, want %d containing %q", tt.name, status, body, tt.status, tt.text)
		}
	}
}

func TestSlackFakeChecksRequests(t *testing.T) {
	t.Parallel()
	s := platformtest.NewSlack(t)
	jsonCT := map[string]string{"Content-Type": "application/json"}
	tests := []struct {
		name, url, body string
		header          map[string]string
		status          int
		text            string
	}{
		{"wrong path", strings.TrimSuffix(s.URL, s.URL[len(s.URL)-4:]) + "xxxx", `{"text":"hi"}`, jsonCT, 404, "no_service"},
		{"not json", s.URL, `text=hi`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 400, "invalid_payload"},
		{"broken json", s.URL, `{"text":`, jsonCT, 400, "invalid_payload"},
		{"no text", s.URL, `{"username":"bot"}`, jsonCT, 400, "missing_text_or_fallback_or_attachments"},
		{"bad block", s.URL, `{"text":"hi","blocks":[{"type":"image","image_url":"https://x/y.png"}]}`, jsonCT, 400, "invalid_blocks"},
		{"ok", s.URL, `{"text":"hi"}`, jsonCT, 200, "ok"},
	}
	for _, tt := range tests {
		status, body := call(t, http.MethodPost, tt.url, tt.header, tt.body)
		if status != tt.status || body != tt.text {
			t.Errorf("%s: %d %q, want %d %q", tt.name, status, body, tt.status, tt.text)
		}
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("fake holds %d messages, want 1", n)
	}
}

func TestWebhookReceiverChecksSignatureAndKey(t *testing.T) {
	t.Parallel()
	s := platformtest.NewWebhookReceiver(t)
	now := time.Now()
	body := `{"id":"k1","type":"post.published","created_at":"` + now.UTC().Format(time.RFC3339) + `","data":{"text":"hi","media":[],"meta":{}}}`
	signed := func(key string) map[string]string {
		return map[string]string{
			"Content-Type":                "application/json",
			platform.IdempotencyKeyHeader: key,
			platform.TimestampHeader:      strconv.FormatInt(now.Unix(), 10),
			platform.SignatureHeader:      platform.Sign([]byte(s.Secret), now, []byte(body)),
		}
	}
	unsigned := signed("k1")
	delete(unsigned, platform.SignatureHeader)
	tests := []struct {
		name   string
		header map[string]string
		status int
		text   string
	}{
		{"unsigned", unsigned, 401, "signature missing"},
		{"key mismatch", signed("k2"), 400, "does not match Idempotency-Key"},
		{"accepted", signed("k1"), 200, `"id":"rcv_1"`},
		{"duplicate", signed("k1"), 200, `"duplicate":true`},
	}
	for _, tt := range tests {
		status, got := call(t, http.MethodPost, s.URL, tt.header, body)
		if status != tt.status || !strings.Contains(got, tt.text) {
			t.Errorf("%s: %d %s, want %d containing %q", tt.name, status, got, tt.status, tt.text)
		}
	}
	if len(s.Deliveries()) != 1 || s.Duplicates() != 1 || s.Rejected() != 2 {
		t.Errorf("deliveries %d, duplicates %d, rejected %d", len(s.Deliveries()), s.Duplicates(), s.Rejected())
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	s := platformtest.NewSlack(t)
	post := func(ctx context.Context) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, strings.NewReader(`{"text":"hi"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	ctx := context.Background()

	s.FailNext(2, http.StatusServiceUnavailable, "busy")
	for i, want := range []int{503, 503, 200} {
		if got, err := post(ctx); err != nil || got != want {
			t.Fatalf("request %d: %d %v, want %d", i, got, err, want)
		}
	}

	s.LoseNext(1, http.StatusGatewayTimeout, "")
	if got, _ := post(ctx); got != 504 || len(s.Messages()) != 2 {
		t.Fatalf("LoseNext: status %d with %d messages, want 504 and the message recorded", got, len(s.Messages()))
	}

	s.Hold()
	done := make(chan int, 1)
	go func() {
		got, _ := post(ctx)
		done <- got
	}()
	s.WaitHeld(t, 1)
	if len(s.Messages()) != 2 {
		t.Fatal("a held request was processed")
	}
	s.Release()
	if got := <-done; got != 200 || len(s.Messages()) != 3 || s.Held() != 0 {
		t.Fatalf("after Release: status %d, %d messages, %d held", got, len(s.Messages()), s.Held())
	}

	s.HoldAfterAccept()
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		_, err := post(cctx)
		done <- map[bool]int{true: -1, false: 0}[err != nil]
	}()
	s.WaitHeld(t, 1)
	cancel()
	if got := <-done; got != -1 || len(s.Messages()) != 4 {
		t.Fatalf("HoldAfterAccept: client result %d, %d messages; want a client error and the message recorded", got, len(s.Messages()))
	}
}
