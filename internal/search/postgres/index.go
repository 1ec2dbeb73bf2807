// Package postgres is the embedded search backend: PostgreSQL full-text search (tsvector,
// websearch_to_tsquery, ts_rank_cd, ts_headline) with pg_trgm and fuzzystrmatch for typos, over
// the tables of migration 00006_search.sql.
//
// Typo tolerance: every lexeme of an organization's documents is kept in search_terms (with a
// trigram index). search_tsquery widens each query lexeme that no document contains into an OR
// of the nearest known lexemes within Meilisearch's typo budget, so "aproval" also matches
// "approval" and "linkdin" "LinkedIn", while correctly spelt words match exactly.
//
// Speed: one multicolumn GIN index (text, boards, tags, channels) answers a search's conditions
// together, and a search reads at most search.MaxWindow matching rows however many match (see
// query.go), so its cost is bounded: on the scale dataset (100,000 posts, 200 boards) a search
// takes a few milliseconds at the median and about 20 ms at the 99th percentile with two
// searches at a time on two cores (BenchmarkSearch).
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
