package webhooks_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"clearpost/internal/jobs"
	"clearpost/internal/webhooks"

	"github.com/google/uuid"
)

// body is a delivery's JSON body.
type body struct {
	ID        uuid.UUID      `json:"id"`
	Type      string         `json:"type"`
	CreatedAt time.Time      `json:"created_at"`
	Data      map[string]any `json:"data"`
}

func decodeBody(t *testing.T, raw []byte) body {
	t.Helper()
	var b body
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("delivery body %s: %v", raw, err)
	}
	return b
}

// A delivery arrives signed over its exact body, with its headers and the post as it stands.
func TestDeliveryArrivesSigned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t)
	sub := b.subscribe(t, b.admin, rcv.URL+"/hooks?source=clearpost", rcv, "post.approved")
	post, hash := b.mustPost(t, b.admin, "Q3 launch")
	outboxID := b.event(t, b.org, "post.approved", map[string]any{"post_id": post, "review_id": "r-1", "content_hash": hash})

	errs := b.pump(t)
	got := rcv.requests()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	r := got[0]
	if !r.signed {
		t.Errorf("signature %q does not verify over the body with the subscription's secret", r.header.Get("X-Clearpost-Signature"))
	}
	ds := b.deliveries(t, sub.ID)
	if len(ds) != 1 || errs[ds[0].ID] != nil {
		t.Fatalf("deliveries %+v, errors %v; want one, delivered without error", ds, errs)
	}
	d := ds[0]
	for h, want := range map[string]string{
		"Content-Type":      "application/json",
		"User-Agent":        "Clearpost-Webhooks/1",
		"Idempotency-Key":   d.ID.String(),
		"X-Clearpost-Event": "post.approved",
	} {
		if v := r.header.Get(h); v != want {
			t.Errorf("header %s = %q, want %q", h, v, want)
		}
	}
	if !strings.HasPrefix(r.header.Get("X-Clearpost-Signature"), "sha256=") {
		t.Errorf("signature header %q", r.header.Get("X-Clearpost-Signature"))
	}
	bd := decodeBody(t, r.body)
	if bd.ID != d.ID || bd.Type != "post.approved" || time.Since(bd.CreatedAt) > time.Minute {
		t.Errorf("body id %s type %s created_at %s; want %s post.approved now", bd.ID, bd.Type, bd.CreatedAt, d.ID)
	}
	var outboxAt time.Time
	if err := b.pool.QueryRow(context.Background(), `SELECT created_at FROM outbox WHERE id = $1`, outboxID).Scan(&outboxAt); err != nil {
		t.Fatal(err)
	}
	if !bd.CreatedAt.Equal(outboxAt) {
		t.Errorf("created_at %s, want the event's time %s", bd.CreatedAt, outboxAt)
	}
	wantPost := map[string]any{"id": post.String(), "title": "Q3 launch", "state": "APPROVED", "current_version": 2.0, "content_hash": hash}
	gotPost, _ := bd.Data["post"].(map[string]any)
	for k, v := range wantPost {
		if gotPost[k] != v {
			t.Errorf("data.post.%s = %v, want %v (data %v)", k, gotPost[k], v, bd.Data)
		}
	}
	if bd.Data["post_id"] != post.String() || bd.Data["review_id"] != "r-1" {
		t.Errorf("data %v: want the event's payload", bd.Data)
	}
	for _, k := range []string{"outbox_id", "org_id", "topic", "task_key"} {
		if _, ok := bd.Data[k]; ok {
			t.Errorf("data carries the relay's %s: %v", k, bd.Data)
		}
	}

	if d.Status != "DELIVERED" || d.Attempts != 1 {
		t.Errorf("delivery %+v, want DELIVERED after 1 attempt", d)
	}
	log, err := b.svc.Deliveries(b.admin, sub.ID, nil, 10)
	if err != nil || len(log) != 1 {
		t.Fatalf("Deliveries = %v, %v", log, err)
	}
	if a := log[0].Attempts; len(a) != 1 || a[0].Number != 1 || a[0].StatusCode == nil || *a[0].StatusCode != 200 ||
		a[0].ResponseExcerpt != `{"status":200}` || a[0].Error != "" {
		t.Errorf("attempts %+v, want one 200 with the response excerpt", a)
	}
	if sent, err := log[0].Body(); err != nil || string(sent) != string(r.body) {
		t.Errorf("Delivery.Body() = %s, %v; want what was sent: %s", sent, err, r.body)
	}

	// A second run of the task (a crash after the POST) sends nothing again.
	if err := b.svc.HandleDeliver(context.Background(), deliverTask(t, b.org, d.ID)); err != nil {
		t.Fatal(err)
	}
	if n := len(rcv.requests()); n != 1 {
		t.Errorf("a delivered delivery was sent again: %d requests", n)
	}
}

