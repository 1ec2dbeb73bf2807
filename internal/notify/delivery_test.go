package notify_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"clearpost/internal/apperr"
	"clearpost/internal/approval"
	"clearpost/internal/jobs"
	"clearpost/internal/notify"

	"github.com/hibiken/asynq"
)

// TestSlackDelivery: with the organization's webhook set, a reviewer who wants Slack is
// mentioned by name and e-mail in a JSON message naming the post; the URL is stored sealed and
// appears nowhere else.
func TestSlackDelivery(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ada := mustUser(t, b.pool, b.org, "Ada Admin", admin)
	author := mustUser(t, b.pool, b.org, "Ann Author", marketer)
	legal := mustUser(t, b.pool, b.org, "Lee Legal", reviewer, "legal")
	mustWorkflow(t, b.pool, author, approval.Stage{Name: "Legal", Groups: []approval.GroupRequirement{anyOf("legal")}})
	if _, err := b.svc.SetPreferences(legal.ctx(), notify.Preferences{Channels: []notify.Channel{notify.ChannelInApp, notify.ChannelSlack}}); err != nil {
		t.Fatal(err)
	}

	// Without a webhook, Slack is left out.
	if set, err := b.svc.SlackWebhookSet(ada.ctx()); err != nil || set {
		t.Fatalf("webhook set before it was: %v %v", set, err)
	}
	mustSubmit(t, b.pool, author, "Before Slack")
	b.drain(t)
	if got := count(t, b.pool, `SELECT count(*) FROM notification_deliveries WHERE channel = 'SLACK'`); got != 0 {
		t.Fatalf("%d Slack deliveries without a webhook", got)
	}

	if err := b.svc.SetSlackWebhook(ada.ctx(), b.slack.url); err != nil {
		t.Fatal(err)
	}
	if set, err := b.svc.SlackWebhookSet(ada.ctx()); err != nil || !set {
		t.Fatalf("webhook not set: %v %v", set, err)
	}
	mustSubmit(t, b.pool, author, "Q3 <pricing> & more")
	ran := b.drain(t)
	if ran[jobs.TypeNotifySlack] != 1 || ran[jobs.TypeNotifyEmail] != 0 {
		t.Fatalf("ran %v, want one Slack task and no e-mail", ran)
	}
	posts := b.slack.received()
	if len(posts) != 1 {
		t.Fatalf("%d Slack posts, want 1", len(posts))
	}
	p := posts[0]
	text, _ := p.Body["text"].(string)
	if p.ContentType != "application/json" || !strings.HasSuffix(b.slack.url, p.Path) {
		t.Fatalf("Slack post: %+v", p)
	}
	for _, want := range []string{"*Lee Legal*", "<mailto:" + legal.email + "|" + legal.email + ">",
		"Review requested: Q3 &lt;pricing&gt; &amp; more", "|Open in Clearpost>"} {
		if !strings.Contains(text, want) {
			t.Errorf("Slack text lacks %q: %s", want, text)
		}
	}
	if got := count(t, b.pool, `SELECT count(*) FROM notification_deliveries WHERE channel = 'SLACK' AND status = 'SENT'`); got != 1 {
		t.Fatalf("%d Slack deliveries SENT", got)
	}

	// The URL is a secret: sealed at rest, absent from the audit log.
	var sealed []byte
	if err := b.pool.QueryRow(ctx, `SELECT slack_webhook FROM notification_settings WHERE org_id = $1`, b.org).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("xoxsecret")) || bytes.Contains(sealed, []byte("/services/")) {
		t.Fatal("webhook stored in the clear")
	}
	if got := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE details::text LIKE '%xoxsecret%'`); got != 0 {
		t.Fatal("webhook in the audit log")
	}
	if got := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'notify.slack_webhook_set'`); got != 1 {
		t.Fatalf("%d audit events for setting the webhook", got)
	}

	// Removing it.
	if err := b.svc.SetSlackWebhook(ada.ctx(), ""); err != nil {
		t.Fatal(err)
	}
	if set, err := b.svc.SlackWebhookSet(ada.ctx()); err != nil || set {
		t.Fatalf("webhook still set after removal: %v %v", set, err)
	}
}

