package approval

import (
	"context"
	"fmt"
	"slices"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ShareTag marks posts that carry an employee's edited share text through review.
const ShareTag = "employee-share"

// SubmitShareText routes an employee's edit of an approved post's share text for approval, like
// any post: a post authored by the caller whose body is the text, with the parent's title, link,
// tags (plus ShareTag), category and region, aimed at the network, submitted at once so the
// organization's routing rules see it. It returns the new post's id. Any signed-in user may call
// it for an APPROVED post of their organization; the caller checks that they may share it.
func (s *Service) SubmitShareText(ctx context.Context, parentID uuid.UUID, network, text string) (uuid.UUID, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return uuid.Nil, err
	}
	var id uuid.UUID
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		parent, err := content.GetPost(ctx, tx, p.OrgID, parentID, false)
		if err != nil {
			return err
		}
		if parent.State != content.StateApproved {
			return apperr.Conflictf("post %s is %s, not APPROVED", parentID, parent.State)
		}
		pv, err := content.GetVersion(ctx, tx, p.OrgID, parent.ID, parent.CurrentVersion)
		if err != nil {
			return err
		}
		c := content.Content{
			Title: pv.Content.Title, Body: text, Link: pv.Content.Link,
			Tags: append(slices.Clone(pv.Content.Tags), ShareTag), Category: pv.Content.Category, Region: pv.Content.Region,
			ShareText: text,
		}
		if slices.Contains(content.Platforms(), network) {
			c.Channels = []string{network}
		}
		if err := c.Validate(); err != nil {
			return apperr.Invalidf("text", "%v", err)
		}
		post, _, err := content.Insert(ctx, tx, p, c, map[string]any{"share_of": parentID, "network": network})
		if err != nil {
			return err
		}
		id = post.ID
		return nil
	})
	if err != nil {
		return uuid.Nil, fmt.Errorf("submit share text of post %s: %w", parentID, err)
	}
	if _, err := s.Submit(ctx, id); err != nil {
		return uuid.Nil, err
	}
	return id, nil
}
