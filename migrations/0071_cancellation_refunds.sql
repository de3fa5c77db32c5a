-- What a cancelled event still owes its buyers: one row per order to refund or release, worked through by the
-- EventCancelled handler in the background, so managers see progress and a restart resumes where it stopped.

CREATE TABLE cancellation_refunds (
    event_id uuid NOT NULL,
    order_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('Pending', 'Refunded', 'Released', 'Failed')),
    error varchar(500),
    attempts integer NOT NULL CHECK (attempts >= 0),
    updated_at timestamptz NOT NULL,
    CONSTRAINT pk_cancellation_refunds PRIMARY KEY (event_id, order_id),
    CONSTRAINT fk_cancellation_refunds_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
    CONSTRAINT fk_cancellation_refunds_orders_order_id FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
);
CREATE INDEX ix_cancellation_refunds_order_id ON cancellation_refunds (order_id);
