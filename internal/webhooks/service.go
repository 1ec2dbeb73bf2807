package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/postgres"
	"clearpost/internal/secretbox"
	"clearpost/internal/text"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configures where deliveries may go and how long they may take. The zero value is the
// production setting: https only, public addresses only, DefaultTimeout.
type Options struct {
	// AllowLoopback accepts http:// URLs to loopback hosts and lets deliveries connect to loopback
	// addresses. Only tests and `clearpost dev` set it.
	AllowLoopback bool
	// AllowedNetworks are non-public networks deliveries may reach anyway (receivers inside the
	// network of a self-hosted installation).
	AllowedNetworks []netip.Prefix
	// Timeout bounds one attempt; default DefaultTimeout.
	Timeout time.Duration
	// Resolver looks up endpoint hosts; default net.DefaultResolver.
	Resolver Resolver
	// Now is the clock of the signature timestamp; default time.Now.
	Now func() time.Time
}

// Service manages an organization's subscriptions and makes their deliveries.
type Service struct {
	pool    *pgxpool.Pool
	keys    *secretbox.Keyring
	log     *slog.Logger
	policy  policy
	client  *http.Client
	timeout time.Duration
	now     func() time.Time
}

// NewService returns the service on pool, sealing signing secrets with keys.
func NewService(pool *pgxpool.Pool, keys *secretbox.Keyring, log *slog.Logger, opts Options) *Service {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	pol := policy{
		allowLoopback: opts.AllowLoopback,
		allowed:       slices.Clone(opts.AllowedNetworks),
		resolver:      opts.Resolver,
		dialTimeout:   opts.Timeout,
	}
	return &Service{
		pool:    pool,
		keys:    keys,
		log:     log.With(slog.String("component", "webhooks")),
		policy:  pol,
		client:  pol.client(opts.Timeout),
		timeout: opts.Timeout,
		now:     opts.Now,
	}
}

// secretAAD binds a sealed secret to its row and column.
func secretAAD(id uuid.UUID) []byte {
	return []byte("webhook_subscriptions:" + id.String() + ":secret")
}

// newSecret returns a fresh signing secret. The HMAC key is the secret string's bytes, as given
// to the receiver.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

func invalid(field, format string, a ...any) error { return apperr.Invalidf(field, format, a...) }

const maxDescription = 500

// checkEvents validates and normalizes event names: trimmed, sorted, unique.
func checkEvents(events []string, problems *apperr.Problems) []string {
	if len(events) == 0 {
		problems.Add("events", "name at least one event: %s", strings.Join(Events, ", "))
		return nil
	}
	out := make([]string, 0, len(events))
	for i, e := range events {
		e = strings.TrimSpace(e)
		if !ValidEvent(e) {
			problems.Add(fmt.Sprintf("events[%d]", i), "%q is not an event; events are %s", text.Truncate(e, 60), strings.Join(Events, ", "))
			continue
		}
		out = append(out, e)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func checkDescription(d string, problems *apperr.Problems) string {
	d = strings.TrimSpace(d)
	if utf8.RuneCountInString(d) > maxDescription || !utf8.ValidString(d) || strings.ContainsRune(d, 0) {
		problems.Add("description", "must be at most %d characters of text", maxDescription)
	}
	return d
}

func (s *Service) checkURL(raw string, problems *apperr.Problems) string {
	u, err := s.policy.checkURL(raw)
	var ae *apperr.Error
	if errors.As(err, &ae) {
		problems.Add(ae.Field, "%s", ae.Message)
	}
	return u
}

// details is what the audit log records of a subscription: never its secret.
func details(sub *Subscription) map[string]any {
	return map[string]any{"url": sub.URL, "events": sub.Events, "description": sub.Description, "active": sub.Active}
}

// Create stores a new active subscription (admins) and returns it with its signing secret, which
// is shown this once and stored only sealed.
func (s *Service) Create(ctx context.Context, in SubscriptionInput) (*Subscription, string, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, "", err
	}
	var problems apperr.Problems
	u := s.checkURL(in.URL, &problems)
	events := checkEvents(in.Events, &problems)
	desc := checkDescription(in.Description, &problems)
	if err := problems.Err(); err != nil {
		return nil, "", err
	}
	id := uuid.New()
	secret := newSecret()
	sealed := s.keys.Seal([]byte(secret), secretAAD(id))
	var sub *Subscription
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		sub, err = insertSubscription(ctx, tx, p.OrgID, id, p.UserID, u, events, desc, sealed)
		if err != nil {
			return err
		}
		return p.Record(ctx, tx, "webhook.created", "webhook_subscription", id.String(), details(sub))
	})
	if err != nil {
		return nil, "", fmt.Errorf("create webhook subscription: %w", err)
	}
	return sub, secret, nil
}

