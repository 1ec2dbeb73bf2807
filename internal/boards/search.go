package boards

import (
	"context"
	"fmt"
	"slices"

	"clearpost/internal/auth"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// SearchScope returns the caller's organization and the live boards they see, or only boardID
// when it is set: what search.Service asks before every query.
func (s *Service) SearchScope(ctx context.Context, boardID *uuid.UUID) (uuid.UUID, []uuid.UUID, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return uuid.Nil, nil, err
	}
	scope, err := s.Visible(ctx)
	if err != nil {
		return uuid.Nil, nil, err
	}
	if boardID != nil {
		if _, err := s.board(ctx, s.pool, p, *boardID, false); err != nil {
			return uuid.Nil, nil, err
		}
		if !slices.Contains(scope, *boardID) {
			return p.OrgID, nil, nil // archived
		}
		scope = []uuid.UUID{*boardID}
	}
	return p.OrgID, scope, nil
}

// LivePosts returns which of posts are APPROVED and on one of boards now (their item not expired).
func (s *Service) LivePosts(ctx context.Context, org uuid.UUID, posts, boards []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT bi.post_id FROM board_items bi JOIN posts po ON po.id = bi.post_id
		WHERE bi.org_id = $1 AND bi.post_id = ANY($2) AND bi.board_id = ANY($3) AND po.state = 'APPROVED'
		  AND (bi.expires_at IS NULL OR bi.expires_at > now())`, org, posts, boards)
	if err != nil {
		return nil, fmt.Errorf("check search hits: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}
