package jobs

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The outbox's SQL, and the small functions that run it.

// ---- writing ----

func insertOutbox(ctx context.Context, db postgres.Execer, org uuid.UUID, topic string, payload []byte, trace *string) error {
	_, err := db.Exec(ctx, `INSERT INTO outbox (org_id, topic, payload, trace_context) VALUES ($1, $2, $3, $4)`, org, topic, payload, trace)
	return err
}

// insertOutboxRows writes a row for each index of the (equally long) columns, in one statement.
func insertOutboxRows(ctx context.Context, db postgres.Execer, orgs []uuid.UUID, topics, payloads []string, traces []*string) error {
	_, err := db.Exec(ctx, `INSERT INTO outbox (org_id, topic, payload, trace_context)
		SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[])`, orgs, topics, payloads, traces)
	return err
}

// ---- relaying ----

// claim locks the oldest unrelayed rows that no other relay holds.
func (r *Relay) claim(ctx context.Context, tx pgx.Tx) ([]outboxRow, error) {
	rows, err := tx.Query(ctx, `
		SELECT id, org_id, topic, payload, created_at, coalesce(trace_context, '')
		FROM outbox
		WHERE relayed_at IS NULL
		ORDER BY id
		LIMIT $1
		FOR UPDATE SKIP LOCKED`, r.batchSize())
	if err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	claimed, err := pgx.CollectRows(rows, pgx.RowToStructByPos[outboxRow])
	if err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	return claimed, nil
}

func (r *Relay) markRelayed(ctx context.Context, tx pgx.Tx, rows []outboxRow) error {
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.ID
	}
	if _, err := tx.Exec(ctx, `UPDATE outbox SET relayed_at = now() WHERE id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("mark outbox rows relayed: %w", err)
	}
	return nil
}

// listenOutbox is what a connection runs to receive the outbox trigger's notifications.
const listenOutbox = "LISTEN " + NotifyChannel

// listen makes conn receive the outbox trigger's notifications.
func listen(ctx context.Context, conn postgres.Execer) error {
	_, err := conn.Exec(ctx, listenOutbox)
	return err
}

// ---- reconciling ----

const (
	selectUndone = `SELECT id, org_id, topic, payload, created_at, coalesce(trace_context, ''), relayed_at
		FROM outbox WHERE relayed_at IS NOT NULL AND done_at IS NULL AND id > $1
		ORDER BY id LIMIT $2`
	selectCompletedSQL = `SELECT task_id FROM task_completions WHERE task_id = ANY($1)`
	markDoneSQL        = `UPDATE outbox SET done_at = now() WHERE id = ANY($1)`
	// Completion marks outlive their rows' reconciliation by far: a row is done within a sweep of
	// its last task's completion.
	pruneCompletionsSQL = `DELETE FROM task_completions WHERE task_id IN (
		SELECT task_id FROM task_completions WHERE completed_at < now() - $1::interval LIMIT 10000)`
)

// tryAdvisoryLock takes the session-level advisory lock key on conn, unless another session holds it.
func tryAdvisoryLock(ctx context.Context, conn postgres.DB, key int64) (bool, error) {
	var locked bool
	err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&locked)
	return locked, err
}

// advisoryUnlock releases the session-level advisory lock key on conn.
func advisoryUnlock(ctx context.Context, conn postgres.Execer, key int64) error {
	_, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, key)
	return err
}

func (c *Reconciler) undone(ctx context.Context, after int64) ([]undoneRow, error) {
	rows, err := c.pool.Query(ctx, selectUndone, after, reconcileBatch)
	if err != nil {
		return nil, fmt.Errorf("undone outbox rows: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (undoneRow, error) {
		var u undoneRow
		return u, r.Scan(&u.ID, &u.OrgID, &u.Topic, &u.Payload, &u.CreatedAt, &u.Trace, &u.RelayedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("undone outbox rows: %w", err)
	}
	return out, nil
}

// completedTasks returns those of ids that have a completion mark.
func completedTasks(ctx context.Context, db postgres.DB, ids []string) ([]string, error) {
	rows, err := db.Query(ctx, selectCompletedSQL, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// markOutboxDone marks outbox rows ids done.
func markOutboxDone(ctx context.Context, db postgres.Execer, ids []int64) error {
	_, err := db.Exec(ctx, markDoneSQL, ids)
	return err
}

// pruneCompletions deletes (up to 10000) completion marks older than age.
func pruneCompletions(ctx context.Context, db postgres.Execer, age time.Duration) error {
	_, err := db.Exec(ctx, pruneCompletionsSQL, age)
	return err
}

// recordCompletion marks task id completed.
func recordCompletion(ctx context.Context, db postgres.Execer, id string) error {
	_, err := db.Exec(ctx, `INSERT INTO task_completions (task_id) VALUES ($1) ON CONFLICT DO NOTHING`, id)
	return err
}
