package advocacy

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/secretbox"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ---- share:click ----

type clickHandler struct {
	pool *pgxpool.Pool
}

// NewClickHandler returns the handler of share:click tasks: it records the click unless the
// visitor already clicked the share in the same window, and bumps the share's click counter in the
// same statement, so a task that runs twice counts once.
func NewClickHandler(pool *pgxpool.Pool) asynq.Handler { return &clickHandler{pool: pool} }

func (h *clickHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := jobs.DecodePayload[clickPayload](t)
	if err != nil {
		return err
	}
	visitor, err := hex.DecodeString(p.Visitor)
	if err != nil || len(visitor) != 16 || p.ShareID == uuid.Nil || p.At.IsZero() || p.Window.IsZero() {
		return fmt.Errorf("share:click: want share_id, a 16-byte hex visitor, at and window: %w", asynq.SkipRetry)
	}
	err = countClick(ctx, h.pool, p.ShareID, visitor, p.Window, p.At)
	if err != nil {
		return fmt.Errorf("count click on share %s: %w", p.ShareID, err)
	}
	return nil
}

// ---- share:publish ----

// Permanent marks a publish error that retrying will not cure (a revoked token, content the
// network refuses): the share FAILS with it at once.
func Permanent(err error) error { return &permanentError{err} }

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err was marked Permanent or wraps asynq.SkipRetry.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p) || errors.Is(err, asynq.SkipRetry)
}

// errClaimed: another run of the task holds the share. asynq retries later, when it has finished.
var errClaimed = errors.New("share is being published by another run of its task")

// Publishing defaults.
const (
	publishTimeout = time.Minute
	// claimFor outlasts publishTimeout: a run that died holding the claim frees it by then.
	claimFor = 2 * publishTimeout
)

type publishHandler struct {
	pool      *pgxpool.Pool
	keys      *secretbox.Keyring
	publisher Publisher
	publicURL string
	log       *slog.Logger
}

// NewPublishHandler returns the handler of share:publish tasks. It publishes a SCHEDULED share
// through its employee's connected account with publisher, after checking that the post is still
// APPROVED with the content hash that was shared (if not, the share is CANCELED, with the reason).
// A share already PUBLISHED (or otherwise settled) is left alone; a run of the task while another
// holds the share waits for it (asynq retry). Retryable publish errors are returned for asynq to
// retry; permanent ones, and the last retry's, mark the share FAILED with the platform's error.
// The message's IdempotencyKey (the share id) lets the publisher fold a repeat after a crash
// between publishing and recording it.
func NewPublishHandler(pool *pgxpool.Pool, keys *secretbox.Keyring, publisher Publisher, publicURL string, log *slog.Logger) asynq.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &publishHandler{pool: pool, keys: keys, publisher: publisher, publicURL: strings.TrimRight(publicURL, "/"),
		log: log.With(slog.String("task", jobs.TypeSharePublish))}
}

type sharePayload struct {
	jobs.Event
	ShareID uuid.UUID `json:"share_id"`
}

// publishJob is a claimed share and what publishing it needs.
type publishJob struct {
	share     *Share
	accountID string
	sealed    []byte
}

