-- +goose Up
-- Outgoing webhooks: an organization's endpoints subscribed to post lifecycle events, one delivery
-- per (endpoint, event), and every attempt made to deliver it.
CREATE TABLE webhook_subscriptions (
    -- chosen by the application before the insert: the sealed secret is bound to it
    id                uuid PRIMARY KEY,
    org_id            uuid NOT NULL REFERENCES organizations(id),
    url               text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2048),
    events            text[] NOT NULL CHECK (cardinality(events) > 0),
    description       text NOT NULL DEFAULT '',
    -- the signing secret, sealed with secretbox under "webhook_subscriptions:<id>:secret"
    secret            bytea NOT NULL,
    secret_rotated_at timestamptz,
    active            boolean NOT NULL DEFAULT true,
    created_by        uuid REFERENCES users(id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscriptions_org ON webhook_subscriptions (org_id, created_at, id);

-- One event to one subscription. The first delivery of an event is unique per subscription, so a
-- fan-out that runs twice creates nothing new; a redelivery is a new row naming the one it repeats.
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id           uuid NOT NULL REFERENCES organizations(id),
    subscription_id  uuid NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
    event            text NOT NULL,
    -- the outbox row the event came from, and when it was written
    outbox_id        bigint NOT NULL,
    event_created_at timestamptz NOT NULL,
    -- the body's "data", frozen at fan-out: retries and redeliveries send the same
    data             jsonb NOT NULL,
    redelivery_of    uuid REFERENCES webhook_deliveries(id),
    status           text NOT NULL DEFAULT 'PENDING'
                     CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED')),
    attempts         integer NOT NULL DEFAULT 0,
    -- an attempt in flight holds the delivery until then, so two runs of one task never overlap
    locked_until     timestamptz,
    created_by       uuid REFERENCES users(id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz
);
CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries (subscription_id, outbox_id)
    WHERE redelivery_of IS NULL;
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (subscription_id) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_redelivery ON webhook_deliveries (redelivery_of) WHERE redelivery_of IS NOT NULL;

CREATE TABLE webhook_delivery_attempts (
    delivery_id      uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    number           integer NOT NULL CHECK (number > 0),
    org_id           uuid NOT NULL,
    -- NULL: no response (refused address, network error, timeout)
    status_code      integer,
    response_excerpt text NOT NULL DEFAULT '' CHECK (octet_length(response_excerpt) <= 1024),
    error            text NOT NULL DEFAULT '',
    duration_ms      integer NOT NULL CHECK (duration_ms >= 0),
    attempted_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (delivery_id, number)
);

-- +goose Down
DROP TABLE webhook_delivery_attempts, webhook_deliveries, webhook_subscriptions;
