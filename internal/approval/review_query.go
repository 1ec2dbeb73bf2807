package approval

import (
	"context"
	"time"

	"clearpost/internal/auth"
	"clearpost/internal/content"

	"github.com/google/uuid"
)

// reviewHistoryScope says whose posts' review history (reviews, decisions, comments) the caller
// may read: everyone's for editors and reviewers, their own for anyone else. Employees who see a
// post through a board see its content, not its review.
func reviewHistoryScope(p *auth.Principal) (all bool) {
	return p.Has(content.Authors...) || p.Has(auth.RoleReviewer)
}

// QueueItem is a post awaiting the caller's decision.
type QueueItem struct {
	Post           *content.Post
	ReviewID       uuid.UUID
	Stage          int
	StageStartedAt time.Time
	Groups         []string // the caller's groups awaited at this stage
}

// QueueCursor is the keyset position in the review queue (oldest waiting first).
type QueueCursor struct {
	StageStartedAt time.Time `json:"s"`
	PostID         uuid.UUID `json:"i"`
}

// ReviewQueue returns the posts whose current stage awaits a decision from the caller: a group of
// theirs has not reached its quorum, they have not decided at this stage, and they are not an author.
func (s *Service) ReviewQueue(ctx context.Context, after *QueueCursor, limit int) ([]QueueItem, error) {
	// A queue is a reviewer's; admins and marketers see an empty one unless they review too.
	// Employees have none.
	p, err := auth.Require(ctx, auth.RoleReviewer, auth.RoleAdmin, auth.RoleMarketer)
	if err != nil {
		return nil, err
	}
	if len(p.Groups) == 0 || !p.Has(auth.RoleReviewer) {
		return nil, nil
	}
	var afterAt time.Time
	var afterID uuid.UUID
	if after != nil {
		afterAt, afterID = after.StageStartedAt, after.PostID
	}
	return reviewQueue(ctx, s.pool, p, after != nil, afterAt, afterID, limit)
}

// ReviewQueueCount counts the posts in the caller's ReviewQueue.
func (s *Service) ReviewQueueCount(ctx context.Context) (int, error) {
	p, err := auth.Require(ctx, auth.RoleReviewer, auth.RoleAdmin, auth.RoleMarketer)
	if err != nil {
		return 0, err
	}
	if len(p.Groups) == 0 || !p.Has(auth.RoleReviewer) {
		return 0, nil
	}
	return reviewQueueCount(ctx, s.pool, p)
}

// LatestReviews returns each post's most recent review, keyed by post id (dataloader batch).
func (s *Service) LatestReviews(ctx context.Context, postIDs []uuid.UUID) (map[uuid.UUID]*Review, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := latestReviews(ctx, s.pool, p.OrgID, postIDs, reviewHistoryScope(p), p.UserID)
	if err != nil {
		return nil, err
	}
	return byKey(rs, func(r *Review) uuid.UUID { return r.PostID }), nil
}

// ReviewProgress returns the per-group progress of reviews, keyed by review id (dataloader batch).
func (s *Service) ReviewProgress(ctx context.Context, reviewIDs []uuid.UUID) (map[uuid.UUID][]GroupProgress, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	return reviewProgress(ctx, s.pool, p.OrgID, reviewIDs, reviewHistoryScope(p), p.UserID)
}

// DecisionsOf returns every decision on each post, oldest first, keyed by post id (dataloader batch).
func (s *Service) DecisionsOf(ctx context.Context, postIDs []uuid.UUID) (map[uuid.UUID][]*Decision, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := decisionsOfPosts(ctx, s.pool, p.OrgID, postIDs, reviewHistoryScope(p), p.UserID)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID][]*Decision{}
	for _, d := range ds {
		out[d.PostID] = append(out[d.PostID], d)
	}
	return out, nil
}

// CommentsOf returns every comment on each post, oldest first, keyed by post id (dataloader batch).
func (s *Service) CommentsOf(ctx context.Context, postIDs []uuid.UUID) (map[uuid.UUID][]*Comment, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	return commentsOfPosts(ctx, s.pool, p.OrgID, postIDs, reviewHistoryScope(p), p.UserID)
}

// byKey indexes items by key: the shape of a dataloader batch's answer.
func byKey[T any](items []T, key func(T) uuid.UUID) map[uuid.UUID]T {
	out := make(map[uuid.UUID]T, len(items))
	for _, it := range items {
		out[key(it)] = it
	}
	return out
}
