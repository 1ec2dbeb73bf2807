-- +goose Up
-- Sessions that were signed out, kept until they would have ended anyway: a request of a session
-- still in flight when it is signed out saves it again when it finishes, and a session listed here
-- is neither saved nor found again. A new table: the previous release neither reads nor writes it
-- (its sign-outs are not recorded here, and behave as before).
CREATE TABLE IF NOT EXISTS session_revocations (
    token text PRIMARY KEY,
    until timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS session_revocations_until_idx ON session_revocations (until);

-- +goose Down
DROP TABLE IF EXISTS session_revocations;
