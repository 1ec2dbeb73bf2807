package app

import (
	"context"
	"fmt"

	"clearpost/internal/advocacy"
	"clearpost/internal/publish/platform"
)

// sharePublisher publishes employees' scheduled shares through the same platform adapters as the
// brand channels, as the employee's connected account.
type sharePublisher struct {
	adapters map[string]platform.Adapter
}

func (s sharePublisher) Publish(ctx context.Context, network string, creds map[string]string, m advocacy.Message) (string, string, error) {
	adapter, ok := s.adapters[network]
	if !ok {
		return "", "", advocacy.Permanent(fmt.Errorf("scheduled shares to %s are not supported: share from the network's dialog", network))
	}
	c := platform.Credentials{platform.KeyAccessToken: creds["access_token"]}
	switch network {
	case platform.LinkedIn: // the member's own feed
		c[platform.KeyAuthorURN] = creds["account_id"]
	case platform.X:
		c[platform.KeyUserID] = creds["account_id"]
	case platform.Facebook:
		c[platform.KeyPageID] = creds["account_id"]
	}
	if err := adapter.Validate(c); err != nil {
		return "", "", advocacy.Permanent(fmt.Errorf("the connected account cannot publish: %w", err))
	}
	r, err := adapter.Publish(ctx, c, platform.Message{Text: m.Text, Link: m.Link, IdempotencyKey: m.IdempotencyKey})
	if err != nil {
		if !platform.IsRetryable(err) {
			return "", "", advocacy.Permanent(err)
		}
		return "", "", err
	}
	return r.ExternalID, r.URL, nil
}