// A subscription gets the events it names of its own organization, and nothing else.
func TestFanoutFiltersByEventAndOrganization(t *testing.T) {
	t.Parallel()
	b := setup(t)
	approved, published, inactive, other := newReceiver(t), newReceiver(t), newReceiver(t), newReceiver(t)
	subApproved := b.subscribe(t, b.admin, approved.URL, approved, "post.approved", "post.decided")
	subPublished := b.subscribe(t, b.admin, published.URL, published, "post.published")
	subInactive := b.subscribe(t, b.admin, inactive.URL, inactive, "post.approved")
	off := false
	if _, err := b.svc.Update(b.admin, subInactive.ID, webhooks.SubscriptionUpdate{Active: &off}); err != nil {
		t.Fatal(err)
	}
	globex := mustOrg(t, b.pool, "globex")
	globexAdmin := b.as(t, globex, "admin@globex.test", "ADMIN")
	subOther := b.subscribe(t, globexAdmin, other.URL, other, "post.approved")

	acmePost, _ := b.mustPost(t, b.admin, "acme post")
	globexPost, _ := b.mustPost(t, globexAdmin, "globex post")
	b.event(t, b.org, "post.approved", map[string]any{"post_id": acmePost})
	b.event(t, b.org, "post.submitted", map[string]any{"post_id": acmePost})
	b.event(t, b.org, "comment.added", map[string]any{"post_id": acmePost})
	b.event(t, globex, "post.approved", map[string]any{"post_id": globexPost})
	b.event(t, globex, "post.published", map[string]any{"post_id": globexPost})
	b.pump(t)

	if got := approved.requests(); len(got) != 1 || decodeBody(t, got[0].body).Data["post_id"] != acmePost.String() {
		t.Errorf("post.approved subscriber got %d requests, want acme's approval only", len(got))
	}
	for name, r := range map[string]*receiver{"post.published": published, "inactive": inactive} {
		if n := len(r.requests()); n != 0 {
			t.Errorf("%s subscriber got %d requests, want none", name, n)
		}
	}
	got := other.requests()
	if len(got) != 1 {
		t.Fatalf("other organization's subscriber got %d requests, want 1", len(got))
	}
	if bd := decodeBody(t, got[0].body); bd.Data["post_id"] != globexPost.String() || !got[0].signed {
		t.Errorf("other organization's subscriber got %v (signed %v), want its own post", bd.Data, got[0].signed)
	}
	for sub, want := range map[uuid.UUID]int{subApproved.ID: 1, subPublished.ID: 0, subInactive.ID: 0, subOther.ID: 1} {
		if n := len(b.deliveries(t, sub)); n != want {
			t.Errorf("subscription %s has %d deliveries, want %d", sub, n, want)
		}
	}
}

// Running a fan-out twice creates its deliveries once.
func TestFanoutTwiceCreatesOneDelivery(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t)
	sub := b.subscribe(t, b.admin, rcv.URL, rcv, "share.created")
	id := b.event(t, b.org, "share.created", map[string]any{"share_id": uuid.New()})
	task := b.fanoutTask(t, id)
	for range 2 {
		if err := b.svc.HandleFanout(context.Background(), task); err != nil {
			t.Fatal(err)
		}
	}
	if ds := b.deliveries(t, sub.ID); len(ds) != 1 {
		t.Fatalf("%d deliveries after two fan-outs, want 1", len(ds))
	}
	if n := b.count(t, `SELECT count(*) FROM outbox WHERE topic = $1`, jobs.TopicWebhookDelivery); n != 1 {
		t.Errorf("%d delivery outbox rows, want 1", n)
	}
	b.pump(t) // relays the event row too: its fan-out runs a third time
	if n := len(rcv.requests()); n != 1 {
		t.Errorf("receiver got %d requests, want 1", n)
	}
	if bd := decodeBody(t, rcv.requests()[0].body); bd.Data["post"] != nil || bd.Data["share_id"] == nil {
		t.Errorf("share event data %v: want share_id and no post", bd.Data)
	}
}

