package publish

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// JobStatus is where one publication (a post version to a channel) stands.
type JobStatus string

const (
	JobAwaitingRelease JobStatus = "AWAITING_RELEASE"
	JobScheduled       JobStatus = "SCHEDULED"
	JobPublishing      JobStatus = "PUBLISHING"
	JobPublished       JobStatus = "PUBLISHED"
	JobFailed          JobStatus = "FAILED"
	JobCanceled        JobStatus = "CANCELED"
)

// Job is one post version to one channel, and its receipt once published.
type Job struct {
	ID           uuid.UUID
	OrgID        uuid.UUID
	PostID       uuid.UUID
	VersionID    uuid.UUID
	ContentHash  string
	ChannelID    uuid.UUID
	Status       JobStatus
	RunAt        *time.Time
	Generation   int
	Attempts     int
	LastError    string
	ExternalID   string
	ExternalURL  string
	PublishedAt  *time.Time
	CancelReason string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Plan is what a marketer asked for a post: these channels, at this time or on manual release.
type Plan struct {
	PostID     uuid.UUID
	ChannelIDs []uuid.UUID
	PublishAt  *time.Time // nil: manual release
	TimeZone   string
	UpdatedAt  time.Time
}

// ScheduleInput plans a post's publication.
type ScheduleInput struct {
	PostID     uuid.UUID
	ChannelIDs []uuid.UUID
	// At is the wall-clock time in TimeZone ("2026-12-01T09:00" or with seconds), or an RFC 3339
	// time with an offset. Empty with ManualRelease.
	At            string
	TimeZone      string // IANA name, default UTC
	ManualRelease bool
}

// localLayouts are the wall-clock forms At accepts.
var localLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// parseAt resolves in.At in its time zone. A wall-clock time that does not exist there (skipped by
// a daylight-saving change) is refused rather than silently moved.
func parseAt(at, zone string, now time.Time) (time.Time, *time.Location, error) {
	if zone == "" {
		zone = "UTC"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "Local" {
		return time.Time{}, nil, apperr.Invalidf("timeZone", "%q is not an IANA time zone name such as Europe/Berlin", zone)
	}
	at = strings.TrimSpace(at)
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		var ok bool
		for _, layout := range localLayouts {
			if t, err = time.ParseInLocation(layout, at, loc); err == nil {
				if t.Format(layout) != at {
					return time.Time{}, nil, apperr.Invalidf("at", "%s does not exist in %s (a daylight-saving change skips it)", at, zone)
				}
				ok = true
				break
			}
		}
		if !ok {
			return time.Time{}, nil, apperr.Invalidf("at", "%q is not a time: use 2026-12-01T09:00 (in the time zone) or RFC 3339", at)
		}
	}
	switch {
	case t.Before(now.Add(-time.Minute)):
		return time.Time{}, nil, apperr.Invalidf("at", "%s is in the past", t.In(loc).Format(time.RFC3339))
	case t.After(now.AddDate(2, 0, 0)):
		return time.Time{}, nil, apperr.Invalidf("at", "must be within two years")
	}
	return t, loc, nil
}

// Schedule plans a post's publication to channels, at a time or on manual release. The plan can be
// made while the post is drafted or in review: it takes effect when the post is approved. For an
// approved post, its jobs are (re)scheduled at once. Admins and marketers.
func (s *Service) Schedule(ctx context.Context, in ScheduleInput) (*Plan, error) {
	p, err := auth.Require(ctx, auth.Editors...)
	if err != nil {
		return nil, err
	}
	var publishAt *time.Time
	zone := in.TimeZone
	if zone == "" {
		zone = "UTC"
	}
	switch {
	case in.ManualRelease && in.At != "":
		return nil, apperr.Invalidf("at", "must be empty for a manual release")
	case !in.ManualRelease:
		if in.At == "" {
			return nil, apperr.Invalidf("at", "is required unless the post waits for a manual release")
		}
		t, _, err := parseAt(in.At, zone, time.Now())
		if err != nil {
			return nil, err
		}
		publishAt = &t
	default:
		if _, err := time.LoadLocation(zone); err != nil || zone == "Local" {
			return nil, apperr.Invalidf("timeZone", "%q is not an IANA time zone name such as Europe/Berlin", zone)
		}
	}
	channels := slices.Clone(in.ChannelIDs)
	slices.SortFunc(channels, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	channels = slices.Compact(channels)
	if len(channels) == 0 {
		return nil, apperr.Invalidf("channelIds", "name at least one channel")
	}

	plan := &Plan{PostID: in.PostID, ChannelIDs: channels, PublishAt: publishAt, TimeZone: zone}
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		state, err := lockPost(ctx, tx, p.OrgID, in.PostID)
		if err != nil {
			return err
		}
		if state == content.StateRejected {
			return apperr.Conflictf("post was rejected: it cannot be published")
		}
		known, err := enabledChannels(ctx, tx, p.OrgID, channels)
		if err != nil {
			return err
		}
		for _, id := range channels {
			if !slices.Contains(known, id) {
				return apperr.Invalidf("channelIds", "channel %s is not an enabled channel of this organization", id)
			}
		}
		if plan.UpdatedAt, err = upsertPlan(ctx, tx, p.OrgID, p.UserID, plan); err != nil {
			return err
		}
		details := map[string]any{"channel_ids": channels, "time_zone": zone, "manual_release": publishAt == nil, "post_state": state}
		if publishAt != nil {
			details["publish_at"] = publishAt.UTC()
		}
		if err := p.Record(ctx, tx, "post.publication_planned", "post", in.PostID.String(), details); err != nil {
			return err
		}
		if state != content.StateApproved {
			return nil // scheduled when approved
		}
		return SchedulePlanned(ctx, tx, in.PostID)
	})
	if err != nil {
		return nil, fmt.Errorf("schedule post %s: %w", in.PostID, err)
	}
	return plan, nil
}

