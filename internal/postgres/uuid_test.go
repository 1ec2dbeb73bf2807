package postgres_test

import (
	"context"
	"slices"
	"testing"

	"clearpost/internal/postgres/pgtest"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// uuid.UUID is encoded directly, alone, in arrays and behind pointers (a hundred ids cost two
// allocations each, not a formatted error each: twenty), and comes back the same.
func TestUUIDsAreEncodedDirectly(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	m := conn.Conn().TypeMap()
	scope := make([]uuid.UUID, 100)
	for i := range scope {
		scope[i] = uuid.New()
	}
	buf := make([]byte, 0, 4096)
	var encodeErr error
	allocs := testing.AllocsPerRun(20, func() {
		_, encodeErr = m.Encode(pgtype.UUIDArrayOID, pgtype.BinaryFormatCode, scope, buf[:0])
	})
	if encodeErr != nil {
		t.Fatal(encodeErr)
	}
	if allocs > 300 {
		t.Errorf("encoding 100 ids took %.0f allocations", allocs)
	}

	id := uuid.New()
	var one uuid.UUID
	var many []uuid.UUID
	var none *uuid.UUID
	if err := pool.QueryRow(ctx, `SELECT $1::uuid, $2::uuid[], $3::uuid`, &id, scope, (*uuid.UUID)(nil)).Scan(&one, &many, &none); err != nil {
		t.Fatal(err)
	}
	if one != id || !slices.Equal(many, scope) || none != nil {
		t.Errorf("round trip: %v, %d ids, %v", one, len(many), none)
	}
}
