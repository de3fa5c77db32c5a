-- Event lifecycle: prerecorded/free flags, geo rule, phase history and RSVPs.
-- RSVP counts are counted from rsvps on read (exact under concurrency, no counter to drift).

ALTER TABLE events
    ADD COLUMN is_prerecorded boolean NOT NULL DEFAULT false,
    ADD COLUMN is_free boolean NOT NULL DEFAULT false,
    -- ISO 3166-1 alpha-2 codes; empty = available everywhere.
    ADD COLUMN allowed_countries text[] NOT NULL DEFAULT '{}';

CREATE TABLE event_phase_changes (
    id uuid NOT NULL,
    event_id uuid NOT NULL,
    from_phase text NOT NULL CHECK (from_phase IN ('Draft', 'Pre', 'Live', 'Post', 'Cancelled')),
    to_phase text NOT NULL CHECK (to_phase IN ('Draft', 'Pre', 'Live', 'Post', 'Cancelled')),
    changed_by_user_id uuid,
    changed_at timestamptz NOT NULL,
    note varchar(500),
    CONSTRAINT pk_event_phase_changes PRIMARY KEY (id),
    CONSTRAINT fk_event_phase_changes_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
    CONSTRAINT fk_event_phase_changes_users_changed_by_user_id FOREIGN KEY (changed_by_user_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX ix_event_phase_changes_changed_by_user_id ON event_phase_changes (changed_by_user_id);
CREATE INDEX ix_event_phase_changes_event_id_changed_at ON event_phase_changes (event_id, changed_at);

CREATE TABLE rsvps (
    event_id uuid NOT NULL,
    user_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('Going', 'Interested')),
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_rsvps PRIMARY KEY (event_id, user_id),
    CONSTRAINT fk_rsvps_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
    CONSTRAINT fk_rsvps_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_rsvps_user_id ON rsvps (user_id);
