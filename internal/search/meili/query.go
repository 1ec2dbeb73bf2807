package meili

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"clearpost/internal/search"

	"github.com/google/uuid"
	"github.com/meilisearch/meilisearch-go"
)

// snippetWords is how many words of the body a hit's snippet shows.
const snippetWords = 30

type hit struct {
	ID        string   `json:"id"`
	BoardIDs  []string `json:"board_ids"`
	Score     float64  `json:"_rankingScore"`
	Formatted struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	} `json:"_formatted"`
}

// Search runs q (POST /indexes/{uid}/search) filtered to q's organization, boards, tags and
// channel, with the title and a cropped body highlighted and the board and tag facets; see
// search.Index. Text goes to Meilisearch as typed: it is a query, never part of the filter.
func (x *Index) Search(ctx context.Context, q search.Query) (search.Result, error) {
	page, err := q.Page()
	if err != nil {
		return search.Result{}, err
	}
	scope := search.SortedIDs(q.BoardIDs)
	if len(scope) == 0 || page.Limit <= 0 {
		return emptyResult(), nil
	}
	var tags []string
	for _, t := range q.Tags {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	text := strings.TrimSpace(q.Text)
	req := &meilisearch.SearchRequest{
		Query:                 text,
		Offset:                int64(page.Offset),
		Limit:                 int64(page.Limit),
		Filter:                searchFilter(q.OrgID, scope, tags, strings.ToLower(strings.TrimSpace(q.Channel))),
		Facets:                []string{"board_ids", "tags"},
		AttributesToRetrieve:  []string{"id", "board_ids"},
		AttributesToHighlight: []string{"title", "body"},
		AttributesToCrop:      []string{"body"},
		CropLength:            snippetWords,
		CropMarker:            "…",
		HighlightPreTag:       search.MarkStart,
		HighlightPostTag:      search.MarkEnd,
		ShowRankingScore:      true,
		// every word must match (typos allowed), as in the postgres backend; Meilisearch's
		// default drops words from the end until something matches
		MatchingStrategy: meilisearch.All,
	}
	if text == "" {
		req.Sort = []string{"approved_at:desc"}
	}
	resp, err := x.index.SearchWithContext(ctx, text, req)
	if err != nil {
		return search.Result{}, fmt.Errorf("meilisearch search: %w", err)
	}

	res := emptyResult()
	res.Total = int(min(resp.EstimatedTotalHits, search.MaxWindow))
	for _, raw := range resp.Hits {
		var h hit
		if err := raw.DecodeInto(&h); err != nil {
			return search.Result{}, fmt.Errorf("meilisearch hit: %w", err)
		}
		id, err := uuid.Parse(h.ID)
		if err != nil {
			return search.Result{}, fmt.Errorf("meilisearch hit id %q: %w", h.ID, err)
		}
		res.Hits = append(res.Hits, search.Hit{
			PostID:   id,
			Score:    h.Score,
			Title:    search.Highlight(h.Formatted.Title),
			Snippet:  search.Highlight(h.Formatted.Body),
			BoardIDs: inScope(h.BoardIDs, scope),
		})
	}
	if len(resp.FacetDistribution) > 0 {
		var facets map[string]map[string]int
		if err := json.Unmarshal(resp.FacetDistribution, &facets); err != nil {
			return search.Result{}, fmt.Errorf("meilisearch facets: %w", err)
		}
		for _, id := range scope {
			if n := facets["board_ids"][id.String()]; n > 0 {
				res.BoardFacets[id] = n
			}
		}
		for t, n := range facets["tags"] {
			res.TagFacets[t] = n
		}
	}
	res.Next = page.Next(len(res.Hits), res.Total)
	return res, nil
}

// inScope returns the boards of scope (sorted) that are among ids.
func inScope(ids []string, scope []uuid.UUID) []uuid.UUID {
	out := []uuid.UUID{}
	for _, id := range scope {
		if slices.Contains(ids, id.String()) {
			out = append(out, id)
		}
	}
	return out
}

func emptyResult() search.Result {
	return search.Result{Hits: []search.Hit{}, BoardFacets: map[uuid.UUID]int{}, TagFacets: map[string]int{}}
}

// Count returns how many documents of org the index holds (POST /indexes/{uid}/documents/fetch
// with a filter, whose total is exact).
func (x *Index) Count(ctx context.Context, org uuid.UUID) (int, error) {
	var res meilisearch.DocumentsResult
	err := x.index.GetDocumentsWithContext(ctx, &meilisearch.DocumentsQuery{
		Filter: "org_id = " + quote(org.String()), Limit: 1, Fields: []string{"id"},
	}, &res)
	if err != nil {
		return 0, fmt.Errorf("count meilisearch documents: %w", err)
	}
	return int(res.Total), nil
}
