package app_test

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/search"
	"clearpost/internal/search/meili"
)

const searchQuery = `query($q: String!, $b: ID) { search(text: $q, boardId: $b) {
	total edges { node { post { id } title snippet boards { id } } } boardFacets { board { id } count } tagFacets { tag count } } }`

type searchResult struct {
	Search struct {
		Total int
		Edges []struct {
			Node struct {
				Post    struct{ ID string }
				Title   string
				Snippet string
			}
		}
		BoardFacets []struct {
			Board struct{ ID string }
			Count int
		}
	}
}

func (p *pipeline) search(t *testing.T, who, q string) []string {
	t.Helper()
	var out searchResult
	p.Must(t, p.tok[who], searchQuery, map[string]any{"q": q}, &out)
	var ids []string
	for _, e := range out.Search.Edges {
		ids = append(ids, e.Node.Post.ID)
	}
	return ids
}

// waitSearch polls until search returns want (in any order), or fails after a deadline.
func (p *pipeline) waitSearch(t *testing.T, who, q string, want []string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := p.search(t, who, q)
		slices.Sort(got)
		w := slices.Sorted(slices.Values(want))
		if slices.Equal(got, w) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("search %q as %s = %v, want %v", q, who, got, w)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func queued(t *testing.T) *pipeline {
	t.Helper()
	env := apptest.StartWithQueue(t)
	return tokens(t, env)
}

func tokens(t *testing.T, env *apptest.Env) *pipeline {
	org := env.Org(t, "example")
	p := &pipeline{Env: env, org: org, tok: map[string]string{}}
	for _, who := range []string{"admin", "marketer", "legal", "compliance", "brand", "employee", "sam"} {
		p.tok[who] = org.Token(t, who+"@example.com")
	}
	return p
}

func TestApprovedPostsBecomeSearchableAndLeaveWhenEdited(t *testing.T) {
	t.Parallel()
	p := queued(t)
	all := p.board(t, "Everyone", map[string]any{"everyone": true})
	apac := p.board(t, "APAC", map[string]any{"everyone": false, "regions": []string{"apac"}})
	hiring := p.approved(t, "We are hiring engineers in Lisbon for our approval workflow team.", all)
	secret := p.approved(t, "APAC partner summit agenda.", apac)

	p.waitSearch(t, "employee", "lisbon", []string{hiring.ID})
	// Typos still find it.
	p.waitSearch(t, "employee", "aproval", []string{hiring.ID})
	// Outside the audience: nothing, whatever the words.
	p.waitSearch(t, "marketer", "summit", []string{secret.ID})
	if got := p.search(t, "employee", "summit"); len(got) != 0 {
		t.Fatalf("employee outside the APAC audience finds %v", got)
	}
	// Another organization never finds it.
	other := p.Org(t, "other")
	var out searchResult
	p.Must(t, other.Token(t, "admin@example.com"), searchQuery, map[string]any{"q": "lisbon"}, &out)
	if len(out.Search.Edges) != 0 {
		t.Fatalf("another organization finds %d posts", len(out.Search.Edges))
	}
	// Highlights mark the words.
	p.Must(t, p.tok["employee"], searchQuery, map[string]any{"q": "lisbon"}, &out)
	if len(out.Search.Edges) != 1 || !contains(out.Search.Edges[0].Node.Snippet, "<mark>Lisbon</mark>") {
		t.Fatalf("snippet = %+v", out.Search.Edges)
	}

	// Edited after approval: gone from the board and the index.
	p.Must(t, p.tok["marketer"], `mutation($id: ID!) { updatePost(id: $id, content: {body: "We are hiring engineers in Porto."}) { id } }`, map[string]any{"id": hiring.ID}, nil)
	p.waitSearch(t, "employee", "lisbon", nil)
	p.waitSearch(t, "employee", "porto", nil)
	// Taken off a board by hand: gone from that board's search.
	p.Must(t, p.tok["marketer"], `mutation($b: ID!, $p: ID!) { removeFromBoard(boardId: $b, postId: $p) { id } }`, map[string]any{"b": apac, "p": secret.ID}, nil)
	p.waitSearch(t, "marketer", "summit", nil)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// Redis cut off during a series of approvals: once it is back every approved post is indexed,
// each once.
func TestRedisOutageDuringApprovalsLosesNothing(t *testing.T) {
	t.Parallel()
	env, proxy := apptest.StartWithQueueVia(t)
	p := tokens(t, env)
	b := p.board(t, "Everyone", map[string]any{"everyone": true})
	first := p.approved(t, "Outage canary before.", b)
	p.waitSearch(t, "employee", "canary", []string{first.ID})

	proxy.Stop()
	var during []string
	for i := range 5 {
		during = append(during, p.approved(t, "Outage survivor number "+string(rune('a'+i))+".", b).ID)
	}
	var unrelayed int
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE relayed_at IS NULL AND topic = 'post.approved'`).Scan(&unrelayed); err != nil {
		t.Fatal(err)
	}
	if unrelayed != len(during) {
		t.Fatalf("%d approvals waiting in the outbox while Redis is away, want %d", unrelayed, len(during))
	}
	proxy.Start()
	p.waitSearch(t, "employee", "survivor", during)

	// Each approval became exactly one indexing task, and the index holds each post once.
	var relayed, dup int
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE relayed_at IS NOT NULL AND topic = 'post.approved'`).Scan(&relayed); err != nil {
		t.Fatal(err)
	}
	if relayed != len(during)+1 {
		t.Fatalf("%d approvals relayed, want %d", relayed, len(during)+1)
	}
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT count(*) - count(DISTINCT post_id) FROM search_documents`).Scan(&dup); err != nil {
		t.Fatal(err)
	}
	if dup != 0 {
		t.Fatalf("%d duplicate documents in the index", dup)
	}
}

func TestReindexEqualsIncrementalIndexing(t *testing.T) {
	t.Parallel()
	p := queued(t)
	b := p.board(t, "Everyone", map[string]any{"everyone": true})
	var ids []string
	for _, body := range []string{"Quarterly results webinar.", "Customer story: Northwind.", "Quarterly roadmap preview."} {
		ids = append(ids, p.approved(t, body, b).ID)
	}
	p.waitSearch(t, "employee", "quarterly", []string{ids[0], ids[2]})
	incremental := indexSnapshot(t, p)
	if _, err := p.App.Pool.Exec(context.Background(), `DELETE FROM search_documents`); err != nil {
		t.Fatal(err)
	}
	var progressed int
	if err := p.App.Indexer.Reindex(context.Background(), p.org.ID, 2, func(done, total int) { progressed = done }); err != nil {
		t.Fatal(err)
	}
	if progressed != 3 {
		t.Fatalf("reindex progress ended at %d of 3", progressed)
	}
	if rebuilt := indexSnapshot(t, p); rebuilt != incremental {
		t.Fatalf("reindex differs from incremental indexing:\n%s\n%s", incremental, rebuilt)
	}
	// The rebuilt index is planned with fresh statistics.
	var analyzed bool
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'search_documents'`).Scan(&analyzed); err != nil {
		t.Fatal(err)
	}
	if !analyzed {
		t.Fatal("reindex left search_documents without statistics")
	}
}

