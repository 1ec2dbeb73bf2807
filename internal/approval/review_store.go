package approval

import (
	"encoding/json"
	"fmt"
	"time"

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
