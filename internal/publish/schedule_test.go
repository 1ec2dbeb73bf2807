package publish_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/content"
	"clearpost/internal/publish"

	"github.com/google/uuid"
)

// scheduled is an approved post of acme scheduled to one X channel an hour from now, and its job.
func (b *bundle) scheduled(t *testing.T) (post, *publish.Channel, *publish.Job) {
	t.Helper()
	x := b.xChannel(t, "Brand X")
	p := mustPost(t, b.pool, b.marketer, content.StateApproved, sampleContent("Scheduled."))
	if _, err := b.svc.Schedule(as(b.marketer), publish.ScheduleInput{PostID: p.ID, ChannelIDs: []uuid.UUID{x.ID}, At: inAnHour()}); err != nil {
		t.Fatal(err)
	}
	js := b.jobs(t, p.ID)
	if len(js) != 1 {
		t.Fatalf("%d jobs, want 1", len(js))
	}
	return p, x, js[0]
}

// Only admins and marketers plan, unschedule, release and retry: an employee or a reviewer is
// refused with FORBIDDEN (and no one signed in with UNAUTHENTICATED), and nothing changes.
func TestSchedulingRequiresAnEditor(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p, x, j := b.scheduled(t)
	if _, err := b.pool.Exec(context.Background(), `UPDATE publish_jobs SET status = 'FAILED', last_error = 'x: down' WHERE id = $1`, j.ID); err != nil {
		t.Fatal(err)
	}
	before := b.snapshot(t)
	calls := map[string]func(ctx context.Context) error{
		"Schedule": func(ctx context.Context) error {
			_, err := b.svc.Schedule(ctx, publish.ScheduleInput{PostID: p.ID, ChannelIDs: []uuid.UUID{x.ID}, ManualRelease: true})
			return err
		},
		"Unschedule": func(ctx context.Context) error { _, err := b.svc.Unschedule(ctx, p.ID); return err },
		"Release":    func(ctx context.Context) error { _, err := b.svc.Release(ctx, p.ID); return err },
		"Retry":      func(ctx context.Context) error { _, err := b.svc.Retry(ctx, j.ID); return err },
		"ReleaseQueue": func(ctx context.Context) error {
			_, err := b.svc.ReleaseQueue(ctx, nil, 10)
			return err
		},
	}
	for name, call := range calls {
		for who, ctx := range map[string]context.Context{"employee": as(b.employee), "reviewer": as(b.reviewer)} {
			if got := apperr.CodeOf(call(ctx)); got != apperr.Forbidden {
				t.Errorf("%s as %s: %s, want FORBIDDEN", name, who, got)
			}
		}
		if got := apperr.CodeOf(call(context.Background())); got != apperr.Unauthenticated {
			t.Errorf("%s signed out: %s, want UNAUTHENTICATED", name, got)
		}
	}
	if after := b.snapshot(t); after != before {
		t.Fatalf("refused calls changed the database:\nbefore %s\nafter  %s", before, after)
	}
	// The plan is readable by reviewers (they judge a post knowing where it goes), not employees;
	// employees see no jobs.
	if plan, err := b.svc.PlanOf(as(b.reviewer), p.ID); err != nil || plan == nil || plan.ChannelIDs[0] != x.ID {
		t.Errorf("reviewer PlanOf = %+v, %v", plan, err)
	}
	_, err := b.svc.PlanOf(as(b.employee), p.ID)
	mustCode(t, err, apperr.Forbidden, "")
	if js, err := b.svc.JobsOf(as(b.employee), []uuid.UUID{p.ID}); err != nil || len(js) != 0 {
		t.Errorf("employee JobsOf = %v, %v; want none", js, err)
	}
}

// Bad input is refused with BAD_USER_INPUT naming the field, and the plan, the jobs, the outbox
// and the audit log stay as they were.
func TestScheduleRejectsBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p, x, _ := b.scheduled(t)
	disabled := b.hookChannel(t, "Old hook")
	if _, err := b.svc.DisableChannel(as(b.admin), disabled.ID); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	chans := []uuid.UUID{x.ID}
	cases := []struct {
		name  string
		in    publish.ScheduleInput
		field string
	}{
		{"no time and no manual release", publish.ScheduleInput{ChannelIDs: chans}, "at"},
		{"a time with a manual release", publish.ScheduleInput{ChannelIDs: chans, ManualRelease: true, At: inAnHour()}, "at"},
		{"not a time", publish.ScheduleInput{ChannelIDs: chans, At: "next tuesday"}, "at"},
		{"in the past", publish.ScheduleInput{ChannelIDs: chans, At: now.Add(-time.Hour).Format(time.RFC3339)}, "at"},
		{"beyond two years", publish.ScheduleInput{ChannelIDs: chans, At: now.AddDate(2, 1, 0).Format(time.RFC3339)}, "at"},
		{"skipped by daylight saving", publish.ScheduleInput{ChannelIDs: chans, At: "2027-03-28T02:30", TimeZone: "Europe/Berlin"}, "at"},
		{"unknown time zone", publish.ScheduleInput{ChannelIDs: chans, At: "2027-03-28T09:30", TimeZone: "Mars/Olympus_Mons"}, "timeZone"},
		{"the server's Local zone", publish.ScheduleInput{ChannelIDs: chans, At: "2027-03-28T09:30", TimeZone: "Local"}, "timeZone"},
		{"manual release, unknown zone", publish.ScheduleInput{ChannelIDs: chans, ManualRelease: true, TimeZone: "Nowhere/Land"}, "timeZone"},
		{"no channel", publish.ScheduleInput{At: inAnHour()}, "channelIds"},
		{"unknown channel", publish.ScheduleInput{ChannelIDs: []uuid.UUID{x.ID, uuid.New()}, At: inAnHour()}, "channelIds"},
		{"disabled channel", publish.ScheduleInput{ChannelIDs: []uuid.UUID{disabled.ID}, At: inAnHour()}, "channelIds"},
	}
	before := b.snapshot(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.PostID = p.ID
			plan, err := b.svc.Schedule(as(b.marketer), c.in)
			if plan != nil {
				t.Errorf("plan %+v returned with an error", plan)
			}
			mustCode(t, err, apperr.Invalid, c.field)
		})
	}
	if after := b.snapshot(t); after != before {
		t.Fatalf("refused input changed the database:\nbefore %s\nafter  %s", before, after)
	}
}

