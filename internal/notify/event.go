package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/text"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
)

// eventTask is the payload of a notify:event task: its outbox row's payload and origin.
type eventTask struct {
	jobs.Event
	PostID     uuid.UUID `json:"post_id"`
	ReviewID   uuid.UUID `json:"review_id"`
	Stage      int       `json:"stage"`
	DecisionID uuid.UUID `json:"decision_id"`
	Channel    string    `json:"channel"` // post.publish_failed: the brand channel's name
	Error      string    `json:"error"`   // post.publish_failed: what went wrong
}

// jobs.NotifyTopics are the outbox topics whose rows notify:event handles.
var EventTopics = []string{jobs.TopicPostSubmitted, jobs.TopicStageStarted, jobs.TopicPostDecided, jobs.TopicPostApproved, jobs.TopicPostPublishFailed}

// ProcessEvent is the handler of jobs.TypeNotifyEvent: it notifies whoever the outbox event concerns, in one
// transaction with their deliveries, once per user however often it runs.
//
//   - post.submitted, review.stage_started: the reviewers awaited at the stage (if the review is
//     still at it); both topics of one submission make one notification. post.submitted also
//     marks the routing rules that failed for the submission as failing, telling the admins
//     once per failure episode, and clears the mark of failing rules that evaluated cleanly.
//   - post.decided: the post's author, with the decision and its comment.
//   - post.approved: the post's author.
//   - post.publish_failed: the post's author and the organization's marketers.
func (s *Service) ProcessEvent(ctx context.Context, t *asynq.Task) error {
	ev, err := jobs.DecodePayload[eventTask](t)
	if err != nil {
		return err
	}
	if ev.OrgID == uuid.Nil {
		return fmt.Errorf("%s task without org_id: %w", t.Type(), asynq.SkipRetry)
	}
	var n int
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		switch ev.Topic {
		case jobs.TopicPostSubmitted:
			n, err = s.reviewRequested(ctx, tx, ev.OrgID, ev.ReviewID, 1) // a submission starts stage 1
			if err == nil {
				var m int
				m, err = s.ruleOutcomes(ctx, tx, ev.OrgID, ev.ReviewID)
				n += m
			}
		case jobs.TopicStageStarted:
			n, err = s.reviewRequested(ctx, tx, ev.OrgID, ev.ReviewID, ev.Stage)
		case jobs.TopicPostDecided:
			n, err = s.decided(ctx, tx, ev.OrgID, ev.DecisionID)
		case jobs.TopicPostApproved:
			n, err = s.approved(ctx, tx, ev)
		case jobs.TopicPostPublishFailed:
			n, err = s.publishFailed(ctx, tx, ev)
		default:
			s.log.DebugContext(ctx, "no notifications for topic", slog.String("topic", ev.Topic))
		}
		if postgres.NoRows(err) {
			// The subject is gone or is another organization's: nobody to tell.
			s.log.WarnContext(ctx, "notification event names nothing of its organization", slog.String("topic", ev.Topic),
				slog.Int64("outbox_id", ev.OutboxID))
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("notify %s (outbox %d): %w", ev.Topic, ev.OutboxID, err)
	}
	if n > 0 {
		s.log.DebugContext(ctx, "notified", slog.String("topic", ev.Topic), slog.Int("notifications", n))
	}
	return nil
}

// reviewRequested asks the reviewers awaited at stage n of a review, unless it has moved on.
func (s *Service) reviewRequested(ctx context.Context, tx pgx.Tx, org, reviewID uuid.UUID, n int) (int, error) {
	r, err := loadReview(ctx, tx, org, reviewID)
	if err != nil {
		return 0, err
	}
	if r.status != "IN_REVIEW" || r.stage != n {
		return 0, nil // decided or withdrawn meanwhile: nobody needs asking any more
	}
	users, groups, err := awaited(ctx, tx, r, n)
	if err != nil {
		return 0, err
	}
	title := postTitle(r.postTitle)
	body := fmt.Sprintf("“%s” awaits your review at %s, for %s.", title, r.stageLabel(n), listGroups(groups))
	if st, _ := r.stagePlan(n); st.SLA > 0 {
		body += fmt.Sprintf(" Please decide by %s.", formatTime(r.stageStartedAt.Add(st.SLA)))
	}
	return s.create(ctx, tx, org, users, draft{
		kind:   KindReviewRequested,
		key:    fmt.Sprintf("review:%s:stage:%d:requested", r.id, n),
		postID: r.postID,
		title:  "Review requested: " + title,
		body:   body,
		link:   postLink(r.postID),
	})
}

