package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"clearpost/internal/audit"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
)

// RemindBefore is how long before a stage's deadline its awaited reviewers are reminded: an hour,
// or a quarter of the SLA when that is shorter.
func RemindBefore(sla time.Duration) time.Duration { return min(time.Hour, sla/4) }

// slaEvent is what the sweep fires for a review's stage.
type slaEvent string

const (
	slaRemind   slaEvent = "REMIND"
	slaEscalate slaEvent = "ESCALATE"
)

// slaCandidate is an open review whose current stage has an SLA and whose reminder is due.
type slaCandidate struct {
	review     uuid.UUID
	org        uuid.UUID
	post       uuid.UUID
	stage      int
	started    time.Time
	sla        time.Duration
	escalateTo string
	reminded   bool
	escalated  bool
}

// ProcessSLA is the handler of the periodic jobs.TypeReviewSLA task: it sweeps as of now.
func (s *Service) ProcessSLA(ctx context.Context, _ *asynq.Task) error {
	_, _, err := s.Sweep(ctx, time.Now())
	return err
}

// Sweep fires the review SLA reminders and escalations due at now, in every organization. For
// each open review whose current stage has an SLA, the deadline is when the stage started
// plus the SLA: from RemindBefore(SLA) before it, the reviewers still awaited are reminded; at
// it, the members of the stage's escalate_to group are told and the escalation is audited
// (actor: system). Each fires once per review and stage, however many sweeps run at once: the
// sweep that records it (unique per review, stage and kind) notifies, in the same transaction.
// It returns how many reviews it reminded about and escalated.
func (s *Service) Sweep(ctx context.Context, now time.Time) (reminded, escalated int, err error) {
	candidates, err := slaCandidates(ctx, s.pool, now)
	if err != nil {
		return 0, 0, err
	}
	if s.sweepListed != nil {
		s.sweepListed()
	}
	var errs []error
	for _, c := range candidates {
		deadline := c.started.Add(c.sla)
		if !c.reminded && !now.Before(deadline.Add(-RemindBefore(c.sla))) {
			fired, err := s.fireSLA(ctx, c, slaRemind, deadline, now)
			if err != nil {
				errs = append(errs, err)
			} else if fired {
				reminded++
			}
		}
		if !c.escalated && c.escalateTo != "" && !now.Before(deadline) {
			fired, err := s.fireSLA(ctx, c, slaEscalate, deadline, now)
			if err != nil {
				errs = append(errs, err)
			} else if fired {
				escalated++
			}
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err := errors.Join(errs...); err != nil {
		return reminded, escalated, fmt.Errorf("review sla sweep: %w", err)
	}
	return reminded, escalated, nil
}

// fireSLA fires one reminder or escalation, unless the review has moved on or another sweep fired
// it first, and reports whether it did.
func (s *Service) fireSLA(ctx context.Context, c slaCandidate, kind slaEvent, deadline, now time.Time) (bool, error) {
	var fired bool
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		// Lock the post first, as decisions do: no decision moves the review on meanwhile, and
		// the two never wait on each other in opposite orders.
		if err := lockPost(ctx, tx, c.org, c.post); err != nil {
			return err
		}
		r, err := loadReview(ctx, tx, c.org, c.review)
		if postgres.NoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.status != "IN_REVIEW" || r.stage != c.stage {
			return nil // decided meanwhile
		}
		st, ok := r.stagePlan(r.stage)
		if !ok {
			return nil
		}
		if kind == slaEscalate && st.EscalateTo == "" {
			return nil // nobody to escalate to: the reminder is all there is
		}
		inserted, err := insertSLAEvent(ctx, tx, r, kind, deadline)
		if err != nil {
			return fmt.Errorf("record sla %s: %w", kind, err)
		}
		if !inserted {
			return nil // another sweep fired it
		}
		users, groups, err := awaited(ctx, tx, r, r.stage)
		if err != nil {
			return err
		}
		title := postTitle(r.postTitle)
		var n int
		switch kind {
		case slaRemind:
			due := "is due " + formatTime(deadline)
			if !now.Before(deadline) {
				due = "was due " + formatTime(deadline)
			}
			n, err = s.create(ctx, tx, r.org, users, draft{
				kind:   KindReviewReminder,
				key:    fmt.Sprintf("review:%s:stage:%d:remind", r.id, r.stage),
				postID: r.postID,
				title:  "Reminder: " + title + " awaits your review",
				body:   fmt.Sprintf("“%s” awaits your review at %s, for %s. It %s.", title, r.stageLabel(r.stage), listGroups(groups), due),
				link:   postLink(r.postID),
			})
		case slaEscalate:
			var members []uuid.UUID
			members, err = groupMembers(ctx, tx, r.org, st.EscalateTo, r.authors)
			if err != nil {
				return err
			}
			n, err = s.create(ctx, tx, r.org, members, draft{
				kind:   KindReviewEscalated,
				key:    fmt.Sprintf("review:%s:stage:%d:escalate", r.id, r.stage),
				postID: r.postID,
				title:  "Escalated: " + title + " is overdue",
				body: fmt.Sprintf("The review of “%s” at %s passed its deadline (%s) with %s still to decide. It is escalated to %s.",
					title, r.stageLabel(r.stage), formatTime(deadline), listGroups(groups), st.EscalateTo),
				link: postLink(r.postID),
			})
			if err == nil {
				err = audit.Record(ctx, tx, audit.Event{
					OrgID: r.org, ActorEmail: "system", Action: "review.escalated", SubjectType: "post", SubjectID: r.postID.String(),
					Details: map[string]any{
						"review_id": r.id, "stage": r.stage, "name": st.Name, "sla_seconds": int64(st.SLA / time.Second),
						"deadline": deadline.UTC(), "escalate_to": st.EscalateTo, "awaited_groups": groups, "notified": n,
					},
				})
			}
		}
		if err != nil {
			return err
		}
		if err := setSLARecipients(ctx, tx, r, kind, n); err != nil {
			return err
		}
		fired = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("review %s stage %d %s: %w", c.review, c.stage, kind, err)
	}
	return fired, nil
}
