package app_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/approval"
	"clearpost/internal/config"
	"clearpost/internal/content"
	"clearpost/internal/publish"
	"clearpost/internal/publish/platform/platformtest"

	"github.com/google/uuid"
)

// BenchmarkPublishOnTime measures how late publications start when 1,000 jobs are due in the same
// second (50 approved posts × 20 channels, all scheduled for one instant): the delay between each
// job's scheduled time and the moment its worker claimed it, p50 and p99, with one worker
// (CLEARPOST_WORKER_CONCURRENCY's default) delivering to 20 local webhook receivers (signed HTTP).
//
//	go test -run '^$' -bench PublishOnTime -benchtime 1x ./internal/app/
func BenchmarkPublishOnTime(b *testing.B) {
	const posts, channels = 50, 20
	concurrency := int32(20)
	if n, err := strconv.Atoi(os.Getenv("CLEARPOST_BENCH_CONCURRENCY")); err == nil && n > 0 {
		concurrency = int32(n)
	}
	env := apptest.StartWithQueue(b, func(c *config.Config) { c.WorkerConcurrency, c.DatabaseMaxConn = int64(concurrency), 2*concurrency })
	org := env.Org(b, "example")
	admin, marketer := env.As(b, org, "admin@example.com"), env.As(b, org, "marketer@example.com")
	reviewers := []context.Context{env.As(b, org, "legal@example.com"), env.As(b, org, "compliance@example.com"), env.As(b, org, "brand@example.com")}
	app := env.App

	var channelIDs []uuid.UUID
	var receivers []*platformtest.WebhookReceiver
	for i := range channels {
		recv := platformtest.NewWebhookReceiver(b)
		receivers = append(receivers, recv)
		ch, err := app.Publish.CreateChannel(admin, publish.ChannelInput{Platform: "webhook", Name: fmt.Sprintf("Automation %d", i), Credentials: recv.Credentials()})
		if err != nil {
			b.Fatal(err)
		}
		channelIDs = append(channelIDs, ch.ID)
	}
	var ids []uuid.UUID
	for i := range posts {
		post, err := app.Content.Create(marketer, content.Content{Title: "t", Body: fmt.Sprintf("Benchmark post %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := app.Approval.Submit(marketer, post.ID); err != nil {
			b.Fatal(err)
		}
		approved := false
		for range 5 {
			for _, r := range reviewers {
				v, err := app.Content.Version(marketer, post.ID, post.CurrentVersion)
				if err != nil {
					b.Fatal(err)
				}
				if _, after, err := app.Approval.Decide(r, approval.DecisionInput{PostID: post.ID, VersionID: v.ID, Kind: approval.Approve}); err == nil && after.State == content.StateApproved {
					approved = true
				}
			}
		}
		if !approved {
			b.Fatalf("post %d was not approved", i)
		}
		ids = append(ids, post.ID)
	}

	at := time.Now().Add(5 * time.Second).Truncate(time.Second).Add(time.Second)
	for _, id := range ids {
		if _, err := app.Publish.Schedule(marketer, publish.ScheduleInput{PostID: id, ChannelIDs: channelIDs, At: at.UTC().Format(time.RFC3339)}); err != nil {
			b.Fatal(err)
		}
	}
	if time.Now().After(at) {
		b.Fatalf("scheduling took past the due time %s", at)
	}
	b.ResetTimer()
	ctx := context.Background()
	deadline := at.Add(2 * time.Minute)
	for {
		var published int
		if err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM publish_jobs WHERE status = 'PUBLISHED'`).Scan(&published); err != nil {
			b.Fatal(err)
		}
		if published == posts*channels {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d published", published, posts*channels)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.StopTimer()
	var p50, p99 float64
	if err := app.Pool.QueryRow(ctx, `SELECT
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - run_at)),
			percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - run_at))
		FROM publish_jobs`).Scan(&p50, &p99); err != nil {
		b.Fatal(err)
	}
	for _, recv := range receivers {
		if n, dup := len(recv.Deliveries()), recv.Duplicates(); n != posts || dup != 0 {
			b.Fatalf("a receiver got %d deliveries and %d duplicates, want %d and 0", n, dup, posts)
		}
	}
	b.ReportMetric(p50*1000, "p50-delay-ms")
	b.ReportMetric(p99*1000, "p99-delay-ms")
	b.ReportMetric(posts*channels, "jobs")
	b.ReportMetric(float64(concurrency), "concurrency")
	b.ReportMetric(0, "ns/op")
}
