package approval

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ReviewStatus is where one submission stands.
type ReviewStatus string

const (
	ReviewInReview         ReviewStatus = "IN_REVIEW"
	ReviewApproved         ReviewStatus = "APPROVED"
	ReviewChangesRequested ReviewStatus = "CHANGES_REQUESTED"
	ReviewRejected         ReviewStatus = "REJECTED"
	ReviewWithdrawn        ReviewStatus = "WITHDRAWN"
	ReviewVoided           ReviewStatus = "VOIDED" // the approved content was edited
)

// Review is one submission of one version, with its frozen plan.
type Review struct {
	ID             uuid.UUID
	OrgID          uuid.UUID
	PostID         uuid.UUID
	VersionID      uuid.UUID
	ContentHash    string
	Plan           Plan
	Status         ReviewStatus
	CurrentStage   int // 1-based
	StageStartedAt time.Time
	SubmittedBy    uuid.UUID
	SubmittedAt    time.Time
	ClosedAt       *time.Time
}

const reviewColumns = `id, org_id, post_id, version_id, content_hash, plan, status, current_stage, stage_started_at,
	submitted_by, submitted_at, closed_at`

func scanReview(row pgx.Row) (*Review, error) { return scanReviewWith(row) }

// scanReviewWith scans a review followed by extra columns.
func scanReviewWith(row pgx.Row, extra ...any) (*Review, error) {
	var r Review
	var plan []byte
	err := row.Scan(append([]any{&r.ID, &r.OrgID, &r.PostID, &r.VersionID, &r.ContentHash, &plan, &r.Status, &r.CurrentStage,
		&r.StageStartedAt, &r.SubmittedBy, &r.SubmittedAt, &r.ClosedAt}, extra...)...)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(plan, &r.Plan); err != nil {
		return nil, fmt.Errorf("decode plan of review %s: %w", r.ID, err)
	}
	return &r, nil
}

// GroupProgress is how far one group of one stage has come.
type GroupProgress struct {
	Stage     int
	Group     string
	Required  int
	Approvals int
	ClearedAt *time.Time
}

// DecisionKind is a reviewer's verdict.
type DecisionKind string

const (
	Approve        DecisionKind = "APPROVE"
	RequestChanges DecisionKind = "REQUEST_CHANGES"
	Reject         DecisionKind = "REJECT"
)

// Decision is a reviewer's verdict on one version, bound to its content hash.
type Decision struct {
	ID          uuid.UUID
	OrgID       uuid.UUID
	ReviewID    uuid.UUID
	PostID      uuid.UUID
	VersionID   uuid.UUID
	ContentHash string
	Stage       int
	Groups      []string
	ReviewerID  uuid.UUID
	Kind        DecisionKind
	Comment     string
	CreatedAt   time.Time
}

const decisionColumns = `id, org_id, review_id, post_id, version_id, content_hash, stage, groups, reviewer_id, kind, comment, created_at`

