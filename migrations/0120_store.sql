-- Stores: products (stock on their variants), carts, and what a store order adds to Payments' orders.
-- Stock moves only by conditional updates inside the order's transaction; the checks below are the last line.

CREATE TABLE products (
    id uuid NOT NULL,
    entity_id uuid NOT NULL,
    event_id uuid,
    tour_id uuid,
    slug varchar(80) NOT NULL,
    name varchar(120) NOT NULL,
    description varchar(4000) NOT NULL,
    kind text NOT NULL CHECK (kind IN ('Physical', 'Digital')),
    price_minor bigint NOT NULL CHECK (price_minor >= 0),
    currency varchar(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    visibility text NOT NULL CHECK (visibility IN ('Draft', 'Public', 'Followers', 'TicketHolders')),
    holders_event_id uuid,
    drop_at timestamptz,
    dropped_at timestamptz,
    image_asset_ids uuid[] NOT NULL,
    digital_asset_id uuid,
    max_per_order integer NOT NULL CHECK (max_per_order BETWEEN 1 AND 50),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT pk_products PRIMARY KEY (id),
    CONSTRAINT fk_products_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE CASCADE,
    CONSTRAINT fk_products_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE SET NULL,
    CONSTRAINT fk_products_events_holders_event_id FOREIGN KEY (holders_event_id) REFERENCES events (id) ON DELETE SET NULL,
    CONSTRAINT fk_products_tours_tour_id FOREIGN KEY (tour_id) REFERENCES tours (id) ON DELETE SET NULL,
    CONSTRAINT fk_products_assets_digital_asset_id FOREIGN KEY (digital_asset_id) REFERENCES assets (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX ix_products_entity_id_slug ON products (entity_id, slug);
CREATE INDEX ix_products_dropped_at_drop_at ON products (dropped_at, drop_at);
CREATE INDEX ix_products_event_id ON products (event_id);
CREATE INDEX ix_products_holders_event_id ON products (holders_event_id);
CREATE INDEX ix_products_tour_id ON products (tour_id);
CREATE INDEX ix_products_digital_asset_id ON products (digital_asset_id);

CREATE TABLE product_variants (
    id uuid NOT NULL,
    product_id uuid NOT NULL,
    name varchar(60) NOT NULL,
    stock integer CHECK (stock >= 0),
    sold integer NOT NULL CHECK (sold >= 0),
    held integer NOT NULL CHECK (held >= 0),
    position integer NOT NULL,
    CONSTRAINT pk_product_variants PRIMARY KEY (id),
    CONSTRAINT fk_product_variants_products_product_id FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE,
    CONSTRAINT ck_product_variants_within_stock CHECK (stock IS NULL OR sold + held <= stock)
);
CREATE INDEX ix_product_variants_product_id ON product_variants (product_id);

CREATE TABLE carts (
    id uuid NOT NULL,
    user_id uuid,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT pk_carts PRIMARY KEY (id),
    CONSTRAINT fk_carts_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ix_carts_user_id ON carts (user_id);

CREATE TABLE cart_lines (
    cart_id uuid NOT NULL,
    variant_id uuid NOT NULL,
    quantity integer NOT NULL CHECK (quantity >= 1),
    seen_unit_price_minor bigint NOT NULL,
    added_at timestamptz NOT NULL,
    CONSTRAINT pk_cart_lines PRIMARY KEY (cart_id, variant_id),
    CONSTRAINT fk_cart_lines_carts_cart_id FOREIGN KEY (cart_id) REFERENCES carts (id) ON DELETE CASCADE,
    CONSTRAINT fk_cart_lines_product_variants_variant_id FOREIGN KEY (variant_id) REFERENCES product_variants (id) ON DELETE CASCADE
);
CREATE INDEX ix_cart_lines_variant_id ON cart_lines (variant_id);

CREATE TABLE store_orders (
    order_id uuid NOT NULL,
    entity_id uuid NOT NULL,
    requires_shipping boolean NOT NULL,
    ship_name varchar(120),
    ship_line1 varchar(200),
    ship_line2 varchar(200),
    ship_city varchar(100),
    ship_postcode varchar(20),
    ship_country varchar(2),
    shipped_at timestamptz,
    shipped_by_user_id uuid,
    CONSTRAINT pk_store_orders PRIMARY KEY (order_id),
    CONSTRAINT fk_store_orders_orders_order_id FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT fk_store_orders_entities_entity_id FOREIGN KEY (entity_id) REFERENCES entities (id) ON DELETE RESTRICT
);
CREATE INDEX ix_store_orders_entity_id ON store_orders (entity_id);

CREATE TABLE store_order_lines (
    order_line_id uuid NOT NULL,
    order_id uuid NOT NULL,
    product_id uuid NOT NULL,
    variant_id uuid NOT NULL,
    event_id uuid,
    is_digital boolean NOT NULL,
    refunded_at timestamptz,
    CONSTRAINT pk_store_order_lines PRIMARY KEY (order_line_id),
    CONSTRAINT fk_store_order_lines_order_lines_order_line_id FOREIGN KEY (order_line_id) REFERENCES order_lines (id) ON DELETE CASCADE,
    CONSTRAINT fk_store_order_lines_orders_order_id FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT fk_store_order_lines_products_product_id FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE RESTRICT
);
CREATE INDEX ix_store_order_lines_order_id ON store_order_lines (order_id);
CREATE INDEX ix_store_order_lines_product_id ON store_order_lines (product_id);
CREATE INDEX ix_store_order_lines_event_id ON store_order_lines (event_id);