// decided tells a post's author of a reviewer's decision.
func (s *Service) decided(ctx context.Context, tx pgx.Tx, org, decisionID uuid.UUID) (int, error) {
	d, err := loadDecision(ctx, tx, org, decisionID)
	if err != nil {
		return 0, err
	}
	r, err := loadReview(ctx, tx, org, d.reviewID)
	if err != nil {
		return 0, err
	}
	title, stage, reviewer := postTitle(d.postTitle), d.stage, d.reviewer
	var subject, body string
	switch d.kind {
	case "APPROVE":
		subject = fmt.Sprintf("Approved at stage %d: %s", stage, title)
		body = fmt.Sprintf("%s approved %s of “%s”.", reviewer, r.stageLabel(stage), title)
	case "REQUEST_CHANGES":
		subject = "Changes requested: " + title
		body = fmt.Sprintf("%s requested changes to “%s” at %s.", reviewer, title, r.stageLabel(stage))
	default:
		subject = "Rejected: " + title
		body = fmt.Sprintf("%s rejected “%s” at %s.", reviewer, title, r.stageLabel(stage))
	}
	if c := strings.TrimSpace(d.comment); c != "" {
		body += "\n\nComment: " + c
	}
	return s.create(ctx, tx, org, []uuid.UUID{d.author}, draft{
		kind:   KindPostDecided,
		key:    "decision:" + decisionID.String(),
		postID: d.postID,
		title:  subject,
		body:   body,
		link:   postLink(d.postID),
	})
}

// approved tells a post's author it is approved.
func (s *Service) approved(ctx context.Context, tx pgx.Tx, ev eventTask) (int, error) {
	rawTitle, author, err := postTitleAuthor(ctx, tx, ev.OrgID, ev.PostID)
	if err != nil {
		return 0, err
	}
	key := fmt.Sprintf("review:%s:approved", ev.ReviewID)
	if ev.ReviewID == uuid.Nil {
		key = fmt.Sprintf("post:%s:approved:%d", ev.PostID, ev.OutboxID)
	}
	title := postTitle(rawTitle)
	return s.create(ctx, tx, ev.OrgID, []uuid.UUID{author}, draft{
		kind:   KindPostApproved,
		key:    key,
		postID: ev.PostID,
		title:  "Approved: " + title,
		body:   fmt.Sprintf("“%s” passed every review stage and is approved: it can be scheduled, published and shared.", title),
		link:   postLink(ev.PostID),
	})
}

// publishFailed tells a post's author and the organization's marketers that publishing failed.
func (s *Service) publishFailed(ctx context.Context, tx pgx.Tx, ev eventTask) (int, error) {
	rawTitle, author, err := postTitleAuthor(ctx, tx, ev.OrgID, ev.PostID)
	if err != nil {
		return 0, err
	}
	marketers, err := roleMembers(ctx, tx, ev.OrgID, "MARKETER")
	if err != nil {
		return 0, err
	}
	title := postTitle(rawTitle)
	channel := strings.TrimSpace(ev.Channel)
	if channel == "" {
		channel = "a brand channel"
	}
	body := fmt.Sprintf("Publishing “%s” to %s failed", title, text.Truncate(channel, 100))
	if e := strings.TrimSpace(ev.Error); e != "" {
		body += ": " + text.Truncate(e, 1000)
	} else {
		body += "."
	}
	return s.create(ctx, tx, ev.OrgID, append(marketers, author), draft{
		kind:   KindPublishFailed,
		key:    fmt.Sprintf("publish_failed:%d", ev.OutboxID),
		postID: ev.PostID,
		title:  "Publishing failed: " + title,
		body:   body,
		link:   postLink(ev.PostID),
	})
}
