package audit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestDatabaseRefusesChanges checks the append-only trigger: a normal connection cannot change or
// remove an event, sealed or not, except by the one sealing update.
func TestDatabaseRefusesChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	org := MustOrg(t, b.pool, "guarded")
	MustRecord(t, b.pool, org, 3)
	if _, err := b.sealer.SealOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	MustRecord(t, b.pool, org, 1) // one unsealed event
	var sealedID, unsealedID int64
	if err := b.pool.QueryRow(ctx, `SELECT id FROM audit_events WHERE org_id = $1 AND seq = 2`, org).Scan(&sealedID); err != nil {
		t.Fatal(err)
	}
	if err := b.pool.QueryRow(ctx, `SELECT id FROM audit_events WHERE org_id = $1 AND seq IS NULL`, org).Scan(&unsealedID); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		sql  string
		args []any
	}{
		{"update unsealed details", `UPDATE audit_events SET details = '{"x":1}' WHERE id = $1`, []any{unsealedID}},
		{"update sealed details", `UPDATE audit_events SET details = '{"x":1}' WHERE id = $1`, []any{sealedID}},
		{"update sealed hash", `UPDATE audit_events SET hash = sha256('x') WHERE id = $1`, []any{sealedID}},
		{"reseal sealed", `UPDATE audit_events SET seq = 99, prev_hash = hash, hash = sha256('x') WHERE id = $1`, []any{sealedID}},
		{"seal and change details", `UPDATE audit_events SET seq = 4, prev_hash = sha256('p'), hash = sha256('h'),
			details = '{"x":1}' WHERE id = $1`, []any{unsealedID}},
		{"seal and change actor email", `UPDATE audit_events SET seq = 4, prev_hash = sha256('p'), hash = sha256('h'),
			actor_email = 'mallory@example.com' WHERE id = $1`, []any{unsealedID}},
		{"delete sealed", `DELETE FROM audit_events WHERE id = $1`, []any{sealedID}},
		{"delete unsealed", `DELETE FROM audit_events WHERE id = $1`, []any{unsealedID}},
		{"truncate", `TRUNCATE audit_events`, nil},
		{"update checkpoint", `UPDATE audit_checkpoints SET seq = seq + 1`, nil},
		{"delete checkpoint", `DELETE FROM audit_checkpoints`, nil},
	}
	for _, tt := range tests {
		_, err := b.pool.Exec(ctx, tt.sql, tt.args...)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s: got %v, want insufficient_privilege (42501)", tt.name, err)
		}
	}
	MustSealAll(t, b.sealer, org)
	MustVerify(t, b.pool, org, 4)
}
