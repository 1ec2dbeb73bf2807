package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"clearpost/internal/audit"
	"clearpost/internal/postgres"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Configure makes the registered identity providers what the configuration says: each of
// providers is registered (and enabled), every other one is disabled (see DisableOthers). It
// returns the issuers it disabled.
func Configure(ctx context.Context, pool *pgxpool.Pool, providers []Provider) ([]string, error) {
	var disabled []string
	err := postgres.WithTx(ctx, pool, func(tx pgx.Tx) error {
		issuers := make([]string, 0, len(providers))
		for _, p := range providers {
			if _, err := Register(ctx, tx, p); err != nil {
				return err
			}
			issuers = append(issuers, p.Issuer)
		}
		var err error
		disabled, err = disableOthers(ctx, tx, issuers)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("configure identity providers: %w", err)
	}
	return disabled, nil
}

// DisableOthers disables every enabled identity provider whose issuer is not in keep: its tokens
// are refused from then on, /auth/login no longer sends browsers to it, and the browser sessions
// of the users it signed in end. Each is audited in its organization. It returns the issuers it
// disabled.
func DisableOthers(ctx context.Context, pool *pgxpool.Pool, keep []string) ([]string, error) {
	var disabled []string
	err := postgres.WithTx(ctx, pool, func(tx pgx.Tx) error {
		var err error
		disabled, err = disableOthers(ctx, tx, keep)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("disable identity providers: %w", err)
	}
	return disabled, nil
}

func disableOthers(ctx context.Context, tx pgx.Tx, keep []string) ([]string, error) {
	all, err := disableProviders(ctx, tx, keep)
	if err != nil {
		return nil, err
	}
	issuers := make([]string, 0, len(all))
	for _, g := range all {
		issuers = append(issuers, g.issuer)
	}
	if len(issuers) == 0 {
		return nil, nil
	}
	if err := revokeSessionsOf(ctx, tx, issuers); err != nil {
		return nil, err
	}
	for _, g := range all {
		if err := audit.Record(ctx, tx, audit.Event{
			OrgID: g.org, Action: "identity_provider.disabled", SubjectType: "identity_provider", SubjectID: g.issuer,
			Details: map[string]any{"issuer": g.issuer, "reason": "no longer configured"},
		}); err != nil {
			return nil, err
		}
	}
	return issuers, nil
}

// CheckDiscovery fetches issuer's discovery document and checks that it names issuer exactly (a
// trailing slash too much or too little is a different issuer, whose tokens would all be
// refused). client may be nil (a default client).
func CheckDiscovery(ctx context.Context, client *http.Client, issuer string) error {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := oidc.NewProvider(oidc.ClientContext(ctx, client), issuer); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("identity provider %s: discovery timed out", issuer)
		}
		return fmt.Errorf("identity provider %s: discovery: %w", issuer, err)
	}
	return nil
}