// Unschedule drops a post's publication plan and cancels what has not gone out.
func (s *Service) Unschedule(ctx context.Context, postID uuid.UUID) ([]*Job, error) {
	p, err := auth.Require(ctx, auth.Editors...)
	if err != nil {
		return nil, err
	}
	var canceled []*Job
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := lockPost(ctx, tx, p.OrgID, postID); err != nil {
			return err
		}
		planned, err := deletePlan(ctx, tx, postID)
		if err != nil {
			return err
		}
		if canceled, err = cancelUnscheduled(ctx, tx, postID); err != nil {
			return err
		}
		if !planned && len(canceled) == 0 {
			return apperr.Conflictf("post %s has no publication planned", postID)
		}
		return p.Record(ctx, tx, "post.unscheduled", "post", postID.String(), map[string]any{"canceled_jobs": len(canceled)})
	})
	if err != nil {
		return nil, fmt.Errorf("unschedule post %s: %w", postID, err)
	}
	return canceled, nil
}

// Release publishes now what waits for a manual release.
func (s *Service) Release(ctx context.Context, postID uuid.UUID) ([]*Job, error) {
	p, err := auth.Require(ctx, auth.Editors...)
	if err != nil {
		return nil, err
	}
	var released []*Job
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		state, err := lockPost(ctx, tx, p.OrgID, postID)
		if err != nil {
			return err
		}
		if state != content.StateApproved {
			return apperr.Conflictf("post is %s, not APPROVED", state)
		}
		if released, err = releaseAwaiting(ctx, tx, postID); err != nil {
			return err
		}
		if err := enqueueJobs(ctx, tx, released); err != nil {
			return err
		}
		if len(released) == 0 {
			return apperr.Conflictf("post %s is not waiting for a release", postID)
		}
		return p.Record(ctx, tx, "post.released", "post", postID.String(), map[string]any{"jobs": jobIDs(released)})
	})
	if err != nil {
		return nil, fmt.Errorf("release post %s: %w", postID, err)
	}
	return released, nil
}

// Retry tries a failed publication again, now.
func (s *Service) Retry(ctx context.Context, jobID uuid.UUID) (*Job, error) {
	p, err := auth.Require(ctx, auth.Editors...)
	if err != nil {
		return nil, err
	}
	var job *Job
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		postID, status, err := jobPostStatus(ctx, tx, p.OrgID, jobID)
		if err != nil {
			return err
		}
		state, err := lockPost(ctx, tx, p.OrgID, postID)
		if err != nil {
			return err
		}
		if state != content.StateApproved {
			return apperr.Conflictf("post is %s, not APPROVED: it cannot be published", state)
		}
		jobs, err := retryFailed(ctx, tx, jobID)
		if err != nil {
			return err
		}
		if err := enqueueJobs(ctx, tx, jobs); err != nil {
			return err
		}
		if len(jobs) == 0 {
			return apperr.Conflictf("publish job %s is %s, not FAILED", jobID, status)
		}
		job = jobs[0]
		return p.Record(ctx, tx, "post.publish_retried", "post", postID.String(), map[string]any{"job_id": jobID, "channel_id": job.ChannelID})
	})
	if err != nil {
		return nil, fmt.Errorf("retry publish job %s: %w", jobID, err)
	}
	return job, nil
}

// enqueueJobs writes the outbox rows that start the tasks of rescheduled jobs.
func enqueueJobs(ctx context.Context, tx pgx.Tx, jobs []*Job) error {
	for _, j := range jobs {
		if err := enqueueJob(ctx, tx, j); err != nil {
			return err
		}
	}
	return nil
}

func jobIDs(jobs []*Job) []uuid.UUID {
	ids := make([]uuid.UUID, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	return ids
}
