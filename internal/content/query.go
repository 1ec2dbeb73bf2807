package content

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"

	"github.com/google/uuid"
)

// Get returns a post the caller may see: as its author, an editor or a reviewer, or because it is
// APPROVED and on a board whose audience includes them.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Post, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	post, err := GetPost(ctx, s.pool, p.OrgID, id, false)
	if err != nil {
		return nil, err
	}
	if CanSee(p, post) {
		return post, nil
	}
	if post.State == StateApproved && s.onBoard != nil {
		if ok, err := s.onBoard(ctx, s.pool, p, post.ID); err != nil || ok {
			return post, err
		}
	}
	return nil, apperr.NotFoundf("post %s not found", id)
}

// PostsByIDs returns the APPROVED posts among ids, keyed by id, for a feed or search the caller
// was already scoped to (dataloader batch).
func (s *Service) PostsByIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*Post, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	posts, err := postsByIDs(ctx, s.pool, p.OrgID, ids)
	if err != nil {
		return nil, err
	}
	return byKey(posts, func(po *Post) uuid.UUID { return po.ID }), nil
}

// FeedPosts returns the APPROVED posts among ids with their current versions, in one query, for a
// feed the caller was already scoped to.
func (s *Service) FeedPosts(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*Post, map[uuid.UUID]*Version, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, nil, err
	}
	return feedPosts(ctx, s.pool, p.OrgID, ids)
}

// PostFilter narrows List.
type PostFilter struct {
	States   []State
	AuthorID *uuid.UUID
}

// PostCursor is the keyset position of a post in List's order (newest change first).
type PostCursor struct {
	UpdatedAt time.Time `json:"u"`
	ID        uuid.UUID `json:"i"`
}

// List returns up to limit posts the caller may see, most recently changed first, after cursor.
func (s *Service) List(ctx context.Context, f PostFilter, after *PostCursor, limit int) ([]*Post, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	for i, st := range f.States {
		if !st.Valid() {
			return nil, apperr.Invalidf(fmt.Sprintf("filter.states[%d]", i), "%q is not a post state", st)
		}
	}
	states := make([]string, len(f.States))
	for i, st := range f.States {
		states[i] = string(st)
	}
	// Visibility, as canSee: authors-in-chief see all, reviewers what left DRAFT, others their own.
	all, reviewer := p.Has(Authors...), p.Has(auth.RoleReviewer)
	return listPosts(ctx, s.pool, p.OrgID, p.UserID, all, reviewer, states, f.AuthorID, after, limit)
}

// Valid reports whether st is a known state.
func (st State) Valid() bool {
	switch st {
	case StateDraft, StateInReview, StateChangesRequested, StateApproved, StateRejected:
		return true
	}
	return false
}

// Version returns version number of a post the caller may see (0: the current one).
func (s *Service) Version(ctx context.Context, postID uuid.UUID, number int) (*Version, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	post, err := Visible(ctx, s.pool, p, postID, false)
	if err != nil {
		return nil, err
	}
	if number == 0 {
		number = post.CurrentVersion
	}
	return GetVersion(ctx, s.pool, p.OrgID, post.ID, number)
}

// Versions returns every version of a post the caller may see, oldest first.
func (s *Service) Versions(ctx context.Context, postID uuid.UUID) ([]*Version, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	post, err := Visible(ctx, s.pool, p, postID, false)
	if err != nil {
		return nil, err
	}
	return versionsOf(ctx, s.pool, p.OrgID, post.ID)
}

// CurrentVersions returns the current version of each post (posts the caller has already been
// shown), keyed by post id: the batch behind a dataloader.
func (s *Service) CurrentVersions(ctx context.Context, postIDs []uuid.UUID) (map[uuid.UUID]*Version, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	vs, err := currentVersions(ctx, s.pool, p.OrgID, postIDs)
	if err != nil {
		return nil, err
	}
	return byKey(vs, func(v *Version) uuid.UUID { return v.PostID }), nil
}

// byKey indexes items by key: the shape of a dataloader batch's answer.
func byKey[T any](items []T, key func(T) uuid.UUID) map[uuid.UUID]T {
	out := make(map[uuid.UUID]T, len(items))
	for _, it := range items {
		out[key(it)] = it
	}
	return out
}
