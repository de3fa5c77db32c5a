-- User profiles, follows, tours and uploaded assets.

ALTER TABLE users
    ADD COLUMN handle varchar(30),
    ADD COLUMN bio varchar(2000) NOT NULL DEFAULT '',
    ADD COLUMN city varchar(100),
    ADD COLUMN country varchar(2),
    ADD COLUMN avatar_asset_id uuid,
    ADD COLUMN is_profile_private boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX ix_users_handle ON users (handle);

ALTER TABLE entities
    ADD COLUMN avatar_asset_id uuid,
    ADD COLUMN banner_asset_id uuid;

CREATE TABLE follows (
    user_id uuid NOT NULL,
    entity_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_follows PRIMARY KEY (user_id, entity_id),
    CONSTRAINT fk_follows_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE,
    CONSTRAINT fk_follows_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_follows_entity_id_created_at ON follows (entity_id, created_at);

CREATE TABLE tours (
    id uuid NOT NULL,
    entity_id uuid NOT NULL,
    slug varchar(120) NOT NULL,
    name varchar(200) NOT NULL,
    description varchar(4000) NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_tours PRIMARY KEY (id),
    CONSTRAINT fk_tours_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE
);
CREATE INDEX ix_tours_entity_id ON tours (entity_id);
CREATE UNIQUE INDEX ix_tours_slug ON tours (slug);

ALTER TABLE events
    ADD COLUMN tour_id uuid,
    ADD COLUMN art_asset_id uuid,
    ADD CONSTRAINT fk_events_tours_tour_id FOREIGN KEY (tour_id) REFERENCES tours (id) ON DELETE SET NULL;
CREATE INDEX ix_events_tour_id ON events (tour_id);

CREATE TABLE assets (
    id uuid NOT NULL,
    owner_user_id uuid NOT NULL,
    entity_id uuid,
    kind text NOT NULL CHECK (kind IN ('Image', 'Audio', 'Video', 'Document')),
    content_type varchar(100) NOT NULL,
    file_name varchar(255) NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
    storage_key varchar(300) NOT NULL,
    is_private boolean NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_assets PRIMARY KEY (id),
    CONSTRAINT fk_assets_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE,
    CONSTRAINT fk_assets_users_owner_user_id FOREIGN KEY (owner_user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_assets_entity_id ON assets (entity_id);
CREATE INDEX ix_assets_owner_user_id ON assets (owner_user_id);
CREATE UNIQUE INDEX ix_assets_storage_key ON assets (storage_key);
