-- Discovery (/events): full-text search columns kept by PostgreSQL itself, and the indexes the filters combine on.
-- 'simple' rather than a language config: titles, venues and names are mostly proper nouns in many languages.

ALTER TABLE events
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(venue_name, '') || ' ' || coalesce(city, ''))) STORED,
    ADD COLUMN city_key varchar(100) GENERATED ALWAYS AS (lower(city)) STORED;
CREATE INDEX ix_events_search_vector ON events USING gin (search_vector);
CREATE INDEX ix_events_genres ON events USING gin (genres);
CREATE INDEX ix_events_city_key_starts_at ON events (city_key, starts_at);
CREATE INDEX ix_events_latitude_longitude ON events (latitude, longitude);

ALTER TABLE entities
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED;
CREATE INDEX ix_entities_search_vector ON entities USING gin (search_vector);
