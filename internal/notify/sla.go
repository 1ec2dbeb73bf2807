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
	candidates, err := s.slaCandidates(ctx, now)
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

// slaCandidates lists the open reviews whose current stage's reminder is due at now and which
// have something left to fire.
func (s *Service) slaCandidates(ctx context.Context, now time.Time) ([]slaCandidate, error) {
	rows, err := s.pool.Query(ctx, `WITH open AS (
			SELECT r.id, r.org_id, r.post_id, r.current_stage, r.stage_started_at,
				(r.plan->'stages'->(r.current_stage - 1)->>'sla')::numeric::bigint AS sla_ns,
				coalesce(r.plan->'stages'->(r.current_stage - 1)->>'escalate_to', '') AS escalate_to
			FROM reviews r
			WHERE r.status = 'IN_REVIEW' AND jsonb_typeof(r.plan->'stages'->(r.current_stage - 1)->'sla') = 'number'),
		due AS (
			SELECT o.*,
				EXISTS (SELECT 1 FROM review_sla_events e WHERE e.review_id = o.id AND e.stage = o.current_stage AND e.kind = 'REMIND') AS reminded,
				EXISTS (SELECT 1 FROM review_sla_events e WHERE e.review_id = o.id AND e.stage = o.current_stage AND e.kind = 'ESCALATE') AS escalated
			FROM open o
			WHERE o.sla_ns > 0
			  AND o.stage_started_at + make_interval(secs => o.sla_ns / 1e9)
				- least(interval '1 hour', make_interval(secs => o.sla_ns / 4e9)) <= $1)
		SELECT id, org_id, post_id, current_stage, stage_started_at, sla_ns, escalate_to, reminded, escalated
		FROM due
		WHERE NOT reminded OR (NOT escalated AND escalate_to <> '')
		ORDER BY stage_started_at, id`, now)
	if err != nil {
		return nil, fmt.Errorf("open reviews with an SLA: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (slaCandidate, error) {
		var c slaCandidate
		var ns int64
		err := r.Scan(&c.review, &c.org, &c.post, &c.stage, &c.started, &ns, &c.escalateTo, &c.reminded, &c.escalated)
		c.sla = time.Duration(ns)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("open reviews with an SLA: %w", err)
	}
	return list, nil
}

// fireSLA fires one reminder or escalation, unless the review has moved on or another sweep fired
// it first, and reports whether it did.
func (s *Service) fireSLA(ctx context.Context, c slaCandidate, kind slaEvent, deadline, now time.Time) (bool, error) {
	var fired bool
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		// Lock the post first, as decisions do: no decision moves the review on meanwhile, and
		// the two never wait on each other in opposite orders.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM posts WHERE org_id = $1 AND id = $2 FOR UPDATE`, c.org, c.post); err != nil {
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
		tag, err := tx.Exec(ctx, `INSERT INTO review_sla_events (review_id, stage, kind, org_id, due_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (review_id, stage, kind) DO NOTHING`, r.id, r.stage, kind, r.org, deadline)
		if err != nil {
			return fmt.Errorf("record sla %s: %w", kind, err)
		}
		if tag.RowsAffected() == 0 {
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
		if _, err := tx.Exec(ctx, `UPDATE review_sla_events SET recipients = $4 WHERE review_id = $1 AND stage = $2 AND kind = $3`,
			r.id, r.stage, kind, n); err != nil {
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
