-- +goose Up
-- The W3C traceparent of the request that wrote an outbox row, so that the task the row starts
-- continues its trace. Nullable, no default: a catalog change only; the previous release writes
-- no value, and its rows start tasks without a parent.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS trace_context text;

-- +goose Down
ALTER TABLE outbox DROP COLUMN IF EXISTS trace_context;
