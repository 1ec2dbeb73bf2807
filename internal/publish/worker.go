package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"clearpost/internal/audit"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/publish/platform"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
)

// MaxAttempts is how many times a publication is tried before it fails visibly: the first attempt
// and MaxAttempts-1 retries with exponential backoff.
const MaxAttempts = 6

// attempt is what a publish task needs, read and claimed in one transaction.
type attempt struct {
	job       *Job
	platform  string
	channel   string
	creds     Credentials
	message   platform.Message
	uncertain *time.Time // an earlier attempt started at this time and its outcome is unknown
}

// ProcessTask runs a publish:channel task: it re-checks that the job's content is still what was
// approved, claims the job, and publishes through the channel's adapter.
//
// Exactly once, as far as anyone outside can tell: a task whose generation is not the job's (it was
// rescheduled, released or retried since) does nothing; a job already published or canceled does
// nothing; and an attempt that a crash cut off (the job is still PUBLISHING) first asks the
// platform whether the post went out (Adapter.Find) before publishing again. Platforms that cannot
// be asked (Slack, webhooks) get the same idempotency key again: webhook receivers dedupe on it.
func (s *Service) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := jobs.DecodePayload[duePayload](t)
	if err != nil {
		return err
	}
	a, err := s.claim(ctx, p)
	if err != nil || a == nil {
		return err
	}
	adapter := s.adapters[a.platform]
	if a.uncertain != nil {
		r, found, err := adapter.Find(ctx, a.creds, a.message, a.uncertain.Add(-time.Minute))
		switch {
		case found:
			s.log.InfoContext(ctx, "publication found after an interrupted attempt", slog.String("job_id", a.job.ID.String()))
			return s.succeeded(ctx, a, r)
		case err != nil && !errors.Is(err, platform.ErrCannotFind):
			return s.failed(ctx, t, a, fmt.Errorf("check whether the interrupted attempt published: %w", err), true)
		}
	}
	r, err := adapter.Publish(ctx, a.creds, a.message)
	if platform.IsDuplicate(err) {
		// Another delivery of this job (a task run twice: a worker lost mid-attempt, Redis
		// recovered from PostgreSQL) may have just published it: ask, and keep its receipt.
		if found, ok, ferr := adapter.Find(ctx, a.creds, a.message, a.job.CreatedAt.Add(-time.Minute)); ferr == nil && ok {
			s.log.InfoContext(ctx, "publication found after the platform refused a duplicate", slog.String("job_id", a.job.ID.String()))
			return s.succeeded(ctx, a, found)
		}
	}
	if err != nil {
		// A platform that answered refused it; without an answer (a timeout, a reset) it may have
		// published, and the next attempt asks first.
		var perr *platform.Error
		answered := errors.As(err, &perr) && perr.Status != 0
		return s.failed(ctx, t, a, err, !answered)
	}
	return s.succeeded(ctx, a, r)
}

// claim marks the attempt started and reads what it needs, in one statement, and then checks that
// the job is still to be published with the approved content. It returns nil when there is nothing
// to do: the task is stale (another generation), the job is done or canceled, or the checks
// canceled or failed it.
func (s *Service) claim(ctx context.Context, p duePayload) (*attempt, error) {
	cl, err := claimJob(ctx, s.pool, p)
	if err != nil {
		return nil, fmt.Errorf("claim publish job %s: %w", p.JobID, err)
	}
	if cl == nil {
		return nil, nil // stale task, or already done
	}
	job := &cl.job
	var c content.Content
	if err := json.Unmarshal(cl.raw, &c); err != nil {
		return nil, fmt.Errorf("version of job %s: %w", job.ID, err)
	}
	// What goes out must be byte for byte what was approved.
	var stop func(tx pgx.Tx) error
	switch hash := c.Normalize().Hash(); {
	case cl.state != content.StateApproved || cl.number != cl.current:
		stop = func(tx pgx.Tx) error {
			return s.cancel(ctx, tx, job, fmt.Sprintf("the post is no longer approved as version %d", cl.number))
		}
	case cl.approvedHash == nil || *cl.approvedHash != job.ContentHash || hash != job.ContentHash:
		stop = func(tx pgx.Tx) error {
			return s.cancel(ctx, tx, job, "the content is not the content that was approved")
		}
	case !cl.enabled:
		stop = func(tx pgx.Tx) error { return s.fail(ctx, tx, job, cl.channelName, "the channel is disabled") }
	}
	var creds Credentials
	if stop == nil {
		if creds, err = s.open(job.ChannelID, cl.sealed); err != nil {
			stop = func(tx pgx.Tx) error {
				return s.fail(ctx, tx, job, cl.channelName, "the channel's credentials cannot be decrypted: update them")
			}
		}
	}
	if stop != nil {
		return nil, postgres.WithTx(ctx, s.pool, stop)
	}
	a := &attempt{job: job, platform: cl.platformName, channel: cl.channelName, creds: creds, message: message(job, c, cl.platformName)}
	if cl.oldStatus == JobPublishing && cl.previousStart != nil {
		a.uncertain = cl.previousStart
	}
	return a, nil
}

