-- A text search pages through its matches in date order. The planner either walks the listed events by date and tests
-- each one's document, or reads every match from the GIN index and sorts them; a prefix search's selectivity is hard to
-- estimate and the matches are not spread evenly over the dates, so it often walks thousands of events for a rare
-- search (measured at 100,000 events: "golden:* & fox:*", 169 matches, walked 7,293 heap rows, 36-146 ms).
-- Carrying the document (and what else the walk tests) in the date index lets that walk run as an index-only scan,
-- a few tenths of a microsecond per event instead of a heap visit each
-- (https://www.postgresql.org/docs/15/indexes-index-only-scans.html); discovery asks it for ids only.
--
-- Nothing reads the positions in the document (no ranking, no phrase search), and a btree entry must stay under
-- 2,704 bytes: stripped, the longest possible document (title 200, venue 200, city 100, entity name 120 characters, every
-- word one four-byte letter) stays near 2,500 bytes, where with positions it could pass 3,700.
CREATE OR REPLACE FUNCTION events_search_vector_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := strip(to_tsvector('simple',
        coalesce(NEW.title, '') || ' ' || coalesce(NEW.venue_name, '') || ' ' || coalesce(NEW.city, '') || ' ' ||
        coalesce((SELECT name FROM entities WHERE id = NEW.entity_id), '')));
    RETURN NEW;
END $$;

-- Existing documents keep their positions (harmless, and dropped the next time the event is saved) unless they are long
-- enough to overflow an index entry; rewriting every row here would also leave the new index twice its size.
-- Only the stored document changes, which no page shows: the page-cache trigger has nothing to announce.
ALTER TABLE events DISABLE TRIGGER events_page_cache;
UPDATE events SET search_vector = strip(search_vector) WHERE pg_column_size(search_vector) > 2000;
ALTER TABLE events ENABLE TRIGGER events_page_cache;

DROP INDEX ix_events_starts_at_id;
CREATE INDEX ix_events_starts_at_id ON events (starts_at, id) INCLUDE (ends_at, entity_id, search_vector)
    WHERE visibility = 'Public' AND phase IN ('Pre', 'Live');
