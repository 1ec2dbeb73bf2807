-- +goose Up
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE organizations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text NOT NULL,
    -- classifier settings: competitor names, required disclosures
    settings    jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Each identity provider (OIDC issuer) signs users into exactly one organization.
CREATE TABLE identity_providers (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id       uuid NOT NULL REFERENCES organizations(id),
    issuer       text NOT NULL UNIQUE,
    client_id    text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organizations(id),
    issuer      text NOT NULL,
    subject     text NOT NULL,
    email       text NOT NULL,
    name        text NOT NULL DEFAULT '',
    -- roles and groups from the identity provider's claim, refreshed at every sign-in
    claim_roles  text[] NOT NULL DEFAULT '{}',
    claim_groups text[] NOT NULL DEFAULT '{}',
    -- roles and groups assigned by an admin; effective = claim ∪ assigned
    roles       text[] NOT NULL DEFAULT '{}',
    groups      text[] NOT NULL DEFAULT '{}',
    department  text NOT NULL DEFAULT '',
    region      text NOT NULL DEFAULT '',
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz,
    UNIQUE (issuer, subject),
    UNIQUE (org_id, email)
);
CREATE INDEX users_org_email ON users (org_id, lower(email), id);

CREATE TABLE workflows (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organizations(id),
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    is_default  boolean NOT NULL DEFAULT false,
    stages      jsonb NOT NULL,
    revision    integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, name)
);
CREATE UNIQUE INDEX workflows_one_default ON workflows (org_id) WHERE is_default;

CREATE TABLE routing_rules (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organizations(id),
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    expression  text NOT NULL,
    action      jsonb NOT NULL,
    priority    integer NOT NULL DEFAULT 0,
    enabled     boolean NOT NULL DEFAULT true,
    revision    integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, name)
);

CREATE TABLE posts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organizations(id),
    author_id       uuid NOT NULL REFERENCES users(id),
    state           text NOT NULL DEFAULT 'DRAFT',
    title           text NOT NULL DEFAULT '',
    current_version integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX posts_org_updated ON posts (org_id, updated_at DESC, id DESC);
CREATE INDEX posts_org_state ON posts (org_id, state, updated_at DESC, id DESC);

CREATE TABLE post_versions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id       uuid NOT NULL REFERENCES organizations(id),
    post_id      uuid NOT NULL REFERENCES posts(id),
    number       integer NOT NULL,
    content      jsonb NOT NULL,
    content_hash text NOT NULL,
    author_id    uuid NOT NULL REFERENCES users(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (post_id, number)
);

-- A review is one submission of one version: its stage plan is resolved and frozen at submit.
CREATE TABLE reviews (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        uuid NOT NULL REFERENCES organizations(id),
    post_id       uuid NOT NULL REFERENCES posts(id),
    version_id    uuid NOT NULL REFERENCES post_versions(id),
    content_hash  text NOT NULL,
    plan          jsonb NOT NULL,
    status        text NOT NULL DEFAULT 'IN_REVIEW',
    current_stage integer NOT NULL DEFAULT 1,
    stage_started_at timestamptz NOT NULL DEFAULT now(),
    submitted_by  uuid NOT NULL REFERENCES users(id),
    submitted_at  timestamptz NOT NULL DEFAULT now(),
    closed_at     timestamptz
);
CREATE UNIQUE INDEX reviews_one_open ON reviews (post_id) WHERE status IN ('IN_REVIEW', 'APPROVED');
CREATE INDEX reviews_post ON reviews (post_id, submitted_at DESC);

-- One row per (stage, group) of a review's plan: what the review queue and the quorum read.
CREATE TABLE review_groups (
    review_id  uuid NOT NULL REFERENCES reviews(id),
    org_id     uuid NOT NULL,
    stage      integer NOT NULL,
    group_name text NOT NULL,
    required   integer NOT NULL CHECK (required > 0),
    approvals  integer NOT NULL DEFAULT 0,
    cleared_at timestamptz,
    PRIMARY KEY (review_id, stage, group_name)
);
CREATE INDEX review_groups_open ON review_groups (org_id, group_name) WHERE cleared_at IS NULL;

CREATE TABLE decisions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id       uuid NOT NULL REFERENCES organizations(id),
    review_id    uuid NOT NULL REFERENCES reviews(id),
    post_id      uuid NOT NULL REFERENCES posts(id),
    version_id   uuid NOT NULL REFERENCES post_versions(id),
    content_hash text NOT NULL,
    stage        integer NOT NULL,
    groups       text[] NOT NULL,
    reviewer_id  uuid NOT NULL REFERENCES users(id),
    kind         text NOT NULL CHECK (kind IN ('APPROVE', 'REQUEST_CHANGES', 'REJECT')),
    comment      text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT decisions_stage_reviewer_key UNIQUE (review_id, stage, reviewer_id)
);
CREATE INDEX decisions_post ON decisions (post_id, created_at);

CREATE TABLE comments (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organizations(id),
    post_id     uuid NOT NULL REFERENCES posts(id),
    version_id  uuid NOT NULL REFERENCES post_versions(id),
    author_id   uuid NOT NULL REFERENCES users(id),
    body        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_post ON comments (post_id, created_at, id);

-- Work for the background workers, written in the same transaction as the state change it
-- follows; the relay turns each row into a task whose id is derived from the row id.
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    org_id       uuid NOT NULL,
    topic        text NOT NULL,
    payload      jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    relayed_at   timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE relayed_at IS NULL;

-- +goose Down
DROP TABLE outbox, comments, decisions, review_groups, reviews, post_versions, posts,
    routing_rules, workflows, users, identity_providers, organizations;
