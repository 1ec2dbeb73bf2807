-- +goose Up
-- Notifications: in-app notifications and their e-mail and Slack deliveries, what each user wants
-- to receive, the organization's Slack webhook, and the review SLA reminders and escalations fired.

-- One notification of one user. event_key names the event it tells of ("decision:<id>",
-- "review:<id>:stage:2:requested", ...): a handler that runs twice for one event finds its rows
-- there and notifies nobody twice. in_app is false for a notification the user wants only by
-- e-mail or Slack: the row then holds its deliveries but is not listed.
CREATE TABLE notifications (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id     uuid NOT NULL,
    user_id    uuid NOT NULL,
    kind       text NOT NULL,
    event_key  text NOT NULL,
    post_id    uuid REFERENCES posts(id),
    title      text NOT NULL,
    body       text NOT NULL DEFAULT '',
    link       text NOT NULL DEFAULT '',
    in_app     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id),
    CONSTRAINT notifications_user_event_key UNIQUE (user_id, event_key)
);
-- a user's list, newest first, and the unread count
CREATE INDEX notifications_user_list ON notifications (user_id, created_at DESC, id DESC) WHERE in_app;
CREATE INDEX notifications_user_unread ON notifications (user_id, created_at DESC, id DESC) WHERE in_app AND read_at IS NULL;

-- One e-mail or Slack message of a notification: written PENDING with the notification (and the
-- outbox row that starts its task), then SENT, FAILED (after the last attempt, or refused for
-- good) or SKIPPED (nothing to send to any more).
CREATE TABLE notification_deliveries (
    notification_id uuid NOT NULL REFERENCES notifications(id),
    channel         text NOT NULL CHECK (channel IN ('EMAIL', 'SLACK')),
    org_id          uuid NOT NULL,
    status          text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'SKIPPED')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    updated_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    PRIMARY KEY (notification_id, channel)
);

-- What a user wants to receive: channels for every kind, and per-kind overrides
-- ({"REVIEW_REQUESTED": ["EMAIL"], ...}). A user without a row gets IN_APP and EMAIL.
CREATE TABLE notification_preferences (
    user_id    uuid PRIMARY KEY,
    org_id     uuid NOT NULL,
    channels   text[] NOT NULL,
    kinds      jsonb NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);

-- Organization-level notification settings. slack_webhook is the incoming webhook URL sealed with
-- the keyring (additional data "notification_settings:<org_id>:slack_webhook"); never returned.
CREATE TABLE notification_settings (
    org_id        uuid PRIMARY KEY REFERENCES organizations(id),
    slack_webhook bytea,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    uuid REFERENCES users(id)
);

-- Review SLA reminders and escalations, each fired once per review and stage however many
-- sweepers run: the sweeper that inserts the row notifies, in the same transaction.
CREATE TABLE review_sla_events (
    review_id  uuid NOT NULL REFERENCES reviews(id),
    stage      integer NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('REMIND', 'ESCALATE')),
    org_id     uuid NOT NULL,
    due_at     timestamptz NOT NULL,
    fired_at   timestamptz NOT NULL DEFAULT now(),
    recipients integer NOT NULL DEFAULT 0,
    PRIMARY KEY (review_id, stage, kind)
);

-- Open reviews, for the SLA sweep.
CREATE INDEX reviews_in_review_started ON reviews (stage_started_at) WHERE status = 'IN_REVIEW';

-- Live updates: when a listed notification commits, NOTIFY its user and id (about 73 bytes; the
-- listener reads the row itself).
-- +goose StatementBegin
CREATE FUNCTION notifications_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('clearpost_notification', NEW.user_id::text || ' ' || NEW.id::text);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER notifications_notify AFTER INSERT ON notifications
    FOR EACH ROW WHEN (NEW.in_app) EXECUTE FUNCTION notifications_notify();

-- +goose Down
DROP TRIGGER notifications_notify ON notifications;
DROP FUNCTION notifications_notify();
DROP INDEX reviews_in_review_started;
DROP TABLE review_sla_events, notification_settings, notification_preferences, notification_deliveries, notifications;
