package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"clearpost/internal/audit"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

func TestRecordSealVerifyTwoOrgs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	b.sealer.BatchSize = 7 // several batches, several checkpoints
	orgA, orgB := MustOrg(t, b.pool, "org-a"), MustOrg(t, b.pool, "org-b")

	// Interleave the two orgs' events so their ids alternate.
	for i := range 20 {
		MustRecord(t, b.pool, orgA, 1)
		if i%2 == 0 {
			MustRecord(t, b.pool, orgB, 1)
		}
	}
	res, err := audit.Verify(ctx, b.pool, orgA)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unsealed != 20 || res.Verified != 0 || res.Checkpoint != nil || !res.OK() {
		t.Fatalf("before sealing: %+v", res)
	}

	sealed, err := b.sealer.SealAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sealed != 30 {
		t.Fatalf("SealAll sealed %d, want 30", sealed)
	}
	resA := MustVerify(t, b.pool, orgA, 20)
	resB := MustVerify(t, b.pool, orgB, 10)
	if resA.Unsealed != 0 || resB.Unsealed != 0 {
		t.Fatalf("unsealed after SealAll: %d, %d", resA.Unsealed, resB.Unsealed)
	}
	if !resA.SignedBy(b.key.Public().(ed25519.PublicKey)) {
		t.Fatal("checkpoint not signed by the sealer's key")
	}
	if _, other, _ := ed25519.GenerateKey(nil); resA.SignedBy(other.Public().(ed25519.PublicKey)) {
		t.Fatal("SignedBy accepts another key")
	}
	if resA.Checkpoint.Seq != 20 || !bytes.Equal(resA.Checkpoint.HeadHash, resA.HeadHash) {
		t.Fatalf("checkpoint %+v, head %x", resA.Checkpoint, resA.HeadHash)
	}
	// One checkpoint per batch of 7.
	var checkpoints int
	if err := b.pool.QueryRow(ctx, `SELECT count(*) FROM audit_checkpoints WHERE org_id = $1`, orgA).Scan(&checkpoints); err != nil {
		t.Fatal(err)
	}
	if checkpoints != 3 {
		t.Fatalf("%d checkpoints for 20 events in batches of 7, want 3", checkpoints)
	}

	// Nothing left to seal; more events extend the chain.
	if n, err := b.sealer.SealOrg(ctx, orgA); err != nil || n != 0 {
		t.Fatalf("SealOrg with nothing to seal = %d, %v", n, err)
	}
	MustRecord(t, b.pool, orgA, 3)
	if n, err := b.sealer.SealOrg(ctx, orgA); err != nil || n != 3 {
		t.Fatalf("SealOrg = %d, %v, want 3", n, err)
	}
	MustVerify(t, b.pool, orgA, 23)
	MustVerify(t, b.pool, orgB, 10)

	// An org without events verifies empty.
	res, err = audit.Verify(ctx, b.pool, MustOrg(t, b.pool, "org-c"))
	if err != nil || !res.OK() || res.Verified != 0 || res.HeadHash != nil {
		t.Fatalf("empty org: %+v, %v", res, err)
	}
}

