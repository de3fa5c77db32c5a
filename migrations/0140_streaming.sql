-- Live streaming over LiveKit: one stream row per event (room, OBS ingress, recording, replay), each LiveKit webhook
-- recorded once by its id, and viewer sessions from participant webhooks for the event's analytics.
ALTER TABLE events ADD COLUMN stream_requires_sign_in boolean NOT NULL DEFAULT false;

CREATE TABLE event_streams (
    event_id uuid NOT NULL,
    room_name varchar(100) NOT NULL,
    room_started_at timestamptz,
    room_finished_at timestamptz,
    ingress_id varchar(100),
    ingress_kind varchar(10),
    ingress_url varchar(500),
    ingress_stream_key varchar(200),
    recording_egress_id varchar(100),
    recording_started_at timestamptz,
    replay_url varchar(2000),
    replay_duration_seconds integer,
    updated_at timestamptz NOT NULL,
    CONSTRAINT pk_event_streams PRIMARY KEY (event_id),
    CONSTRAINT fk_event_streams_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ix_event_streams_room_name ON event_streams (room_name);

CREATE TABLE livekit_webhook_events (
    id uuid NOT NULL,
    external_id varchar(100) NOT NULL,
    event varchar(50) NOT NULL,
    event_id uuid NOT NULL,
    participant_identity varchar(200),
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    CONSTRAINT pk_livekit_webhook_events PRIMARY KEY (id),
    CONSTRAINT fk_livekit_webhook_events_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ix_livekit_webhook_events_external_id ON livekit_webhook_events (external_id);
CREATE INDEX ix_livekit_webhook_events_event_id ON livekit_webhook_events (event_id);

CREATE TABLE stream_viewer_sessions (
    id uuid NOT NULL,
    event_id uuid NOT NULL,
    identity varchar(200) NOT NULL,
    participant_sid varchar(100) NOT NULL,
    role text NOT NULL,
    joined_at timestamptz NOT NULL,
    left_at timestamptz,
    CONSTRAINT pk_stream_viewer_sessions PRIMARY KEY (id),
    CONSTRAINT fk_stream_viewer_sessions_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ix_stream_viewer_sessions_event_id_participant_sid ON stream_viewer_sessions (event_id, participant_sid);
