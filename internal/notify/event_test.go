package notify_test

import (
	"context"
	"strings"
	"testing"

	"clearpost/internal/apperr"
	"clearpost/internal/approval"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/notify"

	"github.com/google/uuid"
)

// TestReviewersNotifiedStageByStageAndAuthorOfDecisions follows a post through two stages: the
// awaited reviewers of each stage are asked when it starts (in-app and by e-mail), nobody else is,
// and the author hears of each decision with its comment.
func TestReviewersNotifiedStageByStageAndAuthorOfDecisions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// The author is a legal reviewer too: never asked to review their own post.
	author := mustUser(t, b.pool, b.org, "Ann Author", []auth.Role{auth.RoleMarketer, auth.RoleReviewer}, "legal")
	legal := mustUser(t, b.pool, b.org, "Lee Legal", reviewer, "legal")
	brand := mustUser(t, b.pool, b.org, "Bea Brand", reviewer, "brand")
	bystander := mustUser(t, b.pool, b.org, "Eve Employee", []auth.Role{auth.RoleEmployee}, "legal")
	mustWorkflow(t, b.pool, author,
		approval.Stage{Name: "Legal", Groups: []approval.GroupRequirement{anyOf("legal")}},
		approval.Stage{Name: "Brand", Groups: []approval.GroupRequirement{anyOf("brand")}})

	post := mustSubmit(t, b.pool, author, "Q3 pricing launch")
	ran := b.drain(t)
	if ran[jobs.TypeNotifyEvent] != 2 {
		t.Fatalf("ran %d notify:event tasks for a submission, want 2 (post.submitted, review.stage_started)", ran[jobs.TypeNotifyEvent])
	}
	got := b.notificationsOf(t, legal)
	if len(got) != 1 {
		t.Fatalf("legal reviewer has %d notifications after submit, want 1 (both topics of a submission make one): %+v", len(got), got)
	}
	n := got[0]
	if n.Kind != string(notify.KindReviewRequested) || !strings.Contains(n.Title, "Q3 pricing launch") ||
		n.Link != "/posts/"+post.ID.String() || !strings.Contains(n.Body, "stage 1 of 2 (Legal)") {
		t.Fatalf("legal reviewer's notification: %+v", n)
	}
	for _, u := range []*user{author, brand, bystander} {
		if k := b.kindsOf(t, u); k != "" {
			t.Errorf("%s was notified at submit: %s", u.name, k)
		}
	}
	mails := b.smtp.messages()
	if len(mails) != 1 || len(mails[0].To) != 1 || mails[0].To[0] != legal.email {
		t.Fatalf("want one e-mail to %s, got %+v", legal.email, mails)
	}
	if s := mails[0].subject(t); s != "Review requested: Q3 pricing launch" {
		t.Errorf("subject %q", s)
	}
	h, body := mails[0].text(t)
	if to := h.Get("To"); to != `"Lee Legal" <`+legal.email+`>` {
		t.Errorf("To: %s", to)
	}
	for _, want := range []string{"Hello Lee Legal", "“Q3 pricing launch” awaits your review at stage 1 of 2 (Legal), for legal.",
		"Open in Clearpost: https://clearpost.acme.test/posts/" + post.ID.String()} {
		if !strings.Contains(body, want) {
			t.Errorf("e-mail lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(mails[0].Data, smtpPassword) || strings.Contains(body, smtpPassword) {
		t.Fatal("e-mail carries the SMTP password")
	}
	if mails[0].From != "clearpost@acme.test" {
		t.Errorf("envelope sender %q", mails[0].From)
	}

	// Legal approves: brand is asked, the author hears of the approval of stage 1.
	mustDecide(t, b.pool, legal, post.ID, approval.Approve, "")
	b.drain(t)
	if k := b.kindsOf(t, brand); k != "REVIEW_REQUESTED" {
		t.Fatalf("brand reviewer's notifications after stage 1: %q", k)
	}
	if n := b.notificationsOf(t, brand)[0]; !strings.Contains(n.Body, "stage 2 of 2 (Brand)") {
		t.Errorf("brand's request: %+v", n)
	}
	if k := b.kindsOf(t, legal); k != "REVIEW_REQUESTED" {
		t.Errorf("legal reviewer notified again: %q", k)
	}
	if n := b.notificationsOf(t, author); len(n) != 1 || n[0].Kind != "POST_DECIDED" || !strings.HasPrefix(n[0].Title, "Approved at stage 1") ||
		!strings.Contains(n[0].Body, "Lee Legal approved stage 1 of 2 (Legal)") {
		t.Fatalf("author's notifications after stage 1: %+v", n)
	}

	// Brand requests changes: the author gets the comment, in-app and by e-mail.
	mustDecide(t, b.pool, brand, post.ID, approval.RequestChanges, "Drop the 40% claim, we cannot back it.")
	b.drain(t)
	an := b.notificationsOf(t, author)
	if len(an) != 2 || an[1].Title != "Changes requested: Q3 pricing launch" || !strings.Contains(an[1].Body, "Drop the 40% claim") {
		t.Fatalf("author's notifications after changes requested: %+v", an)
	}
	am := b.smtp.to(author.email)
	if len(am) != 2 || !strings.Contains(am[1].body(t), "Comment: Drop the 40% claim, we cannot back it.") ||
		am[1].subject(t) != "Changes requested: Q3 pricing launch" {
		t.Fatalf("author's e-mails: %+v", am)
	}
	if got := count(t, b.pool, `SELECT count(*) FROM notification_deliveries WHERE status = 'SENT'`); got != len(b.smtp.messages()) {
		t.Errorf("%d deliveries SENT, %d e-mails received", got, len(b.smtp.messages()))
	}
}

// TestAuthorToldOfApproval: the last approval tells the author of the decision and of the
// approval.
func TestAuthorToldOfApproval(t *testing.T) {
	t.Parallel()
	b := setup(t)
	author := mustUser(t, b.pool, b.org, "Ann Author", marketer)
	legal := mustUser(t, b.pool, b.org, "Lee Legal", reviewer, "legal")
	mustWorkflow(t, b.pool, author, approval.Stage{Name: "Legal", Groups: []approval.GroupRequirement{anyOf("legal")}})
	post := mustSubmit(t, b.pool, author, "Customer story: Globex")
	b.drain(t)
	mustDecide(t, b.pool, legal, post.ID, approval.Approve, "Fine by legal.")
	b.drain(t)
	if k := b.kindsOf(t, author); k != "POST_DECIDED,POST_APPROVED" {
		t.Fatalf("author's notifications: %q", k)
	}
	an := b.notificationsOf(t, author)
	if !strings.Contains(an[0].Body, "Comment: Fine by legal.") || an[1].Title != "Approved: Customer story: Globex" {
		t.Fatalf("author's notifications: %+v", an)
	}
	if got := len(b.smtp.to(author.email)); got != 2 {
		t.Fatalf("author got %d e-mails, want 2", got)
	}
}

// TestPublishFailedNotifiesAuthorAndMarketers: a failed publication reaches the author and every
// active marketer, with the channel and the error, and no one else.
func TestPublishFailedNotifiesAuthorAndMarketers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	author := mustUser(t, b.pool, b.org, "Ann Author", marketer)
	other := mustUser(t, b.pool, b.org, "Mo Marketer", marketer)
	gone := mustUser(t, b.pool, b.org, "Gil Gone", marketer)
	legal := mustUser(t, b.pool, b.org, "Lee Legal", reviewer, "legal")
	if _, err := b.pool.Exec(context.Background(), `UPDATE users SET active = false WHERE id = $1`, gone.id); err != nil {
		t.Fatal(err)
	}
	post, err := content.NewService(b.pool, nil).Create(author.ctx(), content.Content{Title: "Launch day", Body: "We are live."})
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.Enqueue(context.Background(), b.pool, b.org, jobs.TopicPostPublishFailed,
		map[string]any{"post_id": post.ID, "channel": "Acme LinkedIn page", "error": "token expired"}); err != nil {
		t.Fatal(err)
	}
	b.drain(t)
	for _, u := range []*user{author, other} {
		n := b.notificationsOf(t, u)
		if len(n) != 1 || n[0].Kind != "PUBLISH_FAILED" || n[0].Body != "Publishing “Launch day” to Acme LinkedIn page failed: token expired" {
			t.Errorf("%s: %+v", u.name, n)
		}
	}
	for _, u := range []*user{gone, legal} {
		if k := b.kindsOf(t, u); k != "" {
			t.Errorf("%s was notified: %s", u.name, k)
		}
	}
}

