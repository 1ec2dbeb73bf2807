package approval

import (
	"context"
	"fmt"

	"clearpost/internal/audit"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"

	"github.com/jackc/pgx/v5"
)

// ExpireStale voids the approval of every post approved longer ago than its organization's
// maximum content age: the post returns to DRAFT and must be approved again, and the
// Unapproved hooks take it off the boards. It returns how many posts it expired.
func (s *Service) ExpireStale(ctx context.Context) (int, error) {
	var n int
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		stale, err := content.LockStaleApproved(ctx, tx)
		if err != nil {
			return err
		}
		for _, st := range stale {
			if err := s.unapprove(ctx, tx, st.Post.ID, ReviewVoided); err != nil {
				return err
			}
			if err := content.SetState(ctx, tx, st.Post, content.StateDraft); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, audit.Event{OrgID: st.Post.OrgID, ActorEmail: "system", Action: "post.approval_expired",
				SubjectType: "post", SubjectID: st.Post.ID.String(), Details: map[string]any{"approved_at": st.ApprovedAt}}); err != nil {
				return err
			}
			if err := jobs.Enqueue(ctx, tx, st.Post.OrgID, jobs.TopicPostUnapproved, map[string]any{"post_id": st.Post.ID, "reason": "stale"}); err != nil {
				return err
			}
		}
		n = len(stale)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("expire stale approvals: %w", err)
	}
	return n, nil
}
