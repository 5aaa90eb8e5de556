/**
 * The schema the extension-host tests browse and query: database `pgx_fixture`, schema `app`
 * with one object of every group the tree shows (foreign tables aside: they need an FDW the
 * embedded server does not ship), comments, a partitioned table, an index, constraints and a
 * trigger, and schema `bulk` with many tables for paging. ANALYZEd so row estimates exist.
 */
import type { Cluster } from '../../harness/cluster';

export const FIXTURE_DATABASE = 'pgx_fixture';
/** Tables in schema bulk: more than two pages of the tree's default 500. */
export const BULK_TABLES = 1200;

const SCHEMA_SQL = `
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'The fixture application';
CREATE TYPE app.order_status AS ENUM ('new', 'paid', 'shipped');
CREATE DOMAIN app.positive_amount AS numeric(12,2) CHECK (VALUE > 0);
CREATE TABLE app.customers (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  email text UNIQUE,
  note text
);
COMMENT ON TABLE app.customers IS 'People who order things';
COMMENT ON COLUMN app.customers.email IS 'Where receipts go';
CREATE TABLE app.orders (
  id bigserial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES app.customers (id),
  status app.order_status NOT NULL DEFAULT 'new',
  total app.positive_amount NOT NULL,
  created timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT orders_total_sane CHECK (total < 1000000)
);
CREATE INDEX orders_customer_idx ON app.orders (customer_id);
CREATE FUNCTION app.touch_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.created := now();
  RETURN NEW;
END;
$$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON app.orders FOR EACH ROW EXECUTE FUNCTION app.touch_order();
CREATE TABLE app.events (id bigint NOT NULL, happened date NOT NULL, payload jsonb) PARTITION BY RANGE (happened);
CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE app.events_2026 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW app.big_orders AS SELECT * FROM app.orders WHERE total > 100;
CREATE MATERIALIZED VIEW app.order_totals AS SELECT customer_id, sum(total) AS total FROM app.orders GROUP BY customer_id;
CREATE FUNCTION app.order_count(customer integer) RETURNS bigint LANGUAGE sql STABLE
  AS 'SELECT count(*) FROM app.orders WHERE customer_id = customer';
CREATE PROCEDURE app.mark_paid(order_id bigint) LANGUAGE sql
  AS 'UPDATE app.orders SET status = ''paid'' WHERE id = order_id';
CREATE SEQUENCE app.invoice_numbers START 1000;
INSERT INTO app.customers (name, email) SELECT 'customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 50) g;
INSERT INTO app.orders (customer_id, total) SELECT 1 + g % 50, 10 + g FROM generate_series(1, 500) g;
INSERT INTO app.events VALUES (1, '2025-06-01', '{}'), (2, '2026-02-01', '{}');
REFRESH MATERIALIZED VIEW app.order_totals;
CREATE SCHEMA bulk;
DO $$ BEGIN
  FOR i IN 1..${BULK_TABLES} LOOP
    EXECUTE format('CREATE TABLE bulk.%I (id int)', 't' || lpad(i::text, 4, '0'));
  END LOOP;
END $$;
ANALYZE;
`;

export async function createFixture(cluster: Cluster): Promise<void> {
  await cluster.sql(`CREATE DATABASE ${FIXTURE_DATABASE}`);
  await cluster.sql(SCHEMA_SQL, undefined, FIXTURE_DATABASE);
}
