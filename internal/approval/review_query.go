package approval

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
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
	rows, err := s.pool.Query(ctx, `SELECT `+postgres.Prefix("p.", content.PostColumns)+`, r.id, r.current_stage, r.stage_started_at, g.groups
		FROM reviews r
		JOIN posts p ON p.id = r.post_id
		JOIN LATERAL (SELECT array_agg(group_name ORDER BY group_name) AS groups FROM review_groups
			WHERE review_id = r.id AND stage = r.current_stage AND cleared_at IS NULL AND group_name = ANY($2)) g ON g.groups IS NOT NULL
		WHERE r.org_id = $1 AND r.status = 'IN_REVIEW' AND p.author_id <> $3
		  AND NOT EXISTS (SELECT 1 FROM post_versions v WHERE v.id = r.version_id AND v.author_id = $3)
		  AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.review_id = r.id AND d.stage = r.current_stage AND d.reviewer_id = $3)
		  AND (NOT $4 OR (r.stage_started_at, p.id) > ($5, $6))
		ORDER BY r.stage_started_at, p.id
		LIMIT $7`,
		p.OrgID, p.Groups, p.UserID, after != nil, afterAt, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("review queue: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (QueueItem, error) {
		var it QueueItem
		var post content.Post
		err := r.Scan(&post.ID, &post.OrgID, &post.AuthorID, &post.State, &post.Title, &post.CurrentVersion, &post.CreatedAt, &post.UpdatedAt,
			&it.ReviewID, &it.Stage, &it.StageStartedAt, &it.Groups)
		it.Post = &post
		return it, err
	})
}

// LatestReviews returns each post's most recent review, keyed by post id (dataloader batch).
func (s *Service) LatestReviews(ctx context.Context, postIDs []uuid.UUID) (map[uuid.UUID]*Review, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (post_id) `+reviewColumns+` FROM reviews r
		WHERE org_id = $1 AND post_id = ANY($2)
		  AND ($3 OR EXISTS (SELECT 1 FROM posts p WHERE p.id = r.post_id AND p.author_id = $4))
		ORDER BY post_id, submitted_at DESC, id DESC`, p.OrgID, postIDs, reviewHistoryScope(p), p.UserID)
	if err != nil {
		return nil, fmt.Errorf("latest reviews: %w", err)
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Review, error) { return scanReview(r) })
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
	rows, err := s.pool.Query(ctx, `SELECT review_id, stage, group_name, required, approvals, cleared_at FROM review_groups g
		WHERE org_id = $1 AND review_id = ANY($2)
		  AND ($3 OR EXISTS (SELECT 1 FROM reviews r JOIN posts p ON p.id = r.post_id WHERE r.id = g.review_id AND p.author_id = $4))
		ORDER BY review_id, stage, group_name`, p.OrgID, reviewIDs, reviewHistoryScope(p), p.UserID)
	if err != nil {
		return nil, fmt.Errorf("review progress: %w", err)
	}
	defer rows.Close()
	out := map[uuid.UUID][]GroupProgress{}
	for rows.Next() {
		var id uuid.UUID
		var g GroupProgress
		if err := rows.Scan(&id, &g.Stage, &g.Group, &g.Required, &g.Approvals, &g.ClearedAt); err != nil {
			return nil, err
		}
		out[id] = append(out[id], g)
	}
	return out, rows.Err()
}

// DecisionsOf returns every decision on each post, oldest first, keyed by post id (dataloader batch).
func (s *Service) DecisionsOf(ctx context.Context, postIDs []uuid.UUID) (map[uuid.UUID][]*Decision, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+decisionColumns+` FROM decisions d WHERE org_id = $1 AND post_id = ANY($2)
		AND ($3 OR EXISTS (SELECT 1 FROM posts p WHERE p.id = d.post_id AND p.author_id = $4))
		ORDER BY created_at, id`, p.OrgID, postIDs, reviewHistoryScope(p), p.UserID)
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Decision, error) { return scanDecision(r) })
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
	rows, err := s.pool.Query(ctx, `SELECT id, org_id, post_id, version_id, author_id, body, created_at FROM comments c
		WHERE org_id = $1 AND post_id = ANY($2)
		  AND ($3 OR EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id AND p.author_id = $4))
		ORDER BY created_at, id`, p.OrgID, postIDs, reviewHistoryScope(p), p.UserID)
	if err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	defer rows.Close()
	out := map[uuid.UUID][]*Comment{}
	for rows.Next() {
		var c Comment
		if err := rows.Scan(&c.ID, &c.OrgID, &c.PostID, &c.VersionID, &c.AuthorID, &c.Body, &c.CreatedAt); err != nil {
			return nil, err
		}
		out[c.PostID] = append(out[c.PostID], &c)
	}
	return out, rows.Err()
}

// byKey indexes items by key: the shape of a dataloader batch's answer.
func byKey[T any](items []T, key func(T) uuid.UUID) map[uuid.UUID]T {
	out := make(map[uuid.UUID]T, len(items))
	for _, it := range items {
		out[key(it)] = it
	}
	return out
}
