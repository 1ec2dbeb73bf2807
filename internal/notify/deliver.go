package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"

	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/text"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
)

// deliveryTask is the payload of a notify:email or notify:slack task.
type deliveryTask struct {
	jobs.Event
	NotificationID uuid.UUID `json:"notification_id"`
}

// pendingDelivery is a delivery with what its message needs.
type pendingDelivery struct {
	notificationID uuid.UUID
	org            uuid.UUID
	channel        Channel
	status         DeliveryStatus
	attempts       int
	userEmail      string
	userName       string
	userActive     bool
	title          string
	body           string
	link           string
}

// ProcessEmail is the handler of jobs.TypeNotifyEmail: it e-mails one notification to its user, once.
func (s *Service) ProcessEmail(ctx context.Context, t *asynq.Task) error {
	return s.processDelivery(ctx, t, ChannelEmail, func(ctx context.Context, d *pendingDelivery) (string, error) {
		if s.mailer == nil {
			return "e-mail is not configured", nil
		}
		return "", s.mailer.Send(ctx, Email{
			To:        d.userEmail,
			ToName:    d.userName,
			Subject:   d.title,
			Body:      s.emailBody(d),
			MessageID: d.notificationID.String() + "@" + domainOf(s.mailer.from),
		})
	})
}

// ProcessSlack is the handler of jobs.TypeNotifySlack: it posts one notification to its organization's Slack
// webhook, once.
func (s *Service) ProcessSlack(ctx context.Context, t *asynq.Task) error {
	return s.processDelivery(ctx, t, ChannelSlack, func(ctx context.Context, d *pendingDelivery) (string, error) {
		webhook, err := s.slackWebhook(ctx, s.pool, d.org)
		if err != nil {
			return "", err
		}
		if webhook == "" {
			return "the organization has no Slack webhook", nil
		}
		return "", s.postSlack(ctx, webhook, s.slackText(d))
	})
}

// processDelivery runs send for a PENDING delivery and records the outcome: SENT; SKIPPED when
// send says why there is nothing to send to; on an error, PENDING again for a retry (the error
// is returned), or FAILED after the last attempt or a refusal for good (the error wraps
// asynq.SkipRetry). A delivery that is no longer PENDING is not sent again.
func (s *Service) processDelivery(ctx context.Context, t *asynq.Task, ch Channel,
	send func(context.Context, *pendingDelivery) (skipped string, err error)) error {
	p, err := jobs.DecodePayload[deliveryTask](t)
	if err != nil {
		return err
	}
	d, err := loadDelivery(ctx, s.pool, p.OrgID, p.NotificationID, ch)
	if postgres.NoRows(err) {
		s.log.WarnContext(ctx, "delivery of an unknown notification", slog.String("notification_id", p.NotificationID.String()),
			slog.String("channel", string(ch)))
		return nil
	}
	if err != nil {
		return err
	}
	if d.status != DeliveryPending {
		return nil
	}
	if !d.userActive {
		return s.finish(ctx, d, DeliverySkipped, "the user is deactivated", false)
	}
	skipped, sendErr := send(ctx, d)
	switch {
	case sendErr == nil && skipped != "":
		return s.finish(ctx, d, DeliverySkipped, skipped, false)
	case sendErr == nil:
		return s.finish(ctx, d, DeliverySent, "", true)
	}
	final := errors.Is(sendErr, errPermanent) || d.attempts+1 >= s.maxAttempts || lastRetry(ctx)
	status := DeliveryPending
	if final {
		status = DeliveryFailed
	}
	if err := s.finish(ctx, d, status, sendErr.Error(), true); err != nil {
		return errors.Join(sendErr, err)
	}
	if final {
		s.log.WarnContext(ctx, "notification delivery failed for good", slog.String("notification_id", d.notificationID.String()),
			slog.String("channel", string(ch)), slog.Int("attempts", d.attempts+1), slog.Any("error", sendErr))
		return fmt.Errorf("deliver notification %s by %s: %w: %w", d.notificationID, ch, sendErr, asynq.SkipRetry)
	}
	return fmt.Errorf("deliver notification %s by %s: %w", d.notificationID, ch, sendErr)
}

// lastRetry reports whether asynq will not retry the running task if it fails.
func lastRetry(ctx context.Context) bool {
	retried, ok1 := asynq.GetRetryCount(ctx)
	maxRetry, ok2 := asynq.GetMaxRetry(ctx)
	return ok1 && ok2 && retried >= maxRetry
}

// finish records the outcome of an attempt. Only a PENDING delivery changes.
func (s *Service) finish(ctx context.Context, d *pendingDelivery, status DeliveryStatus, reason string, attempted bool) error {
	if err := settleDelivery(ctx, s.pool, d, status, text.Truncate(reason, 500), attempted); err != nil {
		return fmt.Errorf("record delivery %s by %s: %w", d.notificationID, d.channel, err)
	}
	return nil
}

// emailBody is the text of d's e-mail.
func (s *Service) emailBody(d *pendingDelivery) string {
	var b strings.Builder
	if d.userName != "" {
		fmt.Fprintf(&b, "Hello %s,\n\n", d.userName)
	} else {
		b.WriteString("Hello,\n\n")
	}
	b.WriteString(d.title)
	b.WriteString("\n\n")
	if d.body != "" {
		b.WriteString(d.body)
		b.WriteString("\n\n")
	}
	if d.link != "" {
		fmt.Fprintf(&b, "Open in Clearpost: %s\n\n", s.url(d.link))
	}
	b.WriteString("-- \nYou receive this e-mail because of your Clearpost notification settings")
	if s.publicURL != "" {
		fmt.Fprintf(&b, " (%s)", s.url("/settings/notifications"))
	}
	b.WriteString(".\n")
	return b.String()
}

// domainOf returns the domain of an address such as "Clearpost <clearpost@example.com>".
func domainOf(addr string) string {
	if a, err := mail.ParseAddress(addr); err == nil {
		addr = a.Address
	}
	if _, domain, ok := strings.Cut(addr, "@"); ok && domain != "" {
		return domain
	}
	return "clearpost.invalid"
}
