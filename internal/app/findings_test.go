package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/config"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// rowCount counts a table's rows.
func rowCount(t *testing.T, env *apptest.Env, table string) int {
	t.Helper()
	var n int
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// namesField reports whether an error names field: in its message, extensions.field or path.
func namesField(e apptest.Error, field string) bool {
	return strings.Contains(e.Message, field) || strings.HasSuffix(e.Extensions.Field, field) || fmt.Sprint(e.Path[max(len(e.Path)-1, 0):]) == "["+field+"]"
}

// A String input takes a string and nothing else: a number is refused as a boolean is, naming the
// field, and nothing is written.
func TestStringInputsAreStrict(t *testing.T) {
	t.Parallel()
	p := setup(t)
	posts, events := rowCount(t, p.Env, "posts"), rowCount(t, p.Env, "audit_events")
	for _, body := range []any{12345, 1.5, true, []any{"a"}, map[string]any{"a": "b"}} {
		r := p.Do(t, p.tok["marketer"], `mutation($c: PostContentInput!) { createPost(content: $c) { id } }`,
			map[string]any{"c": map[string]any{"body": body}})
		if r.Code() != "BAD_USER_INPUT" && r.Code() != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("body %v: code %q, errors %+v", body, r.Code(), r.Errors)
			continue
		}
		t.Logf("body %v: %s (field %q, path %v)", body, r.Errors[0].Message, r.Errors[0].Extensions.Field, r.Errors[0].Path)
		if !namesField(r.Errors[0], "body") {
			t.Errorf("body %v: the error does not name the field: %+v", body, r.Errors[0])
		}
	}
	// A literal in the document is held to the same rule.
	if r := p.Do(t, p.tok["marketer"], `mutation { createPost(content: {body: 12345}) { id } }`, nil); r.Code() == "" {
		t.Errorf("a number literal for a String was accepted: %s", r.Data)
	}
	if got := rowCount(t, p.Env, "posts"); got != posts {
		t.Errorf("posts: %d, want %d", got, posts)
	}
	if got := rowCount(t, p.Env, "audit_events"); got != events {
		t.Errorf("audit events: %d, want %d", got, events)
	}
	// A string still works.
	p.create(t, "12345")
}

