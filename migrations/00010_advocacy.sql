-- +goose Up
-- Employee sharing: employees' shares of approved posts to their own networks, the tracked links
-- they carry and the clicks on them, and the accounts through which scheduled shares go out.

-- An edited share text waits for approval, like a post, when the organization says so.
ALTER TABLE organizations ADD COLUMN share_edits_need_approval boolean NOT NULL DEFAULT false;

-- An employee's connected account on a network. The token is sealed (secretbox) with the additional
-- data "connected_accounts:<user_id>:<network>:token", never stored in the clear; disconnecting or
-- deactivating the user clears it and sets revoked_at (the row stays, as a record).
CREATE TABLE connected_accounts (
    user_id      uuid NOT NULL,
    network      text NOT NULL CHECK (network IN ('linkedin', 'x', 'facebook')),
    org_id       uuid NOT NULL REFERENCES organizations(id),
    account_id   text NOT NULL CHECK (account_id <> ''),
    token_sealed bytea,
    connected_at timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    PRIMARY KEY (user_id, network),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id),
    CHECK ((token_sealed IS NULL) = (revoked_at IS NOT NULL))
);

-- One share of one post version by one employee to one network.
CREATE TABLE shares (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id           uuid NOT NULL REFERENCES organizations(id),
    user_id          uuid NOT NULL,
    post_id          uuid NOT NULL REFERENCES posts(id),
    version_id       uuid NOT NULL REFERENCES post_versions(id),
    -- the content hash of the version shared: publishing re-checks it
    content_hash     text NOT NULL,
    network          text NOT NULL CHECK (network IN ('linkedin', 'x', 'facebook', 'email')),
    -- the text that goes (or went) out; edited: the employee changed the suggested text
    text             text NOT NULL,
    edited           boolean NOT NULL DEFAULT false,
    status           text NOT NULL CHECK (status IN ('OPENED', 'PENDING_APPROVAL', 'SCHEDULED', 'PUBLISHED',
                         'FAILED', 'CANCELED', 'REJECTED')),
    status_reason    text NOT NULL DEFAULT '',
    -- tracked link <public URL>/s/<code>; NULL when the post has no link
    code             text UNIQUE CHECK (code ~ '^[0-9A-Za-z]{10}$'),
    destination      text NOT NULL DEFAULT '',
    campaign         text NOT NULL DEFAULT '',
    schedule_at      timestamptz,
    -- the post under review holding an edited text, while PENDING_APPROVAL
    approval_post_id uuid REFERENCES posts(id),
    external_id      text NOT NULL DEFAULT '',
    external_url     text NOT NULL DEFAULT '',
    clicks           bigint NOT NULL DEFAULT 0,
    attempts         integer NOT NULL DEFAULT 0,
    -- a publisher holds the share until then (a second run of its task waits)
    claimed_until    timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- when it went out: OPENED (handed to the employee's browser) or PUBLISHED
    shared_at        timestamptz,
    published_at     timestamptz,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id),
    CHECK ((shared_at IS NOT NULL) = (status IN ('OPENED', 'PUBLISHED'))),
    CHECK (status <> 'PENDING_APPROVAL' OR approval_post_id IS NOT NULL),
    CHECK (status <> 'SCHEDULED' OR schedule_at IS NOT NULL)
);
CREATE INDEX shares_user_created ON shares (user_id, created_at DESC, id DESC);
CREATE INDEX shares_org_post ON shares (org_id, post_id);
CREATE INDEX shares_org_shared ON shares (org_id, shared_at DESC, id DESC) WHERE shared_at IS NOT NULL;
CREATE INDEX shares_approval_post ON shares (approval_post_id) WHERE status = 'PENDING_APPROVAL';
CREATE INDEX shares_user_waiting ON shares (user_id) WHERE status IN ('SCHEDULED', 'PENDING_APPROVAL');

-- Counted clicks on tracked links: one per share, visitor and window. The visitor is a keyed hash
-- (HMAC) of the client address and user agent: neither is stored.
CREATE TABLE share_clicks (
    share_id     uuid NOT NULL REFERENCES shares(id),
    org_id       uuid NOT NULL,
    user_id      uuid NOT NULL,
    visitor      bytea NOT NULL CHECK (octet_length(visitor) = 16),
    window_start timestamptz NOT NULL,
    clicked_at   timestamptz NOT NULL,
    PRIMARY KEY (share_id, visitor, window_start)
);
CREATE INDEX share_clicks_org_clicked ON share_clicks (org_id, clicked_at);

-- Deactivating a user revokes their connected accounts (the sealed tokens are cleared) and cancels
-- their shares that have not gone out yet, in the transaction that deactivates them, whoever does
-- it (an admin, SCIM, a script). The audit event names no actor: the deactivation itself is
-- recorded by whoever made it.
-- +goose StatementBegin
CREATE FUNCTION users_revoke_advocacy() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    revoked  integer;
    canceled integer;
BEGIN
    UPDATE connected_accounts SET token_sealed = NULL, revoked_at = now(), updated_at = now()
        WHERE user_id = NEW.id AND token_sealed IS NOT NULL;
    GET DIAGNOSTICS revoked = ROW_COUNT;
    UPDATE shares SET status = 'CANCELED', status_reason = 'the user was deactivated', claimed_until = NULL,
            updated_at = now()
        WHERE user_id = NEW.id AND status IN ('SCHEDULED', 'PENDING_APPROVAL');
    GET DIAGNOSTICS canceled = ROW_COUNT;
    IF revoked > 0 OR canceled > 0 THEN
        INSERT INTO audit_events (org_id, action, subject_type, subject_id, details)
        VALUES (NEW.org_id, 'advocacy.revoked', 'user', NEW.id::text,
            json_build_object('reason', 'user deactivated', 'accounts_revoked', revoked, 'shares_canceled', canceled));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER users_revoke_advocacy AFTER UPDATE OF active ON users
    FOR EACH ROW WHEN (OLD.active AND NOT NEW.active) EXECUTE FUNCTION users_revoke_advocacy();

-- +goose Down
DROP TRIGGER users_revoke_advocacy ON users;
DROP FUNCTION users_revoke_advocacy();
DROP TABLE share_clicks, shares, connected_accounts;
ALTER TABLE organizations DROP COLUMN share_edits_need_approval;
