package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"clearpost/internal/devoidc"
	"clearpost/internal/jobs/jobstest"
	"clearpost/internal/postgres/pgtest"
)

// In `clearpost dev` (here on a port the system picks), a shared post's tracked link is an
// absolute URL of the dev server that redirects, and the share dialog carries it.
func TestDevTrackedLinksReachTheDevServer(t *testing.T) {
	t.Parallel()
	_, dbURL := pgtest.NewWithURL(t)
	redis := jobstest.NewRedis(t)
	out, _ := startCLI(t, map[string]string{
		"CLEARPOST_DATABASE_URL": dbURL, "CLEARPOST_REDIS_URL": redis.URL(), "CLEARPOST_HTTP_ADDR": "127.0.0.1:0",
		"CLEARPOST_LOG_LEVEL": "error",
	}, "dev")
	banner := regexp.MustCompile(`GraphQL\s+(http://127\.0\.0\.1:\d+)/graphql`)
	var base string
	for deadline := time.Now().Add(60 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := banner.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("dev never printed its address:\n%s", out)
	}
	waitReady(t, base, out)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tok, err := devoidc.RequestDevToken(ctx, nil, base+"/dev/oidc", "employee@example.com")
	if err != nil {
		t.Fatal(err)
	}
	_, data, code := graphql(t, nil, base, tok.IDToken, `{ feed { edges { node { post { id } } } } }`, nil)
	var feed struct {
		Feed struct {
			Edges []struct {
				Node struct{ Post struct{ ID string } }
			}
		}
	}
	if err := json.Unmarshal(data, &feed); code != "" || err != nil || len(feed.Feed.Edges) == 0 {
		t.Fatalf("feed: %s %v %s", code, err, data)
	}
	_, data, code = graphql(t, nil, base, tok.IDToken, `mutation($p: ID!) { sharePost(postId: $p, network: LINKEDIN) { trackedUrl intentUrl } }`,
		map[string]any{"p": feed.Feed.Edges[0].Node.Post.ID})
	var share struct {
		SharePost struct{ TrackedURL, IntentURL string }
	}
	if err := json.Unmarshal(data, &share); code != "" || err != nil {
		t.Fatalf("sharePost: %s %v %s", code, err, data)
	}
	tracked := share.SharePost.TrackedURL
	u, err := url.Parse(tracked)
	if err != nil || u.Scheme != "http" || "http://"+u.Host != base || !strings.HasPrefix(u.Path, "/s/") {
		t.Fatalf("trackedUrl %q is not an absolute link of %s", tracked, base)
	}
	if !strings.Contains(share.SharePost.IntentURL, url.QueryEscape(tracked)) {
		t.Fatalf("share dialog %q does not carry %q", share.SharePost.IntentURL, tracked)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(tracked)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") == "" {
		t.Fatalf("%s answered %d to %q", tracked, resp.StatusCode, resp.Header.Get("Location"))
	}
}
