-- Payments sell orders of any kind, not only tickets. Every existing order is a ticket order for the event it was
-- already tied to; its lines' items are the ticket types they already named, and its refunds' units the tickets.
-- Tickets keep their own foreign keys to orders and ticket types; Payments no longer points into a feature's tables.

ALTER TABLE orders ADD COLUMN kind varchar(40) NOT NULL DEFAULT 'tickets';
ALTER TABLE orders ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE orders DROP CONSTRAINT fk_orders_events_event_id;
ALTER TABLE orders RENAME COLUMN event_id TO reference_id;
ALTER TABLE orders ALTER COLUMN reference_id DROP NOT NULL;
DROP INDEX ix_orders_event_id_status;
CREATE INDEX ix_orders_kind_reference_id_status ON orders (kind, reference_id, status);

ALTER TABLE order_lines DROP CONSTRAINT fk_order_lines_ticket_types_ticket_type_id;
ALTER TABLE order_lines RENAME COLUMN ticket_type_id TO item_id;
ALTER INDEX ix_order_lines_ticket_type_id RENAME TO ix_order_lines_item_id;

ALTER TABLE refunds RENAME COLUMN ticket_ids TO unit_ids;
