package notify_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"clearpost/internal/approval"
	"clearpost/internal/jobs"
	"clearpost/internal/jobs/jobstest"
	"clearpost/internal/notify"

	"github.com/hibiken/asynq"
)

// TestThroughRelayAndWorker runs the real outbox relay and an asynq worker on a leased Redis
// database: a submission reaches the reviewer's mailbox, and the e-mail task is named by the
// notification's task key.
func TestThroughRelayAndWorker(t *testing.T) {
	t.Parallel()
	b := setup(t)
	redis := jobstest.NewRedis(t)
	author := mustUser(t, b.pool, b.org, "Ann Author", marketer)
	legal := mustUser(t, b.pool, b.org, "Lee Legal", reviewer, "legal")
	mustWorkflow(t, b.pool, author, approval.Stage{Name: "Legal", Groups: []approval.GroupRequirement{anyOf("legal")}})

	client := asynq.NewClient(redis.Opt())
	t.Cleanup(func() { client.Close() })
	relay := jobs.NewRelay(b.pool, client, testRoutes(), b.log)
	relay.PollInterval = 100 * time.Millisecond
	worker := jobs.NewWorker(redis.Opt(), b.log, 2)
	worker.Handle(jobs.TypeNotifyEvent, asynq.HandlerFunc(b.svc.ProcessEvent))
	worker.Handle(jobs.TypeNotifyEmail, asynq.HandlerFunc(b.svc.ProcessEmail))
	worker.Handle(jobs.TypeNotifySlack, asynq.HandlerFunc(b.svc.ProcessSlack))
	if err := worker.CheckRoutes(testRoutes()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { relay.Run(ctx) })
	wg.Go(func() { worker.Run(ctx) }) //nolint:errcheck // returns nil when ctx ends
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})

	post := mustSubmit(t, b.pool, author, "Relayed launch")
	waitFor(t, b.smtp.arrived, 30*time.Second, "the reviewer's e-mail", func() bool { return len(b.smtp.to(legal.email)) > 0 })
	m := b.smtp.to(legal.email)[0]
	if m.subject(t) != "Review requested: Relayed launch" || !strings.Contains(m.body(t), "/posts/"+post.ID.String()) {
		t.Fatalf("e-mail: %s", m.Data)
	}

	n := b.notificationsOf(t, legal)
	if len(n) != 1 {
		t.Fatalf("%d notifications, want 1", len(n))
	}
	inspector := asynq.NewInspector(redis.Opt())
	t.Cleanup(func() { inspector.Close() })
	id := jobs.TypeNotifyEmail + ":" + notify.TaskKey(n[0].ID, notify.ChannelEmail)
	info, err := inspector.GetTaskInfo(jobs.QueueFor(jobs.TypeNotifyEmail), id)
	if err != nil {
		t.Fatalf("task %s: %v", id, err)
	}
	if info.Type != jobs.TypeNotifyEmail {
		t.Fatalf("task %s is a %s", id, info.Type)
	}
	// The worker records the delivery once the server has accepted the message.
	waitFor(t, nil, 30*time.Second, "the delivery recorded SENT", func() bool {
		return count(t, b.pool, `SELECT count(*) FROM notification_deliveries WHERE notification_id = $1 AND status = 'SENT'`, n[0].ID) == 1
	})
	if len(b.smtp.messages()) != 1 {
		t.Fatalf("%d e-mails, want 1", len(b.smtp.messages()))
	}
}
