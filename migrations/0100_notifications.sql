-- Notifications. A direct notice (ticket bought, refund, role granted) is one row for its user; a broadcast (an entity
-- goes live, announces an event, an event changes phase) is ONE row for its entity, and each follower's inbox is
-- computed on read from the follows, so an entity with 100,000 followers writes one row, not 100,000.
-- seq is the stream cursor: taken from one sequence under one advisory lock, so seq order is commit order.

CREATE SEQUENCE notification_seq AS bigint;

CREATE TABLE notifications (
    id uuid NOT NULL,
    seq bigint NOT NULL,
    kind varchar(32) NOT NULL,
    -- The natural key of what caused it ("live:{event}", "refund:{refund}"): a redelivered domain event writes nothing.
    source_key varchar(200) NOT NULL,
    user_id uuid,
    entity_id uuid,
    event_id uuid,
    -- A broadcast that reaches the entity's followers (false: only holders of tickets or RSVPs for event_id).
    to_followers boolean NOT NULL,
    title varchar(300) NOT NULL,
    body varchar(1000) NOT NULL,
    link varchar(500),
    -- For broadcasts: followers whose preferences allowed it when it went out.
    reach integer,
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_notifications PRIMARY KEY (id),
    CONSTRAINT ck_notifications_audience CHECK ((user_id IS NULL) <> (entity_id IS NULL)),
    CONSTRAINT fk_notifications_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_notifications_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE,
    CONSTRAINT fk_notifications_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ix_notifications_seq ON notifications (seq);
CREATE UNIQUE INDEX ix_notifications_source_key ON notifications (source_key);
CREATE INDEX ix_notifications_user_id_seq ON notifications (user_id, seq);
CREATE INDEX ix_notifications_entity_id_seq ON notifications (entity_id, seq);
CREATE INDEX ix_notifications_event_id ON notifications (event_id);

-- One mark per notification read one by one; "mark all read" moves the watermark instead.
CREATE TABLE notification_reads (
    user_id uuid NOT NULL,
    notification_id uuid NOT NULL,
    read_at timestamptz NOT NULL,
    CONSTRAINT pk_notification_reads PRIMARY KEY (user_id, notification_id),
    CONSTRAINT fk_notification_reads_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_notification_reads_notifications_notification_id FOREIGN KEY (notification_id) REFERENCES notifications (id) ON DELETE CASCADE
);
CREATE INDEX ix_notification_reads_notification_id ON notification_reads (notification_id);

-- A person's notification settings; no row means the defaults (everything on, no email, nothing read).
CREATE TABLE notification_settings (
    user_id uuid NOT NULL,
    -- Everything with seq <= read_through is read.
    read_through bigint NOT NULL,
    muted_kinds text[] NOT NULL,
    email_live_now boolean NOT NULL,
    email_cancellations boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT pk_notification_settings PRIMARY KEY (user_id),
    CONSTRAINT fk_notification_settings_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

-- Per followed entity: All (default, no row), LiveOnly, None.
CREATE TABLE entity_notification_settings (
    user_id uuid NOT NULL,
    entity_id uuid NOT NULL,
    level text NOT NULL CHECK (level IN ('All', 'LiveOnly', 'None')),
    CONSTRAINT pk_entity_notification_settings PRIMARY KEY (user_id, entity_id),
    CONSTRAINT fk_entity_notification_settings_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_entity_notification_settings_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE
);
CREATE INDEX ix_entity_notification_settings_entity_id ON entity_notification_settings (entity_id);

-- One email per notice and person, recorded before it is sent, so a redelivered event never mails twice.
CREATE TABLE notification_emails (
    notification_id uuid NOT NULL,
    user_id uuid NOT NULL,
    sent_at timestamptz NOT NULL,
    CONSTRAINT pk_notification_emails PRIMARY KEY (notification_id, user_id),
    CONSTRAINT fk_notification_emails_notifications_notification_id FOREIGN KEY (notification_id) REFERENCES notifications (id) ON DELETE CASCADE,
    CONSTRAINT fk_notification_emails_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_notification_emails_user_id ON notification_emails (user_id);