// Text with a NUL character is refused by field, wherever it is typed.
func TestNULIsRefusedInEveryTextInput(t *testing.T) {
	t.Parallel()
	p := setup(t)
	boards := rowCount(t, p.Env, "boards")
	for _, tc := range []struct {
		who, query string
		vars       map[string]any
		field      string
	}{
		{"employee", `query($q: String!) { search(text: $q) { total } }`, map[string]any{"q": "launch\x00"}, "text"},
		{"marketer", `mutation($in: BoardInput!) { createBoard(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": "News\x00", "audience": map[string]any{"everyone": true}}}, "name"},
		{"marketer", `mutation($c: PostContentInput!) { createPost(content: $c) { id } }`, map[string]any{"c": map[string]any{"body": "a\x00b"}}, "body"},
	} {
		r := p.Do(t, p.tok[tc.who], tc.query, tc.vars)
		if r.Code() != "BAD_USER_INPUT" && r.Code() != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("%s: code %q, errors %+v", tc.query, r.Code(), r.Errors)
			continue
		}
		if !namesField(r.Errors[0], tc.field) || !strings.Contains(r.Errors[0].Message, "NUL") {
			t.Errorf("%s: error does not name %s and the NUL character: %+v", tc.query, tc.field, r.Errors[0])
		}
	}
	if got := rowCount(t, p.Env, "boards"); got != boards {
		t.Errorf("boards: %d, want %d", got, boards)
	}
}

// A body that is not a GraphQL request in JSON is the client's error: 400, BAD_REQUEST, a short
// message that does not echo the body.
func TestUndecodableBodyIsBadRequest(t *testing.T) {
	t.Parallel()
	p := setup(t)
	big := `{"query": ` + strings.Repeat("x", 200_000)
	for name, body := range map[string]string{"empty": "", "not JSON": "hello", "truncated": big, "wrong shape": `{"query": 5}`} {
		resp, err := http.Post(p.URL+"/graphql", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var out apptest.Result
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: %v: %s", name, err, raw)
		}
		if resp.StatusCode != http.StatusBadRequest || out.Code() != "BAD_REQUEST" {
			t.Errorf("%s: status %d code %q: %s", name, resp.StatusCode, out.Code(), raw)
		}
		if len(raw) > 600 || strings.Contains(string(raw), "xxxxxxxx") || (body == "hello" && strings.Contains(string(raw), "hello")) {
			t.Errorf("%s: the answer echoes the body (%d bytes): %.300s", name, len(raw), raw)
		}
	}
}

// The IDE page and everything it loads come from this server; the page runs no inline script.
func TestIDEIsServedFromTheBinary(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t, func(c *config.Config) { c.Playground = true })
	resp, err := http.Get(env.URL + "/graphql/ide")
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	csp := resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != http.StatusOK || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-eval") {
		t.Fatalf("IDE page: status %d, CSP %q", resp.StatusCode, csp)
	}
	if m := regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).FindString(page); m != "" {
		t.Errorf("the page loads from another host: %s", m)
	}
	if regexp.MustCompile(`<script>|<script [^>]*>[^<]`).MatchString(page) {
		t.Errorf("the page has an inline script:\n%s", page)
	}
	refs := regexp.MustCompile(`(?:src|href)="(/graphql/ide/[^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 5 {
		t.Fatalf("the page references %d assets, want GraphiQL, React and its own: %s", len(refs), page)
	}
	for _, ref := range refs {
		for _, gzip := range []bool{true, false} {
			req, _ := http.NewRequest(http.MethodGet, env.URL+ref[1], nil)
			req.Header.Set("Accept-Encoding", "identity")
			if gzip {
				req.Header.Set("Accept-Encoding", "gzip, deflate")
			}
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			ct := resp.Header.Get("Content-Type")
			if resp.StatusCode != http.StatusOK || !(strings.HasPrefix(ct, "text/javascript") || strings.HasPrefix(ct, "text/css")) || len(body) < 40 {
				t.Errorf("%s (gzip %v): status %d, type %q, %d bytes", ref[1], gzip, resp.StatusCode, ct, len(body))
			}
			if gzip != (resp.Header.Get("Content-Encoding") == "gzip") && !strings.HasSuffix(ref[1], "/ide.js") && !strings.HasSuffix(ref[1], "/ide.css") {
				t.Errorf("%s: Content-Encoding %q for a client that accepts gzip: %v", ref[1], resp.Header.Get("Content-Encoding"), gzip)
			}
		}
	}
}

// The websocket acknowledgement sends nothing back of what the client sent.
func TestWebsocketAckEchoesNothing(t *testing.T) {
	t.Parallel()
	p := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(p.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(websocket.StatusNormalClosure, "")
	token := p.tok["employee"]
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}); err != nil {
		t.Fatal(err)
	}
	_, raw, err := conn.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ack struct {
		Type    string
		Payload json.RawMessage
	}
	if err := json.Unmarshal(raw, &ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("got %s, want connection_ack", raw)
	}
	if bytes.Contains(raw, []byte(token[:20])) || bytes.Contains(raw, []byte("Bearer")) {
		t.Errorf("connection_ack echoes the token: %s", raw)
	}
}

// introspectionQuery is graphql-js's getIntrospectionQuery(), as standard clients send it.
func introspectionQuery(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	_, q, _ := strings.Cut(string(b), "\n") // the first line says where it comes from
	return q
}

// Standard GraphQL clients load the schema with their own introspection query, whose nesting does
// not count against the depth limit; anonymous callers cannot introspect; operators can turn it off.
func TestIntrospection(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	tok := env.Org(t, "example").Token(t, "employee@example.com")
	q := introspectionQuery(t)
	var out struct {
		Schema struct {
			QueryType struct{ Name string }
			Types     []struct{ Name string }
		} `json:"__schema"`
	}
	env.Must(t, tok, q, nil, &out)
	if out.Schema.QueryType.Name != "Query" || len(out.Schema.Types) < 50 {
		t.Fatalf("introspection: query type %q, %d types", out.Schema.QueryType.Name, len(out.Schema.Types))
	}
	// The depth limit still holds for data.
	deep := `{ posts { edges { node { author { email } currentVersion { content { media { url } } } } } } }`
	shallow := apptest.Start(t, func(c *config.Config) { c.QueryDepth = 4 })
	stok := shallow.Org(t, "example").Token(t, "employee@example.com")
	if r := shallow.Do(t, stok, deep, nil); r.Code() != "BAD_USER_INPUT" {
		t.Errorf("a deep data query at depth limit 4: code %q", r.Code())
	}
	shallow.Must(t, stok, q, nil, nil)

	for _, anon := range []string{q, `{ __type(name: "Post") { name } }`, `{ __typename }`} {
		if r := env.Do(t, "", anon, nil); r.Code() != "UNAUTHENTICATED" || len(r.Data) > 0 && string(r.Data) != "null" {
			t.Errorf("anonymous %.40q: code %q, data %s", anon, r.Code(), r.Data)
		}
	}
	off := apptest.Start(t, func(c *config.Config) { c.Introspection = false })
	otok := off.Org(t, "example").Token(t, "admin@example.com")
	if r := off.Do(t, otok, q, nil); r.Code() != "FORBIDDEN" || !strings.Contains(r.Errors[0].Message, "CLEARPOST_GRAPHQL_INTROSPECTION") {
		t.Errorf("introspection turned off: code %q %+v", r.Code(), r.Errors)
	}
	off.Must(t, otok, `{ me { email } }`, nil, nil)
}

// Every operation answers UNAUTHENTICATED to a caller who is not signed in before it checks
// anything else (searchToken used to answer CONFLICT first).
func TestUnauthenticatedFirst(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	for _, q := range []string{`{ searchToken { token } }`, `mutation { createPost(content: {body: "x"}) { id } }`, `{ posts(first: 1000) { edges { cursor } } }`, `{ verifyAuditLog { ok } }`} {
		if r := env.Do(t, "", q, nil); r.Code() != "UNAUTHENTICATED" {
			t.Errorf("%s: code %q", q, r.Code())
		}
	}
}

// No list in an input holds more than the documented maximum; the error names the field and
// nothing is written.
func TestListInputsAreBounded(t *testing.T) {
	t.Parallel()
	p := setup(t)
	groups := make([]string, 20_000)
	for i := range groups {
		groups[i] = fmt.Sprintf("g%d", i)
	}
	boards := rowCount(t, p.Env, "boards")
	r := p.Do(t, p.tok["marketer"], `mutation($in: BoardInput!) { createBoard(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"name": "Big", "audience": map[string]any{"everyone": false, "groups": groups}}})
	if r.Code() != "BAD_USER_INPUT" || r.Errors[0].Extensions.Field != "input.audience.groups" || !strings.Contains(r.Errors[0].Message, "at most 100") {
		t.Fatalf("20,000 groups: %+v", r.Errors)
	}
	// A literal list in the document is held to the same bound.
	ids := strings.Repeat(`"00000000-0000-0000-0000-000000000000",`, 101)
	if r := p.Do(t, p.tok["employee"], `mutation { markNotificationsRead(ids: [`+ids+`]) }`, nil); r.Code() != "BAD_USER_INPUT" {
		t.Errorf("101 ids: %+v", r.Errors)
	}
	if got := rowCount(t, p.Env, "boards"); got != boards {
		t.Errorf("boards: %d, want %d", got, boards)
	}
	p.board(t, "Small", map[string]any{"everyone": false, "groups": groups[:100]})
}

// Expensive fields cost what they cost: a request cannot hold a thousand searches.
func TestExpensiveFieldsCostTheirWork(t *testing.T) {
	t.Parallel()
	p := setup(t)
	aliases := func(n int, field string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, " s%d: %s", i, field)
		}
		return b.String() + " }"
	}
	search := `search(text: "launch", first: 1) { total }`
	if r := p.Do(t, p.tok["employee"], aliases(1000, search), nil); r.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("1,000 searches: code %q", r.Code())
	}
	if r := p.Do(t, p.tok["employee"], aliases(10, search), nil); r.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("10 searches: code %q", r.Code())
	}
	p.Must(t, p.tok["employee"], aliases(5, search), nil, nil)
	if r := p.Do(t, p.tok["admin"], aliases(2, `verifyAuditLog { ok }`), nil); r.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("2 verifications: code %q", r.Code())
	}
	// One's own leaderboard place ranks everyone, as the leaderboard does.
	if r := p.Do(t, p.tok["employee"], aliases(25, `myLeaderboardEntry { points }`), nil); r.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("25 leaderboard places: code %q", r.Code())
	}
	p.Must(t, p.tok["employee"], aliases(5, `myLeaderboardEntry { points }`), nil, nil)
}

// Callers over their rate get 429 with Retry-After; other callers and addresses are not slowed.
// No sign-in starts a session row before the identity provider answers.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t, func(c *config.Config) { c.RateLimitUser, c.RateLimitAddress, c.RateLimitLinks = 20, 10, 10 })
	org := env.Org(t, "example")
	employee, other := org.Token(t, "employee@example.com"), org.Token(t, "sam@example.com")
	limited := 0
	for range 25 {
		r := env.Do(t, employee, `{ me { id } }`, nil)
		if r.Status == http.StatusTooManyRequests {
			limited++
			if r.Code() != "RATE_LIMITED" {
				t.Errorf("429 with code %q", r.Code())
			}
		}
	}
	if limited != 5 {
		t.Errorf("25 requests at 20 a minute: %d refused, want 5", limited)
	}
	env.Must(t, other, `{ me { id } }`, nil, nil) // another user is not slowed
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/graphql", strings.NewReader(`{"query":"{ me { id } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+employee)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("over the limit: status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	sessions := rowCount(t, env, "sessions")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	statuses := map[int]int{}
	for range 15 {
		resp, err := client.Get(env.URL + "/auth/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses[resp.StatusCode]++
	}
	if statuses[http.StatusTooManyRequests] != 5 {
		t.Errorf("15 sign-ins at 10 a minute: %v", statuses)
	}
	if got := rowCount(t, env, "sessions"); got != sessions {
		t.Errorf("sign-ins started %d session rows before the identity provider answered", got-sessions)
	}
	statuses = map[int]int{}
	for range 15 {
		resp, err := client.Get(env.URL + "/s/nope0000")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses[resp.StatusCode]++
	}
	if statuses[http.StatusTooManyRequests] != 5 || statuses[http.StatusNotFound] != 10 {
		t.Errorf("15 link visits at 10 a minute: %v", statuses)
	}
	for range 12 {
		resp, err := client.Get(env.URL + "/scim/v2/Users")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses[resp.StatusCode]++
	}
	if statuses[http.StatusTooManyRequests] != 7 {
		t.Errorf("12 SCIM requests at 10 a minute: %v", statuses)
	}
}

// Relay: connections carry the whole PageInfo, and node(id:) refetches any object by id with its
// type's access checks, as Relay's standard queries do.
func TestRelayConnectionsAndNode(t *testing.T) {
	t.Parallel()
	p := setup(t)
	for i := range 3 {
		p.create(t, fmt.Sprintf("Relay %d", i))
	}
	type pageInfo struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	var first struct {
		Posts struct {
			Edges    []struct{ Cursor string }
			PageInfo pageInfo
		}
	}
	const page = `query($after: String) { posts(first: 2, after: $after) { edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
	p.Must(t, p.tok["marketer"], page, map[string]any{"after": nil}, &first)
	pi := first.Posts.PageInfo
	if !pi.HasNextPage || pi.HasPreviousPage || pi.StartCursor == nil || *pi.StartCursor != first.Posts.Edges[0].Cursor || *pi.EndCursor != first.Posts.Edges[1].Cursor {
		t.Fatalf("first page: %+v, edges %+v", pi, first.Posts.Edges)
	}
	var second struct {
		Posts struct{ PageInfo pageInfo }
	}
	p.Must(t, p.tok["marketer"], page, map[string]any{"after": *pi.EndCursor}, &second)
	if !second.Posts.PageInfo.HasPreviousPage {
		t.Errorf("second page: %+v", second.Posts.PageInfo)
	}

	pp := p.create(t, "Refetch me")
	board := p.board(t, "Relay board", map[string]any{"everyone": true})
	const refetch = `query($id: ID!) { node(id: $id) { __typename id ... on Post { state } ... on Board { name } } }`
	var got struct {
		Node *struct{ Typename, ID, State, Name string } `json:"node"`
	}
	p.Must(t, p.tok["marketer"], refetch, map[string]any{"id": pp.ID}, &got)
	if got.Node == nil || got.Node.ID != pp.ID || got.Node.State != "DRAFT" {
		t.Fatalf("node(post): %+v", got.Node)
	}
	var typed struct {
		Node struct {
			Typename string `json:"__typename"`
			Name     string
		} `json:"node"`
	}
	p.Must(t, p.tok["employee"], refetch, map[string]any{"id": board}, &typed)
	if typed.Node.Typename != "Board" || typed.Node.Name != "Relay board" {
		t.Errorf("node(board) as an employee: %+v", typed.Node)
	}
	// What the caller may not see is null: a draft for an employee, another organization's post.
	other := p.Env.Org(t, "other").Token(t, "admin@example.com")
	for who, tok := range map[string]string{"employee": p.tok["employee"], "another organization's admin": other} {
		r := p.Do(t, tok, refetch, map[string]any{"id": pp.ID})
		if len(r.Errors) > 0 || string(r.Data) != `{"node":null}` {
			t.Errorf("node(draft) as %s: %s %+v", who, r.Data, r.Errors)
		}
	}
}

// Only admins and the user themself read a user's roles, groups, department and region.
func TestMembershipIsVisibleToAdminsAndSelf(t *testing.T) {
	t.Parallel()
	p := setup(t)
	pp := p.create(t, "Pricing starts at $49 per seat") // routed to legal
	p.submit(t, pp.ID)
	const q = `query($id: ID!) { post(id: $id) { author { email roles groups assignedRoles claimGroups department region } } }`
	if r := p.Do(t, p.tok["legal"], q, map[string]any{"id": pp.ID}); r.Code() != "FORBIDDEN" {
		t.Errorf("a reviewer read the author's roles: %s %+v", r.Data, r.Errors)
	}
	var out struct {
		Post struct{ Author struct{ Email string } }
	}
	p.Must(t, p.tok["legal"], `query($id: ID!) { post(id: $id) { author { email name } } }`, map[string]any{"id": pp.ID}, &out)
	if out.Post.Author.Email != "marketer@example.com" {
		t.Errorf("author: %+v", out.Post.Author)
	}
	p.Must(t, p.tok["admin"], q, map[string]any{"id": pp.ID}, nil)
	p.Must(t, p.tok["marketer"], q, map[string]any{"id": pp.ID}, nil) // the author themself
	p.Must(t, p.tok["employee"], `{ me { roles groups department region } }`, nil, nil)
	if r := p.Do(t, p.tok["marketer"], `{ users { edges { node { email roles } } } }`, nil); r.Code() != "FORBIDDEN" {
		t.Errorf("a marketer read other users' roles: %+v", r.Errors)
	}
	if r := p.Do(t, p.tok["employee"], `{ leaderboard { user { email roles groups } } }`, nil); r.Code() != "" && r.Code() != "FORBIDDEN" {
		t.Errorf("leaderboard roles: %+v", r.Errors)
	}
}
