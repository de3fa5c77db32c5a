-- Events whose visibility is "members of tier X (or above)".
ALTER TABLE events DROP CONSTRAINT events_visibility_check;
ALTER TABLE events ADD CONSTRAINT events_visibility_check CHECK (visibility IN ('Public', 'Unlisted', 'Followers', 'Members'));
ALTER TABLE events ADD COLUMN members_tier_id uuid;
ALTER TABLE events ADD CONSTRAINT fk_events_membership_tiers_members_tier_id
    FOREIGN KEY (members_tier_id) REFERENCES membership_tiers (id) ON DELETE SET NULL;
CREATE INDEX ix_events_members_tier_id ON events (members_tier_id);
