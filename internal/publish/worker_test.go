package publish_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/jobs/jobstest"
	"clearpost/internal/publish"
	"clearpost/internal/publish/platform"
	"clearpost/internal/secretbox"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
)

// due is an approved post of acme scheduled now to the given channels, and its jobs by channel.
func (b *bundle) due(t *testing.T, body string, channels ...*publish.Channel) (post, map[uuid.UUID]*publish.Job) {
	t.Helper()
	p := mustPost(t, b.pool, b.marketer, content.StateApproved, sampleContent(body))
	ids := make([]uuid.UUID, len(channels))
	for i, c := range channels {
		ids[i] = c.ID
	}
	if _, err := b.svc.Schedule(as(b.marketer), publish.ScheduleInput{PostID: p.ID, ChannelIDs: ids, At: time.Now().UTC().Format(time.RFC3339)}); err != nil {
		t.Fatal(err)
	}
	byChannel := map[uuid.UUID]*publish.Job{}
	for _, j := range b.jobs(t, p.ID) {
		byChannel[j.ChannelID] = j
	}
	if len(byChannel) != len(channels) {
		t.Fatalf("%d jobs, want %d", len(byChannel), len(channels))
	}
	return p, byChannel
}

// xCreates counts the requests to X's create endpoint.
func (b *bundle) xCreates() int {
	n := 0
	for _, r := range b.x.Requests() {
		if r.Method == http.MethodPost && r.Path == "/2/tweets" {
			n++
		}
	}
	return n
}

// A due job publishes what was approved, byte for byte, and is marked PUBLISHED once with the
// platform's receipt, audited and announced once; the same task delivered again does nothing.
func TestProcessTaskPublishesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x, hook := b.xChannel(t, "Brand X"), b.hookChannel(t, "Automation")
	p, js := b.due(t, "We launched & you're invited <3", x, hook)
	ctx := context.Background()
	for _, j := range js {
		if err := b.svc.ProcessTask(ctx, b.dueTask(t, j.ID)); err != nil {
			t.Fatalf("publish job %s: %v", j.ID, err)
		}
	}

	xp := b.x.Posts()
	if len(xp) != 1 || !strings.Contains(xp[0].Text, p.Content.Body) {
		t.Fatalf("X holds %+v, want one post of %q", xp, p.Content.Body)
	}
	d := b.hook.Deliveries()
	if len(d) != 1 {
		t.Fatalf("%d webhook deliveries, want 1", len(d))
	}
	hookJob := js[hook.ID]
	if ev := d[0].Event; ev.Data.Text != p.Content.Body || ev.Data.Link != p.Content.Link || ev.ID != hookJob.ID.String() ||
		ev.Data.Meta["content_hash"] != p.Hash || ev.Data.Meta["version_id"] != p.Version.String() {
		t.Errorf("delivered event %+v, want the approved content of version %s (hash %s) keyed by job %s", ev, p.Version, p.Hash, hookJob.ID)
	}
	for ch, j := range js {
		got := b.job(t, j.ID)
		if got.Status != publish.JobPublished || got.Attempts != 1 || got.PublishedAt == nil || got.LastError != "" {
			t.Errorf("job %+v, want PUBLISHED after one attempt", got)
		}
		switch ch {
		case x.ID:
			if got.ExternalID != xp[0].ID || !strings.Contains(got.ExternalURL, xp[0].ID) {
				t.Errorf("X job receipt %q %q, want post %s", got.ExternalID, got.ExternalURL, xp[0].ID)
			}
		case hook.ID:
			if got.ExternalID != d[0].ResponseID {
				t.Errorf("webhook job receipt %q, want the receiver's id %q", got.ExternalID, d[0].ResponseID)
			}
		}
	}
	published := `SELECT count(*) FROM audit_events WHERE action = 'post.published' AND subject_id = $1 AND actor_email = 'system'`
	announced := `SELECT count(*) FROM outbox WHERE topic = 'post.published' AND payload->>'post_id' = $1`
	if n := b.count(t, published, p.ID.String()); n != 2 {
		t.Errorf("%d post.published audit events, want 2", n)
	}
	if n := b.count(t, announced, p.ID.String()); n != 2 {
		t.Errorf("%d post.published outbox rows, want 2", n)
	}

	before := b.snapshot(t)
	xRequests, hookRequests := len(b.x.Requests()), len(b.hook.Requests())
	for _, j := range js {
		if err := b.svc.ProcessTask(ctx, b.dueTask(t, j.ID)); err != nil {
			t.Fatalf("second delivery of job %s: %v", j.ID, err)
		}
	}
	if n, m := len(b.x.Requests()), len(b.hook.Requests()); n != xRequests || m != hookRequests {
		t.Errorf("second delivery talked to the platforms: X %d→%d, webhook %d→%d requests", xRequests, n, hookRequests, m)
	}
	if after := b.snapshot(t); after != before {
		t.Errorf("second delivery changed the database:\nbefore %s\nafter  %s", before, after)
	}
}

