-- Event chat: one room per event, its messages, reactions, polls, moderation and a database-backed rate limit.
-- Every change a viewer of a room sees live (a message, a removal, new reaction counts, a poll's results) is one row of
-- chat_log under the room's own sequence; the sequence is taken under a row lock on chat_rooms, so the order of
-- chat_log.seq is the commit order and a stream cursor over it never skips a row.

CREATE TABLE chat_rooms (
    event_id uuid NOT NULL,
    last_seq bigint NOT NULL DEFAULT 0,
    slow_mode_seconds integer NOT NULL DEFAULT 0 CHECK (slow_mode_seconds >= 0),
    followers_only boolean NOT NULL DEFAULT false,
    attendees_only boolean NOT NULL DEFAULT false,
    CONSTRAINT pk_chat_rooms PRIMARY KEY (event_id),
    CONSTRAINT fk_chat_rooms_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
);

CREATE TABLE chat_messages (
    id uuid NOT NULL,
    event_id uuid NOT NULL,
    seq bigint NOT NULL,
    user_id uuid NOT NULL,
    -- Copied at posting: the transcript shows the name the author had then.
    author_name varchar(100) NOT NULL,
    body varchar(500) NOT NULL,
    created_at timestamptz NOT NULL,
    deleted_at timestamptz,
    deleted_by_user_id uuid,
    CONSTRAINT pk_chat_messages PRIMARY KEY (id),
    CONSTRAINT fk_chat_messages_chat_rooms_event_id FOREIGN KEY (event_id) REFERENCES chat_rooms (event_id) ON DELETE CASCADE,
    CONSTRAINT fk_chat_messages_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ix_chat_messages_event_id_seq ON chat_messages (event_id, seq);
CREATE INDEX ix_chat_messages_user_id_event_id_created_at ON chat_messages (user_id, event_id, created_at);

CREATE TABLE chat_log (
    event_id uuid NOT NULL,
    seq bigint NOT NULL,
    kind text NOT NULL CHECK (kind IN ('Message', 'Removal', 'Reactions', 'Poll')),
    message_id uuid,
    poll_id uuid,
    CONSTRAINT pk_chat_log PRIMARY KEY (event_id, seq),
    CONSTRAINT fk_chat_log_chat_rooms_event_id FOREIGN KEY (event_id) REFERENCES chat_rooms (event_id) ON DELETE CASCADE
);

-- One row per fan and emoji: pressing again takes the reaction back; counts are counted from these rows.
CREATE TABLE chat_reactions (
    event_id uuid NOT NULL,
    user_id uuid NOT NULL,
    emoji varchar(20) NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_chat_reactions PRIMARY KEY (event_id, user_id, emoji),
    CONSTRAINT fk_chat_reactions_chat_rooms_event_id FOREIGN KEY (event_id) REFERENCES chat_rooms (event_id) ON DELETE CASCADE,
    CONSTRAINT fk_chat_reactions_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_chat_reactions_user_id ON chat_reactions (user_id);

CREATE TABLE chat_polls (
    id uuid NOT NULL,
    event_id uuid NOT NULL,
    question varchar(200) NOT NULL,
    options text[] NOT NULL,
    created_by_user_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    closed_at timestamptz,
    CONSTRAINT pk_chat_polls PRIMARY KEY (id),
    CONSTRAINT fk_chat_polls_chat_rooms_event_id FOREIGN KEY (event_id) REFERENCES chat_rooms (event_id) ON DELETE CASCADE
);
CREATE INDEX ix_chat_polls_event_id ON chat_polls (event_id);

-- The primary key is the "one vote per fan" rule.
CREATE TABLE chat_poll_votes (
    poll_id uuid NOT NULL,
    user_id uuid NOT NULL,
    option_index integer NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_chat_poll_votes PRIMARY KEY (poll_id, user_id),
    CONSTRAINT fk_chat_poll_votes_chat_polls_poll_id FOREIGN KEY (poll_id) REFERENCES chat_polls (id) ON DELETE CASCADE,
    CONSTRAINT fk_chat_poll_votes_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_chat_poll_votes_user_id ON chat_poll_votes (user_id);

CREATE TABLE chat_mutes (
    event_id uuid NOT NULL,
    user_id uuid NOT NULL,
    until timestamptz NOT NULL,
    CONSTRAINT pk_chat_mutes PRIMARY KEY (event_id, user_id),
    CONSTRAINT fk_chat_mutes_chat_rooms_event_id FOREIGN KEY (event_id) REFERENCES chat_rooms (event_id) ON DELETE CASCADE,
    CONSTRAINT fk_chat_mutes_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_chat_mutes_user_id ON chat_mutes (user_id);

CREATE TABLE chat_bans (
    entity_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_chat_bans PRIMARY KEY (entity_id, user_id),
    CONSTRAINT fk_chat_bans_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE,
    CONSTRAINT fk_chat_bans_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_chat_bans_user_id ON chat_bans (user_id);

-- Per person, across rooms and app instances: a fixed window of posts and, once it overflows, a short block.
CREATE TABLE chat_rate_limits (
    user_id uuid NOT NULL,
    window_started_at timestamptz NOT NULL,
    count integer NOT NULL,
    blocked_until timestamptz,
    CONSTRAINT pk_chat_rate_limits PRIMARY KEY (user_id),
    CONSTRAINT fk_chat_rate_limits_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

-- Every moderation step, for the entity's team. Actor and target are copied by id and name so the record outlives them.
CREATE TABLE chat_moderation_actions (
    id uuid NOT NULL,
    entity_id uuid NOT NULL,
    event_id uuid,
    actor_user_id uuid NOT NULL,
    actor_name varchar(256) NOT NULL,
    action varchar(30) NOT NULL,
    target_user_id uuid,
    target_label varchar(256) NOT NULL,
    detail varchar(500),
    at timestamptz NOT NULL,
    CONSTRAINT pk_chat_moderation_actions PRIMARY KEY (id),
    CONSTRAINT fk_chat_moderation_actions_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE
);
CREATE INDEX ix_chat_moderation_actions_entity_id_at ON chat_moderation_actions (entity_id, at);
