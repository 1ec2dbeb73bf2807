package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"clearpost/internal/config"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// An employee shares an approved post from a board: a locked share text is enforced, the tracked
// link redirects with UTM parameters and its clicks are counted by the worker (bots and repeats
// excluded), unknown codes get a 404, and the leaderboard counts it.
func TestShareTrackedLinkRedirectsAndCountsClicks(t *testing.T) {
	t.Parallel()
	// Behind a proxy, as in production: X-Forwarded-For gives each visitor's address.
	p, _ := setupPublishing(t, func(c *config.Config) { c.TrustProxyHeader = true })
	board := p.board(t, "Company news", map[string]any{"everyone": true})
	pp := p.create(t, "Our new product is live")
	p.Must(t, p.tok["marketer"], `mutation($id: ID!) { updatePost(id: $id, content: {body: "Our new product is live", link: "https://example.com/launch?ref=blog#top", tags: ["spring-launch"], shareText: "Proud of the team", shareTextEditable: false}) { id } }`,
		map[string]any{"id": pp.ID}, nil)
	pp = p.get(t, "marketer", pp.ID)
	p.Must(t, p.tok["marketer"], `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`, map[string]any{"p": pp.ID, "b": []string{board}}, nil)
	p.approvePost(t, pp)

	const share = `mutation($p: ID!, $n: ShareNetwork!, $t: String) { sharePost(postId: $p, network: $n, text: $t) { id status text trackedUrl intentUrl } }`
	r := p.Do(t, p.tok["employee"], share, map[string]any{"p": pp.ID, "n": "LINKEDIN", "t": "My own words"})
	wantCode(t, r, "BAD_USER_INPUT")
	if !strings.Contains(r.Errors[0].Message, "text") || !strings.Contains(r.Errors[0].Message, "locked") {
		t.Errorf("locked text error = %q", r.Errors[0].Message)
	}
	var out struct {
		SharePost struct{ ID, Status, Text, TrackedURL, IntentURL string }
	}
	p.Must(t, p.tok["employee"], share, map[string]any{"p": pp.ID, "n": "LINKEDIN"}, &out)
	s := out.SharePost
	if s.Status != "OPENED" || s.Text != "Proud of the team" || !strings.Contains(s.IntentURL, url.QueryEscape(s.TrackedURL)) {
		t.Fatalf("share = %+v", s)
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	click := func(path, ua, addr string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, p.URL+path, nil)
		req.Header.Set("User-Agent", ua)
		req.Header.Set("X-Forwarded-For", addr)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	code := mustURL(t, s.TrackedURL).Path
	browser := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
	resp := click(code, browser, "203.0.113.7")
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("tracked link answered %d", resp.StatusCode)
	}
	loc := mustURL(t, resp.Header.Get("Location"))
	q := loc.Query()
	if loc.Host != "example.com" || loc.Path != "/launch" || loc.Fragment != "top" || q.Get("ref") != "blog" ||
		q.Get("utm_source") != "linkedin" || q.Get("utm_medium") != "employee_advocacy" || q.Get("utm_campaign") != "spring-launch" || q.Get("utm_content") != s.ID {
		t.Errorf("redirect to %s", loc)
	}
	click(code, browser, "203.0.113.7")                                         // the same visitor again: counted once
	click(code, strings.Replace(browser, "Linux", "Windows", 1), "203.0.113.7") // the same address in another browser: counted once
	click(code, browser, "198.51.100.23")                                       // another visitor
	click(code, "LinkedInBot/1.0 (compatible; Mozilla/5.0)", "192.0.2.1")       // a link preview
	if r := click("/s/nope0000", browser, "203.0.113.7"); r.StatusCode != http.StatusNotFound || r.Header.Get("Location") != "" {
		t.Errorf("unknown code: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}

	const counts = `query($id: ID!) { post(id: $id) { shareCount clickCount } }`
	var c struct {
		Post struct{ ShareCount, ClickCount int }
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		p.Must(t, p.tok["marketer"], counts, map[string]any{"id": pp.ID}, &c)
		if c.Post.ClickCount >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.waitTasksDone(t, 10*time.Second)
	p.Must(t, p.tok["marketer"], counts, map[string]any{"id": pp.ID}, &c)
	if c.Post.ShareCount != 1 || c.Post.ClickCount != 2 {
		t.Errorf("counts = %+v, want 1 share and 2 clicks (repeat and bot excluded)", c.Post)
	}
	var ips int
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM share_clicks c WHERE position('203.0.113.7' IN c::text) > 0`).Scan(&ips); err != nil || ips != 0 {
		t.Errorf("a raw IP is stored in share_clicks (%d, %v)", ips, err)
	}
	var board1 struct {
		Leaderboard []struct {
			User   struct{ Email string }
			Points int
		}
	}
	p.Must(t, p.tok["employee"], `{ leaderboard { user { email } points } }`, nil, &board1)
	if len(board1.Leaderboard) == 0 || board1.Leaderboard[0].User.Email != "employee@example.com" || board1.Leaderboard[0].Points != 12 {
		t.Errorf("leaderboard = %+v, want employee@example.com first with 12 points", board1.Leaderboard)
	}
}

// A reviewer's new notification arrives over a GraphQL subscription (graphql-transport-ws) signed
// in with a bearer token in connection_init; a page of another site cannot open the socket.
func TestNotificationSubscription(t *testing.T) {
	t.Parallel()
	p, _ := setupPublishing(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	wsURL := "ws" + strings.TrimPrefix(p.URL, "http") + "/graphql"

	if _, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{"Origin": []string{"https://evil.example"}},
	}); err == nil {
		t.Error("a websocket from another origin was accepted")
	}

	next := subscribeNotifications(t, ctx, p.URL, p.tok["legal"])
	pp := p.create(t, "Pricing starts at $49 per seat")
	p.submit(t, pp.ID)
	if kind := next(); kind != "REVIEW_REQUESTED" {
		t.Fatalf("got %q, want a REVIEW_REQUESTED notification", kind)
	}
}

// subscribeNotifications opens a notificationAdded subscription on the API at base, signed in
// with token in connection_init, and returns a function that waits for the next notification and
// returns its kind (answering pings meanwhile).
func subscribeNotifications(t *testing.T, ctx context.Context, base, token string) func() string {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(websocket.StatusNormalClosure, "") })
	send := func(v any) {
		if err := wsjson.Write(ctx, conn, v); err != nil {
			t.Fatal(err)
		}
	}
	type message struct {
		Type    string
		Payload struct {
			Data struct {
				NotificationAdded struct{ Kind, Title string }
			}
		}
	}
	read := func() message {
		var m message
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			t.Fatalf("read from %s: %v", base, err)
		}
		return m
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}})
	if m := read(); m.Type != "connection_ack" {
		t.Fatalf("got %q, want connection_ack", m.Type)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { notificationAdded { kind title } }`}})
	return func() string {
		for {
			m := read()
			if m.Type == "ping" {
				send(map[string]any{"type": "pong"})
				continue
			}
			if m.Type != "next" {
				t.Fatalf("got %+v, want a notification", m)
			}
			return m.Payload.Data.NotificationAdded.Kind
		}
	}
}

