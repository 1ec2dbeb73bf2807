package advocacy

import (
	"context"
	"fmt"

	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Connected accounts' SQL, and the small functions that run it.

const accountColumns = `user_id, network, account_id, token_sealed IS NOT NULL, connected_at, updated_at, revoked_at`

func scanAccount(row pgx.Row) (Account, error) {
	var a Account
	err := row.Scan(&a.UserID, &a.Network, &a.AccountID, &a.Connected, &a.ConnectedAt, &a.UpdatedAt, &a.RevokedAt)
	return a, err
}

// hasConnectedAccount reports whether user has a connected account (with a token) on network.
func hasConnectedAccount(ctx context.Context, db postgres.DB, user uuid.UUID, network Network) (bool, error) {
	var connected bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM connected_accounts
			WHERE user_id = $1 AND network = $2 AND token_sealed IS NOT NULL)`, user, network).Scan(&connected)
	return connected, err
}

// upsertAccount stores user's sealed token for their account accountID on network, replacing an
// earlier one.
func upsertAccount(ctx context.Context, tx pgx.Tx, user uuid.UUID, network Network, org uuid.UUID, accountID string, sealed []byte) (Account, error) {
	return scanAccount(tx.QueryRow(ctx, `INSERT INTO connected_accounts (user_id, network, org_id, account_id, token_sealed)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, network) DO UPDATE SET account_id = EXCLUDED.account_id,
				token_sealed = EXCLUDED.token_sealed, revoked_at = NULL, updated_at = now(),
				connected_at = CASE WHEN connected_accounts.revoked_at IS NULL THEN connected_accounts.connected_at ELSE now() END
			RETURNING `+accountColumns, user, network, org, accountID, sealed))
}

// revokeAccount forgets user's token on network, and reports whether there was one.
func revokeAccount(ctx context.Context, db postgres.Execer, user uuid.UUID, network Network, org uuid.UUID) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE connected_accounts SET token_sealed = NULL, revoked_at = now(), updated_at = now()
			WHERE user_id = $1 AND network = $2 AND org_id = $3 AND token_sealed IS NOT NULL`, user, network, org)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() > 0, nil
}

// cancelScheduled cancels user's SCHEDULED shares to network, as the account was disconnected, and
// returns how many.
func cancelScheduled(ctx context.Context, db postgres.Execer, user uuid.UUID, network Network) (int64, error) {
	tag, err := db.Exec(ctx, `UPDATE shares SET status = 'CANCELED', status_reason = 'the account was disconnected',
				claimed_until = NULL, updated_at = now()
			WHERE user_id = $1 AND network = $2 AND status = 'SCHEDULED'`, user, network)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// listAccounts reads user's accounts, connected or not, by network.
func listAccounts(ctx context.Context, db postgres.DB, user, org uuid.UUID) ([]Account, error) {
	rows, err := db.Query(ctx, `SELECT `+accountColumns+` FROM connected_accounts
		WHERE user_id = $1 AND org_id = $2 ORDER BY network`, user, org)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Account, error) { return scanAccount(r) })
}
