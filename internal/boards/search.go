package boards

import (
	"context"
	"slices"

	"clearpost/internal/auth"
	"clearpost/internal/search"

	"github.com/google/uuid"
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
	return index.Search(ctx, search.Query{
		OrgID: p.OrgID, Text: in.Text, BoardIDs: scope, Tags: in.Tags, Channel: in.Channel, Limit: in.Limit, After: in.After,
	})
}
