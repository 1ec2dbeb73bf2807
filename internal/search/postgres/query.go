package postgres

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"clearpost/internal/search"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// One statement finds the matches, counts them and their facets, and formats the page.
//
// The work is bounded: a search considers at most MaxWindow matches, the window. Total, facets
// and paging are computed over the window, so a query matching a hundred thousand documents costs
// no more than one matching MaxWindow; its Total is then MaxWindow, meaning "at least" (as
// Meilisearch bounds hits by maxTotalHits).
//
// With text, the window is the first MaxWindow matches, ranked by ts_rank_cd. The LIMIT sits
// outside the CTE that finds the matches: a CTE is planned for reading all its rows (so the
// planner picks the GIN index, not a sequential scan that it expects to stop early but that
// evaluates the text condition row by row) and is read lazily (so the index scan stops at the
// window all the same). Without text, the window is the newest MaxWindow documents in scope, read
// from the covering index on approved_at.
//
// The order is total, so that the same search gives the same page and paging neither repeats nor
// skips a hit: every ORDER BY that ranks hits ends in the post id. The text window has no order
// (ordering it would mean reading every match); it is the first MaxWindow matches in the order
// the scan reads them, which is the same every time because postgres.Open turns synchronized
// sequential scans off (with them, a scan starts wherever another scan of the table is).
//
// Filters that are not asked for are written so that the planner drops them: every search gets a
// plan made for its own values (see Search).
const (
	textMatchSQL = `
WITH matches AS MATERIALIZED (
    SELECT d.post_id, d.board_ids, d.tags, d.language, d.approved_at, ts_rank_cd(d.tsv, $5::tsquery) AS score
    FROM search_documents d
    WHERE d.tsv @@ $5::tsquery AND d.org_id = $1 AND `
	textWindowSQL = `
      AND (cardinality($3::text[]) = 0 OR d.tags @> $3::text[])
      AND ($4::text = '' OR d.channels @> ARRAY[$4::text])
),
win AS MATERIALIZED (
    SELECT * FROM matches LIMIT $8
),
page AS (
    SELECT post_id, score, approved_at, board_ids, language FROM win ORDER BY score DESC, approved_at DESC, post_id LIMIT $6 OFFSET $7
)`
	listMatchSQL = `
WITH win AS MATERIALIZED (
    SELECT d.post_id, d.board_ids, d.tags, NULL::regconfig AS language, d.approved_at, 0::real AS score
    FROM search_documents d
    WHERE d.org_id = $1 AND `
	listWindowSQL = `
      AND (cardinality($3::text[]) = 0 OR d.tags @> $3::text[])
      AND ($4::text = '' OR d.channels @> ARRAY[$4::text])
      AND $5::tsquery IS NULL
    ORDER BY d.approved_at DESC, d.post_id
    LIMIT $8
),
page AS (
    SELECT post_id, score, approved_at, board_ids, language FROM win ORDER BY approved_at DESC, post_id LIMIT $6 OFFSET $7
)`

	// A narrow scope (an employee's boards) is searched through the GIN index, intersected with
	// the text inside it. A broad one (an editor's every board) would make the index merge the
	// posting lists of every board only to keep nearly everything, so it is checked on the rows
	// instead: coalesce over a NOT NULL column changes nothing but hides the condition from the
	// index.
	indexedScope  = `d.board_ids && $2::uuid[]`
	filteredScope = `coalesce(d.board_ids, '{}') && $2::uuid[]`
	// The page's titles and snippets go through ts_headline with the highlight sentinels, and
	// with < and > swapped for private-use characters: ts_headline drops what looks like an
	// HTML tag, and a post's "<script>" must come back as text, escaped by search.Highlight.
	resultSQL = `
SELECT
    (SELECT count(*) FROM win),
    (SELECT coalesce(json_object_agg(b, n), '{}') FROM (
        SELECT b, count(*) AS n FROM (SELECT unnest(board_ids) AS b FROM win) u WHERE b = ANY($2::uuid[]) GROUP BY b
    ) f),
    (SELECT coalesce(json_object_agg(t, n), '{}') FROM (
        SELECT t, count(*) AS n FROM (SELECT unnest(tags) AS t FROM win) u GROUP BY t ORDER BY n DESC, t LIMIT $9
    ) f),
    (SELECT coalesce(json_agg(json_build_object(
        'post_id', p.post_id,
        'score', p.score,
        'board_ids', p.board_ids,
        'title', CASE WHEN $5::tsquery IS NULL THEN translate(t.title, '<>', $10)
                 ELSE ts_headline(p.language, translate(t.title, '<>', $10), $5::tsquery, $11) END,
        'snippet', CASE WHEN $5::tsquery IS NULL THEN translate(left(t.body, 400), '<>', $10)
                   ELSE ts_headline(p.language, translate(t.body, '<>', $10), $5::tsquery, $12) END
    ) ORDER BY p.score DESC, p.approved_at DESC, p.post_id), '[]')
    FROM page p JOIN search_texts t ON t.org_id = $1 AND t.post_id = p.post_id)
FROM (SELECT 1) one`

	tsquerySQL = `SELECT q::text, numnode(q) FROM search_tsquery($1, $2::regconfig, $3) q`
)

