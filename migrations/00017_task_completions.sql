-- +goose NO TRANSACTION
-- +goose Up
-- Reconciliation of Redis with PostgreSQL (jobs.Reconciler). A worker records each relayed task it
-- completes here; a relayed outbox row whose tasks have all completed (or ended for good) is done.
-- A relayed row that is not done, and whose task Redis no longer holds, lost its task (Redis lost
-- its data) and is enqueued again under the same task id.
CREATE TABLE IF NOT EXISTS task_completions (
    task_id      text PRIMARY KEY,
    completed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS task_completions_age ON task_completions (completed_at);

-- A nullable column without a default is a catalog change: no table rewrite, no long lock.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS done_at timestamptz;

-- Built without blocking writes to the outbox.
CREATE INDEX CONCURRENTLY IF NOT EXISTS outbox_undone ON outbox (id)
    WHERE relayed_at IS NOT NULL AND done_at IS NULL;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS outbox_undone;
ALTER TABLE outbox DROP COLUMN IF EXISTS done_at;
DROP TABLE IF EXISTS task_completions;