func (h *publishHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := jobs.DecodePayload[sharePayload](t)
	if err != nil {
		return err
	}
	if p.ShareID == uuid.Nil || p.OrgID == uuid.Nil {
		return fmt.Errorf("share:publish: want share_id and org_id: %w", asynq.SkipRetry)
	}
	job, err := h.claim(ctx, p.OrgID, p.ShareID)
	if err != nil || job == nil {
		return err
	}
	sh := job.share
	token, err := h.keys.Open(job.sealed, tokenAAD(sh.UserID, sh.Network))
	if err != nil {
		return h.fail(ctx, sh, "the stored token cannot be decrypted: reconnect the account")
	}
	pctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	creds := map[string]string{"access_token": string(token), "account_id": job.accountID}
	msg := Message{Text: sh.Text, Link: trackedURL(h.publicURL, sh.Code), IdempotencyKey: sh.ID.String()}
	externalID, externalURL, err := h.publisher.Publish(pctx, string(sh.Network), creds, msg)
	if err != nil {
		// The platform's error is kept and shown: make sure it never carries the token.
		reason := strings.ReplaceAll(err.Error(), string(token), "[redacted]")
		if IsPermanent(err) || lastAttempt(ctx) {
			return h.fail(ctx, sh, reason)
		}
		if uerr := releaseClaim(ctx, h.pool, sh.ID); uerr != nil {
			h.log.WarnContext(ctx, "release share claim", slog.String("share_id", sh.ID.String()), slog.Any("error", uerr))
		}
		return fmt.Errorf("publish share %s to %s: %s", sh.ID, sh.Network, reason)
	}
	err = postgres.WithTx(ctx, h.pool, func(tx pgx.Tx) error {
		published, err := markPublished(ctx, tx, sh.ID, externalID, externalURL)
		if err != nil || !published {
			return err // settled meanwhile (canceled by a deactivation): nothing more to record
		}
		return recordSystem(ctx, tx, sh, "share.published", map[string]any{
			"network": sh.Network, "external_id": externalID, "external_url": externalURL,
			"version_id": sh.VersionID, "content_hash": sh.ContentHash,
		})
	})
	if err != nil {
		return fmt.Errorf("record share %s published: %w", sh.ID, err)
	}
	return nil
}

// lastAttempt reports whether this run of the task is its last retry.
func lastAttempt(ctx context.Context) bool {
	retried, ok1 := asynq.GetRetryCount(ctx)
	maxRetry, ok2 := asynq.GetMaxRetry(ctx)
	return ok1 && ok2 && retried >= maxRetry
}

// claim locks a SCHEDULED share, checks it may still go out (canceling it if not) and claims it
// for claimFor. It returns nil when there is nothing to publish.
func (h *publishHandler) claim(ctx context.Context, org, id uuid.UUID) (*publishJob, error) {
	var job *publishJob
	err := postgres.WithTx(ctx, h.pool, func(tx pgx.Tx) error {
		sh, c, err := lockToPublish(ctx, tx, org, id)
		if err != nil {
			return err
		}
		if sh == nil {
			h.log.WarnContext(ctx, "share to publish not found", slog.String("share_id", id.String()))
			return nil
		}
		switch {
		case sh.Status != StatusScheduled:
			return nil // published already, or settled otherwise
		case c.claimed:
			return errClaimed
		case !c.active:
			return cancelShare(ctx, tx, sh, "the user was deactivated")
		case c.postState != content.StateApproved:
			return cancelShare(ctx, tx, sh, fmt.Sprintf("the post is no longer approved (it is %s)", c.postState))
		case c.currentHash != sh.ContentHash:
			return cancelShare(ctx, tx, sh, fmt.Sprintf("the post was edited after it was shared: its content hash is %s, the share was of %s", c.currentHash, sh.ContentHash))
		case c.sealed == nil:
			return cancelShare(ctx, tx, sh, fmt.Sprintf("no connected %s account", sh.Network))
		}
		if err := claimShare(ctx, tx, sh.ID, claimFor.Seconds()); err != nil {
			return err
		}
		job = &publishJob{share: sh, accountID: *c.accountID, sealed: c.sealed}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim share %s: %w", id, err)
	}
	return job, nil
}

func cancelShare(ctx context.Context, tx postgres.Execer, sh *Share, reason string) error {
	if err := setStatus(ctx, tx, sh, StatusCanceled, reason); err != nil {
		return err
	}
	return recordSystem(ctx, tx, sh, "share.canceled", map[string]any{"reason": reason, "content_hash": sh.ContentHash})
}

// fail marks a share FAILED with reason, unless it was settled meanwhile.
func (h *publishHandler) fail(ctx context.Context, sh *Share, reason string) error {
	if len(reason) > 2000 {
		reason = reason[:2000]
	}
	err := postgres.WithTx(ctx, h.pool, func(tx pgx.Tx) error {
		failed, err := markFailed(ctx, tx, sh.ID, reason)
		if err != nil || !failed {
			return err
		}
		return recordSystem(ctx, tx, sh, "share.failed", map[string]any{"network": sh.Network, "error": reason})
	})
	if err != nil {
		return fmt.Errorf("record share %s failed: %w", sh.ID, err)
	}
	return nil
}

// ---- share:approved, share:decided ----

type approvalHandler struct {
	pool *pgxpool.Pool
	log  *slog.Logger
}

// NewApprovalHandler returns the handler of share:approved (route post.approved to it) and
// share:decided (route post.decided to it) tasks: both carry the post_id of a post that may hold
// an edited share text under review. When that post is APPROVED, the shares waiting on it go on
// with its approved body as their text: OPENED, or SCHEDULED and enqueued, unless the shared post
// changed meanwhile (CANCELED). When it is REJECTED, they are REJECTED with the reviewer's comment.
// Any other state leaves them waiting. Running twice changes nothing more.
func NewApprovalHandler(pool *pgxpool.Pool, log *slog.Logger) asynq.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &approvalHandler{pool: pool, log: log.With(slog.String("task", jobs.TypeShareApproved))}
}

