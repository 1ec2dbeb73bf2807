-- +goose Up
-- Brand channels: where an organization publishes. Credentials are sealed (AES-256-GCM, see
-- internal/secretbox) and never leave the server.
CREATE TABLE channels (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organizations(id),
    platform    text NOT NULL CHECK (platform IN ('linkedin', 'x', 'facebook', 'slack', 'webhook')),
    name        text NOT NULL,
    credentials bytea NOT NULL,
    enabled     boolean NOT NULL DEFAULT true,
    revision    integer NOT NULL DEFAULT 1,
    created_by  uuid NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX channels_org_name ON channels (org_id, lower(name));

-- What a marketer asked for: publish the post to these channels at this time, or when released.
-- It outlives versions: an edit cancels the jobs of the old version, and the next approval makes
-- new jobs from this plan.
CREATE TABLE publication_plans (
    post_id     uuid PRIMARY KEY REFERENCES posts(id),
    org_id      uuid NOT NULL REFERENCES organizations(id),
    channel_ids uuid[] NOT NULL CHECK (cardinality(channel_ids) > 0),
    publish_at  timestamptz,            -- NULL: manual release
    time_zone   text NOT NULL DEFAULT 'UTC',
    created_by  uuid NOT NULL REFERENCES users(id),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One post version to one channel: unique, so nothing publishes twice.
CREATE TABLE publish_jobs (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        uuid NOT NULL REFERENCES organizations(id),
    post_id       uuid NOT NULL REFERENCES posts(id),
    version_id    uuid NOT NULL REFERENCES post_versions(id),
    content_hash  text NOT NULL,
    channel_id    uuid NOT NULL REFERENCES channels(id),
    status        text NOT NULL CHECK (status IN ('AWAITING_RELEASE', 'SCHEDULED', 'PUBLISHING', 'PUBLISHED', 'FAILED', 'CANCELED')),
    run_at        timestamptz,          -- NULL while awaiting release
    -- generation names the job's current asynq task; retryPublish and rescheduling bump it, so a
    -- finished task id stays taken while the new one runs.
    generation    integer NOT NULL DEFAULT 1,
    attempts      integer NOT NULL DEFAULT 0,
    started_at    timestamptz,          -- when the last attempt began talking to the platform
    last_error    text NOT NULL DEFAULT '',
    external_id   text NOT NULL DEFAULT '',
    external_url  text NOT NULL DEFAULT '',
    published_at  timestamptz,
    cancel_reason text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (version_id, channel_id)
);
CREATE INDEX publish_jobs_post ON publish_jobs (post_id, created_at);
CREATE INDEX publish_jobs_release ON publish_jobs (org_id, created_at, post_id) WHERE status = 'AWAITING_RELEASE';

-- A post that leaves APPROVED (edited, withdrawn, approval expired) takes back every publication
-- that has not gone out: its jobs were bound to the approved content hash. The publish handler
-- re-checks the hash as well, for a job already running.
-- +goose StatementBegin
CREATE FUNCTION cancel_unapproved_publications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE publish_jobs SET status = 'CANCELED', updated_at = now(),
        cancel_reason = 'the post left APPROVED (now ' || NEW.state || ')'
    WHERE post_id = NEW.id AND status IN ('AWAITING_RELEASE', 'SCHEDULED', 'FAILED');
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER posts_cancel_publications AFTER UPDATE OF state ON posts
    FOR EACH ROW WHEN (OLD.state = 'APPROVED' AND NEW.state <> 'APPROVED')
    EXECUTE FUNCTION cancel_unapproved_publications();

-- +goose Down
DROP TRIGGER posts_cancel_publications ON posts;
DROP FUNCTION cancel_unapproved_publications();
DROP TABLE publish_jobs, publication_plans, channels;
