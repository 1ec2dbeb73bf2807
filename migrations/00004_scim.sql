-- +goose Up
-- SCIM 2.0 provisioning: an identity provider creates, updates and deactivates the users and groups
-- of one organization, authenticated by a bearer token of that organization.

-- Bearer tokens of SCIM clients. Only the SHA-256 of a token is stored: the token itself is shown
-- once, when it is issued.
CREATE TABLE scim_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id       uuid NOT NULL REFERENCES organizations(id),
    token_hash   bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- refreshed at most once a minute, so that a busy client does not write on every request
    last_used_at timestamptz
);
CREATE INDEX scim_tokens_org ON scim_tokens (org_id);

-- What the SCIM client said of a user. userName is kept as sent (usually, not always, the e-mail
-- address: Entra ID sends the UPN); NULL for users the client never provisioned, whose userName is
-- their e-mail. The given and family names are SCIM's parts of users.name. externalId is the
-- client's own id of the user. scim_deleted_at marks a user the client DELETEd: the row stays
-- (posts and decisions refer to it), deactivated, and SCIM answers 404 for it from then on.
ALTER TABLE users
    ADD COLUMN scim_user_name   text,
    ADD COLUMN scim_external_id text,
    ADD COLUMN scim_given_name  text NOT NULL DEFAULT '',
    ADD COLUMN scim_family_name text NOT NULL DEFAULT '',
    ADD COLUMN scim_deleted_at  timestamptz,
    -- lets the membership table refer to a user of the same organization
    ADD CONSTRAINT users_org_id_id_key UNIQUE (org_id, id);
CREATE UNIQUE INDEX users_org_scim_user_name ON users (org_id, lower(scim_user_name)) WHERE scim_user_name IS NOT NULL;
CREATE UNIQUE INDEX users_org_scim_external_id ON users (org_id, scim_external_id) WHERE scim_external_id IS NOT NULL;
-- the filter `userName eq "..."` that identity providers send before every create
CREATE INDEX users_org_user_name ON users (org_id, lower(coalesce(scim_user_name, email)));
-- SCIM lists users in creation order (startIndex/count paging)
CREATE INDEX users_org_created ON users (org_id, created_at, id);

-- Groups pushed by the SCIM client. Their display names are what the groups claim mapping
-- (CLEARPOST_OIDC_GROUP_MAP) maps to roles and reviewer groups.
CREATE TABLE scim_groups (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id       uuid NOT NULL REFERENCES organizations(id),
    display_name text NOT NULL CHECK (display_name <> ''),
    external_id  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT scim_groups_org_id_id_key UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX scim_groups_org_display_name ON scim_groups (org_id, lower(display_name));
CREATE INDEX scim_groups_org_created ON scim_groups (org_id, created_at, id);

CREATE TABLE scim_group_members (
    org_id   uuid NOT NULL,
    group_id uuid NOT NULL,
    user_id  uuid NOT NULL,
    PRIMARY KEY (group_id, user_id),
    -- a group and its members always belong to one organization
    FOREIGN KEY (org_id, group_id) REFERENCES scim_groups (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);
CREATE INDEX scim_group_members_user ON scim_group_members (user_id);

-- +goose Down
DROP TABLE scim_group_members, scim_groups, scim_tokens;
DROP INDEX users_org_created, users_org_user_name, users_org_scim_external_id, users_org_scim_user_name;
ALTER TABLE users
    DROP CONSTRAINT users_org_id_id_key,
    DROP COLUMN scim_deleted_at,
    DROP COLUMN scim_family_name,
    DROP COLUMN scim_given_name,
    DROP COLUMN scim_external_id,
    DROP COLUMN scim_user_name;
