package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"clearpost/internal/postgres"
	"clearpost/internal/postgres/pgtest"
)

// The questions stores ask of driver errors, asked of the real server's answers.
func TestDriverErrors(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE parent (id int PRIMARY KEY);
		CREATE TABLE child (id int PRIMARY KEY, parent int REFERENCES parent, n int CONSTRAINT n_positive CHECK (n > 0))`); err != nil {
		t.Fatal(err)
	}
	_, err := pool.Exec(ctx, `INSERT INTO parent VALUES (1), (1)`)
	if !postgres.IsViolation(err, postgres.UniqueViolation, "parent_pkey") {
		t.Errorf("duplicate key: %v is not a violation of parent_pkey", err)
	}
	if postgres.IsViolation(err, postgres.UniqueViolation, "other_key") || postgres.IsViolation(err, postgres.ForeignKeyViolation, "") {
		t.Errorf("duplicate key: %v matches a constraint or code it does not name", err)
	}
	_, err = pool.Exec(ctx, `INSERT INTO child VALUES (1, 7, 1)`)
	if v, ok := postgres.Violated(err); !ok || v.Code != postgres.ForeignKeyViolation || v.Constraint != "child_parent_fkey" {
		t.Errorf("missing parent: Violated = %+v, %v", v, ok)
	}
	_, err = pool.Exec(ctx, `INSERT INTO child VALUES (1, NULL, 0)`)
	if !postgres.IsViolation(err, postgres.CheckViolation, "n_positive") {
		t.Errorf("check: %v is not a violation of n_positive", err)
	}
	var n int
	err = pool.QueryRow(ctx, `SELECT id FROM parent WHERE id = 2`).Scan(&n)
	if !postgres.NoRows(err) || !postgres.NoRows(fmt.Errorf("read parent: %w", err)) {
		t.Errorf("no row: NoRows(%v) = false", err)
	}
	if postgres.NoRows(nil) || postgres.NoRows(fmt.Errorf("other")) {
		t.Error("NoRows is true of an error that is not pgx's no rows")
	}
	if _, ok := postgres.Violated(fmt.Errorf("other")); ok {
		t.Error("Violated is true of an error that is not the server's")
	}
}
