package approval_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"clearpost/internal/app/apptest"
	"clearpost/internal/approval"
	"clearpost/internal/content"
)

// BenchmarkDecide measures audited decisions per second: each one locks the post, checks the
// version and hash, records the decision, counts the quorum, advances the review, and writes its
// audit events and outbox rows, all in one transaction, with the audit sealer running alongside.
func BenchmarkDecide(b *testing.B) {
	env := apptest.Start(b)
	org := env.Org(b, "example")
	marketer := env.As(b, org, "marketer@example.com")
	brand := env.As(b, org, "brand@example.com")
	posts, svc := env.App.Content, env.App.Approval
	targets := make([]approval.DecisionInput, b.N)
	for i := range b.N {
		p, err := posts.Create(marketer, content.Content{Title: "bench", Body: fmt.Sprintf("Post number %d for the benchmark.", i)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Submit(marketer, p.ID); err != nil {
			b.Fatal(err)
		}
		v, err := posts.Version(marketer, p.ID, 0)
		if err != nil {
			b.Fatal(err)
		}
		targets[i] = approval.DecisionInput{PostID: p.ID, VersionID: v.ID, ContentHash: v.ContentHash, Kind: approval.Approve, Comment: "ok"}
	}
	var next atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			in := targets[next.Add(1)-1]
			if _, post, err := svc.Decide(brand, in); err != nil || post.State != content.StateApproved {
				b.Errorf("decide: %v", err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}
