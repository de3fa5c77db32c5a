-- Entities (artists, venues, organisations), their members, and the events they run.

CREATE TABLE entities (
    id uuid NOT NULL,
    slug varchar(80) NOT NULL,
    name varchar(120) NOT NULL,
    kind text NOT NULL CHECK (kind IN ('Artist', 'Venue', 'Organisation')),
    bio varchar(4000) NOT NULL,
    genres text[] NOT NULL,
    links text[] NOT NULL,
    city varchar(100),
    country varchar(2),
    is_verified boolean NOT NULL,
    suspended_at timestamptz,
    suspension_reason varchar(500),
    follower_count integer NOT NULL CHECK (follower_count >= 0),
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_entities PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_entities_slug ON entities (slug);

CREATE TABLE entity_members (
    entity_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role text NOT NULL CHECK (role IN ('Owner', 'Manager', 'Coordinator')),
    added_at timestamptz NOT NULL,
    CONSTRAINT pk_entity_members PRIMARY KEY (entity_id, user_id),
    CONSTRAINT fk_entity_members_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE,
    CONSTRAINT fk_entity_members_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_entity_members_user_id ON entity_members (user_id);

CREATE TABLE events (
    id uuid NOT NULL,
    entity_id uuid NOT NULL,
    slug varchar(120) NOT NULL,
    title varchar(200) NOT NULL,
    description varchar(10000) NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    time_zone varchar(64) NOT NULL,
    venue_name varchar(200),
    city varchar(100),
    country varchar(2),
    latitude double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude double precision CHECK (longitude BETWEEN -180 AND 180),
    is_online boolean NOT NULL,
    genres text[] NOT NULL,
    visibility text NOT NULL CHECK (visibility IN ('Public', 'Unlisted', 'Followers')),
    phase text NOT NULL CHECK (phase IN ('Draft', 'Pre', 'Live', 'Post', 'Cancelled')),
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_events PRIMARY KEY (id),
    CONSTRAINT fk_events_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE,
    CONSTRAINT ck_events_ends_after_start CHECK (ends_at >= starts_at)
);
CREATE INDEX ix_events_entity_id ON events (entity_id);
CREATE UNIQUE INDEX ix_events_slug ON events (slug);
CREATE INDEX ix_events_starts_at ON events (starts_at);
