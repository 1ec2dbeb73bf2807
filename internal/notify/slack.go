package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/netguard"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// maxWebhookURL is the longest webhook URL accepted.
const maxWebhookURL = 2048

// webhookAAD binds a sealed webhook URL to its organization's settings row.
func webhookAAD(org uuid.UUID) []byte {
	return []byte("notification_settings:" + org.String() + ":slack_webhook")
}

// SetSlackWebhook sets the organization's Slack incoming webhook URL (admins), or removes it when
// rawURL is empty. The URL is a secret: it is stored sealed, never returned, and never named in an
// error or the audit log.
func (s *Service) SetSlackWebhook(ctx context.Context, rawURL string) error {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return err
	}
	rawURL = strings.TrimSpace(rawURL)
	var sealed []byte
	if rawURL != "" {
		if err := s.validateWebhookURL(rawURL); err != nil {
			return err
		}
		sealed = s.keys.Seal([]byte(rawURL), webhookAAD(p.OrgID))
	}
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		wasSet, err := lockSlackSet(ctx, tx, p.OrgID)
		if err != nil {
			return err
		}
		if err := setSlackWebhook(ctx, tx, p.OrgID, p.UserID, sealed); err != nil {
			return err
		}
		action := "notify.slack_webhook_set"
		if sealed == nil {
			action = "notify.slack_webhook_removed"
		}
		return p.Record(ctx, tx, action, "organization", p.OrgID.String(), map[string]any{"was_set": wasSet})
	})
	if err != nil {
		return fmt.Errorf("set slack webhook: %w", err)
	}
	return nil
}

// SlackWebhookSet reports whether the organization has a Slack webhook (admins): all that is ever
// told of it.
func (s *Service) SlackWebhookSet(ctx context.Context) (bool, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return false, err
	}
	set, err := slackSet(ctx, s.pool, p.OrgID)
	if err != nil {
		return false, fmt.Errorf("slack webhook: %w", err)
	}
	return set, nil
}

// validateWebhookURL accepts an absolute https URL to a public host; with private targets
// allowed, also plain http to loopback and private addresses (netguard.Guard.CheckURL, the guard
// of every outbound request). Its errors never repeat the URL.
func (s *Service) validateWebhookURL(raw string) error {
	const field = "url"
	if len(raw) > maxWebhookURL {
		return apperr.Invalidf(field, "is longer than %d characters", maxWebhookURL)
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return apperr.Invalidf(field, "is not an absolute URL such as https://hooks.slack.com/services/...")
	}
	if u.Fragment != "" {
		return apperr.Invalidf(field, "must not have a #fragment")
	}
	if err := s.guard.CheckURL(raw, true); err != nil {
		return apperr.Invalidf(field, "%s", err.Error())
	}
	return nil
}

// slackWebhook returns org's webhook URL, or "" when it has none.
func (s *Service) slackWebhook(ctx context.Context, db postgres.DB, org uuid.UUID) (string, error) {
	sealed, err := sealedSlackWebhook(ctx, db, org)
	if err != nil {
		return "", fmt.Errorf("slack webhook: %w", err)
	}
	if sealed == nil {
		return "", nil
	}
	plain, err := s.keys.Open(sealed, webhookAAD(org))
	if err != nil {
		return "", fmt.Errorf("slack webhook of organization %s: %w", org, err)
	}
	return string(plain), nil
}

// slackMessage is what an incoming webhook takes.
type slackMessage struct {
	Text string `json:"text"`
}

// slackEscape escapes the three characters Slack's mrkdwn gives a meaning to.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackText is the message for n, addressed to its user by name and e-mail.
func (s *Service) slackText(d *pendingDelivery) string {
	var b strings.Builder
	name := d.userName
	if name == "" {
		name = d.userEmail
	}
	fmt.Fprintf(&b, "*%s* (<mailto:%s|%s>): *%s*", slackEscape(name), slackEscape(d.userEmail), slackEscape(d.userEmail), slackEscape(d.title))
	if d.body != "" {
		b.WriteString("\n")
		b.WriteString(slackEscape(d.body))
	}
	if d.link != "" {
		link := s.url(d.link)
		if strings.HasPrefix(link, "http://") || strings.HasPrefix(link, "https://") {
			fmt.Fprintf(&b, "\n<%s|Open in Clearpost>", link)
		}
	}
	return b.String()
}

// errPermanent marks a send the destination refused for good: retrying would not help.
var errPermanent = errors.New("refused for good")

// postSlack posts text to webhook. Its errors never carry the URL.
func (s *Service) postSlack(ctx context.Context, webhook, text string) error {
	body, err := json.Marshal(slackMessage{Text: text})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhook, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("slack webhook request: %w", errPermanent)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		// *url.Error repeats the URL, which is the secret: keep only what went wrong.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, netguard.ErrDisallowedAddress) {
			// The webhook's host resolves inside the network: retrying would not help.
			return fmt.Errorf("slack webhook: %v: %w", err, errPermanent)
		}
		return fmt.Errorf("slack webhook: %v", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500:
		return fmt.Errorf("slack webhook answered %d", resp.StatusCode)
	default:
		// 4xx: no_service, channel_not_found, invalid_payload, ... will not change on a retry.
		return fmt.Errorf("slack webhook answered %d %q: %w", resp.StatusCode, printable(string(snippet)), errPermanent)
	}
}

// printable keeps the printable ASCII of s, for an error message.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, s)
}