// message is what a version says on a platform: its override for the platform, if any, else its body.
func message(j *Job, c content.Content, platformName string) platform.Message {
	text := c.Body
	for _, o := range c.ChannelOverrides {
		if o.Channel == platformName {
			text = o.Body
		}
	}
	m := platform.Message{Text: text, Link: c.Link, Title: c.Title, IdempotencyKey: j.ID.String(),
		Meta: map[string]string{"post_id": j.PostID.String(), "version_id": j.VersionID.String(), "content_hash": j.ContentHash}}
	for _, md := range c.Media {
		m.Media = append(m.Media, platform.Media{URL: md.URL, AltText: md.AltText, Kind: md.Kind})
	}
	return m
}

func (s *Service) succeeded(ctx context.Context, a *attempt, r platform.Receipt) error {
	if r.At.IsZero() {
		r.At = time.Now()
	}
	details := map[string]any{"post_id": a.job.PostID, "job_id": a.job.ID, "channel_id": a.job.ChannelID, "channel": a.channel, "platform": a.platform,
		"version_id": a.job.VersionID, "content_hash": a.job.ContentHash, "external_id": r.ExternalID, "url": r.URL}
	// The receipt, its audit event and the outbox row in one round trip inside the transaction; a
	// job someone else already recorded is left alone.
	var recorded bool
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		var w postgres.Deferred
		if err := systemRecord(ctx, &w, a.job, jobs.TopicPostPublished, details); err != nil {
			return err
		}
		if err := jobs.Enqueue(ctx, &w, a.job.OrgID, jobs.TopicPostPublished, details); err != nil {
			return err
		}
		var err error
		if recorded, err = markPublished(ctx, tx, a.job.ID, r); err != nil || !recorded {
			return err
		}
		return w.Flush(ctx, tx)
	})
	if err != nil {
		// The post is out but not recorded: the task's retry finds it (Find) or, for platforms
		// that cannot be asked, sends the same idempotency key.
		return fmt.Errorf("record publication of job %s: %w", a.job.ID, err)
	}
	if recorded && s.onPublished != nil && a.job.RunAt != nil {
		s.onPublished(a.platform, *a.job.RunAt, r.At)
	}
	return nil
}

// failed records a failed attempt. While retries remain and the failure may pass, the job stays
// due (PUBLISHING when the outcome is unknown, so the retry asks the platform first) and the error
// goes back to asynq, which retries with backoff; otherwise the job is FAILED for a person to see.
func (s *Service) failed(ctx context.Context, t *asynq.Task, a *attempt, cause error, uncertain bool) error {
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	if platform.IsRetryable(cause) && retried < maxRetry {
		status := JobScheduled
		if uncertain {
			status = JobPublishing
		}
		if err := setAttemptFailed(ctx, s.pool, a.job.ID, status, cause.Error()); err != nil {
			return fmt.Errorf("%w (and recording it: %v)", cause, err)
		}
		return cause
	}
	return postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		return s.fail(ctx, tx, a.job, a.channel, cause.Error())
	})
}

// fail marks the job FAILED with the reason people will read, audits it and tells subscribers.
func (s *Service) fail(ctx context.Context, tx pgx.Tx, j *Job, channel, reason string) error {
	failed, err := markFailed(ctx, tx, j.ID, reason)
	if err != nil || !failed {
		return err
	}
	details := map[string]any{"job_id": j.ID, "channel_id": j.ChannelID, "channel": channel, "error": reason, "content_hash": j.ContentHash}
	if err := systemRecord(ctx, tx, j, jobs.TopicPostPublishFailed, details); err != nil {
		return err
	}
	return jobs.Enqueue(ctx, tx, j.OrgID, jobs.TopicPostPublishFailed, map[string]any{
		"post_id": j.PostID, "job_id": j.ID, "channel_id": j.ChannelID, "channel": channel, "error": reason})
}

func (s *Service) cancel(ctx context.Context, tx pgx.Tx, j *Job, reason string) error {
	if err := markCanceled(ctx, tx, j.ID, reason); err != nil {
		return err
	}
	return systemRecord(ctx, tx, j, "post.publication_canceled", map[string]any{"job_id": j.ID, "channel_id": j.ChannelID, "reason": reason})
}

func systemRecord(ctx context.Context, tx postgres.Execer, j *Job, action string, details any) error {
	return audit.Record(ctx, tx, audit.Event{OrgID: j.OrgID, ActorEmail: "system", Action: action,
		SubjectType: "post", SubjectID: j.PostID.String(), Details: details})
}
