package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A share's tracked link is an absolute URL of this very server, and it redirects; the share
// dialog carries it. The App is built before it listens (as `clearpost dev` and the tests do), and
// without CLEARPOST_PUBLIC_URL: its links must still carry the address it serves on.
func TestTrackedLinksAreAbsoluteAndReachThisServer(t *testing.T) {
	t.Parallel()
	p, _ := setupPublishing(t)
	if got := p.App.PublicURL(); got != p.URL {
		t.Fatalf("PublicURL() = %q, want the address it serves on, %q", got, p.URL)
	}
	// Another process of the same configuration (a worker) builds the same links.
	if got := p.StartWorker(t).PublicURL(); got != p.URL {
		t.Fatalf("worker's PublicURL() = %q, want %q", got, p.URL)
	}
	board := p.board(t, "Company news", map[string]any{"everyone": true})
	pp := p.create(t, "Launch day")
	p.Must(t, p.tok["marketer"], `mutation($id: ID!) { updatePost(id: $id, content: {body: "Launch day", link: "https://example.com/launch", tags: ["launch"]}) { id } }`,
		map[string]any{"id": pp.ID}, nil)
	pp = p.get(t, "marketer", pp.ID)
	p.Must(t, p.tok["marketer"], `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`, map[string]any{"p": pp.ID, "b": []string{board}}, nil)
	p.approvePost(t, pp)

	var out struct {
		SharePost struct{ TrackedURL, IntentURL string }
	}
	p.Must(t, p.tok["employee"], `mutation($p: ID!) { sharePost(postId: $p, network: LINKEDIN) { trackedUrl intentUrl } }`,
		map[string]any{"p": pp.ID}, &out)
	checkTrackedURL(t, out.SharePost.TrackedURL, out.SharePost.IntentURL, p.URL)
}

// checkTrackedURL checks that tracked is an absolute link of the server at base, carried by the
// share dialog URL intent, and that fetching it redirects to the post's link.
func checkTrackedURL(t *testing.T, tracked, intent, base string) {
	t.Helper()
	u, err := url.Parse(tracked)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host != mustURL(t, base).Host || !strings.HasPrefix(u.Path, "/s/") {
		t.Fatalf("trackedUrl %q is not an absolute link of %s", tracked, base)
	}
	if !strings.Contains(intent, url.QueryEscape(tracked)) {
		t.Fatalf("share dialog %q does not carry %q", intent, tracked)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(tracked)
	if err != nil {
		t.Fatalf("fetch %s: %v", tracked, err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "https://example.com/launch?") {
		t.Fatalf("%s answered %d to %q", tracked, resp.StatusCode, loc)
	}
}
