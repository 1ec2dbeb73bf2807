package approval

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// hooks are what other features do when a post's approval changes, in the transaction that
// changes it, so that they commit or roll back with it. app registers them (OnApproved,
// OnUnapproved); the review itself knows nothing of boards or publication.
type hooks struct {
	// Approved runs when a post's last stage clears: the post is APPROVED by actor.
	Approved []func(ctx context.Context, w postgres.Execer, postID, actor uuid.UUID) error
	// Unapproved runs when an APPROVED post stops being so: edited, withdrawn or expired.
	Unapproved []func(ctx context.Context, w postgres.Execer, postID uuid.UUID) error
}

// OnApproved registers f to run in every transaction that approves a post.
func (s *Service) OnApproved(f func(ctx context.Context, w postgres.Execer, postID, actor uuid.UUID) error) {
	s.hooks.Approved = append(s.hooks.Approved, f)
}

// OnUnapproved registers f to run in every transaction that takes a post's approval away.
func (s *Service) OnUnapproved(f func(ctx context.Context, w postgres.Execer, postID uuid.UUID) error) {
	s.hooks.Unapproved = append(s.hooks.Unapproved, f)
}

func (s *Service) approved(ctx context.Context, w postgres.Execer, postID, actor uuid.UUID) error {
	for _, f := range s.hooks.Approved {
		if err := f(ctx, w, postID, actor); err != nil {
			return err
		}
	}
	return nil
}

// unapprove closes postID's approved review as status (VOIDED: its content changed or aged;
// WITHDRAWN) and runs the Unapproved hooks, in the caller's transaction. The post's own state is
// the caller's to set.
func (s *Service) unapprove(ctx context.Context, w postgres.Execer, postID uuid.UUID, status ReviewStatus) error {
	if err := closeApprovedReview(ctx, w, postID, status); err != nil {
		return err
	}
	for _, f := range s.hooks.Unapproved {
		if err := f(ctx, w, postID); err != nil {
			return err
		}
	}
	return nil
}

// Edit saves c as a new version of a post. expectedVersion, when not 0, must be the current
// version number. Editing an APPROVED post voids its approval (it was bound to the old content
// hash) and returns it to DRAFT. Content identical to the current version changes nothing.
func (s *Service) Edit(ctx context.Context, id uuid.UUID, c content.Content, expectedVersion int) (*content.Post, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var post *content.Post
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		post, err = lockEditable(ctx, tx, p, id, "edit")
		if err != nil {
			return err
		}
		if expectedVersion != 0 && expectedVersion != post.CurrentVersion {
			return apperr.Conflictf("post changed since you read it: it is at version %d, you edited version %d", post.CurrentVersion, expectedVersion)
		}
		switch post.State {
		case content.StateInReview:
			return apperr.Conflictf("post is in review: withdraw it before editing")
		case content.StateRejected:
			return apperr.Conflictf("post was rejected: rejected posts cannot be edited, create a new post")
		}
		cur, next, err := content.AddVersion(ctx, tx, p, post, c)
		if err != nil || next == nil || post.State != content.StateApproved {
			return err
		}
		// The approval was bound to the old hash: void it, and take the post off every board.
		if err := s.unapprove(ctx, tx, post.ID, ReviewVoided); err != nil {
			return err
		}
		if err := content.SetState(ctx, tx, post, content.StateDraft); err != nil {
			return err
		}
		if err := record(ctx, tx, p, "post.approval_voided", "post", post.ID, map[string]any{
			"approved_content_hash": cur.ContentHash, "new_content_hash": next.ContentHash, "version": next.Number,
		}); err != nil {
			return err
		}
		return jobs.Enqueue(ctx, tx, p.OrgID, jobs.TopicPostUnapproved, map[string]any{"post_id": post.ID, "reason": "edited"})
	})
	if err != nil {
		return nil, fmt.Errorf("update post %s: %w", id, err)
	}
	return post, nil
}

// lockEditable locks post id for a change only its author, marketers and admins may make (verb).
func lockEditable(ctx context.Context, tx pgx.Tx, p *auth.Principal, id uuid.UUID, verb string) (*content.Post, error) {
	post, err := content.Visible(ctx, tx, p, id, true)
	if err != nil {
		return nil, err
	}
	if !content.MayEdit(p, post) {
		return nil, apperr.Forbiddenf("only the author, marketers and admins %s posts", verb)
	}
	return post, nil
}

// FactsOf returns what routing sees of c.
func FactsOf(c content.Content) Facts {
	return Facts{
		Body: c.Body, Link: c.Link, Channels: c.Channels, Tags: c.Tags,
		Category: c.Category, Region: c.Region, HasMedia: len(c.Media) > 0,
	}
}