// TestVerifyInTransaction checks that Verify works inside a caller's transaction too.
func TestVerifyInTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	org := MustOrg(t, b.pool, "acme")
	MustRecord(t, b.pool, org, 5)
	MustSealAll(t, b.sealer, org)
	err := postgres.WithTx(ctx, b.pool, func(tx pgx.Tx) error {
		MustVerify(t, tx, org, 5)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentSealers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	orgs := []uuid.UUID{MustOrg(t, b.pool, "one"), MustOrg(t, b.pool, "two")}

	const writers, perWriter, sealers = 4, 40, 4
	var wg sync.WaitGroup
	done := make(chan struct{})
	var sealed atomic.Int64 // events sealed, as SealAll reports them
	for i := range sealers {
		// Separate Sealer values, as separate processes would have, with small batches.
		_, key, _ := ed25519.GenerateKey(nil)
		s := &audit.Sealer{Pool: b.pool, Key: key, Logger: slog.New(slog.DiscardHandler), BatchSize: 5}
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				n, err := s.SealAll(ctx)
				if err != nil {
					t.Errorf("sealer %d: %v", i, err)
					return
				}
				sealed.Add(int64(n))
			}
		})
	}
	var writersWG sync.WaitGroup
	for w := range writers {
		writersWG.Go(func() {
			for i := range perWriter {
				org := orgs[(w+i)%len(orgs)]
				e := testEvent(org, i)
				if err := postgres.WithTx(ctx, b.pool, func(tx pgx.Tx) error { return audit.Record(ctx, tx, e) }); err != nil {
					t.Errorf("record: %v", err)
					return
				}
			}
		})
	}
	writersWG.Wait()
	close(done)
	wg.Wait()
	for {
		n, err := b.sealer.SealAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		sealed.Add(int64(n))
	}
	if got := sealed.Load(); got != writers*perWriter {
		t.Fatalf("sealers report %d events sealed, want %d", got, writers*perWriter)
	}

	for _, org := range orgs {
		var n, distinct, maxSeq int64
		if err := b.pool.QueryRow(ctx, `
			SELECT count(*), count(DISTINCT seq), coalesce(max(seq), 0)
			FROM audit_events WHERE org_id = $1`, org,
		).Scan(&n, &distinct, &maxSeq); err != nil {
			t.Fatal(err)
		}
		want := int64(writers * perWriter / len(orgs))
		if n != want || distinct != want || maxSeq != want {
			t.Fatalf("org %s: %d events, %d distinct seqs, max seq %d; want %d of each", org, n, distinct, maxSeq, want)
		}
		MustVerify(t, b.pool, org, want)
	}
}

// TestLateCommit checks that an event whose transaction commits after events with higher ids were
// sealed is sealed later, at the end of the chain.
func TestLateCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	org := MustOrg(t, b.pool, "late")

	tx, err := b.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	late := testEvent(org, 99)
	late.Action = "post.late"
	if err := audit.Record(ctx, tx, late); err != nil {
		t.Fatal(err)
	}
	MustRecord(t, b.pool, org, 3) // higher ids, committed first
	if n, err := b.sealer.SealOrg(ctx, org); err != nil || n != 3 {
		t.Fatalf("SealOrg = %d, %v, want 3", n, err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := audit.Verify(ctx, b.pool, org)
	if err != nil || res.Unsealed != 1 || res.Verified != 3 {
		t.Fatalf("after late commit: %+v, %v", res, err)
	}
	if n, err := b.sealer.SealOrg(ctx, org); err != nil || n != 1 {
		t.Fatalf("SealOrg = %d, %v, want 1", n, err)
	}
	MustVerify(t, b.pool, org, 4)
	var seq int64
	var action string
	var minID bool
	if err := b.pool.QueryRow(ctx, `
		SELECT seq, action, id = (SELECT min(id) FROM audit_events WHERE org_id = $1)
		FROM audit_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1`, org).Scan(&seq, &action, &minID); err != nil {
		t.Fatal(err)
	}
	if seq != 4 || action != "post.late" || !minID {
		t.Fatalf("chain head is seq %d %s (lowest id: %v), want the late event at seq 4", seq, action, minID)
	}
}

// TestSealOrgLockBusy checks that a sealer skips an org another sealer is sealing.
func TestSealOrgLockBusy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	org := MustOrg(t, b.pool, "busy")
	MustRecord(t, b.pool, org, 2)

	// Hold the org's lock as a sealer in another process would, in a transaction kept open.
	other := &audit.Sealer{Pool: b.pool, Key: b.key}
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, audit.SealLockKey(org)); err != nil {
		t.Fatal(err)
	}
	if n, err := other.SealOrg(ctx, org); err != nil || n != 0 {
		t.Fatalf("SealOrg while locked = %d, %v, want 0, nil", n, err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := other.SealOrg(ctx, org); err != nil || n != 2 {
		t.Fatalf("SealOrg after unlock = %d, %v, want 2", n, err)
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	org := MustOrg(t, b.pool, "run")
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		b.sealer.Run(ctx, 10*time.Millisecond)
		close(stopped)
	}()
	MustRecord(t, b.pool, org, 5)

	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		res, err := audit.Verify(context.Background(), b.pool, org)
		if err != nil {
			t.Fatal(err)
		}
		if res.OK() && res.Verified == 5 {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("Run did not seal within 10s: %+v", res)
		case <-tick.C:
		}
	}
	cancel()
	<-stopped
}
