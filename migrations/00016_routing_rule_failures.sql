-- +goose Up
-- A routing rule that fails at run time (an index out of range, a cost limit) no longer fails the
-- submission: it fails closed (its action applies) and is marked failing here, with its last error
-- and when, until it evaluates cleanly again or is edited. failing_since starts a failure episode:
-- admins are told once per episode. recovered_at is when the last episode ended, so that an
-- older failure processed late does not start a new one.
ALTER TABLE routing_rules
    ADD COLUMN failing_since timestamptz,
    ADD COLUMN last_error    text NOT NULL DEFAULT '',
    ADD COLUMN last_error_at timestamptz,
    ADD COLUMN recovered_at  timestamptz;

-- +goose Down
ALTER TABLE routing_rules
    DROP COLUMN failing_since,
    DROP COLUMN last_error,
    DROP COLUMN last_error_at,
    DROP COLUMN recovered_at;
