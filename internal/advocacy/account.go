package advocacy

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// tokenAAD binds a sealed token to its row: a ciphertext copied to another user's or network's
// row does not open.
func tokenAAD(user uuid.UUID, network Network) []byte {
	return []byte("connected_accounts:" + user.String() + ":" + string(network) + ":token")
}

func parseAccountNetwork(s string) (Network, error) {
	n, ok := ParseNetwork(s)
	if !ok || !slices.Contains(accountNetworks, n) {
		return "", apperr.Invalidf("network", "%q is not a network you can connect (%s)", s, networkNames(accountNetworks))
	}
	return n, nil
}

// ConnectAccount stores the caller's token for their account accountID on network, sealed,
// replacing an earlier one. Scheduled shares to network are published through it.
func (s *Service) ConnectAccount(ctx context.Context, network, token, accountID string) (*Account, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	n, err := parseAccountNetwork(network)
	if err != nil {
		return nil, err
	}
	var problems apperr.Problems
	switch {
	case token == "" || strings.TrimSpace(token) != token:
		problems.Add("token", "is required, without surrounding spaces")
	case len(token) > 8192 || !utf8.ValidString(token) || strings.ContainsRune(token, 0):
		problems.Add("token", "must be at most 8192 bytes of text")
	}
	accountID = strings.TrimSpace(accountID)
	switch {
	case accountID == "":
		problems.Add("accountId", "is required")
	case utf8.RuneCountInString(accountID) > 200 || strings.ContainsRune(accountID, 0):
		problems.Add("accountId", "must be at most 200 characters")
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	sealed := s.keys.Seal([]byte(token), tokenAAD(p.UserID, n))
	var a Account
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		a, err = upsertAccount(ctx, tx, p.UserID, n, p.OrgID, accountID, sealed)
		if err != nil {
			return err
		}
		return p.Record(ctx, tx, "account.connected", "connected_account", p.UserID.String()+":"+string(n),
			map[string]any{"network": n, "account_id": accountID})
	})
	if err != nil {
		return nil, fmt.Errorf("connect %s account: %w", n, err)
	}
	return &a, nil
}

// DisconnectAccount forgets the caller's token on network and cancels their scheduled shares to it
// (they would have gone out through it).
func (s *Service) DisconnectAccount(ctx context.Context, network string) error {
	p, err := auth.Require(ctx)
	if err != nil {
		return err
	}
	n, err := parseAccountNetwork(network)
	if err != nil {
		return err
	}
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		revoked, err := revokeAccount(ctx, tx, p.UserID, n, p.OrgID)
		if err != nil {
			return err
		}
		if !revoked {
			return apperr.NotFoundf("you have no connected %s account", n)
		}
		canceled, err := cancelScheduled(ctx, tx, p.UserID, n)
		if err != nil {
			return err
		}
		return p.Record(ctx, tx, "account.disconnected", "connected_account", p.UserID.String()+":"+string(n),
			map[string]any{"network": n, "shares_canceled": canceled})
	})
	if err != nil {
		return fmt.Errorf("disconnect %s account: %w", n, err)
	}
	return nil
}

// Accounts lists the caller's accounts, connected or not, by network. Tokens are never returned.
func (s *Service) Accounts(ctx context.Context) ([]Account, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	return listAccounts(ctx, s.pool, p.UserID, p.OrgID)
}
