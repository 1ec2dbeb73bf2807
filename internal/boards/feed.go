package boards

import (
	"context"

	"clearpost/internal/auth"

	"github.com/google/uuid"
)

// FeedCursor is the keyset position in the feed (feedOrder): pinned first, then by position
// (newest first), then by post id.
type FeedCursor struct {
	Pinned   bool      `json:"p"`
	Position float64   `json:"o"`
	PostID   uuid.UUID `json:"i"`
}

// Feed returns up to limit items from the boards the caller may see (or from board, when given),
// pinned first, then newest, after cursor, and whether more follow. A post on several of the
// caller's boards shows once per page, at its first place. Items hold only APPROVED posts (a post
// leaves every board in the transaction that takes it out of APPROVED); whoever loads the posts
// keeps to APPROVED ones all the same, as content.FeedPosts does.
func (s *Service) Feed(ctx context.Context, board *uuid.UUID, after *FeedCursor, limit int) ([]Item, bool, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, false, err
	}
	var one *uuid.UUID
	if board != nil {
		b, err := s.board(ctx, s.pool, p, *board, false)
		if err != nil {
			return nil, false, err
		}
		if b.ArchivedAt != nil {
			return nil, false, nil
		}
		one = &b.ID
	}
	cur := FeedCursor{Pinned: true, Position: 1e300}
	if after != nil {
		cur = *after
	}
	// Read a little more than a page: duplicates of a post on several boards are dropped.
	items, err := feedItems(ctx, s.pool, p, one, cur, limit*2+1)
	if err != nil {
		return nil, false, err
	}
	more := len(items) == limit*2+1
	seen := map[uuid.UUID]bool{}
	out := items[:0]
	for _, it := range items {
		if !seen[it.PostID] {
			seen[it.PostID] = true
			out = append(out, it)
		}
	}
	if len(out) > limit {
		out, more = out[:limit], true
	}
	return out, more, nil
}
