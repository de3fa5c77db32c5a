-- Guests on an event's stage and the video a prerecorded event premieres.
-- A stage seat is one signed-in viewer's place in the queue: hand_raised_at is the viewer's side, invited_at the
-- host's; only a seat with both (and not removed) may publish. A guest who joins through a signed invite link gets
-- both at once. Removing a guest clears both, so a new hand and a new invite are needed to come back.
CREATE TABLE stage_seats (
    event_id uuid NOT NULL,
    user_id uuid NOT NULL,
    display_name varchar(100) NOT NULL,
    hand_raised_at timestamptz,
    invited_at timestamptz,
    invited_by_user_id uuid,
    updated_at timestamptz NOT NULL,
    CONSTRAINT pk_stage_seats PRIMARY KEY (event_id, user_id),
    CONSTRAINT fk_stage_seats_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
    CONSTRAINT fk_stage_seats_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_stage_seats_users_invited_by_user_id FOREIGN KEY (invited_by_user_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX ix_stage_seats_user_id ON stage_seats (user_id);
CREATE INDEX ix_stage_seats_invited_by_user_id ON stage_seats (invited_by_user_id);

-- One premiere video per prerecorded event: an uploaded video asset of the event's entity.
CREATE TABLE event_premieres (
    event_id uuid NOT NULL,
    asset_id uuid NOT NULL,
    chosen_at timestamptz NOT NULL,
    CONSTRAINT pk_event_premieres PRIMARY KEY (event_id),
    CONSTRAINT fk_event_premieres_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
    CONSTRAINT fk_event_premieres_assets_asset_id FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE
);
CREATE INDEX ix_event_premieres_asset_id ON event_premieres (asset_id);