// Every attempt is logged; after the last retry the delivery is FAILED and never sent again.
func TestFailedAfterLastRetry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t, 500, 503, 500, 500)
	rcv.body = "x" + strings.Repeat("é", 2000) // 4001 bytes: 1 KiB ends inside a character
	sub := b.subscribe(t, b.admin, rcv.URL, rcv, "post.published")
	b.event(t, b.org, "post.published", map[string]any{"post_id": uuid.New()})
	b.pump(t)
	ds := b.deliveries(t, sub.ID)
	if len(ds) != 1 {
		t.Fatalf("%d deliveries, want 1", len(ds))
	}
	const maxRetry = 2
	for retried := 1; retried <= maxRetry+1; retried++ {
		err := b.svc.HandleDeliver(webhooks.WithRetry(context.Background(), retried, maxRetry), deliverTask(t, b.org, ds[0].ID))
		switch {
		case retried < maxRetry && err == nil:
			t.Errorf("retry %d of %d after a 5xx returned nil, want an error so asynq retries", retried, maxRetry)
		case retried >= maxRetry && err != nil:
			t.Errorf("retry %d (the last) returned %v, want nil: the failure is recorded", retried, err)
		}
	}
	got := rcv.requests()
	if len(got) != 3 {
		t.Fatalf("receiver got %d requests, want 3 (first attempt and %d retries; none after FAILED)", len(got), maxRetry)
	}
	for i, r := range got {
		if !r.signed || string(r.body) != string(got[0].body) || r.header.Get("Idempotency-Key") != ds[0].ID.String() {
			t.Errorf("request %d: signed %v, same body %v, key %s; want every retry the same delivery", i, r.signed, string(r.body) == string(got[0].body), r.header.Get("Idempotency-Key"))
		}
	}
	log, err := b.svc.Deliveries(b.admin, sub.ID, nil, 10)
	if err != nil || len(log) != 1 {
		t.Fatalf("Deliveries = %v, %v", log, err)
	}
	d := log[0]
	if d.Status != webhooks.StatusFailed || d.CompletedAt == nil || d.AttemptCount != 3 || len(d.Attempts) != 3 {
		t.Fatalf("delivery %+v, want FAILED after 3 attempts", d)
	}
	for i, a := range d.Attempts {
		want := []int{500, 503, 500}[i]
		if a.Number != i+1 || a.StatusCode == nil || *a.StatusCode != want || a.AttemptedAt.IsZero() {
			t.Errorf("attempt %d: %+v, want number %d status %d", i, a, i+1, want)
		}
		if len(a.ResponseExcerpt) != 1023 || a.ResponseExcerpt != rcv.body[:1023] {
			t.Errorf("attempt %d excerpt: %d bytes, want the start of the body, at most 1 KiB, cut between characters", i, len(a.ResponseExcerpt))
		}
	}
}

