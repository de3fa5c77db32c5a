-- Paid tickets: ticket types with held/sold counters, orders that hold seats while the fan pays, issued tickets,
-- refunds, and the payment notifications we have acted on (deduplicated by provider id).

CREATE TABLE ticket_types (
    id uuid NOT NULL,
    event_id uuid NOT NULL,
    name varchar(120) NOT NULL,
    price_minor bigint NOT NULL CHECK (price_minor >= 0),
    currency varchar(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    capacity integer NOT NULL CHECK (capacity >= 0),
    sold integer NOT NULL CHECK (sold >= 0),
    held integer NOT NULL CHECK (held >= 0),
    sale_starts_at timestamptz,
    sale_ends_at timestamptz,
    max_per_order integer NOT NULL CHECK (max_per_order >= 1),
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_ticket_types PRIMARY KEY (id),
    CONSTRAINT fk_ticket_types_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
    -- The last line of defence against overselling: the conditional updates already keep to it.
    CONSTRAINT ck_ticket_types_within_capacity CHECK (sold + held <= capacity)
);
CREATE INDEX ix_ticket_types_event_id ON ticket_types (event_id);

CREATE TABLE orders (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    event_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('Pending', 'Paid', 'Failed', 'Expired', 'Cancelled', 'Refunded', 'PartiallyRefunded')),
    total_minor bigint NOT NULL CHECK (total_minor >= 0),
    refunded_minor bigint NOT NULL CHECK (refunded_minor >= 0),
    currency varchar(3) NOT NULL,
    provider varchar(20) NOT NULL,
    provider_session_id varchar(255),
    provider_payment_id varchar(255),
    hold_expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    paid_at timestamptz,
    closed_at timestamptz,
    CONSTRAINT pk_orders PRIMARY KEY (id),
    CONSTRAINT fk_orders_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE RESTRICT,
    CONSTRAINT fk_orders_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT ck_orders_refund_within_total CHECK (refunded_minor <= total_minor)
);
CREATE INDEX ix_orders_event_id_status ON orders (event_id, status);
CREATE INDEX ix_orders_provider_payment_id ON orders (provider_payment_id);
CREATE INDEX ix_orders_status_hold_expires_at ON orders (status, hold_expires_at);
CREATE INDEX ix_orders_user_id_created_at ON orders (user_id, created_at);

CREATE TABLE order_lines (
    id uuid NOT NULL,
    order_id uuid NOT NULL,
    ticket_type_id uuid NOT NULL,
    name varchar(120) NOT NULL,
    quantity integer NOT NULL CHECK (quantity >= 1),
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    CONSTRAINT pk_order_lines PRIMARY KEY (id),
    CONSTRAINT fk_order_lines_orders_order_id FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT fk_order_lines_ticket_types_ticket_type_id FOREIGN KEY (ticket_type_id) REFERENCES ticket_types (id) ON DELETE RESTRICT
);
CREATE INDEX ix_order_lines_order_id ON order_lines (order_id);
CREATE INDEX ix_order_lines_ticket_type_id ON order_lines (ticket_type_id);

CREATE TABLE tickets (
    id uuid NOT NULL,
    order_id uuid NOT NULL,
    ticket_type_id uuid NOT NULL,
    event_id uuid NOT NULL,
    user_id uuid NOT NULL,
    code varchar(64) NOT NULL,
    status text NOT NULL CHECK (status IN ('Valid', 'Used', 'Refunded')),
    price_minor bigint NOT NULL CHECK (price_minor >= 0),
    refunded_minor bigint NOT NULL CHECK (refunded_minor >= 0),
    used_at timestamptz,
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_tickets PRIMARY KEY (id),
    CONSTRAINT fk_tickets_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE RESTRICT,
    CONSTRAINT fk_tickets_orders_order_id FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE RESTRICT,
    CONSTRAINT fk_tickets_ticket_types_ticket_type_id FOREIGN KEY (ticket_type_id) REFERENCES ticket_types (id) ON DELETE RESTRICT,
    CONSTRAINT fk_tickets_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX ix_tickets_code ON tickets (code);
CREATE INDEX ix_tickets_event_id_status ON tickets (event_id, status);
CREATE INDEX ix_tickets_order_id ON tickets (order_id);
CREATE INDEX ix_tickets_ticket_type_id ON tickets (ticket_type_id);
CREATE INDEX ix_tickets_user_id ON tickets (user_id);

CREATE TABLE refunds (
    id uuid NOT NULL,
    order_id uuid NOT NULL,
    ticket_ids uuid[] NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    currency varchar(3) NOT NULL,
    status text NOT NULL CHECK (status IN ('Pending', 'Succeeded', 'Failed')),
    reason varchar(200) NOT NULL,
    provider_refund_id varchar(255),
    by_user_id uuid,
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_refunds PRIMARY KEY (id),
    CONSTRAINT fk_refunds_orders_order_id FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
);
CREATE INDEX ix_refunds_order_id ON refunds (order_id);

CREATE TABLE payment_events (
    id uuid NOT NULL,
    provider varchar(20) NOT NULL,
    external_id varchar(255) NOT NULL,
    type varchar(100) NOT NULL,
    order_id uuid,
    outcome varchar(200) NOT NULL,
    received_at timestamptz NOT NULL,
    CONSTRAINT pk_payment_events PRIMARY KEY (id)
);
CREATE INDEX ix_payment_events_order_id ON payment_events (order_id);
CREATE UNIQUE INDEX ix_payment_events_provider_external_id ON payment_events (provider, external_id);