// The same task delivered twice at once (a redelivery while the first attempt is still waiting
// for the platform) publishes once: the second finds the post on X (Find) or sends the same
// idempotency key to the webhook receiver, and the job is recorded PUBLISHED once.
func TestConcurrentDeliveryPublishesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x, hook := b.xChannel(t, "Brand X"), b.hookChannel(t, "Automation")
	p, js := b.due(t, "Twice at once.", x, hook)
	ctx := context.Background()
	b.x.HoldAfterAccept()
	b.hook.HoldAfterAccept()

	var wg sync.WaitGroup
	first := map[uuid.UUID]error{}
	var mu sync.Mutex
	for _, j := range js {
		task := b.dueTask(t, j.ID)
		wg.Go(func() {
			err := b.svc.ProcessTask(ctx, task)
			mu.Lock()
			first[j.ID] = err
			mu.Unlock()
		})
	}
	b.x.WaitHeld(t, 1)
	b.hook.WaitHeld(t, 1)
	for _, j := range js {
		if err := b.svc.ProcessTask(ctx, b.dueTask(t, j.ID)); err != nil {
			t.Fatalf("redelivery of job %s: %v", j.ID, err)
		}
		if got := b.job(t, j.ID); got.Status != publish.JobPublished {
			t.Errorf("after the redelivery, job %+v, want PUBLISHED", got)
		}
	}
	b.x.Release()
	b.hook.Release()
	wg.Wait()
	for id, err := range first {
		if err != nil {
			t.Errorf("first delivery of job %s: %v", id, err)
		}
	}
	if n := len(b.x.Posts()); n != 1 {
		t.Errorf("X holds %d posts, want 1", n)
	}
	if n := b.xCreates(); n != 1 {
		t.Errorf("%d create requests to X, want 1 (the redelivery must ask first)", n)
	}
	if n := len(b.hook.Deliveries()); n != 1 {
		t.Errorf("receiver accepted %d deliveries, want 1", n)
	}
	for _, j := range js {
		if got := b.job(t, j.ID); got.Status != publish.JobPublished || got.ExternalID == "" {
			t.Errorf("job %+v, want PUBLISHED with a receipt", got)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'post.published' AND subject_id = $1`, p.ID.String()); n != 2 {
		t.Errorf("%d post.published events, want one per job", n)
	}
}

// An attempt a crash cut off (the job is still PUBLISHING) asks the platform before publishing:
// nothing there, it publishes once.
func TestInterruptedAttemptAsksThePlatformFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x := b.xChannel(t, "Brand X")
	_, js := b.due(t, "After the crash.", x)
	j := js[x.ID]
	if _, err := b.pool.Exec(context.Background(), `UPDATE publish_jobs SET status = 'PUBLISHING', attempts = 1, started_at = now() WHERE id = $1`, j.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.ProcessTask(context.Background(), b.dueTask(t, j.ID)); err != nil {
		t.Fatal(err)
	}
	reqs := b.x.Requests()
	if len(reqs) != 2 || reqs[0].Method != http.MethodGet || reqs[1].Method != http.MethodPost {
		t.Fatalf("requests to X %+v, want a timeline look-up and then one create", reqs)
	}
	if got := b.job(t, j.ID); got.Status != publish.JobPublished || got.Attempts != 2 {
		t.Errorf("job %+v, want PUBLISHED after its second attempt", got)
	}
}

// A platform that refuses the post for good (403) fails the job visibly at once: FAILED with the
// platform's reason, audited and announced, and the access token the platform echoed back is
// nowhere in the database. A marketer's Retry schedules it again under a new generation.
func TestPermanentFailureFailsTheJobWithoutLeakingTheToken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x := b.xChannel(t, "Brand X")
	p, js := b.due(t, "Refused.", x)
	j := js[x.ID]
	token := b.x.AccessToken
	b.x.FailNext(1, http.StatusForbidden, `{"title":"Forbidden","detail":"The token `+token+` is not permitted to perform this action.","type":"about:blank","status":403}`)

	if err := b.svc.ProcessTask(context.Background(), b.dueTask(t, j.ID)); err != nil {
		t.Fatalf("a permanent failure is recorded, not returned for asynq to retry: %v", err)
	}
	got := b.job(t, j.ID)
	if got.Status != publish.JobFailed || got.Attempts != 1 || !strings.Contains(got.LastError, "not permitted") || !strings.Contains(got.LastError, "403") {
		t.Fatalf("job %+v, want FAILED with X's reason", got)
	}
	mustNotContain(t, "database", b.snapshot(t), token)
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'post.publish_failed' AND subject_id = $1`, p.ID.String()); n != 1 {
		t.Errorf("%d post.publish_failed events, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM outbox WHERE topic = $1 AND payload->>'job_id' = $2`, jobs.TopicPostPublishFailed, j.ID.String()); n != 1 {
		t.Errorf("%d post.publish_failed outbox rows, want 1", n)
	}
	if n := len(b.x.Posts()); n != 0 {
		t.Fatalf("X holds %d posts after a refusal", n)
	}

	// The task delivered again does nothing: the job is FAILED, not due.
	requests := len(b.x.Requests())
	if err := b.svc.ProcessTask(context.Background(), b.dueTask(t, j.ID)); err != nil || len(b.x.Requests()) != requests {
		t.Fatalf("redelivered task of a failed job: %v, %d requests (was %d)", err, len(b.x.Requests()), requests)
	}

	retried, err := b.svc.Retry(as(b.marketer), j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if retried.Status != publish.JobScheduled || retried.Generation != 2 || retried.LastError != "" {
		t.Fatalf("retried job %+v, want SCHEDULED at generation 2 without the old error", retried)
	}
	if err := b.svc.ProcessTask(context.Background(), b.dueTask(t, j.ID)); err != nil {
		t.Fatal(err)
	}
	if got := b.job(t, j.ID); got.Status != publish.JobPublished || got.Attempts != 2 {
		t.Fatalf("job after retry %+v, want PUBLISHED after 2 attempts", got)
	}
}

// What the worker will not publish: content that is no longer what was approved is canceled, a
// disabled channel or credentials that do not open fail the job, all without a request to the
// platform; a payload that does not decode is not retried.
func TestProcessTaskRefusesWhatMustNotGoOut(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()

	t.Run("tampered content", func(t *testing.T) {
		hook := b.hookChannel(t, "Tamper")
		p, js := b.due(t, "Approved words.", hook)
		if _, err := b.pool.Exec(ctx, `UPDATE post_versions SET content = jsonb_set(content, '{body}', '"Other words."') WHERE id = $1`, p.Version); err != nil {
			t.Fatal(err)
		}
		j := js[hook.ID]
		if err := b.svc.ProcessTask(ctx, b.dueTask(t, j.ID)); err != nil {
			t.Fatal(err)
		}
		if got := b.job(t, j.ID); got.Status != publish.JobCanceled || !strings.Contains(got.CancelReason, "not the content that was approved") {
			t.Errorf("job %+v, want CANCELED: content not approved", got)
		}
	})
	t.Run("disabled channel", func(t *testing.T) {
		hook := b.hookChannel(t, "Disabled")
		_, js := b.due(t, "Nobody listens.", hook)
		if _, err := b.svc.DisableChannel(as(b.admin), hook.ID); err != nil {
			t.Fatal(err)
		}
		j := js[hook.ID]
		if err := b.svc.ProcessTask(ctx, b.dueTask(t, j.ID)); err != nil {
			t.Fatal(err)
		}
		if got := b.job(t, j.ID); got.Status != publish.JobFailed || got.LastError != "the channel is disabled" {
			t.Errorf("job %+v, want FAILED: the channel is disabled", got)
		}
	})
	t.Run("credentials sealed with another key", func(t *testing.T) {
		hook := b.hookChannel(t, "Lost key")
		_, js := b.due(t, "Key lost.", hook)
		other, err := secretbox.Parse(secretbox.NewKey("other"))
		if err != nil {
			t.Fatal(err)
		}
		svc := publish.NewService(b.pool, other, platform.Adapters(b.adapterOpts), slog.New(slog.DiscardHandler))
		j := js[hook.ID]
		if err := svc.ProcessTask(ctx, b.dueTask(t, j.ID)); err != nil {
			t.Fatal(err)
		}
		if got := b.job(t, j.ID); got.Status != publish.JobFailed || !strings.Contains(got.LastError, "cannot be decrypted") {
			t.Errorf("job %+v, want FAILED: credentials cannot be decrypted", got)
		}
	})
	t.Run("undecodable payload", func(t *testing.T) {
		err := b.svc.ProcessTask(ctx, asynq.NewTask(jobs.TypePublishChannel, []byte(`{"job_id": 42`)))
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("undecodable payload: %v, want SkipRetry", err)
		}
	})
	if n := len(b.hook.Requests()); n != 0 {
		t.Errorf("%d requests to the webhook receiver, want none", n)
	}
}

// Through the real queue: a retryable failure (503) leaves the job SCHEDULED with the error and
// the task in asynq's retry set, due after a backoff, with publish.MaxAttempts-1 retries; running
// the retry publishes once.
func TestRetryableFailureIsRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x := b.xChannel(t, "Brand X")
	redis := jobstest.NewRedis(t)
	client := asynq.NewClient(redis.Opt())
	t.Cleanup(func() { client.Close() })
	inspector := asynq.NewInspector(redis.Opt())
	t.Cleanup(func() { inspector.Close() })
	quiet := slog.New(slog.DiscardHandler)
	relay := jobs.NewRelay(b.pool, client, jobs.Routes{jobs.TopicPublishDue: {jobs.TypePublishChannel}}, quiet)
	relay.MaxRetry = map[string]int{jobs.TypePublishChannel: publish.MaxAttempts - 1}
	const base = time.Hour
	worker := jobs.NewWorker(redis.Opt(), quiet, 2, jobs.WithRetryBase(base))
	worker.Handle(jobs.TypePublishChannel, asynq.HandlerFunc(b.svc.ProcessTask))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = worker.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })

	b.x.FailNext(1, http.StatusServiceUnavailable, `{"title":"Service Unavailable","detail":"Over capacity","type":"about:blank","status":503}`)
	_, js := b.due(t, "Try again later.", x)
	j := js[x.ID]
	failedAt := time.Now()
	if n, err := relay.RelayOnce(ctx); err != nil || n == 0 {
		t.Fatalf("relay: %d rows, %v", n, err)
	}
	queue, id := jobs.QueueFor(jobs.TypePublishChannel), jobs.TypePublishChannel+":"+j.ID.String()+".1"
	var info *asynq.TaskInfo
	waitFor(t, 20*time.Second, "the task to wait for a retry", func() bool {
		var err error
		info, err = inspector.GetTaskInfo(queue, id)
		if err == nil && info.State == asynq.TaskStateCompleted {
			// Our worker never completes this task on the first try (X answers 503): another
			// process consumed it from the leased Redis database.
			t.Fatalf("task completed without a retry; job %+v, X requests %d: was it consumed by a worker outside this test?",
				b.job(t, j.ID), len(b.x.Requests()))
		}
		return err == nil && info.State == asynq.TaskStateRetry
	})
	if info.Retried != 1 || info.MaxRetry != publish.MaxAttempts-1 || !strings.Contains(info.LastErr, "Over capacity") {
		t.Errorf("retry task %+v, want retried once of %d with X's error", info, publish.MaxAttempts-1)
	}
	if wait := info.NextProcessAt.Sub(failedAt); wait < base/2 || wait > 2*base {
		t.Errorf("retry due in %v, want a backoff of about %v", wait, base)
	}
	got := b.job(t, j.ID)
	if got.Status != publish.JobScheduled || got.Attempts != 1 || !strings.Contains(got.LastError, "Over capacity") {
		t.Errorf("job waiting for its retry %+v, want SCHEDULED after 1 attempt with the error", got)
	}
	if n := len(b.x.Posts()); n != 0 {
		t.Fatalf("X holds %d posts after a 503", n)
	}

	if err := inspector.RunTask(queue, id); err != nil {
		t.Fatalf("run the retry now: %v", err)
	}
	waitFor(t, 20*time.Second, "the retry to publish", func() bool { return b.job(t, j.ID).Status == publish.JobPublished })
	if got := b.job(t, j.ID); got.Attempts != 2 || got.LastError != "" || len(b.x.Posts()) != 1 {
		t.Errorf("job %+v with %d X posts, want PUBLISHED once after 2 attempts", got, len(b.x.Posts()))
	}
}

