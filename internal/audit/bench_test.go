package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"clearpost/internal/audit"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// seedUnsealed inserts n unsealed events for org in one statement, shaped like real ones: an
// actor, a post id, a request id and a few details.
func seedUnsealed(tb testing.TB, pool *pgxpool.Pool, org uuid.UUID, n int) {
	tb.Helper()
	_, err := pool.Exec(context.Background(), `
		INSERT INTO audit_events (org_id, occurred_at, actor_id, actor_email, action, subject_type, subject_id,
			request_id, ip, details)
		SELECT $1, now() - make_interval(secs => $2 - i), gen_random_uuid(), 'reviewer' || (i % 50) || '@example.com',
			'decision.approved', 'post', gen_random_uuid()::text, md5(i::text), '203.0.113.' || (i % 250),
			jsonb_build_object('stage', 'legal', 'stage_index', i % 4, 'comment', 'Looks good, ship it #' || i)
		FROM generate_series(1, $2) AS i`, org, n)
	if err != nil {
		tb.Fatalf("seed %d events: %v", n, err)
	}
}

// BenchmarkVerify measures Verify over a chain of 200,000 sealed events.
func BenchmarkVerify(b *testing.B) {
	const n = 200_000
	bd := setup(b)
	ctx := context.Background()
	org := MustOrg(b, bd.pool, "bench")
	seedUnsealed(b, bd.pool, org, n)
	bd.sealer.BatchSize = 10_000
	if sealed, err := bd.sealer.SealOrg(ctx, org); err != nil || sealed != n {
		b.Fatalf("seal: %d, %v", sealed, err)
	}
	if _, err := bd.pool.Exec(ctx, `VACUUM ANALYZE audit_events`); err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
		for b.Loop() {
			res, err := audit.Verify(ctx, bd.pool, org)
			if err != nil || !res.OK() || res.Verified != n {
				b.Fatalf("verify: %+v, %v", res, err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkSeal measures sealing batches of 20,000 pending events.
func BenchmarkSeal(b *testing.B) {
	const n = 20_000
	bd := setup(b)
	ctx := context.Background()
	org := MustOrg(b, bd.pool, "bench")
	b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			seedUnsealed(b, bd.pool, org, n)
			b.StartTimer()
			if sealed, err := bd.sealer.SealOrg(ctx, org); err != nil || sealed != n {
				b.Fatalf("seal: %d, %v", sealed, err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkRecord measures events recorded per second, each in its own transaction, from 16
// goroutines at once (the pool's size). "batch" makes one op 2,000 events, so that -benchtime=3x
// still measures something; "parallel" is the RunParallel form, one event per op.
func BenchmarkRecord(b *testing.B) {
	bd := setup(b)
	ctx := context.Background()
	org := MustOrg(b, bd.pool, "bench")
	record := func(i int) error {
		e := testEvent(org, i)
		return postgres.WithTx(ctx, bd.pool, func(tx pgx.Tx) error { return audit.Record(ctx, tx, e) })
	}
	b.Run("batch", func(b *testing.B) {
		const workers, perWorker = 16, 125
		for b.Loop() {
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for i := range perWorker {
						if err := record(i); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
		}
		b.ReportMetric(workers*perWorker*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i++ {
				if err := record(i); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}
