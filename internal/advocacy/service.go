package advocacy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/boards"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/secretbox"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Service is employee sharing: shares, connected accounts, counts, leaderboard and archive.
type Service struct {
	pool      *pgxpool.Pool
	keys      *secretbox.Keyring
	approver  ShareApprover
	publicURL string
	now       func() time.Time
}

// NewService returns the service on pool. keys seals connected-account tokens; approver routes
// edited share texts for approval (nil: organizations that require it cannot take edited texts);
// publicURL is how browsers reach Clearpost (CLEARPOST_PUBLIC_URL), the base of tracked links.
func NewService(pool *pgxpool.Pool, keys *secretbox.Keyring, approver ShareApprover, publicURL string) *Service {
	return &Service{pool: pool, keys: keys, approver: approver, publicURL: strings.TrimRight(publicURL, "/"), now: time.Now}
}

// Text limits: share texts are at most maxText characters (as a post's suggested share text); X
// takes xLimit characters as it counts them (xLength), of which a link takes xLinkLength and a space.
const (
	maxText     = 3000
	xLimit      = 280
	xLinkLength = 23
	maxSchedule = 366 * 24 * time.Hour
)

// decorate fills the URLs a client needs.
func (s *Service) decorate(sh *Share, subject string) *Share {
	sh.TrackedURL = trackedURL(s.publicURL, sh.Code)
	sh.IntentURL = ""
	if sh.Status == StatusOpened {
		sh.IntentURL = intentURL(sh.Network, sh.Text, sh.TrackedURL, subject)
	}
	return sh
}

// sharedPost is what Share reads of a post: its state and current version.
type sharedPost struct {
	state         content.State
	title         string
	versionID     uuid.UUID
	hash          string
	content       content.Content
	needsApproval bool // the organization's share_edits_need_approval
}

// subject is the e-mail subject of a share of the post.
func (sp *sharedPost) subject() string {
	if t := strings.TrimSpace(sp.content.Title); t != "" {
		return t
	}
	return sp.title
}

// checkText validates text (already trimmed) for network ("": for any network), given whether the
// share carries a link.
func checkText(network Network, text string, hasLink bool) error {
	n := utf8.RuneCountInString(text)
	switch {
	case !utf8.ValidString(text) || strings.ContainsRune(text, 0):
		return apperr.Invalidf("text", "contains invalid characters")
	case n > maxText:
		return apperr.Invalidf("text", "is %d characters long; at most %d are allowed", n, maxText)
	case network == X:
		limit := xLimit
		if hasLink {
			limit -= xLinkLength + 1
		}
		if n := xLength(text); n > limit {
			if hasLink {
				return apperr.Invalidf("text", "is %d characters long as X counts them (links 23, emoji and wide characters 2); X takes at most %d besides the link", n, limit)
			}
			return apperr.Invalidf("text", "is %d characters long as X counts them (links 23, emoji and wide characters 2); X takes at most %d", n, limit)
		}
	}
	return nil
}

