-- Sample orders: one row per hour for the 504 hours up to `now` (from the engine's clock).
-- Busier between 08:00 and 20:00; the small wobble is a multiplicative hash of the hour, so
-- it looks random but a rerun returns exactly the same rows.
WITH RECURSIVE hours(hour_start, n) AS (
  SELECT datetime(strftime('%Y-%m-%d %H:00:00', '{{ now }}'), '-503 hours'), 0
  UNION ALL
  SELECT datetime(hour_start, '+1 hour'), n + 1 FROM hours WHERE n < 503
),
orders AS (
  SELECT
    hour_start,
    40 + 25 * (CAST(strftime('%H', hour_start) AS INTEGER) BETWEEN 8 AND 19)
       + (CAST(strftime('%s', hour_start) AS INTEGER) / 3600 * 2654435761) % 4294967296 / 536870912 AS order_count,
    20 + (CAST(strftime('%s', hour_start) AS INTEGER) / 3600 * 2246822519) % 4294967296 / 1073741824 AS average_basket
  FROM hours
)
SELECT hour_start AS metric_timestamp, 'orders_count' AS metric_name, order_count AS metric_value FROM orders
UNION ALL
SELECT hour_start, 'orders_revenue', order_count * average_basket FROM orders
