-- Anonymous public pages are served from each instance's output cache. These triggers tell every instance which
-- pages a change touches: NOTIFY showgeo_page_cache with space-separated tags (event:<id>, entity:<id>, tour:<id>,
-- listings). A NOTIFY sent inside a transaction is delivered when it commits (and never if it rolls back), so the
-- next anonymous view after the commit renders afresh on every instance. Counters (follower counts on cards, RSVP
-- and ticket counts short of selling out) do not notify: the cache's maximum duration bounds how stale they get.

CREATE FUNCTION page_cache_notify_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tags text := 'listings';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        tags := tags || ' event:' || OLD.id || ' entity:' || OLD.entity_id || coalesce(' tour:' || OLD.tour_id, '');
    END IF;
    IF TG_OP <> 'DELETE' THEN
        tags := tags || ' event:' || NEW.id || ' entity:' || NEW.entity_id || coalesce(' tour:' || NEW.tour_id, '');
    END IF;
    PERFORM pg_notify('showgeo_page_cache', tags);
    RETURN NULL;
END
$$;
CREATE TRIGGER events_page_cache AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION page_cache_notify_event();

-- Every change shows on the entity's own page (its follower count included); cards elsewhere show the name, slug,
-- verified badge and the entity's suspension, so only those reach the listings.
CREATE FUNCTION page_cache_notify_entity() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_ entities := coalesce(NEW, OLD);
    tags text := 'entity:' || row_.id;
BEGIN
    IF TG_OP <> 'UPDATE' OR (OLD.name, OLD.slug, OLD.is_verified, OLD.suspended_at)
        IS DISTINCT FROM (NEW.name, NEW.slug, NEW.is_verified, NEW.suspended_at) THEN
        tags := tags || ' listings';
    END IF;
    PERFORM pg_notify('showgeo_page_cache', tags);
    RETURN NULL;
END
$$;
CREATE TRIGGER entities_page_cache AFTER INSERT OR UPDATE OR DELETE ON entities
    FOR EACH ROW EXECUTE FUNCTION page_cache_notify_entity();

CREATE FUNCTION page_cache_notify_tour() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_ tours := coalesce(NEW, OLD);
BEGIN
    PERFORM pg_notify('showgeo_page_cache', 'tour:' || row_.id || ' entity:' || row_.entity_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER tours_page_cache AFTER INSERT OR UPDATE OR DELETE ON tours
    FOR EACH ROW EXECUTE FUNCTION page_cache_notify_tour();

-- The anonymous ticket list shows names, prices and "Sold out": a sale notifies only when it sells the type out
-- (or a refund brings it back), not on every seat.
CREATE FUNCTION page_cache_notify_ticket_type() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_ ticket_types := coalesce(NEW, OLD);
BEGIN
    IF TG_OP = 'UPDATE' AND
        (OLD.name, OLD.price_minor, OLD.currency, OLD.capacity, OLD.sale_starts_at, OLD.sale_ends_at, OLD.max_per_order,
         OLD.sold + OLD.held >= OLD.capacity)
        IS NOT DISTINCT FROM
        (NEW.name, NEW.price_minor, NEW.currency, NEW.capacity, NEW.sale_starts_at, NEW.sale_ends_at, NEW.max_per_order,
         NEW.sold + NEW.held >= NEW.capacity) THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('showgeo_page_cache', 'event:' || row_.event_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_types_page_cache AFTER INSERT OR UPDATE OR DELETE ON ticket_types
    FOR EACH ROW EXECUTE FUNCTION page_cache_notify_ticket_type();

-- The entity page lists its open membership tiers and its posts.
CREATE FUNCTION page_cache_notify_entity_child() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('showgeo_page_cache', 'entity:' || OLD.entity_id); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('showgeo_page_cache', 'entity:' || NEW.entity_id); END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER membership_tiers_page_cache AFTER INSERT OR UPDATE OR DELETE ON membership_tiers
    FOR EACH ROW EXECUTE FUNCTION page_cache_notify_entity_child();
CREATE TRIGGER posts_page_cache AFTER INSERT OR UPDATE OR DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION page_cache_notify_entity_child();
