package app_test

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/approval"
	"clearpost/internal/boards"
	"clearpost/internal/config"
	"clearpost/internal/content"
	"clearpost/internal/search/corpus"
	"clearpost/internal/seed"

	"github.com/google/uuid"
)

// BenchmarkAdvocacy measures the employee side on the scale dataset (seed.DefaultScale: 100,000
// approved posts, 10,000 employees, 200 boards; CLEARPOST_BENCH_POSTS overrides the posts),
// PostgreSQL on the same machine: feed and search through the real HTTP GraphQL endpoint at a
// fixed concurrency, and approve-to-searchable latency through the outbox, Redis and the worker.
//
//	go test -run '^$' -bench Advocacy -benchtime 2000x ./internal/app/
func BenchmarkAdvocacy(b *testing.B) {
	ctx := context.Background()
	// Four employees stand in for many, each sending hundreds of requests a second, far above any
	// person's rate: the per-user limit is off here (BenchmarkRateLimiterFeed measures its cost).
	env := apptest.StartWithQueue(b, func(c *config.Config) { c.RateLimitUser = 0 })
	org := env.Org(b, "example")
	o := seed.DefaultScale
	if n, err := strconv.Atoi(os.Getenv("CLEARPOST_BENCH_POSTS")); err == nil && n > 0 {
		o.Posts = n
	}
	start := time.Now()
	if err := seed.Scale(ctx, env.App.Pool, org.ID, o); err != nil {
		b.Fatal(err)
	}
	if err := env.App.Indexer.Reindex(ctx, org.ID, 1000, nil); err != nil {
		b.Fatal(err)
	}
	// Every table vacuumed and analyzed, as autovacuum would be within minutes of a bulk load, and
	// the load's writes flushed, so that no checkpoint writes them out while the clock runs.
	if _, err := env.App.Pool.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	if _, err := env.App.Pool.Exec(ctx, `CHECKPOINT`); err != nil {
		b.Logf("no checkpoint before measuring (%v): a checkpoint may run during it", err)
	}
	b.Logf("dataset: %d posts, %d employees, %d boards, loaded and indexed in %s", o.Posts, o.Employees, o.Boards, time.Since(start).Round(time.Second))

	// Employees sign in with tokens from the organization's provider.
	const concurrency = 4
	tokens := scaleTokens(b, env, org, concurrency)

	b.Run("feed", func(b *testing.B) {
		measure(b, concurrency, func(worker, i int) error {
			r := env.Do(b, tokens[worker], `{ feed(first: 20) { edges { node { pinned post { id title currentVersion { content { body } } } } } } }`, nil)
			if len(r.Errors) > 0 {
				return fmt.Errorf("%s", r.Errors[0].Message)
			}
			return nil
		})
	})
	// What employees type: words drawn like the posts' words (the same corpus), some misspelt,
	// some quoted phrases.
	corpus := corpus.New(o.Seed, nil)
	queries := make([]string, 200)
	for i := range queries {
		queries[i] = corpus.Text()
	}
	b.Run("search", func(b *testing.B) {
		var mu sync.Mutex
		perQuery := map[string][]time.Duration{}
		measure(b, concurrency, func(worker, i int) error {
			q := queries[i%len(queries)]
			t0 := time.Now()
			r := env.Do(b, tokens[worker], `query($q: String!) { search(text: $q, first: 20) { total edges { node { title snippet post { id } } } tagFacets { tag count } } }`,
				map[string]any{"q": q})
			mu.Lock()
			perQuery[q] = append(perQuery[q], time.Since(t0))
			mu.Unlock()
			if len(r.Errors) > 0 {
				return fmt.Errorf("%s", r.Errors[0].Message)
			}
			return nil
		})
		// The slowest queries, to see what costs.
		slowest := slices.Collect(maps.Keys(perQuery))
		slices.SortFunc(slowest, func(a, b string) int { return cmp.Compare(slices.Max(perQuery[b]), slices.Max(perQuery[a])) })
		for _, q := range slowest[:min(5, len(slowest))] {
			b.Logf("slow: %-40q max %6.1f ms", q, float64(slices.Max(perQuery[q]))/1e6)
		}
	})
	b.Run("approve-to-searchable", func(b *testing.B) {
		marketer, brand := env.As(b, org, "marketer@example.com"), env.As(b, org, "brand@example.com")
		board, err := env.App.Boards.Create(marketer, boards.Input{Name: fmt.Sprintf("Bench %d", b.N), Audience: boards.Audience{Everyone: true}})
		if err != nil {
			b.Fatal(err)
		}
		inputs := make([]approval.DecisionInput, b.N)
		for i := range inputs {
			inputs[i] = readyForApproval(b, env, marketer, board.ID, i)
		}
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for _, in := range inputs {
			t0 := time.Now()
			if _, _, err := env.App.Approval.Decide(brand, in); err != nil {
				b.Fatal(err)
			}
			for {
				var n int
				if err := env.App.Pool.QueryRow(ctx, `SELECT count(*) FROM search_documents WHERE post_id = $1`, in.PostID).Scan(&n); err != nil {
					b.Fatal(err)
				}
				if n == 1 {
					break
				}
				if time.Since(t0) > 30*time.Second {
					b.Fatalf("post %s not searchable after 30s", in.PostID)
				}
				time.Sleep(2 * time.Millisecond)
			}
			lat = append(lat, time.Since(t0))
		}
		b.StopTimer()
		report(b, lat, 0)
	})
}

