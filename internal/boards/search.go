package boards

import (
	"context"
	"fmt"
	"slices"
	"time"

	"clearpost/internal/auth"
	"clearpost/internal/search"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// SearchInput is a search as a person asks it.
type SearchInput struct {
	Text    string
	BoardID *uuid.UUID // one of the caller's boards, or all of them
	Tags    []string
	Channel string
	Limit   int
	After   string
}

// Search finds APPROVED posts on the boards the caller may see (or on one of them). The scope is
// decided here, from the caller's audience, and handed to the index: the index never sees a
// query without it.
func (s *Service) Search(ctx context.Context, index search.Index, in SearchInput) (search.Result, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return search.Result{}, err
	}
	scope, err := s.Visible(ctx)
	if err != nil {
		return search.Result{}, err
	}
	if in.BoardID != nil {
		if _, err := s.board(ctx, s.pool, p, *in.BoardID, false); err != nil {
			return search.Result{}, err
		}
		if !slices.Contains(scope, *in.BoardID) {
			return search.Result{}, nil // archived
		}
		scope = []uuid.UUID{*in.BoardID}
	}
	if len(scope) == 0 {
		return search.Result{}, nil
	}
	res, err := index.Search(ctx, search.Query{
		OrgID: p.OrgID, Text: in.Text, BoardIDs: scope, Tags: in.Tags, Channel: in.Channel, Limit: in.Limit, After: in.After,
	})
	if err != nil || len(res.Hits) == 0 {
		return res, err
	}
	// The index follows PostgreSQL within moments (longer while Redis is away): PostgreSQL has the
	// last word on each hit. A post that left APPROVED, left the caller's boards, or whose item
	// expired is dropped.
	ids := make([]uuid.UUID, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.PostID
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT bi.post_id FROM board_items bi JOIN posts po ON po.id = bi.post_id
		WHERE bi.org_id = $1 AND bi.post_id = ANY($2) AND bi.board_id = ANY($3) AND po.state = 'APPROVED'
		  AND (bi.expires_at IS NULL OR bi.expires_at > now())`, p.OrgID, ids, scope)
	if err != nil {
		return search.Result{}, fmt.Errorf("check search hits: %w", err)
	}
	live, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return search.Result{}, err
	}
	res.Hits = slices.DeleteFunc(res.Hits, func(h search.Hit) bool { return !slices.Contains(live, h.PostID) })
	return res, nil
}

// TokenSigner signs a search token scoped to an organization and boards.
type TokenSigner interface {
	TenantToken(apiKeyUID, apiKey string, org uuid.UUID, boards []uuid.UUID, ttl time.Duration) (string, error)
	UID() string
}

// SearchToken returns a tenant token scoped to the caller's organization and visible boards, for
// clients that search the index directly.
func (s *Service) SearchToken(ctx context.Context, signer TokenSigner, keyUID, key string, ttl time.Duration) (string, string, time.Time, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return "", "", time.Time{}, err
	}
	scope, err := s.Visible(ctx)
	if err != nil {
		return "", "", time.Time{}, err
	}
	expires := time.Now().Add(ttl)
	tok, err := signer.TenantToken(keyUID, key, p.OrgID, scope, ttl)
	return tok, signer.UID(), expires, err
}
