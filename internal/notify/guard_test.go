package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"clearpost/internal/approval"
	"clearpost/internal/jobs"
	"clearpost/internal/notify"

	"github.com/hibiken/asynq"
)

// TestSlackWebhookGuardsPrivateTargets: unless private targets are allowed, the notification
// Slack webhook must be https to a public address (refused at save naming the field, nothing
// stored), and a webhook whose host turns out to be inside the network is refused when dialed:
// the server behind it never hears of the message, which fails for good.
func TestSlackWebhookGuardsPrivateTargets(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *setupOptions) { o.strictTargets = true })
	ctx := context.Background()
	ada := mustUser(t, b.pool, b.org, "Ada Admin", admin)
	author := mustUser(t, b.pool, b.org, "Ann Author", marketer)
	legal := mustUser(t, b.pool, b.org, "Lee Legal", reviewer, "legal")

	for _, bad := range []string{
		"https://10.11.12.13/internal",
		b.slack.url, // plain http to loopback
		"http://127.0.0.1/hook",
		"https://127.0.0.1/hook",
		"https://localhost/hook",
		"https://[::1]/hook",
		"https://[::ffff:10.0.0.1]/hook",
		"https://169.254.169.254/latest/meta-data",
		"https://192.168.1.5/hook",
		"http://hooks.slack.com/services/T1/B1/x", // public, but not https
	} {
		err := b.svc.SetSlackWebhook(ada.ctx(), bad)
		wantField(t, err, "url")
		if strings.Contains(err.Error(), bad) {
			t.Errorf("error repeats the URL: %v", err)
		}
	}
	if got := count(t, b.pool, `SELECT count(*) FROM notification_settings WHERE slack_webhook IS NOT NULL`); got != 0 {
		t.Fatalf("a refused webhook was stored")
	}
	if got := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action LIKE 'notify.slack_webhook%'`); got != 0 {
		t.Fatalf("a refused webhook was audited as set")
	}
	if err := b.svc.SetSlackWebhook(ada.ctx(), "https://hooks.slack.com/services/T1/B1/public"); err != nil {
		t.Fatalf("a public https webhook: %v", err)
	}

	// A webhook stored when it was allowed (as one whose public name later resolves inside the
	// network would be): the dial-time check refuses it.
	b.strictTargets = false
	lenient := b.newService(t, 0)
	b.strictTargets = true
	if err := lenient.SetSlackWebhook(ada.ctx(), b.slack.url); err != nil {
		t.Fatal(err)
	}
	mustWorkflow(t, b.pool, ada, approval.Stage{Name: "Legal", Groups: []approval.GroupRequirement{anyOf("legal")}})
	if _, err := b.svc.SetPreferences(legal.ctx(), notify.Preferences{Channels: []notify.Channel{notify.ChannelInApp, notify.ChannelSlack}}); err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, b.pool, author, "Behind the firewall")
	routes := testRoutes()
	var slackErrs []error
	for _, row := range b.pendingOutbox(t, "") {
		for _, typ := range routes[row.Topic] {
			if err := b.handlers()[typ](ctx, taskOf(t, typ, row)); err != nil {
				t.Fatalf("%s: %v", typ, err)
			}
		}
	}
	for _, row := range b.pendingOutbox(t, jobs.TopicNotifySlack) {
		slackErrs = append(slackErrs, b.svc.ProcessSlack(ctx, taskOf(t, jobs.TypeNotifySlack, row)))
	}
	if len(slackErrs) != 1 || !errors.Is(slackErrs[0], asynq.SkipRetry) {
		t.Fatalf("Slack tasks: %v, want one refused for good", slackErrs)
	}
	if n := len(b.slack.received()); n != 0 {
		t.Fatalf("the server behind a private address got %d messages", n)
	}
	var status, lastErr string
	if err := b.pool.QueryRow(ctx, `SELECT status, coalesce(last_error, '') FROM notification_deliveries WHERE channel = 'SLACK'`).Scan(&status, &lastErr); err != nil {
		t.Fatal(err)
	}
	if status != "FAILED" || !strings.Contains(lastErr, "not a public address") || strings.Contains(lastErr, "xoxsecret") {
		t.Fatalf("delivery %s %q, want FAILED by the address guard, without the URL", status, lastErr)
	}
}
