package app_test

import (
	"net/http"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
)

// Redis is away while a visitor follows a tracked link: the redirect answers at once, the click
// waits in PostgreSQL (as every click does until the relay hands it on), and once Redis is back
// it is counted, once however often the visitor clicked.
func TestClicksDuringARedisOutageAreCounted(t *testing.T) {
	t.Parallel()
	env, proxy := apptest.StartWithQueueVia(t)
	p := tokens(t, env)
	postID, link := p.trackedLink(t, p.board(t, "Everyone", map[string]any{"everyone": true}))

	proxy.Stop()
	for range 3 {
		if code := clickOnce(t, link); code != http.StatusFound {
			t.Fatalf("tracked link answered %d while Redis is away, want 302", code)
		}
	}
	// Written within the redirect's flush interval, whether Redis is there or not.
	eventually(t, 10*time.Second, "3 clicks waiting in the outbox", func() bool {
		return count(t, env, `SELECT count(*) FROM outbox WHERE topic = 'share.clicked' AND relayed_at IS NULL`) == 3
	})

	proxy.Start()
	const counts = `query($id: ID!) { post(id: $id) { clickCount } }`
	var c struct{ Post struct{ ClickCount int } }
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		p.Must(t, p.tok["marketer"], counts, map[string]any{"id": postID}, &c)
		if c.Post.ClickCount > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the click made while Redis was away was never counted")
		}
	}
	// Every click row relayed (the two repeats under the first one's task id), and counted once.
	eventually(t, 10*time.Second, "every click relayed", func() bool {
		return count(t, env, `SELECT count(*) FROM outbox WHERE topic = 'share.clicked' AND relayed_at IS NULL`) == 0
	})
	p.Must(t, p.tok["marketer"], counts, map[string]any{"id": postID}, &c)
	if c.Post.ClickCount != 1 {
		t.Errorf("click count = %d, want 1 (one visitor)", c.Post.ClickCount)
	}
}

// trackedLink approves a post with a link onto board and opens an employee's share of it,
// returning the post's id and the share's tracked link on this API.
func (p *pipeline) trackedLink(t *testing.T, board string) (string, string) {
	t.Helper()
	pp := p.create(t, "Our spring release is out.")
	p.Must(t, p.tok["marketer"], `mutation($id: ID!) { updatePost(id: $id, content: {body: "Our spring release is out.", link: "https://example.com/spring"}) { id } }`,
		map[string]any{"id": pp.ID}, nil)
	pp = p.get(t, "marketer", pp.ID)
	p.Must(t, p.tok["marketer"], `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`, map[string]any{"p": pp.ID, "b": []string{board}}, nil)
	p.approvePost(t, pp)
	var opened struct{ SharePost struct{ TrackedURL string } }
	p.Must(t, p.tok["employee"], `mutation($p: ID!) { sharePost(postId: $p, network: X) { trackedUrl } }`, map[string]any{"p": pp.ID}, &opened)
	return pp.ID, p.URL + mustURL(t, opened.SharePost.TrackedURL).Path
}

// clicksOn counts the clicks counted on shares of a post.
func clicksOn(t *testing.T, env *apptest.Env, postID string) int {
	t.Helper()
	return count(t, env, `SELECT count(*) FROM share_clicks c JOIN shares s ON s.id = c.share_id WHERE s.post_id = $1`, postID)
}

// clickOnce follows a tracked link as a browser would and returns the status.
func clickOnce(t *testing.T, link string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, link, nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36")
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
