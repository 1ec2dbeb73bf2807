package content

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
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
	rows, err := s.pool.Query(ctx, `SELECT `+PostColumns+` FROM posts WHERE org_id = $1 AND id = ANY($2) AND state = 'APPROVED'`, p.OrgID, ids)
	if err != nil {
		return nil, fmt.Errorf("posts by id: %w", err)
	}
	posts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Post, error) { return ScanPost(r) })
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
	rows, err := s.pool.Query(ctx, `SELECT `+postgres.Prefix("p.", PostColumns)+`, `+postgres.Prefix("v.", versionColumns)+`
		FROM posts p JOIN post_versions v ON v.post_id = p.id AND v.number = p.current_version
		WHERE p.org_id = $1 AND p.id = ANY($2) AND p.state = 'APPROVED'`, p.OrgID, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("feed posts: %w", err)
	}
	defer rows.Close()
	posts, versions := make(map[uuid.UUID]*Post, len(ids)), make(map[uuid.UUID]*Version, len(ids))
	for rows.Next() {
		var po Post
		var v Version
		var raw []byte
		if err := rows.Scan(&po.ID, &po.OrgID, &po.AuthorID, &po.State, &po.Title, &po.CurrentVersion, &po.CreatedAt, &po.UpdatedAt,
			&v.ID, &v.OrgID, &v.PostID, &v.Number, &raw, &v.ContentHash, &v.AuthorID, &v.CreatedAt); err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(raw, &v.Content); err != nil {
			return nil, nil, fmt.Errorf("decode version %s: %w", v.ID, err)
		}
		posts[po.ID], versions[po.ID] = &po, &v
	}
	return posts, versions, rows.Err()
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
	var afterAt time.Time
	var afterID uuid.UUID
	if after != nil {
		afterAt, afterID = after.UpdatedAt, after.ID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+PostColumns+` FROM posts
		WHERE org_id = $1
		  AND ($2 OR author_id = $3 OR ($4 AND state <> 'DRAFT'))
		  AND (cardinality($5::text[]) = 0 OR state = ANY($5))
		  AND ($6::uuid IS NULL OR author_id = $6)
		  AND (NOT $7 OR (updated_at, id) < ($8, $9))
		ORDER BY updated_at DESC, id DESC
		LIMIT $10`,
		p.OrgID, all, p.UserID, reviewer, states, f.AuthorID, after != nil, afterAt, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list posts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Post, error) { return ScanPost(r) })
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
	rows, err := s.pool.Query(ctx, `SELECT `+versionColumns+` FROM post_versions WHERE org_id = $1 AND post_id = $2 ORDER BY number`, p.OrgID, post.ID)
	if err != nil {
		return nil, fmt.Errorf("versions of post %s: %w", postID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Version, error) { return scanVersion(r) })
}

// CurrentVersions returns the current version of each post (posts the caller has already been
// shown), keyed by post id: the batch behind a dataloader.
func (s *Service) CurrentVersions(ctx context.Context, postIDs []uuid.UUID) (map[uuid.UUID]*Version, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+postgres.Prefix("v.", versionColumns)+` FROM posts p
		JOIN post_versions v ON v.post_id = p.id AND v.number = p.current_version
		WHERE p.org_id = $1 AND p.id = ANY($2)`, p.OrgID, postIDs)
	if err != nil {
		return nil, fmt.Errorf("current versions: %w", err)
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Version, error) { return scanVersion(r) })
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