type postPayload struct {
	jobs.Event
	PostID uuid.UUID `json:"post_id"`
}

func (h *approvalHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := jobs.DecodePayload[postPayload](t)
	if err != nil {
		return err
	}
	if p.PostID == uuid.Nil || p.OrgID == uuid.Nil {
		return fmt.Errorf("%s: want post_id and org_id: %w", t.Type(), asynq.SkipRetry)
	}
	err = postgres.WithTx(ctx, h.pool, func(tx pgx.Tx) error {
		waiting, err := waitingShares(ctx, tx, p.OrgID, p.PostID)
		if err != nil || len(waiting) == 0 {
			return err
		}
		state, raw, hash, err := underReview(ctx, tx, p.OrgID, p.PostID)
		if err != nil {
			return fmt.Errorf("read post %s under review: %w", p.PostID, err)
		}
		switch state {
		case content.StateApproved:
			var c content.Content
			if err := json.Unmarshal(raw, &c); err != nil {
				return fmt.Errorf("decode post %s: %w", p.PostID, err)
			}
			for _, sh := range waiting {
				if err := h.approve(ctx, tx, sh, strings.TrimSpace(c.Body), hash); err != nil {
					return err
				}
			}
		case content.StateRejected:
			comment, err := rejectionComment(ctx, tx, p.PostID)
			if err != nil {
				return err
			}
			reason := "the edited text was rejected in review"
			if comment != "" {
				reason += ": " + comment
			}
			for _, sh := range waiting {
				if err := setStatus(ctx, tx, sh, StatusRejected, reason); err != nil {
					return err
				}
				if err := recordSystem(ctx, tx, sh, "share.rejected", map[string]any{"approval_post_id": p.PostID, "reason": reason}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("settle shares waiting on post %s: %w", p.PostID, err)
	}
	return nil
}

// approve lets a waiting share go on with the approved text, if the post it shares is still what
// was shared.
func (h *approvalHandler) approve(ctx context.Context, tx pgx.Tx, sh *Share, text, approvedHash string) error {
	parent, err := loadSharedPost(ctx, tx, sh.OrgID, sh.PostID, true)
	if err != nil {
		return err
	}
	if parent.state != content.StateApproved || parent.hash != sh.ContentHash {
		return cancelShare(ctx, tx, sh, "the post changed while the edited share text was in review")
	}
	to := StatusOpened
	if sh.ScheduleAt != nil {
		to = StatusScheduled
	}
	if err := setShareText(ctx, tx, sh.ID, text); err != nil {
		return err
	}
	sh.Text = text
	if err := setStatus(ctx, tx, sh, to, ""); err != nil {
		return err
	}
	if err := recordSystem(ctx, tx, sh, "share.approved", map[string]any{
		"approval_post_id": sh.ApprovalPostID, "approved_content_hash": approvedHash, "text": text, "status": to,
	}); err != nil {
		return err
	}
	if to == StatusScheduled {
		return enqueueScheduled(ctx, tx, sh, time.Now())
	}
	return nil
}
