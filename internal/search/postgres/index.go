// Package postgres is the embedded search backend: PostgreSQL full-text search (tsvector,
// websearch_to_tsquery, ts_rank_cd, ts_headline) with pg_trgm and fuzzystrmatch for typos, over
// the tables of migrations 00006_search.sql and 00013_search_texts.sql.
//
// Typo tolerance: every lexeme of an organization's documents is kept in search_terms (with a
// trigram index). search_tsquery widens each query lexeme that no document contains into an OR
// of the nearest known lexemes within Meilisearch's typo budget, so "aproval" also matches
// "approval" and "linkdin" "LinkedIn", while correctly spelt words match exactly.
//
// Speed: one multicolumn GIN index (text, boards, tags, channels) answers a search's conditions
// together, and a search reads at most search.MaxWindow matching rows however many match (see
// query.go), so its cost is bounded. The rows it reads (search_documents: vector, boards, tags)
// are kept under PostgreSQL's 2 kB TOAST threshold by holding the texts it shows apart
// (search_texts), read for the page's hits only. On the scale dataset (100,000 posts, 200
// boards) with four searches at a time on two cores, a search takes about 6 ms at the median and
// under 30 ms at the 99th percentile (BenchmarkSearch); the slowest are phrases of two common
// words that rarely stand together, whose every candidate row must be read to check positions.
package postgres

import (
	"context"
	"fmt"

	"clearpost/internal/search"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// BatchSize is how many documents one Upsert transaction writes.
const BatchSize = 500

// Index is the search.Index on PostgreSQL.
type Index struct {
	pool *pgxpool.Pool
}

var _ search.Index = (*Index)(nil)

// New returns the index on pool's database, which must have migration 00006 applied.
func New(pool *pgxpool.Pool) *Index {
	return &Index{pool: pool}
}

// Count returns how many documents of org the index holds.
func (x *Index) Count(ctx context.Context, org uuid.UUID) (int, error) {
	var n int
	if err := x.pool.QueryRow(ctx, `SELECT count(*) FROM search_documents WHERE org_id = $1`, org).Scan(&n); err != nil {
		return 0, fmt.Errorf("count search documents: %w", err)
	}
	return n, nil
}

// Analyze refreshes the planner's statistics of the index's tables (and flushes the GIN index's
// pending entries), as Reindex does after a rebuild.
func (x *Index) Analyze(ctx context.Context) error {
	if _, err := x.pool.Exec(ctx, `VACUUM ANALYZE search_documents, search_texts, search_terms`); err != nil {
		return fmt.Errorf("analyze search tables: %w", err)
	}
	return nil
}