// Labels runs the classifiers over every text of c that may go out: the body, the channel
// overrides and the suggested share text.
func Labels(c content.Content, settings ClassifierSettings) []Label {
	facts := FactsOf(c)
	labels := Classify(c.Body, facts, settings)
	for _, o := range c.ChannelOverrides {
		labels = append(labels, Classify(o.Body, facts, ClassifierSettings{Competitors: settings.Competitors})...)
	}
	if c.ShareText != "" {
		labels = append(labels, Classify(c.ShareText, facts, ClassifierSettings{Competitors: settings.Competitors})...)
	}
	seen := map[string]bool{}
	out := labels[:0]
	for _, l := range labels {
		if !seen[l.Name] {
			seen[l.Name] = true
			out = append(out, l)
		}
	}
	return out
}

func resolvePlan(ctx context.Context, db postgres.DB, org uuid.UUID, c content.Content) (Plan, error) {
	routing, err := LoadRouting(ctx, db, org)
	if err != nil {
		return Plan{}, err
	}
	labels := Labels(c, routing.Settings)
	plan, err := Resolve(routing.Default, routing.Workflows, routing.Rules, FactsOf(c), labels)
	if err != nil {
		return Plan{}, apperr.Conflictf("routing failed: %v", err)
	}
	return plan, nil
}

// PreviewRouting resolves the plan unsaved content would get, changing nothing.
func (s *Service) PreviewRouting(ctx context.Context, c content.Content) (Plan, error) {
	p, err := auth.Require(ctx, content.Authors...)
	if err != nil {
		return Plan{}, err
	}
	if err := c.Validate(); err != nil {
		return Plan{}, err
	}
	c = c.Normalize()
	return resolvePlan(ctx, s.pool, p.OrgID, c)
}

// required returns how many distinct approvals a group needs, given its eligible members.
func required(q Quorum, members int) int {
	switch q.Kind {
	case QuorumAll:
		return members
	case QuorumN:
		return q.N
	}
	return 1
}

// Submit sends the current version into review: the plan is resolved and frozen with the rules
// that produced it, and the first stage starts.
func (s *Service) Submit(ctx context.Context, id uuid.UUID) (*content.Post, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	var post *content.Post
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		post, err = lockEditable(ctx, tx, p, id, "submit")
		if err != nil {
			return err
		}
		if post.State != content.StateDraft && post.State != content.StateChangesRequested {
			return apperr.Conflictf("post is %s: only DRAFT and CHANGES_REQUESTED posts can be submitted", post.State)
		}
		v, err := content.GetVersion(ctx, tx, p.OrgID, post.ID, post.CurrentVersion)
		if err != nil {
			return err
		}
		plan, err := resolvePlan(ctx, tx, p.OrgID, v.Content)
		if err != nil {
			return err
		}
		if len(plan.Stages) == 0 {
			return apperr.Conflictf("no workflow applies to this post: an admin must set a default workflow or a routing rule")
		}
		members, err := auth.MembersOf(ctx, tx, p.OrgID, plan.GroupsOf(), []uuid.UUID{post.AuthorID, v.AuthorID})
		if err != nil {
			return err
		}
		review, err := insertReview(ctx, tx, p.OrgID, post.ID, v, plan, p.UserID)
		if err != nil {
			return err
		}
		var groups []reviewGroup
		for i, st := range plan.Stages {
			for _, g := range st.Groups {
				need := required(g.Quorum, members[g.Group])
				if need == 0 || members[g.Group] < need {
					return apperr.Conflictf("stage %d (%s): group %q has %d eligible reviewers besides the authors and needs %d",
						i+1, st.Name, g.Group, members[g.Group], max(need, 1))
				}
				groups = append(groups, reviewGroup{stage: i + 1, group: g.Group, required: need})
			}
		}
		if err := insertReviewGroups(ctx, tx, review.ID, p.OrgID, groups); err != nil {
			return err
		}
		if err := content.SetState(ctx, tx, post, content.StateInReview); err != nil {
			return err
		}
		if err := record(ctx, tx, p, jobs.TopicPostSubmitted, "post", post.ID, map[string]any{
			"review_id": review.ID, "version": v.Number, "content_hash": v.ContentHash,
			"workflow": plan.WorkflowName, "stages": plan.Stages, "rules": plan.Rules, "labels": plan.Labels,
		}); err != nil {
			return err
		}
		if err := jobs.Enqueue(ctx, tx, p.OrgID, jobs.TopicPostSubmitted, map[string]any{"post_id": post.ID, "review_id": review.ID}); err != nil {
			return err
		}
		return jobs.Enqueue(ctx, tx, p.OrgID, jobs.TopicStageStarted, map[string]any{"post_id": post.ID, "review_id": review.ID, "stage": 1})
	})
	if err != nil {
		return nil, fmt.Errorf("submit post %s: %w", id, err)
	}
	return post, nil
}

