package pgtest_test

import (
	"context"
	"testing"

	"clearpost/internal/postgres/pgtest"
)

func TestDatabasesAreIsolated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := pgtest.New(t), pgtest.New(t)
	if _, err := a.Exec(ctx, "INSERT INTO organizations (slug, name) VALUES ('only-in-a', 'A')"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(ctx, "SELECT count(*) FROM organizations WHERE slug = 'only-in-a'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("database b sees %d rows written to database a", n)
	}
}