// A hostname that resolves to a non-public address is refused when dialed: the receiver behind it
// never hears of the delivery, and the attempt says why.
func TestDialRefusesNonPublicAddresses(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t)
	port := netip.MustParseAddrPort(strings.TrimPrefix(rcv.URL, "http://")).Port()
	resolver := fakeResolver{
		"hooks.internal.example": {netip.MustParseAddr("10.0.0.7")},
		"rebind.example":         {netip.MustParseAddr("127.0.0.1")},
		"metadata.example":       {netip.MustParseAddr("169.254.169.254")},
		"mapped.example":         {netip.MustParseAddr("::ffff:192.168.1.20")},
		"mixed-private.example":  {netip.MustParseAddr("172.16.0.1"), netip.MustParseAddr("fd00::1")},
		"hooks.allowed.example":  {netip.MustParseAddr("127.0.0.1")},
	}
	b := setup(t, func(o *webhooks.Options) {
		o.AllowLoopback = false
		o.Resolver = resolver
	})
	var subs []*webhooks.Subscription
	for _, host := range []string{"hooks.internal.example", "rebind.example", "metadata.example", "mapped.example", "mixed-private.example"} {
		// https, as required; the receiver speaks http, but no connection is ever made.
		subs = append(subs, b.subscribe(t, b.admin, "https://"+host+":"+itoa(port)+"/hook", nil, "post.approved"))
	}
	b.event(t, b.org, "post.approved", map[string]any{"post_id": uuid.New()})
	errs := b.pump(t)
	if n := rcv.connections(); n != 0 {
		t.Fatalf("receiver behind a non-public address accepted %d connections", n)
	}
	for _, sub := range subs {
		log, err := b.svc.Deliveries(b.admin, sub.ID, nil, 10)
		if err != nil || len(log) != 1 {
			t.Fatalf("%s: deliveries %v, %v", sub.URL, log, err)
		}
		d := log[0]
		if errs[d.ID] == nil {
			t.Errorf("%s: the task succeeded, want an error (retried later)", sub.URL)
		}
		if d.Status != webhooks.StatusPending || len(d.Attempts) != 1 {
			t.Fatalf("%s: %+v, want PENDING with one attempt", sub.URL, d)
		}
		a := d.Attempts[0]
		if a.StatusCode != nil || !strings.Contains(a.Error, "not a public address") {
			t.Errorf("%s: attempt %+v, want no status and a refusal", sub.URL, a)
		}
		if strings.Contains(a.Error, sub.URL) {
			t.Errorf("%s: attempt error repeats the URL: %s", sub.URL, a.Error)
		}
	}

	// The same resolution is fine where the network is allowed (a self-hosted receiver).
	allowed := setup(t, func(o *webhooks.Options) {
		o.AllowLoopback = false
		o.Resolver = resolver
		o.AllowedNetworks = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	sub, _, err := allowed.svc.Create(allowed.admin, webhooks.SubscriptionInput{
		URL: "https://hooks.allowed.example:" + itoa(port) + "/hook", Events: []string{"post.approved"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// https to an http receiver fails the TLS handshake, after the dial was allowed.
	allowed.event(t, allowed.org, "post.approved", map[string]any{"post_id": uuid.New()})
	allowed.pump(t)
	log, err := allowed.svc.Deliveries(allowed.admin, sub.ID, nil, 10)
	if err != nil || len(log) != 1 || len(log[0].Attempts) != 1 {
		t.Fatalf("allowed network: %v, %v", log, err)
	}
	if e := log[0].Attempts[0].Error; strings.Contains(e, "not a public address") || e == "" || rcv.connections() == 0 {
		t.Errorf("allowed network: attempt error %q after %d connections, want a TLS failure, not a refusal", e, rcv.connections())
	}
}

func itoa(n uint16) string { return strconv.Itoa(int(n)) }

// An endpoint that does not answer in time is an attempt that failed.
func TestSlowEndpointTimesOut(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *webhooks.Options) { o.Timeout = 200 * time.Millisecond })
	release := make(chan struct{})
	slow := newReceiver(t)
	slow.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) })
	sub := b.subscribe(t, b.admin, slow.URL, nil, "post.decided")
	b.event(t, b.org, "post.decided", map[string]any{"post_id": uuid.New()})
	start := time.Now()
	errs := b.pump(t)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("delivery took %v, want about the 200ms timeout", took)
	}
	log, err := b.svc.Deliveries(b.admin, sub.ID, nil, 10)
	if err != nil || len(log) != 1 || len(log[0].Attempts) != 1 {
		t.Fatalf("Deliveries = %v, %v", log, err)
	}
	a := log[0].Attempts[0]
	if errs[log[0].ID] == nil || a.StatusCode != nil || !strings.Contains(a.Error, "no answer within 200ms") || a.Duration < 150*time.Millisecond {
		t.Errorf("attempt %+v (task error %v), want a timeout after 200ms", a, errs[log[0].ID])
	}
}