// broadScope is the number of boards from which a scope is checked on the rows rather than
// through the index.
const broadScope = 48

// The four searches, each one constant statement: a window's conditions up to the scope
// (…MatchSQL), the scope's condition, the rest of the window (…WindowSQL), and the result.
const (
	listIndexedSQL  = listMatchSQL + indexedScope + listWindowSQL + resultSQL
	listFilteredSQL = listMatchSQL + filteredScope + listWindowSQL + resultSQL
	textIndexedSQL  = textMatchSQL + indexedScope + textWindowSQL + resultSQL
	textFilteredSQL = textMatchSQL + filteredScope + textWindowSQL + resultSQL
)

// statements are the four searches: [text][broad scope].
var statements = [2][2]string{
	{listIndexedSQL, listFilteredSQL},
	{textIndexedSQL, textFilteredSQL},
}

// Private-use stand-ins for < and > while text goes through ts_headline.
const (
	lt = "\uE002"
	gt = "\uE003"
)

// The options of ts_headline, bound as values: the highlight sentinels around matched words.
const (
	titleHeadline   = `HighlightAll=true, StartSel="` + search.MarkStart + `", StopSel="` + search.MarkEnd + `"`
	snippetHeadline = `StartSel="` + search.MarkStart + `", StopSel="` + search.MarkEnd +
		`", MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`
)

var restoreTags = strings.NewReplacer(lt, "<", gt, ">")

type hitRow struct {
	PostID   uuid.UUID   `json:"post_id"`
	Score    float64     `json:"score"`
	BoardIDs []uuid.UUID `json:"board_ids"`
	Title    string      `json:"title"`
	Snippet  string      `json:"snippet"`
}

// Search runs q; see search.Index. Text is parsed with websearch_to_tsquery, widened for typos,
// ranked with ts_rank_cd; empty Text lists the scope newest first.
func (x *Index) Search(ctx context.Context, q search.Query) (search.Result, error) {
	page, err := q.Page()
	if err != nil {
		return search.Result{}, err
	}
	scope := search.SortedIDs(q.BoardIDs)
	if len(scope) == 0 || page.Limit <= 0 {
		return emptyResult(), nil
	}

	var tsquery *string // nil: list without text
	if text := strings.TrimSpace(q.Text); text != "" {
		var parsed string
		var nodes int
		if err := x.pool.QueryRow(ctx, tsquerySQL, q.OrgID, search.Language(q.Language), text).Scan(&parsed, &nodes); err != nil {
			return search.Result{}, fmt.Errorf("parse search text: %w", err)
		}
		if nodes == 0 { // only stop words or punctuation: nothing to look for
			return emptyResult(), nil
		}
		tsquery = &parsed
	}

	tags := []string{}
	for _, t := range q.Tags {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	res := emptyResult()
	var hits []hitRow
	// QueryExecModeDescribeExec: an unnamed statement, planned with this search's values. A cached
	// generic plan cannot know how common the searched words are, and picks a plan that is
	// fine for rare words and ruinous for common ones (or the other way round).
	sql := statements[b2i(tsquery != nil)][b2i(len(scope) >= broadScope)]
	err = x.pool.QueryRow(ctx, sql, pgx.QueryExecModeDescribeExec, q.OrgID, scope, tags, strings.ToLower(strings.TrimSpace(q.Channel)), tsquery,
		page.Limit, page.Offset, search.MaxWindow, search.MaxFacetValues, lt+gt, titleHeadline, snippetHeadline,
	).Scan(&res.Total, &res.BoardFacets, &res.TagFacets, &hits)
	if err != nil {
		return search.Result{}, fmt.Errorf("search: %w", err)
	}
	res.Hits = make([]search.Hit, len(hits))
	for i, h := range hits {
		snippet := h.Snippet
		if tsquery == nil {
			snippet = truncateWords(snippet, 240)
		}
		res.Hits[i] = search.Hit{
			PostID:   h.PostID,
			Score:    h.Score,
			Title:    search.Highlight(restoreTags.Replace(h.Title)),
			Snippet:  search.Highlight(restoreTags.Replace(snippet)),
			BoardIDs: intersect(h.BoardIDs, scope),
		}
	}
	res.Next = page.Next(len(res.Hits), res.Total)
	return res, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func emptyResult() search.Result {
	return search.Result{Hits: []search.Hit{}, BoardFacets: map[uuid.UUID]int{}, TagFacets: map[string]int{}}
}

// intersect returns the ids of have that are in scope (sorted), in scope's order.
func intersect(have, scope []uuid.UUID) []uuid.UUID {
	out := []uuid.UUID{}
	for _, id := range scope {
		for _, h := range have {
			if h == id {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// truncateWords cuts s, its white space folded, to at most n bytes at a word boundary, with " …"
// when it cut. It is not text.Truncate, which cuts at a character: a list's snippet is the body's
// beginning, whose line breaks and half words would show.
func truncateWords(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := strings.LastIndexByte(s[:cut], ' '); i > n/2 {
		cut = i
	}
	return s[:cut] + " …"
}
