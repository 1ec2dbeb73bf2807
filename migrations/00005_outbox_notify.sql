-- +goose Up
-- Wake the outbox relay as soon as a transaction that wrote outbox rows commits: NOTIFY is delivered
-- at commit (never for a rolled-back transaction), and identical notifications within one transaction
-- are folded into one, so a state change costs one wake-up however many rows it writes. The relay
-- also polls, so a lost notification only delays work.

-- +goose StatementBegin
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('clearpost_outbox', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- +goose Down
DROP TRIGGER outbox_notify ON outbox;
DROP FUNCTION outbox_notify();