// Deactivating or deleting a subscription stops its pending deliveries.
func TestInactiveAndDeletedSubscriptionsAreNotSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	paused, deleted := newReceiver(t, 500), newReceiver(t, 500)
	subPaused := b.subscribe(t, b.admin, paused.URL, paused, "post.approved")
	subDeleted := b.subscribe(t, b.admin, deleted.URL, deleted, "post.approved")
	b.event(t, b.org, "post.approved", map[string]any{"post_id": uuid.New()})
	b.pump(t) // first attempts: 500, retries pending
	dPaused, dDeleted := b.deliveries(t, subPaused.ID)[0], b.deliveries(t, subDeleted.ID)[0]
	if dPaused.Status != "PENDING" || dDeleted.Status != "PENDING" {
		t.Fatalf("after a 500: %+v %+v, want PENDING", dPaused, dDeleted)
	}

	off := false
	if _, err := b.svc.Update(b.admin, subPaused.ID, webhooks.SubscriptionUpdate{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Delete(b.admin, subDeleted.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []uuid.UUID{dPaused.ID, dDeleted.ID} {
		if err := b.svc.HandleDeliver(webhooks.WithRetry(context.Background(), 1, 5), deliverTask(t, b.org, id)); err != nil {
			t.Errorf("retry of delivery %s: %v, want nil (nothing to send)", id, err)
		}
	}
	if n, m := len(paused.requests()), len(deleted.requests()); n != 1 || m != 1 {
		t.Errorf("requests after deactivation/deletion: %d and %d, want only the first attempts", n, m)
	}
	if got := b.deliveries(t, subPaused.ID); len(got) != 1 || got[0].Status != "CANCELLED" || got[0].Attempts != 1 {
		t.Errorf("deactivated subscription's delivery %+v, want CANCELLED after 1 attempt", got)
	}
	if n := b.count(t, `SELECT count(*) FROM webhook_deliveries WHERE subscription_id = $1`, subDeleted.ID); n != 0 {
		t.Errorf("deleted subscription left %d deliveries", n)
	}
	if _, err := b.svc.Redeliver(b.admin, dPaused.ID); err == nil || !strings.Contains(err.Error(), "inactive") {
		t.Errorf("redeliver to an inactive subscription: %v, want CONFLICT", err)
	}
	// New events do not reach it either.
	b.event(t, b.org, "post.approved", map[string]any{"post_id": uuid.New()})
	b.pump(t)
	if n := len(b.deliveries(t, subPaused.ID)); n != 1 {
		t.Errorf("inactive subscription has %d deliveries, want 1", n)
	}
}

// Deliveries pages newest first by keyset, each delivery with its attempts.
func TestDeliveriesArePaged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t)
	sub := b.subscribe(t, b.admin, rcv.URL, rcv, "post.scheduled")
	for range 5 {
		b.event(t, b.org, "post.scheduled", map[string]any{"post_id": uuid.New()})
	}
	b.pump(t)
	var seen []uuid.UUID
	var after *webhooks.DeliveryCursor
	for page := 0; ; page++ {
		ds, err := b.svc.Deliveries(b.admin, sub.ID, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 0 {
			break
		}
		if page > 3 || len(ds) > 2 {
			t.Fatalf("page %d has %d deliveries", page, len(ds))
		}
		for _, d := range ds {
			if len(d.Attempts) != 1 || d.Status != webhooks.StatusDelivered {
				t.Errorf("delivery %s: %s with %d attempts, want DELIVERED with 1", d.ID, d.Status, len(d.Attempts))
			}
			seen = append(seen, d.ID)
		}
		last := ds[len(ds)-1]
		after = &webhooks.DeliveryCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	stored := b.deliveries(t, sub.ID) // oldest first
	if len(seen) != len(stored) || len(seen) != 5 {
		t.Fatalf("paged %d deliveries, stored %d, want 5", len(seen), len(stored))
	}
	for i, d := range stored {
		if seen[len(seen)-1-i] != d.ID {
			t.Errorf("page order %v is not newest first (stored %v)", seen, stored)
			break
		}
	}
}

// An event that names a post version instead of a post (post.published) carries the version's post;
// another organization's post is never looked up.
func TestEventOfAVersionCarriesItsPost(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t)
	b.subscribe(t, b.admin, rcv.URL, rcv, "post.published")
	post, hash := b.mustPost(t, b.admin, "Published")
	globexAdmin := b.as(t, mustOrg(t, b.pool, "globex"), "admin@globex.test", "ADMIN")
	foreign, _ := b.mustPost(t, globexAdmin, "Not yours")
	var version, foreignVersion uuid.UUID
	for id, dst := range map[uuid.UUID]*uuid.UUID{post: &version, foreign: &foreignVersion} {
		if err := b.pool.QueryRow(context.Background(), `SELECT id FROM post_versions WHERE post_id = $1 AND number = 2`, id).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	b.event(t, b.org, "post.published", map[string]any{"job_id": uuid.New(), "version_id": version, "content_hash": hash, "url": "https://x.com/1"})
	b.pump(t)
	b.event(t, b.org, "post.published", map[string]any{"version_id": foreignVersion})
	b.event(t, b.org, "post.published", map[string]any{"post_id": foreign})
	b.pump(t)
	got := rcv.requests()
	if len(got) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(got))
	}
	data := decodeBody(t, got[0].body).Data
	if p, _ := data["post"].(map[string]any); p["id"] != post.String() || p["content_hash"] != hash || data["url"] != "https://x.com/1" {
		t.Errorf("data %v: want the published version's post and the event's payload", data)
	}
	for _, r := range got[1:] {
		if data := decodeBody(t, r.body).Data; data["post"] != nil {
			t.Errorf("an event naming another organization's post carries it: %v", data)
		}
	}
}
