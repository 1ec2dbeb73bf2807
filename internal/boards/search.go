package boards

import (
	"context"
	"slices"

	"clearpost/internal/auth"

	"github.com/google/uuid"
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