// Share shares an APPROVED post the caller sees (on a board of their audience; editors: any
// APPROVED post of their organization) to a network. Without ScheduleAt the share is OPENED and its
// IntentURL opens the network's share dialog in the caller's own account; with ScheduleAt it is
// published then through the caller's connected account. An edited text, where the post allows
// edits and the organization requires it, first waits in PENDING_APPROVAL while it is reviewed.
func (s *Service) Share(ctx context.Context, in ShareInput) (*Share, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	network, ok := ParseNetwork(in.Network)
	if !ok {
		return nil, apperr.Invalidf("network", "%q is not a network (%s)", in.Network, networkNames(Networks))
	}
	text := strings.TrimSpace(in.Text)
	if err := checkText("", text, false); err != nil {
		return nil, err
	}
	now := s.now()
	if in.ScheduleAt != nil {
		switch at := *in.ScheduleAt; {
		case network == Email:
			return nil, apperr.Invalidf("scheduleAt", "e-mail shares are sent from your own mail program and cannot be scheduled")
		case !at.After(now):
			return nil, apperr.Invalidf("scheduleAt", "must be in the future")
		case at.Sub(now) > maxSchedule:
			return nil, apperr.Invalidf("scheduleAt", "must be within a year")
		}
	}

	post, err := s.visiblePost(ctx, p, in.PostID)
	if err != nil {
		return nil, err
	}
	suggested := strings.TrimSpace(post.content.ShareText)
	edited := text != "" && text != suggested
	if edited && !post.content.ShareTextEditable {
		return nil, apperr.Invalidf("text", "this post's share text is locked")
	}
	if !edited {
		text = suggested
	}
	destination := strings.TrimSpace(post.content.Link)
	if destination == "" && (network == LinkedIn || network == Facebook) {
		return nil, apperr.Invalidf("network", "this post has no link to share on %s: share it on x or by e-mail", network)
	}
	if err := checkText(network, text, destination != ""); err != nil {
		return nil, err
	}
	// One share per post, network and employee: sharing again returns the share already made,
	// unchanged (see liveShare).
	existing, found, err := liveShare(ctx, s.pool, p, in.PostID, network)
	if err != nil {
		return nil, fmt.Errorf("share post %s: %w", in.PostID, err)
	}
	if found {
		return s.withSubject(ctx, existing)
	}
	if in.ScheduleAt != nil {
		connected, err := hasConnectedAccount(ctx, s.pool, p.UserID, network)
		if err != nil {
			return nil, fmt.Errorf("share: connected account: %w", err)
		}
		if !connected {
			return nil, apperr.Invalidf("scheduleAt", "connect your %s account to schedule shares", network)
		}
	}
	needsApproval := edited && post.needsApproval
	var approvalPost *uuid.UUID
	if needsApproval {
		if s.approver == nil {
			return nil, fmt.Errorf("share: edited share texts need approval but no approver is configured")
		}
		// The approver writes in its own transaction: if the share below fails, the post under
		// review is left without a share, and its approval changes nothing.
		id, err := s.approver.SubmitShareText(ctx, in.PostID, string(network), text)
		if err != nil {
			return nil, fmt.Errorf("share: submit edited text for approval: %w", err)
		}
		approvalPost = &id
	}

	status := StatusOpened
	switch {
	case needsApproval:
		status = StatusPendingApproval
	case in.ScheduleAt != nil:
		status = StatusScheduled
	}
	var campaign string
	if len(post.content.Tags) > 0 {
		campaign = post.content.Tags[0]
	}
	var sh *Share
	var reused bool
	for attempt := 0; ; attempt++ {
		reused = false
		code := newCode()
		if destination == "" {
			code = ""
		}
		err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
			// The post must still be what was checked: an edit in between would make this share
			// carry content that is no longer approved.
			cur, err := loadSharedPost(ctx, tx, p.OrgID, in.PostID, true)
			if err != nil {
				return err
			}
			if cur.state != content.StateApproved || cur.hash != post.hash {
				return apperr.Conflictf("the post changed while you were sharing it: reload it and share again")
			}
			// A concurrent share of the same post to the same network by the same employee makes
			// this insert wait for it and then do nothing: both callers get the share it made.
			var inserted bool
			sh, inserted, err = insertShare(ctx, tx, newShare{
				orgID: p.OrgID, userID: p.UserID, postID: in.PostID, versionID: post.versionID, contentHash: post.hash,
				network: network, text: text, edited: edited, status: status, code: code,
				destination: destination, campaign: campaign, scheduleAt: in.ScheduleAt, approvalPostID: approvalPost,
			})
			if err == nil && !inserted {
				var found bool
				sh, found, err = liveShare(ctx, tx, p, in.PostID, network)
				if err == nil && !found {
					// The other share left the live statuses already (canceled at once): try again.
					err = errShareGone
				}
				reused = true
				return err
			}
			if err != nil {
				return err
			}
			details := map[string]any{
				"post_id": sh.PostID, "version_id": sh.VersionID, "content_hash": sh.ContentHash, "network": sh.Network,
				"status": sh.Status, "text": sh.Text, "edited": sh.Edited, "destination": sh.Destination,
			}
			if sh.ScheduleAt != nil {
				details["schedule_at"] = sh.ScheduleAt
			}
			if approvalPost != nil {
				details["approval_post_id"] = approvalPost
			}
			if err := p.Record(ctx, tx, jobs.TopicShareCreated, "share", sh.ID.String(), details); err != nil {
				return err
			}
			if err := jobs.Enqueue(ctx, tx, p.OrgID, jobs.TopicShareCreated, map[string]any{
				"share_id": sh.ID, "post_id": sh.PostID, "user_id": sh.UserID, "network": sh.Network, "status": sh.Status,
			}); err != nil {
				return err
			}
			if sh.Status == StatusScheduled {
				return enqueueScheduled(ctx, tx, sh, s.now())
			}
			return nil
		})
		if postgres.IsViolation(err, postgres.UniqueViolation, "shares_code_key") && attempt < 3 {
			continue // a code collision: about one in 10^17
		}
		if errors.Is(err, errShareGone) && attempt < 3 {
			continue
		}
		break
	}
	if err != nil {
		return nil, fmt.Errorf("share post %s: %w", in.PostID, postgres.MapError(err))
	}
	if reused {
		return s.withSubject(ctx, sh)
	}
	return s.decorate(sh, post.subject()), nil
}