// A second delivery of a job whose post another delivery has just put on X: X refuses the
// duplicate, and the worker finds the post there and keeps its receipt instead of failing a job
// that went out.
func TestDuplicateRefusalFindsThePublishedPost(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x := b.xChannel(t, "Brand X")
	_, js := b.due(t, "Published by the other delivery.", x)
	j := js[x.ID]
	if err := b.svc.ProcessTask(context.Background(), b.dueTask(t, j.ID)); err != nil {
		t.Fatal(err)
	}
	first := b.job(t, j.ID)
	// The second delivery claimed the job before the first recorded its receipt.
	if _, err := b.pool.Exec(context.Background(), `UPDATE publish_jobs SET status = 'SCHEDULED', external_id = '', external_url = '', published_at = NULL WHERE id = $1`, j.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.ProcessTask(context.Background(), b.dueTask(t, j.ID)); err != nil {
		t.Fatal(err)
	}
	got := b.job(t, j.ID)
	if got.Status != publish.JobPublished || got.ExternalID != first.ExternalID {
		t.Fatalf("job %+v, want PUBLISHED with the receipt of the post already on X (%s)", got, first.ExternalID)
	}
	if n := len(b.x.Posts()); n != 1 {
		t.Errorf("X holds %d posts, want 1", n)
	}
}
