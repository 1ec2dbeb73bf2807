-- +goose Up
-- Browser sessions (alexedwards/scs pgxstore): the cookie carries only the opaque token.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Sessions signed in before this moment are void: set when a user is deactivated (or signs out
-- everywhere), so every session of theirs ends at once.
ALTER TABLE users ADD COLUMN sessions_revoked_at timestamptz;

-- Sign-on policy per organization.
ALTER TABLE organizations
    -- e-mail domains allowed to sign in; empty: any
    ADD COLUMN email_domains text[] NOT NULL DEFAULT '{}',
    -- approvals and rejections need a sign-in no older than this; NULL: no step-up
    ADD COLUMN step_up_minutes integer CHECK (step_up_minutes > 0);

-- Access tokens (JWTs) are accepted when their audience is this value.
ALTER TABLE identity_providers ADD COLUMN audience text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE identity_providers DROP COLUMN audience;
ALTER TABLE organizations DROP COLUMN step_up_minutes, DROP COLUMN email_domains;
ALTER TABLE users DROP COLUMN sessions_revoked_at;
DROP TABLE sessions;