// Withdraw returns the author's post to DRAFT from any non-terminal state, closing its review.
func (s *Service) Withdraw(ctx context.Context, id uuid.UUID, reason string) (*content.Post, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(reason) > 2000 {
		return nil, apperr.Invalidf("reason", "is longer than 2000 characters")
	}
	var post *content.Post
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		post, err = content.Visible(ctx, tx, p, id, true)
		if err != nil {
			return err
		}
		if post.AuthorID != p.UserID {
			return apperr.Forbiddenf("only the author withdraws a post")
		}
		from := post.State
		switch from {
		case content.StateInReview, content.StateChangesRequested, content.StateApproved:
		default:
			return apperr.Conflictf("post is %s: only IN_REVIEW, CHANGES_REQUESTED and APPROVED posts can be withdrawn", from)
		}
		if from == content.StateApproved {
			if err := s.unapprove(ctx, tx, post.ID, ReviewWithdrawn); err != nil {
				return err
			}
		} else if err := withdrawOpenReview(ctx, tx, post.ID); err != nil {
			return err
		}
		if err := content.SetState(ctx, tx, post, content.StateDraft); err != nil {
			return err
		}
		if err := record(ctx, tx, p, jobs.TopicPostWithdrawn, "post", post.ID, map[string]any{"from": from, "reason": reason}); err != nil {
			return err
		}
		topic := jobs.TopicPostWithdrawn
		if from == content.StateApproved {
			topic = jobs.TopicPostUnapproved
		}
		return jobs.Enqueue(ctx, tx, p.OrgID, topic, map[string]any{"post_id": post.ID, "reason": "withdrawn"})
	})
	if err != nil {
		return nil, fmt.Errorf("withdraw post %s: %w", id, err)
	}
	return post, nil
}

// DecisionInput is a reviewer's verdict as a client sends it. VersionID names the version the
// reviewer read; ContentHash, when given, must be its hash.
type DecisionInput struct {
	PostID      uuid.UUID
	VersionID   uuid.UUID
	ContentHash string
	Kind        DecisionKind
	Comment     string
}

// Decide records a reviewer's decision on the current stage. The post row is locked for the whole
// transaction, so concurrent decisions on one stage advance it exactly once. Its writes take four
// round trips: lock and read, decide and count, the deferred audit/outbox/state writes, commit.
func (s *Service) Decide(ctx context.Context, in DecisionInput) (*Decision, *content.Post, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, nil, err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	switch {
	case in.Kind != Approve && in.Kind != RequestChanges && in.Kind != Reject:
		return nil, nil, apperr.Invalidf("kind", "%q is not APPROVE, REQUEST_CHANGES or REJECT", in.Kind)
	case in.Kind != Approve && in.Comment == "":
		return nil, nil, apperr.Invalidf("comment", "is required when requesting changes or rejecting: tell the author why")
	case utf8.RuneCountInString(in.Comment) > 5000 || strings.ContainsRune(in.Comment, 0):
		return nil, nil, apperr.Invalidf("comment", "must be at most 5000 characters of text")
	case in.VersionID == uuid.Nil:
		return nil, nil, apperr.Invalidf("versionId", "is required: name the version you reviewed")
	}
	if in.Kind != RequestChanges {
		if err := p.RequireRecentSignIn(time.Now()); err != nil {
			return nil, nil, err
		}
	}
	var d *Decision
	var post *content.Post
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		var review *Review
		var versionAuthor uuid.UUID
		var groups []string
		post, review, versionAuthor, groups, err = lockForDecision(ctx, tx, p, in.PostID)
		if err != nil {
			return err
		}
		if post.State != content.StateInReview {
			return apperr.Conflictf("post is %s, not in review", post.State)
		}
		if review == nil || review.Status != ReviewInReview {
			return apperr.Conflictf("post has no open review")
		}
		if in.VersionID != review.VersionID {
			return apperr.Conflictf("stale decision: it names version %s but version %s is under review; reload and review again", in.VersionID, review.VersionID)
		}
		if in.ContentHash != "" && in.ContentHash != review.ContentHash {
			return apperr.Conflictf("stale decision: content hash %s is not the hash under review (%s)", in.ContentHash, review.ContentHash)
		}
		if p.UserID == post.AuthorID || p.UserID == versionAuthor {
			return apperr.Forbiddenf("authors cannot decide on their own post")
		}
		stage := review.CurrentStage
		if len(groups) == 0 {
			return apperr.Forbiddenf("you are not a reviewer awaited at stage %d (%s) of this post", stage, review.Plan.Stages[stage-1].Name)
		}
		// Record the decision and, for an approval, count it toward the reviewer's groups; open is
		// how many groups of the stage remain uncleared.
		var open int
		d, open, err = insertDecision(ctx, tx, p, post.ID, review, stage, groups, in.Kind, in.Comment)
		if err != nil {
			return err
		}
		var w postgres.Deferred
		details := map[string]any{
			"decision_id": d.ID, "review_id": review.ID, "stage": stage, "groups": groups,
			"version_id": review.VersionID, "content_hash": review.ContentHash, "comment": in.Comment,
		}
		if err := record(ctx, &w, p, "decision."+strings.ToLower(string(in.Kind)), "post", post.ID, details); err != nil {
			return err
		}
		if err := jobs.Enqueue(ctx, &w, p.OrgID, jobs.TopicPostDecided, map[string]any{"post_id": post.ID, "decision_id": d.ID}); err != nil {
			return err
		}
		switch {
		case in.Kind == RequestChanges:
			err = closeReview(ctx, &w, post, review, ReviewChangesRequested, content.StateChangesRequested)
		case in.Kind == Reject:
			err = closeReview(ctx, &w, post, review, ReviewRejected, content.StateRejected)
		case open == 0:
			err = s.clearStage(ctx, &w, p, post, review)
		}
		if err != nil {
			return err
		}
		return w.Flush(ctx, tx)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("decide on post %s: %w", in.PostID, err)
	}
	return d, post, nil
}

