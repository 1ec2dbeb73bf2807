package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"clearpost/internal/approval"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/notify"

	"github.com/google/uuid"
)

func TestRemindBefore(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ sla, want time.Duration }{
		{4 * time.Hour, time.Hour},
		{48 * time.Hour, time.Hour},
		{2 * time.Hour, 30 * time.Minute},
		{10 * time.Minute, 150 * time.Second},
	} {
		if got := notify.RemindBefore(c.sla); got != c.want {
			t.Errorf("RemindBefore(%v) = %v, want %v", c.sla, got, c.want)
		}
	}
}

// slaFixture is an organization whose workflow's first stage (legal and compliance) has a 4 h SLA
// escalating to vp, with one post in review at that stage and compliance already cleared.
type slaFixture struct {
	*bundle
	author, legal1, legal2, comp, vp, brand *user
	post                                    *content.Post
	started                                 time.Time
}

func setupSLA(t *testing.T, posts int) (*slaFixture, []*content.Post) {
	t.Helper()
	b := setup(t)
	f := &slaFixture{bundle: b}
	// The author is also a legal reviewer and in the vp group: told neither as reviewer nor as
	// escalation target of their own post.
	f.author = mustUser(t, b.pool, b.org, "Ann Author", []auth.Role{auth.RoleMarketer, auth.RoleReviewer}, "legal", "vp")
	f.legal1 = mustUser(t, b.pool, b.org, "Lee Legal", reviewer, "legal")
	f.legal2 = mustUser(t, b.pool, b.org, "Liz Legal", reviewer, "legal")
	f.comp = mustUser(t, b.pool, b.org, "Cam Compliance", reviewer, "compliance")
	f.vp = mustUser(t, b.pool, b.org, "Val VP", []auth.Role{auth.RoleMarketer}, "vp")
	f.brand = mustUser(t, b.pool, b.org, "Bea Brand", reviewer, "brand")
	mustWorkflow(t, b.pool, f.author,
		approval.Stage{Name: "Legal and compliance", Groups: []approval.GroupRequirement{anyOf("legal"), anyOf("compliance")},
			SLA: 4 * time.Hour, EscalateTo: "vp"},
		approval.Stage{Name: "Brand", Groups: []approval.GroupRequirement{anyOf("brand")}})
	var list []*content.Post
	for i := range posts {
		p := mustSubmit(t, b.pool, f.author, "Pricing update "+string(rune('A'+i)))
		mustDecide(t, b.pool, f.comp, p.ID, approval.Approve, "")
		list = append(list, p)
	}
	b.drain(t)
	f.post = list[0]
	// Every review's stage 1 started at one moment, for the sweeps' arithmetic.
	if err := b.pool.QueryRow(context.Background(), `UPDATE reviews SET stage_started_at = date_trunc('second', now())
		RETURNING stage_started_at`).Scan(&f.started); err != nil {
		t.Fatal(err)
	}
	return f, list
}

// sweep runs Sweep at started+d and checks what it fired.
func (f *slaFixture) sweep(t *testing.T, d time.Duration, wantReminded, wantEscalated int) {
	t.Helper()
	r, e, err := f.svc.Sweep(context.Background(), f.started.Add(d))
	if err != nil {
		t.Fatalf("sweep at +%v: %v", d, err)
	}
	if r != wantReminded || e != wantEscalated {
		t.Fatalf("sweep at +%v: reminded %d, escalated %d; want %d and %d", d, r, e, wantReminded, wantEscalated)
	}
}

