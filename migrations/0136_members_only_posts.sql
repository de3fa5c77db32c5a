-- Posts whose visibility is "members of tier X (or above)": the lowest tier whose members may read the body.
ALTER TABLE posts ADD COLUMN members_tier_id uuid;
ALTER TABLE posts ADD CONSTRAINT fk_posts_membership_tiers_members_tier_id
    FOREIGN KEY (members_tier_id) REFERENCES membership_tiers (id) ON DELETE SET NULL;
CREATE INDEX ix_posts_members_tier_id ON posts (members_tier_id);
