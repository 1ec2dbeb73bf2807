package publish

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/auth"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
)

// duePayload is what a publish.due outbox row carries, and so the publish task's payload.
type duePayload struct {
	jobs.Event
	jobs.Schedule
	JobID      uuid.UUID `json:"job_id"`
	PostID     uuid.UUID `json:"post_id"`
	Generation int       `json:"generation"`
}

// enqueueJob writes the outbox row that starts j's task for its current generation at its run time:
// the same row SchedulePlanned writes.
func enqueueJob(ctx context.Context, db postgres.Execer, j *Job) error {
	p := duePayload{JobID: j.ID, PostID: j.PostID, Generation: j.Generation,
		Schedule: jobs.Schedule{TaskKey: fmt.Sprintf("%s.%d", j.ID, j.Generation)}}
	if j.RunAt != nil {
		p.ProcessAt = *j.RunAt
	}
	return jobs.Enqueue(ctx, db, j.OrgID, jobs.TopicPublishDue, p)
}

// JobsOf returns the publish jobs of the organization's posts among postIDs, oldest first, for a
// dataloader. Admins and marketers; others get none.
func (s *Service) JobsOf(ctx context.Context, postIDs []uuid.UUID) (map[uuid.UUID][]*Job, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID][]*Job{}
	if !p.Has(auth.Editors...) {
		return out, nil
	}
	all, err := jobsOfPosts(ctx, s.pool, p.OrgID, postIDs)
	if err != nil {
		return nil, err
	}
	for _, j := range all {
		out[j.PostID] = append(out[j.PostID], j)
	}
	return out, nil
}

// PlanOf returns a post's publication plan, or nil. Admins and marketers.
func (s *Service) PlanOf(ctx context.Context, postID uuid.UUID) (*Plan, error) {
	p, err := auth.Require(ctx, auth.PlanReaders...)
	if err != nil {
		return nil, err
	}
	return planOf(ctx, s.pool, p.OrgID, postID)
}

// Waiting is a post in the release queue: approved for a manual release, not yet released.
type Waiting struct {
	PostID     uuid.UUID
	ChannelIDs []uuid.UUID
	Since      time.Time
}

// ReleaseQueue lists the posts waiting for a manual release, longest waiting first, after the
// cursor (the last item's Since and PostID). Admins and marketers.
func (s *Service) ReleaseQueue(ctx context.Context, after *Waiting, limit int) ([]*Waiting, error) {
	p, err := auth.Require(ctx, auth.Editors...)
	if err != nil {
		return nil, err
	}
	since, afterPost := time.Time{}, uuid.Nil
	if after != nil {
		since, afterPost = after.Since, after.PostID
	}
	return releaseQueue(ctx, s.pool, p.OrgID, since, afterPost, limit)
}