// When the organization asks for it, an employee's edited share text goes through review like any
// post, and the share opens once the text is approved.
func TestEditedShareTextIsRoutedForApproval(t *testing.T) {
	t.Parallel()
	p, _ := setupPublishing(t)
	board := p.board(t, "Company news", map[string]any{"everyone": true})
	pp := p.create(t, "We opened an office in Lisbon")
	p.Must(t, p.tok["marketer"], `mutation($id: ID!) { updatePost(id: $id, content: {body: "We opened an office in Lisbon", link: "https://example.com/lisbon", shareText: "Lisbon!", shareTextEditable: true}) { id } }`,
		map[string]any{"id": pp.ID}, nil)
	pp = p.get(t, "marketer", pp.ID)
	p.Must(t, p.tok["marketer"], `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`, map[string]any{"p": pp.ID, "b": []string{board}}, nil)
	p.approvePost(t, pp)
	wantCode(t, p.Do(t, p.tok["employee"], `mutation { setShareEditsNeedApproval(on: true) }`, nil), "FORBIDDEN")
	p.Must(t, p.tok["admin"], `mutation { setShareEditsNeedApproval(on: true) }`, nil, nil)

	var out struct {
		SharePost struct{ ID, Status, Text string }
	}
	p.Must(t, p.tok["employee"], `mutation($p: ID!) { sharePost(postId: $p, network: X, text: "Our team in Lisbon is hiring") { id status text } }`,
		map[string]any{"p": pp.ID}, &out)
	if out.SharePost.Status != "PENDING_APPROVAL" || out.SharePost.Text != "Our team in Lisbon is hiring" {
		t.Fatalf("share = %+v, want PENDING_APPROVAL with the edit", out.SharePost)
	}
	// The edit is a post in review, authored by the employee, that reviewers approve like any post.
	var review struct {
		Posts struct{ Edges []struct{ Node post } }
	}
	p.Must(t, p.tok["employee"], `{ posts(filter: {states: [IN_REVIEW]}) { edges { node { id state currentVersion { id } } } } }`, nil, &review)
	if len(review.Posts.Edges) != 1 {
		t.Fatalf("the employee sees %d posts in review, want their share text", len(review.Posts.Edges))
	}
	edit := review.Posts.Edges[0].Node
	for range 5 {
		for _, who := range []string{"legal", "compliance", "brand"} {
			p.decide(t, approve, who, edit, "")
		}
	}
	if got := p.get(t, "marketer", edit.ID).State; got != "APPROVED" {
		t.Fatalf("share text post is %s, want APPROVED", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var mine struct {
			MyShares struct {
				Edges []struct{ Node struct{ ID, Status string } }
			}
		}
		p.Must(t, p.tok["employee"], `{ myShares { edges { node { id status } } } }`, nil, &mine)
		if len(mine.MyShares.Edges) == 1 && mine.MyShares.Edges[0].Node.Status == "OPENED" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("share after approval: %+v, want OPENED", mine.MyShares.Edges)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