// TestEventHandledTwiceNotifiesOnce: a notify:event task that runs twice (a crash before asynq
// recorded it done) makes one notification and one e-mail task; an e-mail task that runs twice
// sends one e-mail.
func TestEventHandledTwiceNotifiesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	author := mustUser(t, b.pool, b.org, "Ann Author", marketer)
	legal := mustUser(t, b.pool, b.org, "Lee Legal", reviewer, "legal")
	mustWorkflow(t, b.pool, author, approval.Stage{Name: "Legal", Groups: []approval.GroupRequirement{anyOf("legal")}})
	mustSubmit(t, b.pool, author, "Twice told")

	rows := b.pendingOutbox(t, jobs.TopicPostSubmitted)
	if len(rows) != 1 {
		t.Fatalf("%d post.submitted rows", len(rows))
	}
	b.skipOutbox(t)
	task := taskOf(t, jobs.TypeNotifyEvent, rows[0])
	for range 2 {
		if err := b.svc.ProcessEvent(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	n := b.notificationsOf(t, legal)
	if len(n) != 1 {
		t.Fatalf("%d notifications after the event ran twice, want 1", len(n))
	}
	mailRows := b.pendingOutbox(t, jobs.TopicNotifyEmail)
	if len(mailRows) != 1 {
		t.Fatalf("%d e-mail outbox rows after the event ran twice, want 1", len(mailRows))
	}
	var key string
	if err := b.pool.QueryRow(ctx, `SELECT payload->>'task_key' FROM outbox WHERE id = $1`, mailRows[0].ID).Scan(&key); err != nil {
		t.Fatal(err)
	}
	if want := notify.TaskKey(n[0].ID, notify.ChannelEmail); key != want || key != n[0].ID.String()+".email" {
		t.Fatalf("task_key %q, want %q", key, want)
	}
	mailTask := taskOf(t, jobs.TypeNotifyEmail, mailRows[0])
	for range 2 {
		if err := b.svc.ProcessEmail(ctx, mailTask); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(b.smtp.to(legal.email)); got != 1 {
		t.Fatalf("%d e-mails after the e-mail task ran twice, want 1", got)
	}
	var status string
	var attempts int
	if err := b.pool.QueryRow(ctx, `SELECT status, attempts FROM notification_deliveries WHERE notification_id = $1 AND channel = 'EMAIL'`,
		n[0].ID).Scan(&status, &attempts); err != nil {
		t.Fatal(err)
	}
	if status != "SENT" || attempts != 1 {
		t.Fatalf("delivery %s after %d attempts, want SENT after 1", status, attempts)
	}
}

// TestOtherOrganizationIsolated: a reviewer of another organization in a group of the same name
// hears nothing; an event naming another organization's review notifies nobody; another
// organization's users see, count and mark none of these notifications.
func TestOtherOrganizationIsolated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	author := mustUser(t, b.pool, b.org, "Ann Author", marketer)
	legal := mustUser(t, b.pool, b.org, "Lee Legal", reviewer, "legal")
	mustWorkflow(t, b.pool, author, approval.Stage{Name: "Legal", Groups: []approval.GroupRequirement{anyOf("legal")}})

	org2 := mustOrg(t, b.pool, "globex")
	outsider := mustUser(t, b.pool, org2, "Olga Outsider", reviewer, "legal")
	outsiderAdmin := mustUser(t, b.pool, org2, "Otto Admin", admin)

	mustSubmit(t, b.pool, author, "Internal only")
	rows := b.pendingOutbox(t, jobs.TopicStageStarted)
	b.drain(t)
	if len(b.notificationsOf(t, legal)) != 1 {
		t.Fatal("legal reviewer not notified")
	}
	if k := b.kindsOf(t, outsider); k != "" {
		t.Fatalf("other organization's reviewer notified: %s", k)
	}

	// The same event, claimed by the other organization: its review is not found there.
	forged := rows[0]
	forged.OrgID = org2
	if err := b.svc.ProcessEvent(ctx, taskOf(t, jobs.TypeNotifyEvent, forged)); err != nil {
		t.Fatalf("forged event: %v", err)
	}
	if k := b.kindsOf(t, outsider); k != "" {
		t.Fatalf("forged event notified: %s", k)
	}
	if got := count(t, b.pool, `SELECT count(*) FROM notifications WHERE org_id = $1`, org2); got != 0 {
		t.Fatalf("%d notifications in the other organization", got)
	}

	// The outsider sees none of them and cannot mark them.
	list, _, err := b.svc.List(outsider.ctx(), false, nil, 10)
	if err != nil || len(list) != 0 {
		t.Fatalf("outsider's list: %v, %v", list, err)
	}
	theirs := b.notificationsOf(t, legal)[0].ID
	if n, err := b.svc.MarkRead(outsider.ctx(), []uuid.UUID{theirs}); err != nil || n != 0 {
		t.Fatalf("outsider marked %d of another organization's notifications read (%v)", n, err)
	}
	if _, err := b.svc.MarkAllRead(outsider.ctx()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Get(outsider.ctx(), theirs); err == nil {
		t.Fatal("outsider read another organization's notification")
	} else {
		wantCode(t, err, apperr.NotFound)
	}
	if n, err := b.svc.UnreadCount(legal.ctx()); err != nil || n != 1 {
		t.Fatalf("legal reviewer's unread count %d (%v), want 1: the outsider's marks changed it", n, err)
	}

	// An organization's Slack webhook is its own.
	if err := b.svc.SetSlackWebhook(mustUser(t, b.pool, b.org, "Ada Admin", admin).ctx(), b.slack.url); err != nil {
		t.Fatal(err)
	}
	if set, err := b.svc.SlackWebhookSet(outsiderAdmin.ctx()); err != nil || set {
		t.Fatalf("other organization sees a Slack webhook: %v %v", set, err)
	}
}
