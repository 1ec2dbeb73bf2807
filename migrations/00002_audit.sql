-- +goose Up
-- Append-only audit log, hash-chained per organization. Events are inserted unsealed (seq, prev_hash
-- and hash NULL) by the transaction that made the change; a single sealer per organization assigns
-- chain positions and hashes shortly after. The trigger refuses DELETE, TRUNCATE and every UPDATE
-- except that one sealing step, which may set the three chain columns once and change nothing else.
CREATE TABLE audit_events (
    id           bigserial PRIMARY KEY,
    org_id       uuid NOT NULL REFERENCES organizations(id),
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    actor_id     uuid,
    actor_email  text NOT NULL DEFAULT '',
    action       text NOT NULL,
    subject_type text NOT NULL,
    subject_id   text NOT NULL,
    request_id   text NOT NULL DEFAULT '',
    ip           text NOT NULL DEFAULT '',
    -- json, not jsonb: the text is kept as written, so the chain hashes it as it is stored
    details      json NOT NULL DEFAULT '{}',
    seq          bigint,
    prev_hash    bytea,
    hash         bytea,
    CHECK ((seq IS NULL) = (hash IS NULL) AND (seq IS NULL) = (prev_hash IS NULL))
);
CREATE UNIQUE INDEX audit_events_chain ON audit_events (org_id, seq) WHERE seq IS NOT NULL;
CREATE INDEX audit_events_unsealed ON audit_events (org_id, id) WHERE seq IS NULL;
CREATE INDEX audit_events_subject ON audit_events (org_id, subject_type, subject_id, id);
CREATE INDEX audit_events_org_id ON audit_events (org_id, id DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();

-- Signed checkpoints of a chain head (Ed25519), written by the sealer.
CREATE TABLE audit_checkpoints (
    org_id      uuid NOT NULL REFERENCES organizations(id),
    seq         bigint NOT NULL,
    head_hash   bytea NOT NULL,
    signed_at   timestamptz NOT NULL DEFAULT now(),
    public_key  bytea NOT NULL,
    signature   bytea NOT NULL,
    PRIMARY KEY (org_id, seq)
);

-- +goose StatementBegin
CREATE FUNCTION audit_checkpoints_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_checkpoints is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_guard();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_guard();

-- +goose Down
DROP TABLE audit_checkpoints, audit_events;
DROP FUNCTION audit_events_guard(), audit_checkpoints_guard();