func indexSnapshot(t *testing.T, p *pipeline) string {
	t.Helper()
	var s string
	err := p.App.Pool.QueryRow(context.Background(), `SELECT coalesce(string_agg(post_id::text || ':' || version_id::text || ':' || content_hash || ':' ||
		array_to_string(board_ids, ','), ';' ORDER BY post_id), '') FROM search_documents`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSearchTokenIsScopedToTheCallersBoards(t *testing.T) {
	t.Parallel()
	p := setup(t)
	everyone := p.board(t, "Everyone", map[string]any{"everyone": true})
	apac := p.board(t, "APAC", map[string]any{"everyone": false, "regions": []string{"apac"}})
	// With the PostgreSQL backend there is nothing to search directly.
	wantCode(t, p.Do(t, p.tok["employee"], `{ searchToken { token } }`, nil), "CONFLICT")

	// A Meilisearch tenant token is signed locally: its rules name the org and the employee's boards.
	x := meili.New(meili.Config{URL: "http://127.0.0.1:1", Index: "posts"})
	direct := search.NewService(x, p.App.Boards, "8f4f2a43-0000-4000-8000-000000000001", "search-key-secret")
	tok, uid, _, err := direct.Token(p.As(t, p.org, "employee@example.com"), time.Hour)
	if err != nil || uid != "posts" {
		t.Fatalf("token: %v uid %q", err, uid)
	}
	parts := strings.Split(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	rules := string(payload)
	if !strings.Contains(rules, p.org.ID.String()) || !strings.Contains(rules, everyone) || strings.Contains(rules, apac) {
		t.Fatalf("search rules %s: want org %s and board %s, not %s", rules, p.org.ID, everyone, apac)
	}
}
