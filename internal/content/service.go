package content

import (
	"context"
	"fmt"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Service keeps posts and their versions. Where a post stands in its review is the approval
// package's to change, through the transaction-level functions below (Lock, AddVersion,
// SetState, ...), each writing only the posts and post_versions tables.
type Service struct {
	pool    *pgxpool.Pool
	onBoard BoardAccess
}

// BoardAccess reports whether p sees the APPROVED post postID through a board in their audience.
// The boards feature answers it; app wires it in.
type BoardAccess func(ctx context.Context, db postgres.DB, p *auth.Principal, postID uuid.UUID) (bool, error)

// NewService returns the service on pool. onBoard, when not nil, lets users outside the editors
// and reviewers read an approved post that a board shows them.
func NewService(pool *pgxpool.Pool, onBoard BoardAccess) *Service {
	return &Service{pool: pool, onBoard: onBoard}
}

// Authors are the roles that write and submit any post of their organization.
var Authors = auth.Editors

// CanSee reports whether p may read post and its review: admins and marketers see every post of
// their organization, authors their own, reviewers every post that has left DRAFT. Everyone else
// is told the post does not exist.
func CanSee(p *auth.Principal, post *Post) bool {
	switch {
	case p.OrgID != post.OrgID:
		return false
	case p.Has(Authors...), post.AuthorID == p.UserID:
		return true
	case p.Has(auth.RoleReviewer):
		// Reviewer groups alone do not make a reviewer: boards use groups for audiences.
		return post.State != StateDraft
	}
	return false
}

// MayEdit reports whether p may change or submit post: its author, marketers and admins.
func MayEdit(p *auth.Principal, post *Post) bool {
	return p.Has(Authors...) || post.AuthorID == p.UserID
}

// Visible returns the post id of p's organization if p may see it (CanSee), locked for the rest of
// the transaction when forUpdate; NOT_FOUND otherwise.
func Visible(ctx context.Context, db postgres.DB, p *auth.Principal, id uuid.UUID, forUpdate bool) (*Post, error) {
	post, err := GetPost(ctx, db, p.OrgID, id, forUpdate)
	if err != nil {
		return nil, err
	}
	if !CanSee(p, post) {
		return nil, apperr.NotFoundf("post %s not found", id)
	}
	return post, nil
}

func record(ctx context.Context, tx postgres.Execer, p *auth.Principal, action string, post uuid.UUID, details map[string]any) error {
	return p.Record(ctx, tx, action, "post", post.String(), details)
}

// Create stores a new DRAFT post with its first version.
func (s *Service) Create(ctx context.Context, c Content) (*Post, error) {
	p, err := auth.Require(ctx, Authors...)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var post *Post
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		post, _, err = Insert(ctx, tx, p, c, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create post: %w", err)
	}
	return post, nil
}