// scaleTokens mints ID tokens for n employees of the scale dataset and provisions them before
// any clock runs.
func scaleTokens(b *testing.B, env *apptest.Env, org *apptest.Org, n int) []string {
	tokens := make([]string, n)
	for i := range tokens {
		sub := fmt.Sprintf("scale-%d", i*37)
		var email string
		if err := env.App.Pool.QueryRow(context.Background(), `SELECT email FROM users WHERE subject = $1`, sub).Scan(&email); err != nil {
			b.Fatal(err)
		}
		tok, err := org.Provider.MintWith(map[string]any{"iss": org.Provider.Issuer(), "aud": apptest.ClientID, "sub": sub,
			"email": email, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()})
		if err != nil {
			b.Fatal(err)
		}
		tokens[i] = tok
		env.Must(b, tok, `{ me { id } }`, nil, nil)
	}
	return tokens
}

func readyForApproval(b *testing.B, env *apptest.Env, marketer context.Context, board uuid.UUID, i int) approval.DecisionInput {
	b.Helper()
	svc := env.App.Content
	p, err := svc.Create(marketer, content.Content{Title: "bench", Body: fmt.Sprintf("Benchmark announcement number %d about teamwork.", i)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := env.App.Boards.Target(marketer, p.ID, []uuid.UUID{board}); err != nil {
		b.Fatal(err)
	}
	if _, err := env.App.Approval.Submit(marketer, p.ID); err != nil {
		b.Fatal(err)
	}
	v, err := svc.Version(marketer, p.ID, 0)
	if err != nil {
		b.Fatal(err)
	}
	return approval.DecisionInput{PostID: p.ID, VersionID: v.ID, ContentHash: v.ContentHash, Kind: approval.Approve}
}

// measure runs b.N calls of fn from concurrency workers and reports throughput and latency.
func measure(b *testing.B, concurrency int, fn func(worker, i int) error) {
	var next atomic.Int64
	lat := make([][]time.Duration, concurrency)
	var wg sync.WaitGroup
	var failed atomic.Value
	b.ResetTimer()
	start := time.Now()
	for w := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				t0 := time.Now()
				if err := fn(w, i); err != nil {
					failed.Store(err)
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	report(b, slices.Concat(lat...), elapsed)
	b.ReportMetric(float64(concurrency), "concurrency")
}

func report(b *testing.B, lat []time.Duration, elapsed time.Duration) {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	if elapsed > 0 {
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	}
	b.ReportMetric(0, "ns/op")
}