func scanDecision(row pgx.Row) (*Decision, error) {
	var d Decision
	err := row.Scan(&d.ID, &d.OrgID, &d.ReviewID, &d.PostID, &d.VersionID, &d.ContentHash, &d.Stage, &d.Groups,
		&d.ReviewerID, &d.Kind, &d.Comment, &d.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// Comment is a remark on a post version.
type Comment struct {
	ID        uuid.UUID
	OrgID     uuid.UUID
	PostID    uuid.UUID
	VersionID uuid.UUID
	AuthorID  uuid.UUID
	Body      string
	CreatedAt time.Time
}

// The review's SQL, and the small functions that run it.

func insertReview(ctx context.Context, tx pgx.Tx, org, post uuid.UUID, v *content.Version, plan Plan, by uuid.UUID) (*Review, error) {
	r, err := scanReview(tx.QueryRow(ctx, `INSERT INTO reviews (org_id, post_id, version_id, content_hash, plan, submitted_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+reviewColumns, org, post, v.ID, v.ContentHash, plan, by))
	return r, postgres.MapError(err)
}

// reviewGroup is one group's quorum at one stage of a new review.
type reviewGroup struct {
	stage    int
	group    string
	required int
}

// insertReviewGroups stores the groups of review in one round trip.
func insertReviewGroups(ctx context.Context, tx pgx.Tx, review, org uuid.UUID, groups []reviewGroup) error {
	batch := &pgx.Batch{}
	for _, g := range groups {
		batch.Queue(`INSERT INTO review_groups (review_id, org_id, stage, group_name, required) VALUES ($1, $2, $3, $4, $5)`,
			review, org, g.stage, g.group, g.required)
	}
	return tx.SendBatch(ctx, batch).Close()
}

// closeApprovedReview closes postID's approved review as status.
func closeApprovedReview(ctx context.Context, w postgres.Execer, postID uuid.UUID, status ReviewStatus) error {
	_, err := w.Exec(ctx, `UPDATE reviews SET status = $2, closed_at = now() WHERE post_id = $1 AND status = 'APPROVED'`, postID, status)
	return err
}

// withdrawOpenReview closes postID's review in progress as WITHDRAWN.
func withdrawOpenReview(ctx context.Context, tx pgx.Tx, postID uuid.UUID) error {
	_, err := tx.Exec(ctx, `UPDATE reviews SET status = 'WITHDRAWN', closed_at = now()
		WHERE post_id = $1 AND status = 'IN_REVIEW'`, postID)
	return err
}

func setReviewStatus(ctx context.Context, w postgres.Execer, id uuid.UUID, status ReviewStatus) error {
	_, err := w.Exec(ctx, `UPDATE reviews SET status = $2, closed_at = now() WHERE id = $1`, id, status)
	return err
}

// startStage moves review id to stage.
func startStage(ctx context.Context, w postgres.Execer, id uuid.UUID, stage int) error {
	_, err := w.Exec(ctx, `UPDATE reviews SET current_stage = $2, stage_started_at = now() WHERE id = $1`, id, stage)
	return err
}

func approveReview(ctx context.Context, w postgres.Execer, id uuid.UUID) error {
	_, err := w.Exec(ctx, `UPDATE reviews SET status = 'APPROVED', closed_at = now() WHERE id = $1`, id)
	return err
}

// lockForDecision locks the post and reads its open review, the author of the version under
// review, and which of the caller's groups are still awaited at its current stage: two statements
// in one round trip, the second run after the lock is held.
func lockForDecision(ctx context.Context, tx pgx.Tx, p *auth.Principal, id uuid.UUID) (*content.Post, *Review, uuid.UUID, []string, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT `+content.PostColumns+` FROM posts WHERE org_id = $1 AND id = $2 FOR UPDATE`, p.OrgID, id)
	b.Queue(`SELECT r.id, r.org_id, r.post_id, r.version_id, r.content_hash, r.plan, r.status, r.current_stage, r.stage_started_at,
			r.submitted_by, r.submitted_at, r.closed_at, v.author_id,
			ARRAY(SELECT group_name FROM review_groups g WHERE g.review_id = r.id AND g.stage = r.current_stage
				AND g.cleared_at IS NULL AND g.group_name = ANY($3) ORDER BY group_name)
		FROM reviews r JOIN post_versions v ON v.id = r.version_id
		WHERE r.org_id = $1 AND r.post_id = $2 AND r.status IN ('IN_REVIEW', 'APPROVED')`, p.OrgID, id, p.Groups)
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	post, err := content.ScanPost(br.QueryRow())
	if postgres.NoRows(err) || (err == nil && !content.CanSee(p, post)) {
		return nil, nil, uuid.Nil, nil, apperr.NotFoundf("post %s not found", id)
	}
	if err != nil {
		return nil, nil, uuid.Nil, nil, fmt.Errorf("lock post %s: %w", id, err)
	}
	var author uuid.UUID
	var awaited []string
	review, err := scanReviewWith(br.QueryRow(), &author, &awaited)
	if postgres.NoRows(err) {
		return post, nil, uuid.Nil, nil, nil
	}
	if err != nil {
		return nil, nil, uuid.Nil, nil, fmt.Errorf("open review of post %s: %w", id, err)
	}
	return post, review, author, awaited, nil
}

// insertDecision records p's decision kind on stage of review of post and, for an approval, counts it
// toward groups. It returns the decision and how many groups of the stage are still open. The
// outer SELECT sees review_groups as they were before the UPDATE: the stage is open if a group was
// open and this approval did not clear it.
func insertDecision(ctx context.Context, tx pgx.Tx, p *auth.Principal, post uuid.UUID, review *Review, stage int, groups []string, kind DecisionKind, comment string) (*Decision, int, error) {
	var open int
	d := &Decision{}
	err := tx.QueryRow(ctx, `WITH d AS (
			INSERT INTO decisions (org_id, review_id, post_id, version_id, content_hash, stage, groups, reviewer_id, kind, comment)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING `+decisionColumns+`),
		counted AS (
			UPDATE review_groups SET approvals = approvals + 1,
				cleared_at = CASE WHEN approvals + 1 >= required THEN now() END
			WHERE $9 = 'APPROVE' AND review_id = $2 AND stage = $6 AND group_name = ANY($7) AND cleared_at IS NULL
			RETURNING group_name, cleared_at)
		SELECT d.*, (SELECT count(*) FROM review_groups g
			WHERE g.review_id = $2 AND g.stage = $6 AND g.cleared_at IS NULL
			  AND NOT EXISTS (SELECT 1 FROM counted c WHERE c.group_name = g.group_name AND c.cleared_at IS NOT NULL))
		FROM d`,
		p.OrgID, review.ID, post, review.VersionID, review.ContentHash, stage, groups, p.UserID, kind, comment).
		Scan(&d.ID, &d.OrgID, &d.ReviewID, &d.PostID, &d.VersionID, &d.ContentHash, &d.Stage, &d.Groups,
			&d.ReviewerID, &d.Kind, &d.Comment, &d.CreatedAt, &open)
	if err != nil {
		return nil, 0, postgres.MapError(err)
	}
	return d, open, nil
}

// insertComment adds author's body on post's current version.
func insertComment(ctx context.Context, tx pgx.Tx, org uuid.UUID, post *content.Post, author uuid.UUID, body string) (*Comment, error) {
	var c Comment
	err := tx.QueryRow(ctx, `INSERT INTO comments (org_id, post_id, version_id, author_id, body)
		SELECT $1, $2, v.id, $4, $5 FROM post_versions v WHERE v.post_id = $2 AND v.number = $3
		RETURNING id, org_id, post_id, version_id, author_id, body, created_at`,
		org, post.ID, post.CurrentVersion, author, body).
		Scan(&c.ID, &c.OrgID, &c.PostID, &c.VersionID, &c.AuthorID, &c.Body, &c.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// queueSQL is what awaits reviewer $3 of org $1 in groups $2: reviews IN_REVIEW whose current
// stage waits on one of the groups, on posts the reviewer did not write (nor the version under
// review), not yet decided by them at this stage.
const queueSQL = `
		FROM reviews r
		JOIN posts p ON p.id = r.post_id
		JOIN LATERAL (SELECT array_agg(group_name ORDER BY group_name) AS groups FROM review_groups
			WHERE review_id = r.id AND stage = r.current_stage AND cleared_at IS NULL AND group_name = ANY($2)) g ON g.groups IS NOT NULL
		WHERE r.org_id = $1 AND r.status = 'IN_REVIEW' AND p.author_id <> $3
		  AND NOT EXISTS (SELECT 1 FROM post_versions v WHERE v.id = r.version_id AND v.author_id = $3)
		  AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.review_id = r.id AND d.stage = r.current_stage AND d.reviewer_id = $3)`

// reviewQueueCount counts what awaits p.
func reviewQueueCount(ctx context.Context, db postgres.DB, p *auth.Principal) (int, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*)`+queueSQL, p.OrgID, p.Groups, p.UserID).Scan(&n); err != nil {
		return 0, fmt.Errorf("review queue count: %w", err)
	}
	return n, nil
}

// reviewQueue runs ReviewQueue's statement for p: hasAfter says whether (afterAt, afterID) is a
// keyset position to read after.
func reviewQueue(ctx context.Context, db postgres.DB, p *auth.Principal, hasAfter bool, afterAt time.Time, afterID uuid.UUID, limit int) ([]QueueItem, error) {
	rows, err := db.Query(ctx, `SELECT p.id, p.org_id, p.author_id, p.state, p.title, p.current_version, p.created_at, p.updated_at,
			r.id, r.current_stage, r.stage_started_at, g.groups`+queueSQL+`
		  AND (NOT $4 OR (r.stage_started_at, p.id) > ($5, $6))
		ORDER BY r.stage_started_at, p.id
		LIMIT $7`,
		p.OrgID, p.Groups, p.UserID, hasAfter, afterAt, afterID, limit)
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

// The review history below is org's, all of it when all is set, else only that of posts by user.

// latestReviews returns each of posts' most recent review.
func latestReviews(ctx context.Context, db postgres.DB, org uuid.UUID, posts []uuid.UUID, all bool, user uuid.UUID) ([]*Review, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT ON (post_id) `+reviewColumns+` FROM reviews r
		WHERE org_id = $1 AND post_id = ANY($2)
		  AND ($3 OR EXISTS (SELECT 1 FROM posts p WHERE p.id = r.post_id AND p.author_id = $4))
		ORDER BY post_id, submitted_at DESC, id DESC`, org, posts, all, user)
	if err != nil {
		return nil, fmt.Errorf("latest reviews: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Review, error) { return scanReview(r) })
}

// reviewProgress returns the per-group progress of reviews, keyed by review id.
func reviewProgress(ctx context.Context, db postgres.DB, org uuid.UUID, reviews []uuid.UUID, all bool, user uuid.UUID) (map[uuid.UUID][]GroupProgress, error) {
	rows, err := db.Query(ctx, `SELECT review_id, stage, group_name, required, approvals, cleared_at FROM review_groups g
		WHERE org_id = $1 AND review_id = ANY($2)
		  AND ($3 OR EXISTS (SELECT 1 FROM reviews r JOIN posts p ON p.id = r.post_id WHERE r.id = g.review_id AND p.author_id = $4))
		ORDER BY review_id, stage, group_name`, org, reviews, all, user)
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

// decisionsOfPosts returns every decision on posts, oldest first.
func decisionsOfPosts(ctx context.Context, db postgres.DB, org uuid.UUID, posts []uuid.UUID, all bool, user uuid.UUID) ([]*Decision, error) {
	rows, err := db.Query(ctx, `SELECT `+decisionColumns+` FROM decisions d WHERE org_id = $1 AND post_id = ANY($2)
		AND ($3 OR EXISTS (SELECT 1 FROM posts p WHERE p.id = d.post_id AND p.author_id = $4))
		ORDER BY created_at, id`, org, posts, all, user)
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Decision, error) { return scanDecision(r) })
}

// commentsOfPosts returns every comment on posts, oldest first, keyed by post id.
func commentsOfPosts(ctx context.Context, db postgres.DB, org uuid.UUID, posts []uuid.UUID, all bool, user uuid.UUID) (map[uuid.UUID][]*Comment, error) {
	rows, err := db.Query(ctx, `SELECT id, org_id, post_id, version_id, author_id, body, created_at FROM comments c
		WHERE org_id = $1 AND post_id = ANY($2)
		  AND ($3 OR EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id AND p.author_id = $4))
		ORDER BY created_at, id`, org, posts, all, user)
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
