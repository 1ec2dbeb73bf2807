package advocacy

import (
	"context"
	"fmt"

	"clearpost/internal/apperr"
	"clearpost/internal/audit"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

const shareColumns = `id, org_id, user_id, post_id, version_id, content_hash, network, text, edited, status,
	status_reason, code, destination, campaign, schedule_at, approval_post_id, external_id, external_url,
	clicks, created_at, updated_at, shared_at, published_at`

func scanShare(row pgx.Row) (*Share, error) { return scanShareWith(row) }

// scanShareWith scans a share followed by extra columns.
func scanShareWith(row pgx.Row, extra ...any) (*Share, error) {
	var s Share
	var code *string
	err := row.Scan(append([]any{&s.ID, &s.OrgID, &s.UserID, &s.PostID, &s.VersionID, &s.ContentHash, &s.Network, &s.Text,
		&s.Edited, &s.Status, &s.StatusReason, &code, &s.Destination, &s.Campaign, &s.ScheduleAt, &s.ApprovalPostID,
		&s.ExternalID, &s.ExternalURL, &s.Clicks, &s.CreatedAt, &s.UpdatedAt, &s.SharedAt, &s.PublishedAt}, extra...)...)
	if err != nil {
		return nil, err
	}
	if code != nil {
		s.Code = *code
	}
	return &s, nil
}

func collectShares(rows pgx.Rows, err error) ([]*Share, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Share, error) { return scanShare(r) })
}

const (
	selectShare = `SELECT ` + shareColumns + ` FROM shares WHERE org_id = $1 AND id = $2`
	lockShare   = selectShare + ` FOR UPDATE`
)

// getShare reads a share of org.
func getShare(ctx context.Context, db postgres.DB, org, id uuid.UUID, forUpdate bool) (*Share, error) {
	q := selectShare
	if forUpdate {
		q = lockShare
	}
	s, err := scanShare(db.QueryRow(ctx, q, org, id))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("share %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get share %s: %w", id, err)
	}
	return s, nil
}

// setStatus moves a share to status with reason.
func setStatus(ctx context.Context, db postgres.Execer, s *Share, status Status, reason string) error {
	_, err := db.Exec(ctx, `UPDATE shares SET status = $2, status_reason = $3, claimed_until = NULL, updated_at = now(),
		shared_at = CASE WHEN $2 IN ('OPENED', 'PUBLISHED') THEN coalesce(shared_at, now()) END
		WHERE id = $1`, s.ID, status, reason)
	if err != nil {
		return fmt.Errorf("share %s to %s: %w", s.ID, status, err)
	}
	s.Status, s.StatusReason = status, reason
	return nil
}

// recordSystem writes an audit event of a change the workers made (no actor), on behalf of the
// share's employee.
func recordSystem(ctx context.Context, db postgres.Execer, s *Share, action string, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	details["on_behalf_of"] = s.UserID
	details["post_id"] = s.PostID
	return audit.Record(ctx, db, audit.Event{
		OrgID: s.OrgID, Action: action, SubjectType: "share", SubjectID: s.ID.String(), Details: details,
	})
}
