-- The domain-event outbox: a feature writes an event row in the same transaction as its change; the dispatcher
-- delivers it to every handler registered for its type, at least once, and records which handlers are done.

CREATE TABLE outbox_messages (
    id uuid NOT NULL,
    type varchar(200) NOT NULL,
    payload jsonb NOT NULL,
    occurred_at timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('Pending', 'Delivered', 'Dead')),
    attempts integer NOT NULL CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    -- A dispatcher that claimed the message owns it until then (renewed while its handlers run).
    locked_until timestamptz,
    last_error text,
    delivered_at timestamptz,
    CONSTRAINT pk_outbox_messages PRIMARY KEY (id)
);
CREATE INDEX ix_outbox_messages_status_next_attempt_at ON outbox_messages (status, next_attempt_at);

-- One row per (message, handler) that finished: a retry after a partial failure skips the handlers already done.
CREATE TABLE outbox_deliveries (
    message_id uuid NOT NULL,
    handler varchar(200) NOT NULL,
    delivered_at timestamptz NOT NULL,
    CONSTRAINT pk_outbox_deliveries PRIMARY KEY (message_id, handler),
    CONSTRAINT fk_outbox_deliveries_outbox_messages_message_id FOREIGN KEY (message_id) REFERENCES outbox_messages (id) ON DELETE CASCADE
);

-- NOTIFY inside a transaction is delivered only when it commits, so a rolled-back event never wakes anyone.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('showgeo_outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_messages_notify AFTER INSERT ON outbox_messages
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
