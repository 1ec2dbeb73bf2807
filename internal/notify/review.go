package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"clearpost/internal/approval"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// reviewInfo is a review as notifications need it.
type reviewInfo struct {
	id             uuid.UUID
	org            uuid.UUID
	postID         uuid.UUID
	status         string
	stage          int // the current stage, from 1
	stageStartedAt time.Time
	plan           approval.Plan
	postTitle      string
	authors        []uuid.UUID // the post's author and the reviewed version's: never asked to review it
}

// stagePlan returns stage n of the plan (from 1), or false.
func (r *reviewInfo) stagePlan(n int) (approval.PlanStage, bool) {
	if n < 1 || n > len(r.plan.Stages) {
		return approval.PlanStage{}, false
	}
	return r.plan.Stages[n-1], true
}

// stageLabel is "stage 2 of 3 (Brand)".
func (r *reviewInfo) stageLabel(n int) string {
	st, _ := r.stagePlan(n)
	label := fmt.Sprintf("stage %d of %d", n, len(r.plan.Stages))
	if st.Name != "" {
		label += " (" + st.Name + ")"
	}
	return label
}

// loadReview reads review id of org. A review of another organization is an error of no rows
// (postgres.NoRows).
func loadReview(ctx context.Context, db postgres.DB, org, id uuid.UUID) (*reviewInfo, error) {
	const q = `SELECT r.id, r.org_id, r.post_id, r.status, r.current_stage, r.stage_started_at, r.plan, p.title, p.author_id, v.author_id
		FROM reviews r JOIN posts p ON p.id = r.post_id JOIN post_versions v ON v.id = r.version_id
		WHERE r.org_id = $1 AND r.id = $2`
	var r reviewInfo
	var author, versionAuthor uuid.UUID
	err := db.QueryRow(ctx, q, org, id).Scan(&r.id, &r.org, &r.postID, &r.status, &r.stage, &r.stageStartedAt, &r.plan,
		&r.postTitle, &author, &versionAuthor)
	if err != nil {
		if postgres.NoRows(err) {
			return nil, err
		}
		return nil, fmt.Errorf("load review %s: %w", id, err)
	}
	r.authors = uniqueIDs([]uuid.UUID{author, versionAuthor})
	return &r, nil
}

// awaited returns the reviewers still awaited at stage n of r: active REVIEWER users of a group of
// the stage that has not cleared, who have not decided at this stage and are not the post's
// authors; and the names of those groups.
func awaited(ctx context.Context, db postgres.DB, r *reviewInfo, n int) ([]uuid.UUID, []string, error) {
	rows, err := db.Query(ctx, `SELECT u.id FROM users u
		WHERE u.org_id = $1 AND u.active AND 'REVIEWER' = ANY(u.claim_roles || u.roles) AND u.id <> ALL($4)
		  AND EXISTS (SELECT 1 FROM review_groups g WHERE g.review_id = $2 AND g.stage = $3 AND g.cleared_at IS NULL
			AND g.group_name = ANY(u.claim_groups || u.groups))
		  AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.review_id = $2 AND d.stage = $3 AND d.reviewer_id = u.id)
		ORDER BY u.id`, r.org, r.id, n, r.authors)
	if err != nil {
		return nil, nil, fmt.Errorf("awaited reviewers: %w", err)
	}
	users, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, nil, fmt.Errorf("awaited reviewers: %w", err)
	}
	rows, err = db.Query(ctx, `SELECT group_name FROM review_groups WHERE review_id = $1 AND stage = $2 AND cleared_at IS NULL
		ORDER BY group_name`, r.id, n)
	if err != nil {
		return nil, nil, fmt.Errorf("awaited groups: %w", err)
	}
	groups, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, fmt.Errorf("awaited groups: %w", err)
	}
	return users, groups, nil
}

// groupMembers returns the active users of org in group, whatever their roles, except those
// listed.
func groupMembers(ctx context.Context, db postgres.DB, org uuid.UUID, group string, except []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := db.Query(ctx, `SELECT id FROM users
		WHERE org_id = $1 AND active AND $2 = ANY(claim_groups || groups) AND id <> ALL($3) ORDER BY id`, org, group, except)
	if err != nil {
		return nil, fmt.Errorf("members of group %s: %w", group, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// roleMembers returns the active users of org holding role.
func roleMembers(ctx context.Context, db postgres.DB, org uuid.UUID, role string) ([]uuid.UUID, error) {
	rows, err := db.Query(ctx, `SELECT id FROM users WHERE org_id = $1 AND active AND $2 = ANY(claim_roles || roles) ORDER BY id`, org, role)
	if err != nil {
		return nil, fmt.Errorf("users with role %s: %w", role, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// postTitle is how messages name a post.
func postTitle(title string) string {
	if t := strings.TrimSpace(title); t != "" {
		return t
	}
	return "Untitled post"
}

// formatTime is how messages give a deadline.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// listGroups is "legal and brand".
func listGroups(groups []string) string {
	switch len(groups) {
	case 0:
		return "no group"
	case 1:
		return groups[0]
	}
	return strings.Join(groups[:len(groups)-1], ", ") + " and " + groups[len(groups)-1]
}