// TestSlackWebhookRefused: only admins set the webhook; a URL that is not https (or http to
// loopback) is refused naming the field, without repeating the URL, and the stored webhook stays.
func TestSlackWebhookRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ada := mustUser(t, b.pool, b.org, "Ada Admin", admin)
	mo := mustUser(t, b.pool, b.org, "Mo Marketer", marketer)
	if err := b.svc.SetSlackWebhook(ada.ctx(), b.slack.url); err != nil {
		t.Fatal(err)
	}
	stored := func() []byte {
		var sealed []byte
		if err := b.pool.QueryRow(context.Background(), `SELECT slack_webhook FROM notification_settings WHERE org_id = $1`, b.org).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		return sealed
	}
	before := stored()

	wantCode(t, b.svc.SetSlackWebhook(mo.ctx(), "https://hooks.slack.com/services/T1/B1/mine"), apperr.Forbidden)
	if _, err := b.svc.SlackWebhookSet(mo.ctx()); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("a marketer asked whether a webhook is set: %v", err)
	}
	for _, bad := range []string{
		"http://hooks.slack.com/services/T1/B1/secretpart",
		"ftp://hooks.slack.com/services/T1/B1/secretpart",
		"hooks.slack.com/services/T1/B1/secretpart",
		"https://user:secretpart@hooks.slack.com/services/T1/B1",
		"https://hooks.slack.com/services/T1/B1/secretpart#frag",
		"https:///services/secretpart",
		"https://hooks.slack.com/" + strings.Repeat("secretpart", 210),
		"javascript:alert('secretpart')",
	} {
		err := b.svc.SetSlackWebhook(ada.ctx(), bad)
		wantField(t, err, "url")
		if strings.Contains(err.Error(), "secretpart") {
			t.Errorf("error repeats the URL: %v", err)
		}
	}
	if !bytes.Equal(stored(), before) {
		t.Fatal("a refused URL changed the stored webhook")
	}
	if got := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action LIKE 'notify.slack_webhook%'`); got != 1 {
		t.Fatalf("%d webhook audit events, want only the first setting's", got)
	}
}

// TestFailedDeliveryRetriedThenRecorded: a Slack webhook that keeps failing gets the error back
// (asynq retries) until the last attempt, which is recorded FAILED and not retried; the URL is in
// neither the error nor the record. An address the mail server refuses for good fails at once.
func TestFailedDeliveryRetriedThenRecorded(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *setupOptions) { o.maxAttempts, o.slackStatus = 3, http.StatusServiceUnavailable })
	ctx := context.Background()
	ada := mustUser(t, b.pool, b.org, "Ada Admin", admin)
	author := mustUser(t, b.pool, b.org, "Ann Author", marketer)
	legal := mustUser(t, b.pool, b.org, "Lee Legal", reviewer, "legal")
	bounce := mustUser(t, b.pool, b.org, "Bounce Back", reviewer, "legal") // the mail server refuses bounce.*
	mustWorkflow(t, b.pool, author, approval.Stage{Name: "Legal", Groups: []approval.GroupRequirement{anyOf("legal")}})
	if err := b.svc.SetSlackWebhook(ada.ctx(), b.slack.url); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.SetPreferences(legal.ctx(), notify.Preferences{Channels: []notify.Channel{notify.ChannelSlack}}); err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, b.pool, author, "Failing delivery")
	// Run the event tasks; keep the delivery tasks to run by hand.
	for _, row := range b.pendingOutbox(t, "") {
		if err := b.svc.ProcessEvent(ctx, taskOf(t, jobs.TypeNotifyEvent, row)); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := b.pool.Query(ctx, `SELECT id, org_id, topic, payload FROM outbox WHERE topic IN ($1, $2) ORDER BY topic`, jobs.TopicNotifyEmail, jobs.TopicNotifySlack)
	if err != nil {
		t.Fatal(err)
	}
	var slackTask, mailTask *asynq.Task
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Topic, &r.Payload); err != nil {
			t.Fatal(err)
		}
		switch r.Topic {
		case jobs.TopicNotifySlack:
			slackTask = taskOf(t, jobs.TypeNotifySlack, r)
		case jobs.TopicNotifyEmail:
			mailTask = taskOf(t, jobs.TypeNotifyEmail, r)
		}
	}
	if rows.Err() != nil || slackTask == nil || mailTask == nil {
		t.Fatalf("want one Slack and one e-mail task (%v)", rows.Err())
	}

	delivery := func(ch string) (status string, attempts int, lastError string) {
		t.Helper()
		if err := b.pool.QueryRow(ctx, `SELECT status, attempts, last_error FROM notification_deliveries WHERE channel = $1`, ch).
			Scan(&status, &attempts, &lastError); err != nil {
			t.Fatal(err)
		}
		return
	}
	for attempt := 1; attempt <= 3; attempt++ {
		err := b.svc.ProcessSlack(ctx, slackTask)
		if err == nil {
			t.Fatalf("attempt %d succeeded against a failing webhook", attempt)
		}
		if strings.Contains(err.Error(), "xoxsecret") || strings.Contains(err.Error(), "/services/") {
			t.Fatalf("error names the webhook URL: %v", err)
		}
		status, attempts, lastError := delivery("SLACK")
		final := attempt == 3
		if errors.Is(err, asynq.SkipRetry) != final {
			t.Fatalf("attempt %d: SkipRetry %v, want %v (%v)", attempt, errors.Is(err, asynq.SkipRetry), final, err)
		}
		wantStatus := "PENDING"
		if final {
			wantStatus = "FAILED"
		}
		if status != wantStatus || attempts != attempt || !strings.Contains(lastError, "503") || strings.Contains(lastError, "xoxsecret") {
			t.Fatalf("after attempt %d: %s, %d attempts, %q", attempt, status, attempts, lastError)
		}
	}
	if got := len(b.slack.received()); got != 3 {
		t.Fatalf("%d posts to Slack, want 3", got)
	}
	// A failed delivery is not tried again.
	if err := b.svc.ProcessSlack(ctx, slackTask); err != nil {
		t.Fatal(err)
	}
	if got := len(b.slack.received()); got != 3 {
		t.Fatalf("a FAILED delivery was tried again: %d posts", got)
	}

	// Refused for good on the first attempt.
	err = b.svc.ProcessEmail(ctx, mailTask)
	if !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("refused recipient: %v, want SkipRetry", err)
	}
	if status, attempts, lastError := delivery("EMAIL"); status != "FAILED" || attempts != 1 || !strings.Contains(lastError, "550") ||
		strings.Contains(lastError, bounce.email) {
		t.Fatalf("refused e-mail recorded %s after %d attempts: %q", status, attempts, lastError)
	}
	if got := len(b.smtp.messages()); got != 0 {
		t.Fatalf("%d e-mails accepted", got)
	}
}
