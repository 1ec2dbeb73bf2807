package audit_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"clearpost/internal/audit"
	"clearpost/internal/postgres"
	"clearpost/internal/postgres/pgtest"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// bundle is what most tests need: a fresh database and a sealer on it.
type bundle struct {
	pool   *pgxpool.Pool
	sealer *audit.Sealer
	key    ed25519.PrivateKey
}

func setup(tb testing.TB) bundle {
	tb.Helper()
	pool := pgtest.New(tb)
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return bundle{pool: pool, sealer: audit.NewSealer(pool, key, slog.New(slog.DiscardHandler)), key: key}
}

// MustOrg inserts an organization and returns its id.
func MustOrg(tb testing.TB, db postgres.DB, slug string) uuid.UUID {
	tb.Helper()
	var id uuid.UUID
	if err := db.QueryRow(context.Background(),
		`INSERT INTO organizations (slug, name) VALUES ($1, $2) RETURNING id`, slug, slug,
	).Scan(&id); err != nil {
		tb.Fatalf("insert organization %s: %v", slug, err)
	}
	return id
}

// MustRecord records n events for org, each in its own transaction, and returns the events.
func MustRecord(tb testing.TB, pool *pgxpool.Pool, org uuid.UUID, n int) []audit.Event {
	tb.Helper()
	ctx := context.Background()
	events := make([]audit.Event, n)
	for i := range events {
		e := testEvent(org, i)
		if err := postgres.WithTx(ctx, pool, func(tx pgx.Tx) error { return audit.Record(ctx, tx, e) }); err != nil {
			tb.Fatalf("record event %d: %v", i, err)
		}
		events[i] = e
	}
	return events
}

func testEvent(org uuid.UUID, i int) audit.Event {
	return audit.Event{
		OrgID:       org,
		ActorID:     uuid.NullUUID{UUID: uuid.New(), Valid: i%3 != 0},
		ActorEmail:  fmt.Sprintf("reviewer%d@example.com", i),
		Action:      "decision.approved",
		SubjectType: "post",
		SubjectID:   uuid.NewString(),
		RequestID:   fmt.Sprintf("req-%d", i),
		IP:          "192.0.2.7",
		Details: map[string]any{
			"stage":   "legal",
			"comment": fmt.Sprintf("Looks good \"%d\" \\ ünïcode \t <ok> & \u2028", i),
			"n":       i,
			"nested":  map[string]any{"a": []any{1, 2.5, true, nil}},
		},
	}
}

// MustSealAll seals until org has no unsealed events, or fails after a deadline.
func MustSealAll(tb testing.TB, s *audit.Sealer, org uuid.UUID) {
	tb.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := s.SealOrg(ctx, org); err != nil {
			tb.Fatalf("seal: %v", err)
		}
		var unsealed int
		if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE org_id = $1 AND seq IS NULL`, org).Scan(&unsealed); err != nil {
			tb.Fatal(err)
		}
		if unsealed == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d events still unsealed", unsealed)
		}
	}
}

// MustVerify verifies org's chain and fails unless it is whole and checkpointed.
func MustVerify(tb testing.TB, db postgres.DB, org uuid.UUID, want int64) audit.Result {
	tb.Helper()
	res, err := audit.Verify(context.Background(), db, org)
	if err != nil {
		tb.Fatalf("verify: %v", err)
	}
	if !res.OK() || res.Verified != want || res.HeadSeq != want {
		tb.Fatalf("verify: want %d verified events and a valid checkpoint, got %+v (broken %+v, checkpoint problem %q)",
			want, res, res.FirstBroken, res.CheckpointProblem)
	}
	return res
}

// tamper runs sql as a superuser would, with triggers disabled.
func tamper(tb testing.TB, pool *pgxpool.Pool, sql string, args ...any) {
	tb.Helper()
	ctx := context.Background()
	err := postgres.WithTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, sql, args...)
		if err == nil && tag.RowsAffected() != 1 {
			err = fmt.Errorf("%d rows affected", tag.RowsAffected())
		}
		return err
	})
	if err != nil {
		tb.Fatalf("tamper %q: %v", sql, err)
	}
}

// eventIDAt returns the id of org's event at seq.
func eventIDAt(tb testing.TB, db postgres.DB, org uuid.UUID, seq int64) int64 {
	tb.Helper()
	var id int64
	if err := db.QueryRow(context.Background(),
		`SELECT id FROM audit_events WHERE org_id = $1 AND seq = $2`, org, seq).Scan(&id); err != nil {
		tb.Fatalf("event at seq %d: %v", seq, err)
	}
	return id
}
