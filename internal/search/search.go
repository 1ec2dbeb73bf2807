// Package search is full-text search over the approved posts on an organization's boards. One
// Index interface has two backends that pass one contract suite (searchtest): search/postgres,
// the default, on tsvector, websearch_to_tsquery and pg_trgm; and search/meili, on Meilisearch.
//
// The index holds only what can be rebuilt from PostgreSQL. Every call is scoped by organization,
// and every search by the boards the caller may read: a post is found only through a board in
// Query.BoardIDs, and an empty scope finds nothing.
package search

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Document is what the index knows of one approved post.
type Document struct {
	OrgID       uuid.UUID
	PostID      uuid.UUID
	VersionID   uuid.UUID // the approved version
	ContentHash string    // of that version
	Title       string
	Body        string
	ShareText   string // the suggested share text
	Tags        []string
	Channels    []string // the networks the post is meant for: "linkedin", "x", ...
	Category    string
	Region      string
	// Language picks the stemming rules: a PostgreSQL text search configuration name ("english",
	// "french", ...) or an ISO 639-1 code ("en", "fr", ...). Empty means English; an unknown
	// language is indexed without stemming ("simple").
	Language string
	// BoardIDs are the boards the post is on. A document on no board is taken out of the index:
	// a post is searchable only through a board.
	BoardIDs   []uuid.UUID
	ApprovedAt time.Time
}

// Query is one search by one user.
type Query struct {
	OrgID uuid.UUID
	// Text is what the user typed, never trusted, in web search syntax: words are ANDed,
	// "quoted words" are a phrase, OR between words, -word excludes. Misspelt words also match
	// their nearest known words. Empty Text lists every document in scope, newest first.
	Text string
	// Language parses Text; empty means English. See Document.Language.
	Language string
	// BoardIDs is the caller's scope and is required: only documents on at least one of these
	// boards are found, and only these boards appear in hits and facets. Empty finds nothing.
	BoardIDs []uuid.UUID
	Tags     []string // documents must carry every one of these tags
	Channel  string   // documents must be meant for this channel
	Limit    int      // hits per page: DefaultLimit when 0, at most MaxLimit
	After    string   // Result.Next of the previous page
}

// Hit is one post found. Title and Snippet are HTML: user text escaped, the matched words in
// <mark>…</mark>.
type Hit struct {
	PostID   uuid.UUID
	Score    float64 // higher is better; comparable only within one result
	Title    string
	Snippet  string
	BoardIDs []uuid.UUID // the boards of the query's scope the post is on
}

// Result is one page of hits, with the count and facets of the matches.
type Result struct {
	Hits []Hit
	// Total counts the matches in scope up to MaxWindow; MaxWindow means "at least". (Meilisearch
	// estimates it; PostgreSQL counts.)
	Total int
	// BoardFacets counts matches per board of the scope; TagFacets per tag (the MaxFacetValues
	// most frequent). Meilisearch counts every match; PostgreSQL counts the matches it considered,
	// all of them up to MaxWindow (see search/postgres).
	BoardFacets map[uuid.UUID]int
	TagFacets   map[string]int
	// Next is the cursor of the next page, empty on the last one.
	Next string
}

// Index is a search backend.
type Index interface {
	// Upsert writes documents, replacing what the index had for the same posts; a document on no
	// board is deleted instead. Writing the same document twice is a no-op. Large slices are
	// written in batches. The last write wins: callers send the post's current state.
	Upsert(ctx context.Context, docs ...Document) error
	// Delete takes posts of org out of the index. Deleting a post that is not there is a no-op.
	Delete(ctx context.Context, org uuid.UUID, postIDs ...uuid.UUID) error
	// Search runs q. A bad cursor or an overlong text is an apperr Invalid error (see Query.Page).
	Search(ctx context.Context, q Query) (Result, error)
	// Count returns how many documents of org the index holds, for reindex and health checks.
	Count(ctx context.Context, org uuid.UUID) (int, error)
}

// Paging limits. Relevance-ranked results have no stable key to page on, so pages are a window of
// offsets (carried in an opaque cursor) that ends at MaxWindow hits, as Meilisearch's does
// (maxTotalHits): past the first 500 hits, 25 pages, a user refines the query. The window also
// bounds what a PostgreSQL search ranks and counts; 500 rather than Meilisearch's default 1,000
// keeps a search of the commonest words within its latency budget (see search/postgres).
const (
	DefaultLimit   = 20
	MaxLimit       = 100
	MaxWindow      = 500
	MaxFacetValues = 100
	MaxTextLength  = 500 // characters of Query.Text
)
