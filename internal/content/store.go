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

// PostColumns are the posts columns ScanPost reads, in its order.
const PostColumns = `id, org_id, author_id, state, title, current_version, created_at, updated_at`

const (
	selectPost = `SELECT ` + PostColumns + ` FROM posts WHERE org_id = $1 AND id = $2`
	lockPost   = selectPost + ` FOR UPDATE`
)

// ScanPost reads a row of PostColumns.
func ScanPost(row pgx.Row) (*Post, error) { return scanPostAnd(row) }

// scanPostAnd reads a row of PostColumns followed by the columns read into extra.
func scanPostAnd(row pgx.Row, extra ...any) (*Post, error) {
	var p Post
	dest := append([]any{&p.ID, &p.OrgID, &p.AuthorID, &p.State, &p.Title, &p.CurrentVersion, &p.CreatedAt, &p.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &p, nil
}

// GetPost returns post id of org, locked for the rest of the transaction when forUpdate.
func GetPost(ctx context.Context, db postgres.DB, org, id uuid.UUID, forUpdate bool) (*Post, error) {
	q := selectPost
	if forUpdate {
		q = lockPost
	}
	p, err := ScanPost(db.QueryRow(ctx, q, org, id))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("post %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get post %s: %w", id, err)
	}
	return p, nil
}

const versionColumns = `id, org_id, post_id, number, content, content_hash, author_id, created_at`

func scanVersion(row pgx.Row) (*Version, error) {
	var v Version
	var raw []byte
	if err := row.Scan(&v.ID, &v.OrgID, &v.PostID, &v.Number, &raw, &v.ContentHash, &v.AuthorID, &v.CreatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &v.Content); err != nil {
		return nil, fmt.Errorf("decode version %s: %w", v.ID, err)
	}
	return &v, nil
}

// GetVersion returns version number of a post of org.
func GetVersion(ctx context.Context, db postgres.DB, org, post uuid.UUID, number int) (*Version, error) {
	v, err := scanVersion(db.QueryRow(ctx, `SELECT `+versionColumns+` FROM post_versions
		WHERE org_id = $1 AND post_id = $2 AND number = $3`, org, post, number))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("post %s has no version %d", post, number)
	}
	if err != nil {
		return nil, fmt.Errorf("get version %d of post %s: %w", number, post, err)
	}
	return v, nil
}

// versionColumnsOf is versionColumns qualified by the alias v.
const versionColumnsOf = `v.id, v.org_id, v.post_id, v.number, v.content, v.content_hash, v.author_id, v.created_at`