// A wall-clock time is read in the plan's IANA time zone; rescheduling an approved post moves its
// job (same job, next generation, new time) and each change is audited.
func TestScheduleInTimeZoneAndReschedule(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p, x, j := b.scheduled(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().In(ny).AddDate(0, 3, 0)
	want := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, ny)
	plan, err := b.svc.Schedule(as(b.admin), publish.ScheduleInput{PostID: p.ID, ChannelIDs: []uuid.UUID{x.ID},
		At: want.Format("2006-01-02T15:04"), TimeZone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	if plan.PublishAt == nil || !plan.PublishAt.Equal(want) || plan.TimeZone != "America/New_York" {
		t.Fatalf("plan %+v, want %s in America/New_York", plan, want)
	}
	stored, err := b.svc.PlanOf(as(b.marketer), p.ID)
	if err != nil || stored == nil || !stored.PublishAt.Equal(want) || stored.TimeZone != "America/New_York" {
		t.Fatalf("stored plan %+v, %v", stored, err)
	}
	got := b.job(t, j.ID)
	if got.Generation != 2 || got.Status != publish.JobScheduled || got.RunAt == nil || !got.RunAt.Equal(want) {
		t.Fatalf("rescheduled job %+v, want generation 2 due at %s", got, want)
	}
	due := b.dueRows(t, p.ID)
	if last := due[len(due)-1]; last.Generation != 2 || !last.ProcessAt.Equal(want) {
		t.Fatalf("newest publish.due row %+v, want generation 2 at %s", last, want)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'post.publication_planned' AND subject_id = $1`, p.ID.String()); n != 2 {
		t.Errorf("%d post.publication_planned events, want 2", n)
	}
}

// Unscheduling cancels what has not gone out (never what has), drops the plan, and a second
// unschedule is a CONFLICT that changes nothing; the canceled job's task then does nothing.
func TestUnscheduleCancelsWhatHasNotGoneOut(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x, hook := b.xChannel(t, "Brand X"), b.hookChannel(t, "Automation")
	p := mustPost(t, b.pool, b.marketer, content.StateApproved, sampleContent("Half out."))
	if _, err := b.svc.Schedule(as(b.marketer), publish.ScheduleInput{PostID: p.ID, ChannelIDs: []uuid.UUID{x.ID, hook.ID},
		At: time.Now().UTC().Format(time.RFC3339)}); err != nil {
		t.Fatal(err)
	}
	var xJob, hookJob *publish.Job
	for _, j := range b.jobs(t, p.ID) {
		if j.ChannelID == x.ID {
			xJob = j
		} else {
			hookJob = j
		}
	}
	if err := b.svc.ProcessTask(context.Background(), b.dueTask(t, xJob.ID)); err != nil {
		t.Fatal(err)
	}

	canceled, err := b.svc.Unschedule(as(b.marketer), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(canceled) != 1 || canceled[0].ID != hookJob.ID || canceled[0].Status != publish.JobCanceled || canceled[0].CancelReason != "unscheduled" {
		t.Fatalf("canceled %+v, want only the webhook job, CANCELED as unscheduled", canceled)
	}
	if got := b.job(t, xJob.ID); got.Status != publish.JobPublished {
		t.Errorf("published job is %s after unscheduling", got.Status)
	}
	if plan, err := b.svc.PlanOf(as(b.marketer), p.ID); err != nil || plan != nil {
		t.Errorf("plan after unscheduling: %+v, %v", plan, err)
	}
	before := b.snapshot(t)
	_, err = b.svc.Unschedule(as(b.marketer), p.ID)
	mustCode(t, err, apperr.Conflict, "")
	if after := b.snapshot(t); after != before {
		t.Fatalf("refused unschedule changed the database:\nbefore %s\nafter  %s", before, after)
	}
	if err := b.svc.ProcessTask(context.Background(), b.dueTask(t, hookJob.ID)); err != nil {
		t.Fatal(err)
	}
	if n := len(b.hook.Requests()); n != 0 {
		t.Errorf("canceled job's task sent %d webhook requests", n)
	}
}

// A rejected post cannot be planned; Retry wants a FAILED job of an APPROVED post.
func TestScheduleConflicts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p, x, j := b.scheduled(t)
	rejected := mustPost(t, b.pool, b.marketer, content.StateRejected, sampleContent("No."))
	before := b.snapshot(t)
	_, err := b.svc.Schedule(as(b.marketer), publish.ScheduleInput{PostID: rejected.ID, ChannelIDs: []uuid.UUID{x.ID}, At: inAnHour()})
	mustCode(t, err, apperr.Conflict, "")
	_, err = b.svc.Retry(as(b.marketer), j.ID)
	if e := mustCode(t, err, apperr.Conflict, ""); !strings.Contains(e.Message, "SCHEDULED") {
		t.Errorf("retry of a scheduled job: %v, want it to say the job is SCHEDULED", err)
	}
	_, err = b.svc.Release(as(b.marketer), p.ID)
	mustCode(t, err, apperr.Conflict, "")
	_, err = b.svc.Retry(as(b.marketer), uuid.New())
	mustCode(t, err, apperr.NotFound, "")
	_, err = b.svc.Schedule(as(b.marketer), publish.ScheduleInput{PostID: uuid.New(), ChannelIDs: []uuid.UUID{x.ID}, At: inAnHour()})
	mustCode(t, err, apperr.NotFound, "")
	if after := b.snapshot(t); after != before {
		t.Fatalf("refused calls changed the database:\nbefore %s\nafter  %s", before, after)
	}
}

// Another organization's posts, channels and jobs are invisible: NOT_FOUND (or simply absent),
// never FORBIDDEN, and nothing of theirs changes.
func TestSchedulingIsScopedToTheOrganization(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mine := b.xChannel(t, "Brand X")
	theirChannel := b.mustChannel(t, b.otherAdmin, "webhook", "Globex hook", b.hook.Credentials())
	theirs := mustPost(t, b.pool, b.otherAdmin, content.StateApproved, sampleContent("Globex news."))
	if _, err := b.svc.Schedule(as(b.otherAdmin), publish.ScheduleInput{PostID: theirs.ID, ChannelIDs: []uuid.UUID{theirChannel.ID}, At: inAnHour()}); err != nil {
		t.Fatal(err)
	}
	theirJob := b.jobs(t, theirs.ID)
	if len(theirJob) != 0 {
		t.Fatalf("acme's admin sees globex's jobs: %+v", theirJob)
	}
	var jobID uuid.UUID
	if err := b.pool.QueryRow(context.Background(), `UPDATE publish_jobs SET status = 'FAILED' WHERE post_id = $1 RETURNING id`, theirs.ID).Scan(&jobID); err != nil {
		t.Fatal(err)
	}
	mine2 := mustPost(t, b.pool, b.marketer, content.StateApproved, sampleContent("Acme news."))
	before := b.snapshot(t)

	ctx := as(b.marketer)
	_, err := b.svc.Schedule(ctx, publish.ScheduleInput{PostID: theirs.ID, ChannelIDs: []uuid.UUID{mine.ID}, At: inAnHour()})
	mustCode(t, err, apperr.NotFound, "")
	_, err = b.svc.Unschedule(ctx, theirs.ID)
	mustCode(t, err, apperr.NotFound, "")
	_, err = b.svc.Release(ctx, theirs.ID)
	mustCode(t, err, apperr.NotFound, "")
	_, err = b.svc.Retry(ctx, jobID)
	mustCode(t, err, apperr.NotFound, "")
	// Their channel in my plan reads exactly like a channel that does not exist.
	_, errTheirs := b.svc.Schedule(ctx, publish.ScheduleInput{PostID: mine2.ID, ChannelIDs: []uuid.UUID{theirChannel.ID}, At: inAnHour()})
	_, errNone := b.svc.Schedule(ctx, publish.ScheduleInput{PostID: mine2.ID, ChannelIDs: []uuid.UUID{uuid.New()}, At: inAnHour()})
	mustCode(t, errTheirs, apperr.Invalid, "channelIds")
	mustCode(t, errNone, apperr.Invalid, "channelIds")
	if plan, err := b.svc.PlanOf(ctx, theirs.ID); err != nil || plan != nil {
		t.Errorf("PlanOf another organization's post = %+v, %v; want nothing", plan, err)
	}
	if js, err := b.svc.JobsOf(as(b.admin), []uuid.UUID{theirs.ID}); err != nil || len(js) != 0 {
		t.Errorf("JobsOf another organization's post = %v, %v; want nothing", js, err)
	}
	if after := b.snapshot(t); after != before {
		t.Fatalf("calls on another organization's data changed the database:\nbefore %s\nafter  %s", before, after)
	}
}