var errShareGone = errors.New("the concurrent share left the live statuses")

// visiblePost reads a post p may share: APPROVED, and on a board of their audience unless they are
// an editor. Anything else does not exist for them.
func (s *Service) visiblePost(ctx context.Context, p *auth.Principal, id uuid.UUID) (*sharedPost, error) {
	post, err := loadSharedPost(ctx, s.pool, p.OrgID, id, false)
	if err != nil {
		return nil, err
	}
	if post.state != content.StateApproved {
		return nil, apperr.NotFoundf("post %s not found", id)
	}
	if !p.Has(auth.Editors...) {
		ok, err := boards.OnVisibleBoard(ctx, s.pool, p, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.NotFoundf("post %s not found", id)
		}
	}
	return post, nil
}

// scheduledPayload is the outbox payload that starts a share's publish task at its time. The task
// is keyed by the share, so it runs once however many rows ask for it.
type scheduledPayload struct {
	jobs.Schedule
	ShareID uuid.UUID `json:"share_id"`
}

func enqueueScheduled(ctx context.Context, db postgres.Execer, sh *Share, now time.Time) error {
	at := *sh.ScheduleAt
	if at.Before(now) {
		at = now
	}
	return jobs.Enqueue(ctx, db, sh.OrgID, jobs.TopicShareScheduled, scheduledPayload{
		Schedule: jobs.Schedule{TaskKey: sh.ID.String(), ProcessAt: at.UTC()},
		ShareID:  sh.ID,
	})
}

// Get returns one of the caller's shares; admins read any share of their organization.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Share, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	sh, err := getShare(ctx, s.pool, p.OrgID, id, false)
	if err != nil {
		return nil, err
	}
	if sh.UserID != p.UserID && !p.Has(auth.RoleAdmin) {
		return nil, apperr.NotFoundf("share %s not found", id)
	}
	return s.withSubject(ctx, sh)
}

// withSubject decorates a share, reading its post's title for an e-mail intent.
func (s *Service) withSubject(ctx context.Context, sh *Share) (*Share, error) {
	var subject string
	if sh.Status == StatusOpened && sh.Network == Email {
		var err error
		if subject, err = postSubject(ctx, s.pool, sh.VersionID); err != nil {
			return nil, fmt.Errorf("share %s: subject: %w", sh.ID, err)
		}
	}
	return s.decorate(sh, subject), nil
}

// Cancel cancels one of the caller's shares that has not gone out (SCHEDULED or PENDING_APPROVAL).
func (s *Service) Cancel(ctx context.Context, id uuid.UUID) (*Share, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	var sh *Share
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		sh, err = getShare(ctx, tx, p.OrgID, id, true)
		if err != nil {
			return err
		}
		if sh.UserID != p.UserID {
			return apperr.NotFoundf("share %s not found", id)
		}
		if sh.Status != StatusScheduled && sh.Status != StatusPendingApproval {
			return apperr.Conflictf("share is %s: only SCHEDULED and PENDING_APPROVAL shares can be canceled", sh.Status)
		}
		from := sh.Status
		if err := setStatus(ctx, tx, sh, StatusCanceled, "canceled by the employee"); err != nil {
			return err
		}
		return p.Record(ctx, tx, "share.canceled", "share", sh.ID.String(), map[string]any{"post_id": sh.PostID, "from": from})
	})
	if err != nil {
		return nil, fmt.Errorf("cancel share %s: %w", id, err)
	}
	return s.decorate(sh, ""), nil
}

// ShareEditsNeedApproval reports whether the caller's organization routes edited share texts for
// approval.
func (s *Service) ShareEditsNeedApproval(ctx context.Context) (bool, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return false, err
	}
	on, err := shareEditsNeedApproval(ctx, s.pool, p.OrgID, false)
	if err != nil {
		return false, fmt.Errorf("share policy: %w", err)
	}
	return on, nil
}

// SetShareEditsNeedApproval sets whether edited share texts are routed for approval (admins).
// Shares already waiting keep waiting.
func (s *Service) SetShareEditsNeedApproval(ctx context.Context, on bool) (bool, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return false, err
	}
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := shareEditsNeedApproval(ctx, tx, p.OrgID, true)
		if err != nil {
			return err
		}
		if before == on {
			return nil
		}
		if err := setShareEditsNeedApproval(ctx, tx, p.OrgID, on); err != nil {
			return err
		}
		return p.Record(ctx, tx, "share_policy.updated", "organization", p.OrgID.String(), map[string]any{
			"share_edits_need_approval": map[string]bool{"before": before, "after": on},
		})
	})
	if err != nil {
		return false, fmt.Errorf("set share policy: %w", err)
	}
	return on, nil
}