// Get returns a subscription (admins).
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Subscription, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	return subscription(ctx, s.pool, p, id, false)
}

// List returns up to limit of the organization's subscriptions after cursor, oldest first (admins).
func (s *Service) List(ctx context.Context, after *SubscriptionCursor, limit int) ([]*Subscription, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var afterAt time.Time
	var afterID uuid.UUID
	if after != nil {
		afterAt, afterID = after.CreatedAt, after.ID
	}
	return listSubscriptions(ctx, s.pool, p.OrgID, after != nil, afterAt, afterID, clampLimit(limit))
}

func clampLimit(limit int) int { return min(max(limit, 1), 1000) }

// Update changes a subscription (admins). Deactivating it cancels its pending deliveries.
func (s *Service) Update(ctx context.Context, id uuid.UUID, in SubscriptionUpdate) (*Subscription, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var problems apperr.Problems
	var u, desc string
	var events []string
	if in.URL != nil {
		u = s.checkURL(*in.URL, &problems)
	}
	if in.Events != nil {
		events = checkEvents(in.Events, &problems)
	}
	if in.Description != nil {
		desc = checkDescription(*in.Description, &problems)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	var sub *Subscription
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := subscription(ctx, tx, p, id, true)
		if err != nil {
			return err
		}
		next := *before
		if in.URL != nil {
			next.URL = u
		}
		if in.Events != nil {
			next.Events = events
		}
		if in.Description != nil {
			next.Description = desc
		}
		if in.Active != nil {
			next.Active = *in.Active
		}
		sub, err = updateSubscription(ctx, tx, p.OrgID, id, next)
		if err != nil {
			return err
		}
		d := map[string]any{"before": details(before), "after": details(sub)}
		if before.Active && !sub.Active {
			n, err := cancelPending(ctx, tx, id)
			if err != nil {
				return err
			}
			d["cancelled_deliveries"] = n
		}
		return p.Record(ctx, tx, "webhook.updated", "webhook_subscription", id.String(), d)
	})
	if err != nil {
		return nil, fmt.Errorf("update webhook subscription %s: %w", id, err)
	}
	return sub, nil
}

// Delete removes a subscription with its deliveries and their log (admins). Its pending
// deliveries are not sent.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) error {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return err
	}
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		sub, err := subscription(ctx, tx, p, id, true)
		if err != nil {
			return err
		}
		if err := deleteSubscription(ctx, tx, p.OrgID, id); err != nil {
			return err
		}
		return p.Record(ctx, tx, "webhook.deleted", "webhook_subscription", id.String(), details(sub))
	})
	if err != nil {
		return fmt.Errorf("delete webhook subscription %s: %w", id, err)
	}
	return nil
}

// RotateSecret replaces a subscription's signing secret (admins) and returns the new one, shown
// this once. Deliveries from now on, retries included, are signed with it.
func (s *Service) RotateSecret(ctx context.Context, id uuid.UUID) (*Subscription, string, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, "", err
	}
	secret := newSecret()
	sealed := s.keys.Seal([]byte(secret), secretAAD(id))
	var sub *Subscription
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := subscription(ctx, tx, p, id, true); err != nil {
			return err
		}
		sub, err = setSecret(ctx, tx, p.OrgID, id, sealed)
		if err != nil {
			return err
		}
		return p.Record(ctx, tx, "webhook.secret_rotated", "webhook_subscription", id.String(), map[string]any{"url": sub.URL})
	})
	if err != nil {
		return nil, "", fmt.Errorf("rotate webhook secret %s: %w", id, err)
	}
	return sub, secret, nil
}
