-- Shared CTE: hourly web events for the 336 hours up to `now`, one row per site and hour.
hours(hour_start, n) AS (
  SELECT datetime(strftime('%Y-%m-%d %H:00:00', '{{ now }}'), '-335 hours'), 0
  UNION ALL
  SELECT datetime(hour_start, '+1 hour'), n + 1 FROM hours WHERE n < 335
),
events AS (
  {% for site in sites %}
  SELECT
    hour_start,
    '{{ site }}' AS site,
    {{ forloop.counter }} * 100 + 30 * (CAST(strftime('%H', hour_start) AS INTEGER) BETWEEN 9 AND 21)
      + (CAST(strftime('%s', hour_start) AS INTEGER) / 3600 * 31) % 13 AS human_views,
    (CAST(strftime('%s', hour_start) AS INTEGER) / 3600 * 17) % 5 AS bot_views
  FROM hours
  {% if not forloop.last %}UNION ALL{% endif %}
  {% endfor %}
)
