WITH RECURSIVE
{% include "./examples/templated_sql/sample_events.sql" %}
SELECT
  hour_start AS metric_timestamp,
  site || '_page_views' AS metric_name,
  {% if include_bot_traffic %}human_views + bot_views{% else %}human_views{% endif %} AS metric_value
FROM events