func insertVersion(ctx context.Context, tx pgx.Tx, post *Post, number int, c Content, author uuid.UUID) (*Version, error) {
	c = c.Normalize()
	return scanVersion(tx.QueryRow(ctx, `INSERT INTO post_versions (org_id, post_id, number, content, content_hash, author_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+versionColumns,
		post.OrgID, post.ID, number, c.Canonical(), c.Hash(), author))
}

// Insert stores a new DRAFT post by p with c as its first version, and audits it with details
// added to the event. c must be valid.
func Insert(ctx context.Context, tx pgx.Tx, p *auth.Principal, c Content, details map[string]any) (*Post, *Version, error) {
	c = c.Normalize()
	post, err := ScanPost(tx.QueryRow(ctx, `INSERT INTO posts (org_id, author_id, title) VALUES ($1, $2, $3) RETURNING `+PostColumns,
		p.OrgID, p.UserID, c.Title))
	if err != nil {
		return nil, nil, err
	}
	v, err := insertVersion(ctx, tx, post, 1, c, p.UserID)
	if err != nil {
		return nil, nil, err
	}
	event := map[string]any{"version": 1, "content_hash": v.ContentHash}
	for k, val := range details {
		event[k] = val
	}
	return post, v, record(ctx, tx, p, "post.created", post.ID, event)
}

// AddVersion saves c, which must be valid, as the next version of post (locked by the caller),
// and audits the change. It returns the version that was current and the new one; new is nil when
// c is the current content (nothing is written).
func AddVersion(ctx context.Context, tx pgx.Tx, p *auth.Principal, post *Post, c Content) (cur, next *Version, err error) {
	c = c.Normalize()
	cur, err = GetVersion(ctx, tx, p.OrgID, post.ID, post.CurrentVersion)
	if err != nil {
		return nil, nil, err
	}
	if cur.ContentHash == c.Hash() {
		return cur, nil, nil
	}
	next, err = insertVersion(ctx, tx, post, post.CurrentVersion+1, c, p.UserID)
	if err != nil {
		return nil, nil, err
	}
	post.CurrentVersion, post.Title = next.Number, c.Title
	if _, err := tx.Exec(ctx, `UPDATE posts SET current_version = $2, title = $3, updated_at = now() WHERE id = $1`,
		post.ID, next.Number, c.Title); err != nil {
		return nil, nil, err
	}
	return cur, next, record(ctx, tx, p, "post.updated", post.ID, map[string]any{
		"version": next.Number, "content_hash": next.ContentHash,
		"previous_version": cur.Number, "previous_content_hash": cur.ContentHash,
		"changed": ChangedFields(cur.Content, next.Content),
	})
}

// SetState moves post to state to.
func SetState(ctx context.Context, w postgres.Execer, post *Post, to State) error {
	_, err := w.Exec(ctx, `UPDATE posts SET state = $2, updated_at = now() WHERE id = $1`, post.ID, to)
	post.State = to
	return err
}

// MarkApproved moves post to APPROVED, stamping when.
func MarkApproved(ctx context.Context, w postgres.Execer, post *Post) error {
	_, err := w.Exec(ctx, `UPDATE posts SET state = 'APPROVED', approved_at = now(), updated_at = now() WHERE id = $1`, post.ID)
	post.State = StateApproved
	return err
}

// Touch records that post changed without a change of its own (its review moved on).
func Touch(ctx context.Context, w postgres.Execer, postID uuid.UUID) error {
	_, err := w.Exec(ctx, `UPDATE posts SET updated_at = now() WHERE id = $1`, postID)
	return err
}

// StaleApproval is an APPROVED post whose approval is older than its organization allows.
type StaleApproval struct {
	Post       *Post
	ApprovedAt time.Time
}

const lockStaleApproved = `SELECT ` + postColumnsOf + `, p.approved_at
	FROM posts p JOIN organizations o ON o.id = p.org_id
	WHERE o.max_content_age_days IS NOT NULL AND p.state = 'APPROVED'
	  AND p.approved_at < now() - make_interval(days => o.max_content_age_days)
	ORDER BY p.approved_at
	FOR UPDATE OF p SKIP LOCKED`

// postColumnsOf is PostColumns qualified by the alias p.
const postColumnsOf = `p.id, p.org_id, p.author_id, p.state, p.title, p.current_version, p.created_at, p.updated_at`

// LockStaleApproved locks and returns, across organizations, the APPROVED posts approved longer
// ago than their organization's maximum content age. Posts another transaction holds are left
// for the next sweep.
func LockStaleApproved(ctx context.Context, db postgres.DB) ([]StaleApproval, error) {
	rows, err := db.Query(ctx, lockStaleApproved)
	if err != nil {
		return nil, fmt.Errorf("stale approvals: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (StaleApproval, error) {
		var s StaleApproval
		var err error
		s.Post, err = scanPostAnd(r, &s.ApprovedAt)
		return s, err
	})
}

// postsByIDs returns org's APPROVED posts among ids.
func postsByIDs(ctx context.Context, db postgres.DB, org uuid.UUID, ids []uuid.UUID) ([]*Post, error) {
	rows, err := db.Query(ctx, `SELECT `+PostColumns+` FROM posts WHERE org_id = $1 AND id = ANY($2) AND state = 'APPROVED'`, org, ids)
	if err != nil {
		return nil, fmt.Errorf("posts by id: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Post, error) { return ScanPost(r) })
}

// feedPosts returns org's APPROVED posts among ids and their current versions, keyed by post id.
func feedPosts(ctx context.Context, db postgres.DB, org uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]*Post, map[uuid.UUID]*Version, error) {
	rows, err := db.Query(ctx, `SELECT `+postColumnsOf+`, `+versionColumnsOf+`
		FROM posts p JOIN post_versions v ON v.post_id = p.id AND v.number = p.current_version
		WHERE p.org_id = $1 AND p.id = ANY($2) AND p.state = 'APPROVED'`, org, ids)
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

// listPosts returns up to limit of org's posts, most recently changed first, after cursor: all of
// them when all is set, else user's and, for a reviewer, those out of DRAFT; only those in states
// (any, when empty) and by author (anyone's, when nil).
func listPosts(ctx context.Context, db postgres.DB, org, user uuid.UUID, all, reviewer bool, states []string, author *uuid.UUID, after *PostCursor, limit int) ([]*Post, error) {
	var afterAt time.Time
	var afterID uuid.UUID
	if after != nil {
		afterAt, afterID = after.UpdatedAt, after.ID
	}
	rows, err := db.Query(ctx, `SELECT `+PostColumns+` FROM posts
		WHERE org_id = $1
		  AND ($2 OR author_id = $3 OR ($4 AND state <> 'DRAFT'))
		  AND (cardinality($5::text[]) = 0 OR state = ANY($5))
		  AND ($6::uuid IS NULL OR author_id = $6)
		  AND (NOT $7 OR (updated_at, id) < ($8, $9))
		ORDER BY updated_at DESC, id DESC
		LIMIT $10`,
		org, all, user, reviewer, states, author, after != nil, afterAt, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list posts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Post, error) { return ScanPost(r) })
}

// versionsOf returns every version of post of org, oldest first.
func versionsOf(ctx context.Context, db postgres.DB, org, post uuid.UUID) ([]*Version, error) {
	rows, err := db.Query(ctx, `SELECT `+versionColumns+` FROM post_versions WHERE org_id = $1 AND post_id = $2 ORDER BY number`, org, post)
	if err != nil {
		return nil, fmt.Errorf("versions of post %s: %w", post, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Version, error) { return scanVersion(r) })
}

// currentVersions returns the current version of each of org's posts among posts.
func currentVersions(ctx context.Context, db postgres.DB, org uuid.UUID, posts []uuid.UUID) ([]*Version, error) {
	rows, err := db.Query(ctx, `SELECT `+versionColumnsOf+` FROM posts p
		JOIN post_versions v ON v.post_id = p.id AND v.number = p.current_version
		WHERE p.org_id = $1 AND p.id = ANY($2)`, org, posts)
	if err != nil {
		return nil, fmt.Errorf("current versions: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Version, error) { return scanVersion(r) })
}
