-- Paid memberships: an entity's tiers, and each fan's membership of one tier.
-- Access is one predicate: access_until > now (null while the first payment is pending). The status says why
-- (Active: until the paid period ends; PastDue: period end plus a grace period; Ended: when it ended).

CREATE TABLE membership_tiers (
    id uuid NOT NULL,
    entity_id uuid NOT NULL,
    name varchar(80) NOT NULL,
    rank integer NOT NULL CHECK (rank BETWEEN 1 AND 100),
    price_minor bigint NOT NULL CHECK (price_minor > 0),
    currency varchar(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    perks varchar(2000) NOT NULL,
    member_limit integer CHECK (member_limit >= 1),
    archived_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT pk_membership_tiers PRIMARY KEY (id),
    CONSTRAINT fk_membership_tiers_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE
);
CREATE INDEX ix_membership_tiers_entity_id_rank ON membership_tiers (entity_id, rank);

CREATE TABLE memberships (
    id uuid NOT NULL,
    tier_id uuid NOT NULL,
    entity_id uuid NOT NULL,
    user_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('Pending', 'Active', 'PastDue', 'Ended')),
    price_minor bigint NOT NULL CHECK (price_minor > 0),
    currency varchar(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    access_until timestamptz,
    current_period_end timestamptz,
    cancel_at_period_end boolean NOT NULL,
    stripe_subscription_id varchar(255),
    stripe_customer_id varchar(255),
    stripe_checkout_session_id varchar(255),
    order_id uuid,
    is_test boolean NOT NULL,
    hold_until timestamptz,
    paid_signal_at timestamptz,
    failed_signal_at timestamptz,
    cancel_signal_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    ended_at timestamptz,
    CONSTRAINT pk_memberships PRIMARY KEY (id),
    CONSTRAINT fk_memberships_membership_tiers_tier_id FOREIGN KEY (tier_id) REFERENCES membership_tiers (id) ON DELETE RESTRICT,
    CONSTRAINT fk_memberships_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE,
    CONSTRAINT fk_memberships_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_memberships_ended CHECK ((status = 'Ended') = (ended_at IS NOT NULL))
);
CREATE UNIQUE INDEX ix_memberships_stripe_subscription_id ON memberships (stripe_subscription_id);
-- One live membership per fan per entity; ended ones are history.
CREATE UNIQUE INDEX ix_memberships_entity_id_user_id ON memberships (entity_id, user_id) WHERE status <> 'Ended';
CREATE INDEX ix_memberships_tier_id_status ON memberships (tier_id, status);
CREATE INDEX ix_memberships_user_id ON memberships (user_id);
CREATE INDEX ix_memberships_order_id ON memberships (order_id);
CREATE INDEX ix_memberships_entity_id_access_until ON memberships (entity_id, access_until);
