package app_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// Two serve replicas behind one public URL, and the worker beside them: a browser signed in
// through one is signed in on the other, and a notification caused by a request to one reaches a
// subscription held open on the other.
func TestServeReplicasShareSessionsAndSubscriptions(t *testing.T) {
	t.Parallel()
	p, _ := setupPublishing(t) // replica one, with the worker
	two := p.StartServe(t)

	b := p.NewBrowser(t)
	b.SignIn(t, p.org, "legal@example.com")
	if r := b.DoAt(t, two, meQuery); r.Code() != "" || !strings.Contains(string(r.Data), "legal@example.com") {
		t.Fatalf("replica two does not know replica one's session: %s %s", r.Code(), r.Data)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	next := subscribeNotifications(t, ctx, two, p.tok["legal"])
	pp := p.create(t, "Pricing starts at $49 per seat") // through replica one
	p.submit(t, pp.ID)
	if kind := next(); kind != "REVIEW_REQUESTED" {
		t.Fatalf("replica two got %q, want a REVIEW_REQUESTED notification", kind)
	}
}
