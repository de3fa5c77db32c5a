-- Creator posts and their threaded comments. A post is a draft while publish_at is null and readable from publish_at
-- on; published_at records the one PostPublished event. Comments keep their row when deleted ("[deleted]" keeps the
-- replies); thread_id is the top-level comment a reply descends from, so a page of threads loads in one query.

CREATE TABLE posts (
    id uuid NOT NULL,
    entity_id uuid NOT NULL,
    author_user_id uuid,
    event_id uuid,
    title varchar(200) NOT NULL,
    body_markdown varchar(20000) NOT NULL,
    body_html text NOT NULL,
    excerpt varchar(300) NOT NULL,
    image_asset_id uuid,
    visibility text NOT NULL CHECK (visibility IN ('Public', 'Followers', 'Members')),
    publish_at timestamptz,
    published_at timestamptz,
    comments_locked boolean NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT pk_posts PRIMARY KEY (id),
    CONSTRAINT fk_posts_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE,
    CONSTRAINT fk_posts_users_author_user_id FOREIGN KEY (author_user_id) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_posts_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE SET NULL,
    CONSTRAINT fk_posts_assets_image_asset_id FOREIGN KEY (image_asset_id) REFERENCES assets (id) ON DELETE SET NULL,
    CONSTRAINT ck_posts_title_not_blank CHECK (length(btrim(title)) > 0),
    CONSTRAINT ck_posts_body_not_blank CHECK (length(btrim(body_markdown)) > 0)
);
CREATE INDEX ix_posts_entity_id_publish_at ON posts (entity_id, publish_at);
CREATE INDEX ix_posts_published_at_publish_at ON posts (published_at, publish_at);
CREATE INDEX ix_posts_author_user_id ON posts (author_user_id);
CREATE INDEX ix_posts_event_id ON posts (event_id);
CREATE INDEX ix_posts_image_asset_id ON posts (image_asset_id);

CREATE TABLE post_comments (
    id uuid NOT NULL,
    post_id uuid NOT NULL,
    parent_id uuid,
    thread_id uuid NOT NULL,
    depth integer NOT NULL CHECK (depth >= 0),
    author_user_id uuid NOT NULL,
    body varchar(2000) NOT NULL,
    reaction_count integer NOT NULL CHECK (reaction_count >= 0),
    created_at timestamptz NOT NULL,
    edited_at timestamptz,
    deleted_at timestamptz,
    deleted_by_user_id uuid,
    CONSTRAINT pk_post_comments PRIMARY KEY (id),
    CONSTRAINT fk_post_comments_posts_post_id FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
    CONSTRAINT fk_post_comments_post_comments_parent_id FOREIGN KEY (parent_id) REFERENCES post_comments (id) ON DELETE CASCADE,
    CONSTRAINT fk_post_comments_post_comments_thread_id FOREIGN KEY (thread_id) REFERENCES post_comments (id) ON DELETE CASCADE,
    CONSTRAINT fk_post_comments_users_author_user_id FOREIGN KEY (author_user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_post_comments_top_level CHECK ((parent_id IS NULL) = (depth = 0))
);
CREATE INDEX ix_post_comments_post_id_parent_id_created_at ON post_comments (post_id, parent_id, created_at);
CREATE INDEX ix_post_comments_thread_id ON post_comments (thread_id);
CREATE INDEX ix_post_comments_parent_id ON post_comments (parent_id);
CREATE INDEX ix_post_comments_author_user_id_created_at ON post_comments (author_user_id, created_at);

CREATE TABLE post_comment_reactions (
    comment_id uuid NOT NULL,
    user_id uuid NOT NULL,
    kind varchar(16) NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_post_comment_reactions PRIMARY KEY (comment_id, user_id, kind),
    CONSTRAINT fk_post_comment_reactions_post_comments_comment_id FOREIGN KEY (comment_id) REFERENCES post_comments (id) ON DELETE CASCADE,
    CONSTRAINT fk_post_comment_reactions_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_post_comment_reactions_user_id ON post_comment_reactions (user_id);

CREATE TABLE post_comment_rate_limits (
    user_id uuid NOT NULL,
    window_started_at timestamptz NOT NULL,
    count integer NOT NULL,
    CONSTRAINT pk_post_comment_rate_limits PRIMARY KEY (user_id),
    CONSTRAINT fk_post_comment_rate_limits_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
