-- Discovery searches only listed, upcoming events (public, Pre or Live), and nothing else reads the search document:
-- the GIN index keeps only those rows, so a text search's bitmap holds only candidates (measured at 100,000 events:
-- "gold* fox*" 5,250 index hits of which 169 listed upcoming, 127 ms → 11 ms when the planner takes the bitmap) and
-- past events no longer grow it.
DROP INDEX ix_events_search_vector;
CREATE INDEX ix_events_search_vector ON events USING gin (search_vector) WHERE visibility = 'Public' AND phase IN ('Pre', 'Live');