// TestSLARemindsThenEscalatesOnce: nothing before the reminder time; at it, the reviewers still
// awaited are reminded (not the cleared group's, not the author, not later stages); at the
// deadline the escalation group is told and the escalation audited as the system; each once.
func TestSLARemindsThenEscalatesOnce(t *testing.T) {
	t.Parallel()
	f, _ := setupSLA(t, 1)
	kinds := func(u *user) string { return f.kindsOf(t, u) }
	before := map[*user]string{}
	for _, u := range []*user{f.author, f.legal1, f.legal2, f.comp, f.vp, f.brand} {
		before[u] = kinds(u)
	}

	f.sweep(t, 3*time.Hour-time.Nanosecond, 0, 0)
	for u, k := range before {
		if kinds(u) != k {
			t.Fatalf("%s notified before the reminder time: %s", u.name, kinds(u))
		}
	}

	f.sweep(t, 3*time.Hour, 1, 0)
	for _, u := range []*user{f.legal1, f.legal2} {
		n := f.notificationsOf(t, u)
		last := n[len(n)-1]
		if last.Kind != "REVIEW_REMINDER" || !strings.Contains(last.Body, "stage 1 of 2 (Legal and compliance), for legal") ||
			!strings.Contains(last.Body, "is due "+f.started.Add(4*time.Hour).UTC().Format("2006-01-02 15:04 UTC")) {
			t.Fatalf("%s's reminder: %+v", u.name, last)
		}
	}
	for _, u := range []*user{f.author, f.comp, f.vp, f.brand} {
		if kinds(u) != before[u] {
			t.Fatalf("%s reminded: %s", u.name, kinds(u))
		}
	}
	f.sweep(t, 3*time.Hour+time.Minute, 0, 0)
	f.sweep(t, 4*time.Hour-time.Nanosecond, 0, 0)

	f.sweep(t, 4*time.Hour, 0, 1)
	if k := kinds(f.vp); k != "REVIEW_ESCALATED" {
		t.Fatalf("vp's notifications: %q", k)
	}
	esc := f.notificationsOf(t, f.vp)[0]
	if esc.Title != "Escalated: Pricing update A is overdue" || !strings.Contains(esc.Body, "with legal still to decide") {
		t.Fatalf("escalation: %+v", esc)
	}
	for _, u := range []*user{f.author, f.legal1, f.legal2, f.comp, f.brand} {
		if strings.Contains(kinds(u), "REVIEW_ESCALATED") {
			t.Fatalf("%s told of the escalation", u.name)
		}
	}
	var actorID *uuid.UUID
	var actorEmail, subject string
	var details []byte
	if err := f.pool.QueryRow(context.Background(), `SELECT actor_id, actor_email, subject_id, details FROM audit_events
		WHERE action = 'review.escalated' AND subject_type = 'post'`).Scan(&actorID, &actorEmail, &subject, &details); err != nil {
		t.Fatalf("escalation audit event: %v", err)
	}
	var d map[string]any
	if err := json.Unmarshal(details, &d); err != nil {
		t.Fatal(err)
	}
	if actorID != nil || actorEmail != "system" || subject != f.post.ID.String() || d["escalate_to"] != "vp" || d["stage"] != float64(1) {
		t.Fatalf("escalation audited as %v %q on %s: %s", actorID, actorEmail, subject, details)
	}

	f.sweep(t, 5*time.Hour, 0, 0)
	f.sweep(t, 48*time.Hour, 0, 0)
	if got := count(t, f.pool, `SELECT count(*) FROM notifications WHERE kind IN ('REVIEW_REMINDER', 'REVIEW_ESCALATED')`); got != 3 {
		t.Fatalf("%d SLA notifications, want 3 (two reminders, one escalation)", got)
	}
	if got := count(t, f.pool, `SELECT count(*) FROM audit_events WHERE action = 'review.escalated'`); got != 1 {
		t.Fatalf("%d escalation audit events", got)
	}

	// The reminders and the escalation are e-mailed like any notification.
	f.drain(t)
	if m := f.smtp.to(f.vp.email); len(m) != 1 || m[0].subject(t) != "Escalated: Pricing update A is overdue" {
		t.Fatalf("vp's e-mails: %+v", m)
	}

	// A stage without an SLA never fires: legal approves, the post moves to Brand.
	mustDecide(t, f.pool, f.legal1, f.post.ID, approval.Approve, "")
	f.sweep(t, 1000*time.Hour, 0, 0)
}

// TestConcurrentSweepsFireEachOnce: two sweeps at once fire every reminder and escalation once
// between them.
func TestConcurrentSweepsFireEachOnce(t *testing.T) {
	t.Parallel()
	f, posts := setupSLA(t, 3)
	at := f.started.Add(5 * time.Hour)
	mailsBefore := count(t, f.pool, `SELECT count(*) FROM outbox WHERE topic = $1`, jobs.TopicNotifyEmail)
	type result struct{ reminded, escalated int }
	results := make([]result, 2)
	errs := make([]error, 2)
	start := make(chan struct{})
	// Neither sweep fires anything before both have listed everything as due: each then tries to
	// fire every reminder and escalation, and the unique record decides.
	var listed sync.WaitGroup
	listed.Add(2)
	notify.SetSweepHook(f.svc, func() {
		listed.Done()
		listed.Wait()
	})
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			<-start
			results[i].reminded, results[i].escalated, errs[i] = f.svc.Sweep(context.Background(), at)
		})
	}
	close(start)
	wg.Wait()
	notify.SetSweepHook(f.svc, nil)
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	reminded, escalated := results[0].reminded+results[1].reminded, results[0].escalated+results[1].escalated
	if reminded != len(posts) || escalated != len(posts) {
		t.Fatalf("two sweeps reminded %d and escalated %d (%+v); want %d each", reminded, escalated, results, len(posts))
	}
	if got := count(t, f.pool, `SELECT count(*) FROM notifications WHERE kind = 'REVIEW_REMINDER'`); got != 2*len(posts) {
		t.Fatalf("%d reminders, want %d (two legal reviewers per post)", got, 2*len(posts))
	}
	if got := count(t, f.pool, `SELECT count(*) FROM notifications WHERE kind = 'REVIEW_ESCALATED'`); got != len(posts) {
		t.Fatalf("%d escalations, want %d", got, len(posts))
	}
	if got := count(t, f.pool, `SELECT count(*) FROM audit_events WHERE action = 'review.escalated'`); got != len(posts) {
		t.Fatalf("%d escalation audit events, want %d", got, len(posts))
	}
	if got := count(t, f.pool, `SELECT count(*) FROM outbox WHERE topic = $1`, jobs.TopicNotifyEmail); got != mailsBefore+3*len(posts) {
		t.Fatalf("%d e-mail tasks queued by the sweeps, want %d (two reminders and one escalation per post)", got-mailsBefore, 3*len(posts))
	}
	f.sweep(t, 6*time.Hour, 0, 0)
}
