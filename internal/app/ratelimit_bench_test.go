package app_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"clearpost/internal/app/apptest"
	"clearpost/internal/seed"
)

// BenchmarkRateLimiterFeed measures what the per-user rate limiter costs the feed: the same feed
// request through the app's handler with the limiter on (limits far above the load, so every
// request is counted and none refused) and off, in alternating rounds on one dataset (10,000
// approved posts, 1,000 employees, 40 boards), over real HTTP at 4 concurrent employees.
//
//	go test -run '^$' -bench RateLimiterFeed -benchtime 3000x -count 3 ./internal/app/
func BenchmarkRateLimiterFeed(b *testing.B) {
	ctx := context.Background()
	env := apptest.Start(b)
	org := env.Org(b, "example")
	if err := seed.Scale(ctx, env.App.Pool, org.ID, seed.ScaleOptions{Posts: 10_000, Employees: 1_000, Boards: 40, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	if _, err := env.App.Pool.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	const concurrency = 4
	tokens := scaleTokens(b, env, org, concurrency)
	servers := map[string]*apptest.Env{}
	for _, mode := range []string{"off", "on"} {
		saved := env.App.Config
		env.App.Config.RateLimitUser, env.App.Config.RateLimitAddress = 0, 0
		if mode == "on" {
			env.App.Config.RateLimitUser, env.App.Config.RateLimitAddress = 1<<30, 1<<30
		}
		h, err := env.App.Handler()
		env.App.Config = saved
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(h)
		b.Cleanup(srv.Close)
		servers[mode] = &apptest.Env{App: env.App, URL: srv.URL}
	}
	const feed = `{ feed(first: 20) { edges { node { pinned post { id title currentVersion { content { body } } } } } } }`
	for _, mode := range []string{"off", "on"} {
		b.Run("limiter="+mode, func(b *testing.B) {
			s := servers[mode]
			measure(b, concurrency, func(worker, i int) error {
				if r := s.Do(b, tokens[worker], feed, nil); len(r.Errors) > 0 {
					return fmt.Errorf("%s", r.Errors[0].Message)
				}
				return nil
			})
		})
	}
}
