package publish_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/publish"

	"github.com/google/uuid"
)

// dueRow is a publish.due outbox row's payload.
type dueRow struct {
	JobID      uuid.UUID `json:"job_id"`
	PostID     uuid.UUID `json:"post_id"`
	Generation int       `json:"generation"`
	TaskKey    string    `json:"task_key"`
	ProcessAt  time.Time `json:"process_at"`
}

func (b *bundle) dueRows(tb testing.TB, postID uuid.UUID) []dueRow {
	tb.Helper()
	rows, err := b.pool.Query(context.Background(), `SELECT payload FROM outbox WHERE topic = $1 AND payload->>'post_id' = $2 ORDER BY id`,
		jobs.TopicPublishDue, postID.String())
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []dueRow
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			tb.Fatal(err)
		}
		var d dueRow
		if err := json.Unmarshal(raw, &d); err != nil {
			tb.Fatalf("publish.due payload %s: %v", raw, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// A plan made while the post is drafted turns into one SCHEDULED job per channel when the post is
// approved: bound to the approved version and hash, due at the planned time, each with the outbox
// row that starts its task under a key naming the job and its generation.
func TestSchedulePlannedTurnsThePlanIntoJobsOnApproval(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x, hook := b.xChannel(t, "Brand X"), b.hookChannel(t, "Automation")
	p := mustPost(t, b.pool, b.marketer, content.StateDraft, sampleContent("We launched."))
	plan, err := b.svc.Schedule(as(b.marketer), publish.ScheduleInput{PostID: p.ID, ChannelIDs: []uuid.UUID{hook.ID, x.ID, x.ID}, At: inAnHour()})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.ChannelIDs) != 2 {
		t.Fatalf("plan channels %v, want the two channels once each", plan.ChannelIDs)
	}
	if n := b.count(t, `SELECT count(*) FROM publish_jobs`); n != 0 {
		t.Fatalf("%d jobs before approval, want none", n)
	}
	if rows := b.dueRows(t, p.ID); len(rows) != 0 {
		t.Fatalf("publish.due rows before approval: %+v", rows)
	}

	b.approve(t, p)

	got := b.jobs(t, p.ID)
	if len(got) != 2 {
		t.Fatalf("%d jobs after approval, want 2", len(got))
	}
	byJob := map[uuid.UUID]*publish.Job{}
	channels := map[uuid.UUID]bool{}
	for _, j := range got {
		byJob[j.ID] = j
		channels[j.ChannelID] = true
		if j.Status != publish.JobScheduled || j.Generation != 1 || j.VersionID != p.Version || j.ContentHash != p.Hash ||
			j.RunAt == nil || !j.RunAt.Equal(*plan.PublishAt) {
			t.Errorf("job %+v, want SCHEDULED generation 1 of version %s hash %s at %s", j, p.Version, p.Hash, plan.PublishAt)
		}
	}
	if !channels[x.ID] || !channels[hook.ID] {
		t.Errorf("jobs for channels %v, want %s and %s", channels, x.ID, hook.ID)
	}
	due := b.dueRows(t, p.ID)
	if len(due) != 2 {
		t.Fatalf("%d publish.due rows, want 2: %+v", len(due), due)
	}
	for _, d := range due {
		j := byJob[d.JobID]
		if j == nil || d.Generation != 1 || d.TaskKey != fmt.Sprintf("%s.1", d.JobID) || !d.ProcessAt.Equal(*j.RunAt) {
			t.Errorf("publish.due row %+v does not start job %+v at its time under key <job>.1", d, j)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM outbox WHERE topic = $1 AND payload->>'post_id' = $2`, jobs.TopicPostScheduled, p.ID.String()); n != 1 {
		t.Errorf("%d post.scheduled rows, want 1", n)
	}
}

// SchedulePlanned run again (another approval hook, a plan saved twice) never makes a second job
// for a (version, channel), and leaves a published job alone: no new task, no new generation.
func TestSchedulePlannedAgainDoesNotPublishTwice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x := b.xChannel(t, "Brand X")
	p := mustPost(t, b.pool, b.marketer, content.StateApproved, sampleContent("Once only."))
	if _, err := b.svc.Schedule(as(b.marketer), publish.ScheduleInput{PostID: p.ID, ChannelIDs: []uuid.UUID{x.ID},
		At: time.Now().UTC().Format(time.RFC3339)}); err != nil {
		t.Fatal(err)
	}
	jobsBefore := b.jobs(t, p.ID)
	if len(jobsBefore) != 1 {
		t.Fatalf("%d jobs, want 1", len(jobsBefore))
	}
	j := jobsBefore[0]
	if err := b.svc.ProcessTask(context.Background(), b.dueTask(t, j.ID)); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if got := b.job(t, j.ID); got.Status != publish.JobPublished {
		t.Fatalf("job is %s after publishing, want PUBLISHED", got.Status)
	}
	published := b.job(t, j.ID)
	dueBefore := len(b.dueRows(t, p.ID))

	b.schedulePlanned(t, p.ID)
	b.schedulePlanned(t, p.ID)

	after := b.jobs(t, p.ID)
	if len(after) != 1 {
		t.Fatalf("%d jobs after SchedulePlanned again, want still 1", len(after))
	}
	if got := after[0]; got.Status != publish.JobPublished || got.Generation != published.Generation || !got.UpdatedAt.Equal(published.UpdatedAt) {
		t.Errorf("published job changed: %+v, was %+v", got, published)
	}
	if n := len(b.dueRows(t, p.ID)); n != dueBefore {
		t.Errorf("%d publish.due rows after SchedulePlanned again, want %d", n, dueBefore)
	}
	if n := len(b.x.Posts()); n != 1 {
		t.Errorf("X holds %d posts, want 1", n)
	}
}

// A job that has not gone out is rescheduled under a new generation when SchedulePlanned runs
// again: the old generation's task finds itself stale and does nothing, the new one publishes.
func TestSchedulePlannedAgainMakesTheOldTaskStale(t *testing.T) {
	t.Parallel()
	b := setup(t)
	hook := b.hookChannel(t, "Automation")
	p := mustPost(t, b.pool, b.marketer, content.StateApproved, sampleContent("New generation."))
	if _, err := b.svc.Schedule(as(b.marketer), publish.ScheduleInput{PostID: p.ID, ChannelIDs: []uuid.UUID{hook.ID}, At: inAnHour()}); err != nil {
		t.Fatal(err)
	}
	j := b.jobs(t, p.ID)[0]
	stale := b.dueTask(t, j.ID)

	b.schedulePlanned(t, p.ID)

	got := b.jobs(t, p.ID)
	if len(got) != 1 || got[0].ID != j.ID || got[0].Generation != 2 || got[0].Status != publish.JobScheduled {
		t.Fatalf("jobs after SchedulePlanned again: %+v, want job %s SCHEDULED at generation 2", got, j.ID)
	}
	if err := b.svc.ProcessTask(context.Background(), stale); err != nil {
		t.Fatalf("stale task: %v", err)
	}
	if n := len(b.hook.Requests()); n != 0 {
		t.Fatalf("stale task sent %d requests, want none", n)
	}
	if got := b.job(t, j.ID); got.Status != publish.JobScheduled || got.Attempts != 0 {
		t.Fatalf("stale task touched the job: %+v", got)
	}
	if err := b.svc.ProcessTask(context.Background(), b.dueTask(t, j.ID)); err != nil {
		t.Fatalf("current task: %v", err)
	}
	if got := b.job(t, j.ID); got.Status != publish.JobPublished || got.Attempts != 1 {
		t.Fatalf("current task: job %+v, want PUBLISHED after 1 attempt", got)
	}
	if d := b.hook.Deliveries(); len(d) != 1 {
		t.Fatalf("%d deliveries, want 1", len(d))
	}
}

// A manual-release plan makes jobs that wait, without a task, until a marketer releases them.
func TestSchedulePlannedManualReleaseWaitsForRelease(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x := b.xChannel(t, "Brand X")
	p := mustPost(t, b.pool, b.marketer, content.StateDraft, sampleContent("Press the button."))
	if _, err := b.svc.Schedule(as(b.marketer), publish.ScheduleInput{PostID: p.ID, ChannelIDs: []uuid.UUID{x.ID}, ManualRelease: true}); err != nil {
		t.Fatal(err)
	}
	b.approve(t, p)
	got := b.jobs(t, p.ID)
	if len(got) != 1 || got[0].Status != publish.JobAwaitingRelease || got[0].RunAt != nil {
		t.Fatalf("jobs %+v, want one AWAITING_RELEASE without a run time", got)
	}
	if rows := b.dueRows(t, p.ID); len(rows) != 0 {
		t.Fatalf("publish.due rows for a manual release: %+v", rows)
	}
	if n := b.count(t, `SELECT count(*) FROM outbox WHERE topic = $1`, jobs.TopicPostScheduled); n != 0 {
		t.Errorf("%d post.scheduled rows for a manual release, want 0", n)
	}
	queue, err := b.svc.ReleaseQueue(as(b.marketer), nil, 10)
	if err != nil || len(queue) != 1 || queue[0].PostID != p.ID {
		t.Fatalf("release queue %+v, %v; want the post", queue, err)
	}

	before := b.snapshot(t)
	for _, who := range []*struct {
		name string
		ctx  context.Context
	}{{"employee", as(b.employee)}, {"reviewer", as(b.reviewer)}} {
		_, err := b.svc.Release(who.ctx, p.ID)
		mustCode(t, err, apperr.Forbidden, "")
	}
	if _, err := b.svc.Release(as(b.otherAdmin), p.ID); err == nil {
		t.Fatal("another organization's admin released the post")
	} else {
		mustCode(t, err, apperr.NotFound, "")
	}
	if after := b.snapshot(t); after != before {
		t.Fatalf("refused releases changed the database:\nbefore %s\nafter  %s", before, after)
	}

	released, err := b.svc.Release(as(b.marketer), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(released) != 1 || released[0].Status != publish.JobScheduled || released[0].Generation != 2 || released[0].RunAt == nil {
		t.Fatalf("released %+v, want the job SCHEDULED now at generation 2", released)
	}
	due := b.dueRows(t, p.ID)
	if len(due) != 1 || due[0].TaskKey != fmt.Sprintf("%s.2", released[0].ID) {
		t.Fatalf("publish.due rows after release: %+v", due)
	}
	_, err = b.svc.Release(as(b.marketer), p.ID)
	mustCode(t, err, apperr.Conflict, "")
	if queue, _ := b.svc.ReleaseQueue(as(b.marketer), nil, 10); len(queue) != 0 {
		t.Errorf("release queue after release: %+v", queue)
	}
}

// Without an approved review, or without a plan, SchedulePlanned writes nothing.
func TestSchedulePlannedWithoutApprovalOrPlanDoesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x := b.xChannel(t, "Brand X")
	unplanned := mustPost(t, b.pool, b.marketer, content.StateApproved, sampleContent("No plan."))
	drafted := mustPost(t, b.pool, b.marketer, content.StateDraft, sampleContent("Not approved."))
	if _, err := b.svc.Schedule(as(b.marketer), publish.ScheduleInput{PostID: drafted.ID, ChannelIDs: []uuid.UUID{x.ID}, At: inAnHour()}); err != nil {
		t.Fatal(err)
	}
	before := b.snapshot(t)
	b.schedulePlanned(t, unplanned.ID)
	b.schedulePlanned(t, drafted.ID)
	b.schedulePlanned(t, uuid.New())
	if after := b.snapshot(t); after != before {
		t.Fatalf("SchedulePlanned without an approval or a plan wrote:\nbefore %s\nafter  %s", before, after)
	}
}

// A plan that no longer names a channel cancels that channel's waiting job; a plan whose time
// has passed (approval came late) is due at once, not in the past; a channel of another
// organization in a plan row never gets a job.
func TestSchedulePlannedFollowsThePlan(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x, hook := b.xChannel(t, "Brand X"), b.hookChannel(t, "Automation")
	foreign := b.mustChannel(t, b.otherAdmin, "webhook", "Globex hook", b.hook.Credentials())
	p := mustPost(t, b.pool, b.marketer, content.StateDraft, sampleContent("Late approval."))
	// As if the plan had been made for an hour ago and the approval came only now; the foreign
	// channel is written behind the service's back.
	if _, err := b.pool.Exec(context.Background(), `INSERT INTO publication_plans (post_id, org_id, channel_ids, publish_at, created_by)
		VALUES ($1, $2, $3, now() - interval '1 hour', $4)`, p.ID, b.org, []uuid.UUID{x.ID, hook.ID, foreign.ID}, b.marketer.UserID); err != nil {
		t.Fatal(err)
	}
	approvedAt := time.Now()
	b.approve(t, p)
	got := b.jobs(t, p.ID)
	if len(got) != 2 {
		t.Fatalf("%d jobs, want 2 (none for the other organization's channel): %+v", len(got), got)
	}
	for _, j := range got {
		if j.ChannelID == foreign.ID {
			t.Errorf("job for another organization's channel: %+v", j)
		}
		if j.RunAt == nil || j.RunAt.Before(approvedAt.Add(-time.Second)) {
			t.Errorf("job due at %v, want no earlier than the approval (%v)", j.RunAt, approvedAt)
		}
	}

	if _, err := b.svc.Schedule(as(b.marketer), publish.ScheduleInput{PostID: p.ID, ChannelIDs: []uuid.UUID{x.ID}, At: inAnHour()}); err != nil {
		t.Fatal(err)
	}
	for _, j := range b.jobs(t, p.ID) {
		switch j.ChannelID {
		case hook.ID:
			if j.Status != publish.JobCanceled || j.CancelReason != "no longer planned" {
				t.Errorf("dropped channel's job %+v, want CANCELED as no longer planned", j)
			}
		case x.ID:
			if j.Status != publish.JobScheduled || j.Generation != 2 {
				t.Errorf("kept channel's job %+v, want SCHEDULED at generation 2", j)
			}
		}
	}
}