func closeReview(ctx context.Context, w postgres.Execer, post *content.Post, review *Review, status ReviewStatus, to content.State) error {
	if err := setReviewStatus(ctx, w, review.ID, status); err != nil {
		return err
	}
	return content.SetState(ctx, w, post, to)
}

// clearStage records that the current stage has its quorum in every group, and starts the next
// stage or, after the last, approves the post.
func (s *Service) clearStage(ctx context.Context, w postgres.Execer, p *auth.Principal, post *content.Post, review *Review) error {
	stage := review.CurrentStage
	stageName := review.Plan.Stages[stage-1].Name
	if err := record(ctx, w, p, "review.stage_cleared", "post", post.ID, map[string]any{"review_id": review.ID, "stage": stage, "name": stageName}); err != nil {
		return err
	}
	if stage < len(review.Plan.Stages) {
		if err := startStage(ctx, w, review.ID, stage+1); err != nil {
			return err
		}
		if err := content.Touch(ctx, w, post.ID); err != nil {
			return err
		}
		return jobs.Enqueue(ctx, w, p.OrgID, jobs.TopicStageStarted, map[string]any{"post_id": post.ID, "review_id": review.ID, "stage": stage + 1})
	}
	if err := approveReview(ctx, w, review.ID); err != nil {
		return err
	}
	if err := content.MarkApproved(ctx, w, post); err != nil {
		return err
	}
	// What follows an approval (boards placement, the planned publication) happens in this
	// transaction, through the hooks.
	if err := s.approved(ctx, w, post.ID, p.UserID); err != nil {
		return err
	}
	if err := record(ctx, w, p, jobs.TopicPostApproved, "post", post.ID, map[string]any{"review_id": review.ID, "version_id": review.VersionID, "content_hash": review.ContentHash}); err != nil {
		return err
	}
	return jobs.Enqueue(ctx, w, p.OrgID, jobs.TopicPostApproved, map[string]any{"post_id": post.ID, "review_id": review.ID, "content_hash": review.ContentHash})
}

// AddComment adds a remark on the post's current version.
func (s *Service) AddComment(ctx context.Context, postID uuid.UUID, body string) (*Comment, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return nil, apperr.Invalidf("body", "is required")
	case utf8.RuneCountInString(body) > 5000 || strings.ContainsRune(body, 0):
		return nil, apperr.Invalidf("body", "must be at most 5000 characters of text")
	}
	var c *Comment
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		post, err := content.Visible(ctx, tx, p, postID, false)
		if err != nil {
			return err
		}
		c, err = insertComment(ctx, tx, p.OrgID, post, p.UserID, body)
		if err != nil {
			return err
		}
		if err := record(ctx, tx, p, jobs.TopicCommentAdded, "post", post.ID, map[string]any{"comment_id": c.ID, "version": post.CurrentVersion, "comment": body}); err != nil {
			return err
		}
		return jobs.Enqueue(ctx, tx, p.OrgID, jobs.TopicCommentAdded, map[string]any{"post_id": post.ID, "comment_id": c.ID})
	})
	if err != nil {
		return nil, fmt.Errorf("comment on post %s: %w", postID, err)
	}
	return c, nil
}
