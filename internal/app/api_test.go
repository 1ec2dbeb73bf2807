package app_test

import (
	"bytes"
	"clearpost/internal/app/apptest"
	"clearpost/internal/config"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPostsPageByKeyset(t *testing.T) {
	t.Parallel()
	p := setup(t)
	created := map[string]bool{}
	for i := range 7 {
		created[p.create(t, fmt.Sprintf("Post %d", i)).ID] = true
	}
	seen := map[string]bool{}
	var after any
	for pages := 0; ; pages++ {
		var out struct {
			Posts struct {
				Edges []struct {
					Cursor string
					Node   struct{ ID string }
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		p.Must(t, p.tok["marketer"], `query($after: String) { posts(first: 3, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"after": after}, &out)
		for _, e := range out.Posts.Edges {
			if seen[e.Node.ID] {
				t.Fatalf("post %s on two pages", e.Node.ID)
			}
			seen[e.Node.ID] = true
		}
		if !out.Posts.PageInfo.HasNextPage {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		after = out.Posts.PageInfo.EndCursor
	}
	if len(seen) != len(created) {
		t.Fatalf("paged through %d posts, created %d", len(seen), len(created))
	}
}

func TestAPILimits(t *testing.T) {
	t.Parallel()
	p := setup(t)
	// Oversized bodies are refused before parsing.
	big := bytes.Repeat([]byte("x"), 2<<20)
	resp, err := http.Post(p.URL+"/graphql", "application/json", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MiB body: status %d", resp.StatusCode)
	}

	// Automatic persisted queries: register by hash, then run by hash alone over GET.
	q := `{ me { email } }`
	sum := sha256.Sum256([]byte(q))
	ext := fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":"%s"}}`, hex.EncodeToString(sum[:]))
	get := func(withQuery bool) string {
		v := url.Values{"extensions": {ext}}
		if withQuery {
			v.Set("query", q)
		}
		return getGraphQL(t, p, v)
	}
	if body := get(false); !strings.Contains(body, "PersistedQueryNotFound") {
		t.Fatalf("unknown hash: %s", body)
	}
	if body := get(true); !strings.Contains(body, "marketer@example.com") {
		t.Fatalf("register: %s", body)
	}
	if body := get(false); !strings.Contains(body, "marketer@example.com") {
		t.Fatalf("by hash: %s", body)
	}
	// Mutations are not run over GET.
	if body := getGraphQL(t, p, url.Values{"query": {`mutation { createPost(content: {body: "x"}) { id } }`}}); strings.Contains(body, `"createPost":{`) {
		t.Fatalf("mutation over GET ran: %s", body)
	}
}

// getGraphQL sends a GraphQL request over GET as the marketer and returns the response body.
func getGraphQL(t *testing.T, p *pipeline, v url.Values) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.URL+"/graphql?"+v.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+p.tok["marketer"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return b.String()
}

func TestDepthAndComplexityLimits(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t, func(c *config.Config) { c.QueryDepth, c.QueryComplexity = 6, 200 })
	tok := env.Org(t, "example").Token(t, "marketer@example.com")
	if r := env.Do(t, tok, `{ posts { edges { node { author { email } } } } }`, nil); r.Code() != "" {
		t.Fatalf("5 levels refused: %v", r.Errors)
	}
	// Seven levels, through a fragment.
	r := env.Do(t, tok, `{ posts { edges { node { ...v } } } } fragment v on Post { currentVersion { content { media { url } } } }`, nil)
	if r.Code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "7 levels deep") {
		t.Fatalf("7 levels: %s %v", r.Code(), r.Errors)
	}
	r = env.Do(t, tok, `{ posts(first: 100) { edges { node { versions { author { email name roles groups } } comments { body } decisions { comment } } } } }`, nil)
	if r.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("complex query: %s %v", r.Code(), r.Errors)
	}
}
