-- Admins can suspend an account (no sign-in, public profile hidden) and every moderation step is recorded.

ALTER TABLE users
    ADD COLUMN suspended_at timestamptz,
    ADD COLUMN suspension_reason varchar(500);

-- Who did what to which entity or user, and why. The actor is copied by id and name rather than referenced, so the
-- record outlives the admin's account.
CREATE TABLE admin_actions (
    id uuid NOT NULL,
    actor_user_id uuid NOT NULL,
    actor_name varchar(256) NOT NULL,
    at timestamptz NOT NULL,
    action varchar(50) NOT NULL,
    target_kind varchar(20) NOT NULL,
    target_id uuid NOT NULL,
    target_label varchar(256) NOT NULL,
    reason varchar(500),
    CONSTRAINT pk_admin_actions PRIMARY KEY (id)
);
CREATE INDEX ix_admin_actions_at ON admin_actions (at);
