package postgres

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/search"
	"clearpost/internal/search/corpus"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Benchmark sizes: the scale dataset of the boards issue.
const (
	benchDocuments = 100_000
	benchBoards    = 200
	benchWorkers   = 4   // concurrent searches, on a 2-core machine
	queriesPerOp   = 250 // one benchmark op is a round of this many searches
)

// BenchmarkSearch searches 100,000 generated posts on 200 boards, with benchWorkers searches at
// a time, and reports the latency percentiles and throughput of all searches it ran. One op is a
// round of queriesPerOp searches, so that even `-benchtime 3x` measures enough of them.
//
//	go test -run '^$' -bench BenchmarkSearch -benchtime 3x ./internal/search/postgres/
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.New(b)
	org := uuid.New()
	boards := make([]uuid.UUID, benchBoards)
	for i := range boards {
		boards[i] = uuid.New()
	}
	corpus := corpus.New(1, boards)
	start := time.Now()
	if err := bulkLoad(ctx, pool, org, corpus, benchDocuments); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d documents in %v", benchDocuments, time.Since(start).Round(time.Millisecond))
	idx := New(pool)

	scenarios := []struct {
		name   string
		boards int  // the size of the caller's scope
		text   bool // false: list the scope without text
		tags   bool // every fifth query filters by a tag
	}{
		{"employee", 20, true, true},
		{"marketer", benchBoards, true, true},
		{"employee_list", 20, false, true},
		{"marketer_list", benchBoards, false, true},
	}
	for _, sc := range scenarios {
		queries := make([]search.Query, 1000)
		for i := range queries {
			q := search.Query{OrgID: org, BoardIDs: corpus.Boards(sc.boards)}
			if sc.text {
				q.Text = corpus.Text()
			}
			if sc.tags && i%5 == 0 {
				q.Tags = []string{corpus.Tag()}
			}
			queries[i] = q
		}
		b.Run(sc.name, func(b *testing.B) { runQueries(b, idx, queries) })
	}
}

func runQueries(b *testing.B, idx *Index, queries []search.Query) {
	ctx := context.Background()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		next      atomic.Int64
		hits      atomic.Int64
	)
	total := int64(b.N * queriesPerOp)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range benchWorkers {
		wg.Go(func() {
			var mine []time.Duration
			for {
				i := next.Add(1) - 1
				if i >= total {
					break
				}
				t0 := time.Now()
				res, err := idx.Search(ctx, queries[i%int64(len(queries))])
				mine = append(mine, time.Since(t0))
				if err != nil {
					b.Error(err)
					return
				}
				hits.Add(int64(res.Total))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(float64(latencies[len(latencies)-1])/float64(time.Millisecond), "max_ms")
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "queries/s")
	b.ReportMetric(float64(hits.Load())/float64(len(latencies)), "matches/query")
}

// bulkLoad writes n generated documents of org with COPY into a temporary table, and from there
// into the index's tables (computing the vectors), then the organization's vocabulary, then
// refreshes the planner's statistics.
func bulkLoad(ctx context.Context, pool *pgxpool.Pool, org uuid.UUID, corpus *corpus.Corpus, n int) error {
	docs := make([]search.Document, n)
	for i := range docs {
		docs[i] = corpus.Document(org).Normalize()
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE load (org_id uuid, post_id uuid, version_id uuid, content_hash text,
		title text, body text, share_text text, tags text[], channels text[], category text, region text,
		board_ids uuid[], approved_at timestamptz)`); err != nil {
		return err
	}
	cols := []string{"org_id", "post_id", "version_id", "content_hash", "title", "body", "share_text",
		"tags", "channels", "category", "region", "board_ids", "approved_at"}
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"load"}, cols, pgx.CopyFromSlice(len(docs), func(i int) ([]any, error) {
		d := docs[i]
		return []any{d.OrgID, d.PostID, d.VersionID, d.ContentHash, d.Title, d.Body, d.ShareText,
			d.Tags, d.Channels, d.Category, d.Region, d.BoardIDs, d.ApprovedAt}, nil
	}))
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	if _, err := conn.Exec(ctx, `
		INSERT INTO search_texts (org_id, post_id, title, body, share_text) SELECT org_id, post_id, title, body, share_text FROM load;
		INSERT INTO search_documents (org_id, post_id, version_id, content_hash, tags, channels, category, region, board_ids, approved_at, tsv)
		SELECT org_id, post_id, version_id, content_hash, tags, channels, category, region, board_ids, approved_at,
		       search_tsvector('english', title, tags, body, share_text)
		FROM load;
		DROP TABLE load`); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	for chunk := range slices.Chunk(docs, 10_000) {
		ids := make([]uuid.UUID, len(chunk))
		for i, d := range chunk {
			ids[i] = d.PostID
		}
		if _, err := pool.Exec(ctx, termsSQL, org, ids); err != nil {
			return fmt.Errorf("terms: %w", err)
		}
	}
	_, err = pool.Exec(ctx, "VACUUM ANALYZE search_documents, search_texts, search_terms")
	return err
}

// BenchmarkUpsert writes generated posts through Upsert, BatchSize at a time, as a reindex does,
// into an index that already holds a few thousand, and reports documents per second.
func BenchmarkUpsert(b *testing.B) {
	ctx := context.Background()
	idx := New(pgtest.New(b))
	org := uuid.New()
	boards := make([]uuid.UUID, benchBoards)
	for i := range boards {
		boards[i] = uuid.New()
	}
	corpus := corpus.New(2, boards)
	batch := func() []search.Document {
		docs := make([]search.Document, BatchSize)
		for i := range docs {
			docs[i] = corpus.Document(org)
		}
		return docs
	}
	for range 4 {
		if err := idx.Upsert(ctx, batch()...); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	var elapsed time.Duration
	for range b.N {
		docs := batch()
		start := time.Now()
		if err := idx.Upsert(ctx, docs...); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(b.N*BatchSize)/elapsed.Seconds(), "docs/s")
}
