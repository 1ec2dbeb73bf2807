package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Execer runs a statement whose rows nobody reads.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Deferred collects the writes of a transaction whose results nobody reads (audit events, outbox
// rows, state updates) and sends them to the server in one round trip with Flush. Its Exec only
// queues: errors surface at Flush, which the transaction must call before it commits.
type Deferred struct {
	batch pgx.Batch
}

// Exec queues sql.
func (d *Deferred) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	d.batch.Queue(sql, args...)
	return pgconn.CommandTag{}, nil
}

// Flush sends the queued writes through tx and reports the first that failed.
func (d *Deferred) Flush(ctx context.Context, tx pgx.Tx) error {
	if d.batch.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, &d.batch).Close(); err != nil {
		return fmt.Errorf("deferred writes: %w", err)
	}
	d.batch = pgx.Batch{}
	return nil
}
