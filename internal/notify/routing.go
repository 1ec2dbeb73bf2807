package notify

import (
	"context"
	"encoding/json"
	"fmt"

	"clearpost/internal/approval"
	"clearpost/internal/audit"
	"clearpost/internal/text"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ruleOutcomes records what a submission's routing learnt of the organization's rules: a rule that
// failed (and so failed closed) is marked failing, and when that starts a failure episode it is
// audited and the organization's admins are told, once per rule and episode however many
// submissions hit it; a rule marked failing that evaluated cleanly has its mark cleared. Both go
// through tx, with the notifications. It returns how many notifications it created.
func (s *Service) ruleOutcomes(ctx context.Context, tx pgx.Tx, org, reviewID uuid.UUID) (int, error) {
	raw, at, postID, err := reviewPlan(ctx, tx, org, reviewID)
	if err != nil {
		return 0, err
	}
	var plan approval.Plan
	if err := json.Unmarshal(raw, &plan); err != nil {
		return 0, fmt.Errorf("plan of review %s: %w", reviewID, err)
	}
	n := 0
	for _, r := range plan.FailedRules() {
		started, since, err := approval.MarkRuleFailing(ctx, tx, org, r.RuleID, r.Revision, r.Error, at)
		if err != nil {
			return n, err
		}
		if !started {
			continue // already failing: the admins know
		}
		if err := audit.Record(ctx, tx, audit.Event{OrgID: org, ActorEmail: "system", Action: "routing_rule.failing",
			SubjectType: "routing_rule", SubjectID: r.RuleID.String(),
			Details: map[string]any{"name": r.Name, "revision": r.Revision, "error": r.Error, "review_id": reviewID, "post_id": postID},
		}); err != nil {
			return n, err
		}
		admins, err := roleMembers(ctx, tx, org, "ADMIN")
		if err != nil {
			return n, err
		}
		made, err := s.create(ctx, tx, org, admins, draft{
			kind:  KindRoutingRuleFailing,
			key:   fmt.Sprintf("routing_rule:%s:failing:%d", r.RuleID, since.UnixMicro()),
			title: fmt.Sprintf("Routing rule failing: %s", r.Name),
			body: fmt.Sprintf("The routing rule “%s” could not be evaluated: %s\n\nUntil it is fixed it applies to every post "+
				"it fails on, as if it matched, so those posts get its review too. Edit the rule to fix it.", r.Name, text.Truncate(r.Error, 1000)),
		})
		if err != nil {
			return n, err
		}
		n += made
	}
	for _, r := range plan.Recovered {
		cleared, err := approval.ClearRuleFailing(ctx, tx, org, r.RuleID, r.Revision, at)
		if err != nil {
			return n, err
		}
		if cleared {
			if err := audit.Record(ctx, tx, audit.Event{OrgID: org, ActorEmail: "system", Action: "routing_rule.recovered",
				SubjectType: "routing_rule", SubjectID: r.RuleID.String(),
				Details: map[string]any{"revision": r.Revision, "review_id": reviewID, "post_id": postID},
			}); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
