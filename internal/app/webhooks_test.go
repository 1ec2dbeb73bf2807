package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"clearpost/internal/publish/platform"
)

// An organization's webhook receives its subscribed lifecycle events as signed POSTs, and the
// delivery log shows them; the secret is shown once.
func TestOutgoingWebhooksDeliverSignedLifecycleEvents(t *testing.T) {
	t.Parallel()
	p, _ := setupPublishing(t)
	var (
		mu     sync.Mutex
		events []string
		secret []byte
		bad    int
	)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if err := platform.VerifySignature(secret, r.Header.Get("X-Clearpost-Signature"), r.Header.Get("X-Clearpost-Timestamp"), body, time.Minute, time.Now()); err != nil {
			bad++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var ev struct{ Type string }
		_ = json.Unmarshal(body, &ev)
		events = append(events, ev.Type)
	}))
	t.Cleanup(recv.Close)

	var out struct {
		CreateWebhookSubscription struct {
			Subscription struct{ ID string }
			Secret       string
		}
	}
	mu.Lock()
	p.Must(t, p.tok["admin"], `mutation($in: WebhookSubscriptionInput!) { createWebhookSubscription(input: $in) { subscription { id } secret } }`,
		map[string]any{"in": map[string]any{"url": recv.URL, "events": []string{"post.submitted", "post.approved"}}}, &out)
	secret = []byte(out.CreateWebhookSubscription.Secret)
	mu.Unlock()
	if len(secret) < 16 {
		t.Fatalf("secret %q", secret)
	}
	wantCode(t, p.Do(t, p.tok["marketer"], `{ webhookSubscriptions { edges { node { id } } } }`, nil), "FORBIDDEN")

	pp := p.create(t, "Webhooks see this")
	p.approvePost(t, pp)
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		got := slices.Clone(events)
		mu.Unlock()
		if slices.Contains(got, "post.submitted") && slices.Contains(got, "post.approved") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("received %v, want post.submitted and post.approved", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if bad != 0 {
		t.Errorf("%d deliveries with a bad signature", bad)
	}
	// The receiver sees a delivery before its task logs the attempt: wait for the tasks to finish.
	p.waitTasksDone(t, 10*time.Second)
	var log struct {
		WebhookSubscription struct {
			Secret     *string
			Deliveries struct {
				Edges []struct {
					Node struct {
						Event    string
						Status   string
						Attempts []struct{ StatusCode int }
					}
				}
			}
		}
	}
	p.Must(t, p.tok["admin"], `query($id: ID!) { webhookSubscription(id: $id) { deliveries { edges { node { event status attempts { statusCode } } } } } }`,
		map[string]any{"id": out.CreateWebhookSubscription.Subscription.ID}, &log)
	for _, e := range log.WebhookSubscription.Deliveries.Edges {
		if e.Node.Status != "DELIVERED" || len(e.Node.Attempts) != 1 || e.Node.Attempts[0].StatusCode != 200 {
			t.Errorf("delivery %+v", e.Node)
		}
	}
	if n := len(log.WebhookSubscription.Deliveries.Edges); n != 2 {
		t.Errorf("%d deliveries logged, want 2 (decisions are not subscribed)", n)
	}
}
