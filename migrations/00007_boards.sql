-- +goose Up
-- Advocacy boards: curated collections of approved posts, each with an audience.
CREATE TABLE boards (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id               uuid NOT NULL REFERENCES organizations(id),
    name                 text NOT NULL,
    description          text NOT NULL DEFAULT '',
    cover_url            text NOT NULL DEFAULT '',
    -- audience: everyone, or anyone matching one of the groups, departments or regions
    audience_everyone    boolean NOT NULL DEFAULT true,
    audience_groups      text[] NOT NULL DEFAULT '{}',
    audience_departments text[] NOT NULL DEFAULT '{}',
    audience_regions     text[] NOT NULL DEFAULT '{}',
    curators             uuid[] NOT NULL DEFAULT '{}',
    archived_at          timestamptz,
    revision             integer NOT NULL DEFAULT 1,
    created_by           uuid NOT NULL REFERENCES users(id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX boards_org_name ON boards (org_id, lower(name)) WHERE archived_at IS NULL;
CREATE INDEX boards_org ON boards (org_id, name, id);

-- A post on a board. Only APPROVED posts have items: leaving APPROVED removes them.
CREATE TABLE board_items (
    board_id       uuid NOT NULL REFERENCES boards(id),
    post_id        uuid NOT NULL REFERENCES posts(id),
    org_id         uuid NOT NULL,
    pinned         boolean NOT NULL DEFAULT false,
    -- order: larger first. New items get the post's approval time (seconds since 1970), so a
    -- board reads newest first until a curator moves an item between two others.
    position       double precision NOT NULL,
    expires_at     timestamptz,
    -- suggested share text per network: {"linkedin": "...", "x": "..."}
    suggested_text jsonb NOT NULL DEFAULT '{}',
    added_by       uuid REFERENCES users(id),
    added_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (board_id, post_id)
);
CREATE INDEX board_items_feed ON board_items (board_id, pinned DESC, position DESC, post_id DESC);
CREATE INDEX board_items_org_feed ON board_items (org_id, pinned DESC, position DESC, post_id DESC);
CREATE INDEX board_items_post ON board_items (post_id);
CREATE INDEX board_items_expiry ON board_items (expires_at) WHERE expires_at IS NOT NULL;

-- Boards a post is aimed at while drafted: it lands on them when approved.
CREATE TABLE post_board_targets (
    post_id  uuid NOT NULL REFERENCES posts(id),
    board_id uuid NOT NULL REFERENCES boards(id),
    org_id   uuid NOT NULL,
    PRIMARY KEY (post_id, board_id)
);

-- Approved content older than this leaves the boards until approved again; NULL: never.
ALTER TABLE organizations ADD COLUMN max_content_age_days integer CHECK (max_content_age_days > 0);
ALTER TABLE posts ADD COLUMN approved_at timestamptz;
CREATE INDEX posts_approved_at ON posts (org_id, approved_at) WHERE state = 'APPROVED';

-- +goose Down
ALTER TABLE posts DROP COLUMN approved_at;
ALTER TABLE organizations DROP COLUMN max_content_age_days;
DROP TABLE post_board_targets, board_items, boards;
