package app_test

import (
	"context"
	"testing"
	"time"
)

// The operator's report: a post scheduled and approved, its publish task waiting in Redis, then
// Redis restarted without its data. PostgreSQL still holds the job; the reconciler puts its task
// back under the same id, and the post goes out at its time, once.
func TestScheduledPublicationSurvivesRedisLosingItsData(t *testing.T) {
	t.Parallel()
	p, f := setupPublishing(t)
	ctx := context.Background()
	webhook := p.channel(t, "webhook", "Automation", f.webhook.Credentials())
	pp := p.create(t, "Our autumn release is out #launch")
	at := time.Now().Add(6 * time.Second).Truncate(time.Second)
	p.Must(t, p.tok["marketer"], schedulePost, map[string]any{"in": map[string]any{
		"postId": pp.ID, "channelIds": []string{webhook}, "at": at.UTC().Format("2006-01-02T15:04:05"), "timeZone": "UTC"}}, nil)
	p.approvePost(t, pp)
	p.waitJobs(t, pp.ID, 10*time.Second, "the job to be scheduled", allStatus(1, "SCHEDULED"))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var n int
		if err := p.App.Pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE relayed_at IS NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d outbox rows still unrelayed", n)
		}
	}
	if left := time.Until(at); left < time.Second {
		t.Fatalf("only %s left before the publication: too late to take its task away", left)
	}

	p.Redis.Wipe(t)
	res, err := p.App.Reconciler.Sweep(ctx)
	if err != nil || res.Recovered == 0 {
		t.Fatalf("sweep = %+v, %v; want the publish task recovered", res, err)
	}
	jobs := p.waitJobs(t, pp.ID, 20*time.Second, "the post to publish", allStatus(1, "PUBLISHED"))
	if j := jobs[0]; j.Attempts != 1 || j.PublishedAt == nil || j.PublishedAt.Before(at.Add(-time.Second)) {
		t.Errorf("job %+v: want one attempt, published not before %s", j, at)
	}
	if got := f.webhook.Deliveries(); len(got) != 1 || f.webhook.Duplicates() != 0 {
		t.Errorf("webhook deliveries = %d (duplicates %d), want 1", len(got), f.webhook.Duplicates())
	}
	// A second sweep finds nothing more to recover.
	if res, err := p.App.Reconciler.Sweep(ctx); err != nil || res.Recovered != 0 {
		t.Errorf("second sweep = %+v, %v; want nothing recovered", res, err)
	}
}
