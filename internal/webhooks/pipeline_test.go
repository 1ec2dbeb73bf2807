package webhooks_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"clearpost/internal/jobs"
	"clearpost/internal/jobs/jobstest"
	"clearpost/internal/webhooks"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
)

// runPipeline runs, until t ends, the outbox relay with the webhook routes and an asynq server with
// the webhook handlers on a Redis database of t's own, retrying failed tasks after 50ms instead of
// asynq's backoff of seconds to hours.
func (b *bundle) runPipeline(t *testing.T) jobstest.Redis {
	t.Helper()
	redis := jobstest.NewRedis(t)
	routes := jobs.Routes{jobs.TopicWebhookDelivery: {jobs.TypeWebhookDeliver}}
	for _, e := range webhooks.Events {
		routes[e] = []string{jobs.TypeWebhookFanout}
	}
	client := asynq.NewClient(redis.Opt())
	t.Cleanup(func() { client.Close() })
	relay := jobs.NewRelay(b.pool, client, routes, b.log)
	relay.PollInterval = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { relay.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})

	srv := asynq.NewServer(redis.Opt(), asynq.Config{
		Concurrency:              4,
		Queues:                   map[string]int{jobs.QueueCritical: 1, jobs.QueueDefault: 1, jobs.QueueLow: 1},
		TaskCheckInterval:        20 * time.Millisecond,
		DelayedTaskCheckInterval: 50 * time.Millisecond,
		RetryDelayFunc:           func(int, error, *asynq.Task) time.Duration { return 50 * time.Millisecond },
		Logger:                   jobs.AsynqLogger(b.log),
		LogLevel:                 asynq.ErrorLevel,
	})
	mux := asynq.NewServeMux()
	mux.HandleFunc(jobs.TypeWebhookFanout, b.svc.HandleFanout)
	mux.HandleFunc(jobs.TypeWebhookDeliver, b.svc.HandleDeliver)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	return redis
}

// status reads a delivery's status and attempt count.
func (b *bundle) status(t *testing.T, id uuid.UUID) (string, int) {
	t.Helper()
	var status string
	var attempts int
	if err := b.pool.QueryRow(context.Background(), `SELECT status, attempts FROM webhook_deliveries WHERE id = $1`, id).
		Scan(&status, &attempts); err != nil {
		t.Fatal(err)
	}
	return status, attempts
}

// Through the real relay, Redis and an asynq server: an endpoint that answers 500 twice and then 200
// gets the delivery on asynq's third try, every attempt logged; a redelivery arrives with its own id.
func TestPipelineRetriesUntilDeliveredAndRedelivers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	redis := b.runPipeline(t)
	rcv := newReceiver(t, 500, 500)
	sub := b.subscribe(t, b.admin, rcv.URL+"/hook", rcv, "post.approved", "post.publish_failed")
	post, hash := b.mustPost(t, b.admin, "Launch day")
	b.event(t, b.org, "post.approved", map[string]any{"post_id": post, "content_hash": hash})

	var first deliveryRow
	waitFor(t, 30*time.Second, "the delivery to arrive on the third attempt", func() bool {
		ds := b.deliveries(t, sub.ID)
		if len(ds) == 1 {
			first = ds[0]
		}
		return len(ds) == 1 && ds[0].Status == "DELIVERED"
	})
	got := rcv.requests()
	if len(got) != 3 || first.Attempts != 3 {
		t.Fatalf("receiver got %d requests, delivery counts %d attempts; want 3 and 3", len(got), first.Attempts)
	}
	for i, r := range got {
		if !r.signed || r.header.Get("Idempotency-Key") != first.ID.String() || string(r.body) != string(got[0].body) {
			t.Errorf("request %d: signed %v, key %s; want the same signed delivery %s", i, r.signed, r.header.Get("Idempotency-Key"), first.ID)
		}
	}
	log, err := b.svc.Deliveries(b.admin, sub.ID, nil, 10)
	if err != nil || len(log) != 1 {
		t.Fatalf("Deliveries = %v, %v", log, err)
	}
	var codes []int
	for _, a := range log[0].Attempts {
		if a.StatusCode != nil {
			codes = append(codes, *a.StatusCode)
		}
	}
	if !reflect.DeepEqual(codes, []int{500, 500, 200}) || log[0].CompletedAt == nil {
		t.Errorf("attempt log %v, completed %v; want 500, 500, 200 and completed", codes, log[0].CompletedAt)
	}
	// The task is named by its delivery (task_key), and asynq retried it twice.
	in := asynq.NewInspector(redis.Opt())
	defer in.Close()
	info, err := in.GetTaskInfo(jobs.QueueFor(jobs.TypeWebhookDeliver), jobs.TypeWebhookDeliver+":"+first.ID.String())
	if err != nil || info.Retried != 2 || info.State != asynq.TaskStateCompleted {
		t.Errorf("deliver task: %+v, %v; want completed after 2 retries", info, err)
	}

	re, err := b.svc.Redeliver(b.admin, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if re.ID == first.ID || re.RedeliveryOf == nil || *re.RedeliveryOf != first.ID || re.Status != webhooks.StatusPending {
		t.Fatalf("redelivery %+v, want a new PENDING delivery naming %s", re, first.ID)
	}
	waitFor(t, 30*time.Second, "the redelivery to arrive", func() bool {
		status, _ := b.status(t, re.ID)
		return status == "DELIVERED"
	})
	got = rcv.requests()
	if len(got) != 4 {
		t.Fatalf("receiver got %d requests, want 4", len(got))
	}
	again, orig := decodeBody(t, got[3].body), decodeBody(t, got[0].body)
	if !got[3].signed || got[3].header.Get("Idempotency-Key") != re.ID.String() || again.ID != re.ID {
		t.Errorf("redelivery: signed %v, key %s, body id %s; want its own id %s", got[3].signed, got[3].header.Get("Idempotency-Key"), again.ID, re.ID)
	}
	if !reflect.DeepEqual(again.Data, orig.Data) || again.Type != orig.Type || !again.CreatedAt.Equal(orig.CreatedAt) {
		t.Errorf("redelivered event %+v, want the original's %+v", again, orig)
	}
	var audited int
	if err := b.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE org_id = $1 AND action = 'webhook.redelivered'`, b.org).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("%d webhook.redelivered audit events (%v), want 1", audited, err)
	}
}
