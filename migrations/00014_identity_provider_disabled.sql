-- +goose Up
-- The configuration is the truth about identity providers: serve disables, at start, every
-- registered provider it is no longer configured with (CLEARPOST_OIDC_ISSUER and
-- CLEARPOST_OIDC_PROVIDERS_FILE). A disabled provider's tokens are refused and browsers are not
-- sent to it; configuring it again enables it. The row stays: users and audit events name it.
ALTER TABLE identity_providers ADD COLUMN disabled_at timestamptz;

-- +goose Down
ALTER TABLE identity_providers DROP COLUMN disabled_at;
