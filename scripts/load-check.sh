#!/usr/bin/env bash
# Load check of `engine serve`: builds the release engine, backfills a batch of METRICS metrics x
# POINTS hourly points (default 1,000 x 90; one ingest from SQLite, then train, score and alert),
# starts the server on 127.0.0.1, times one request alone to each page (the first, before anything
# is kept), then drives each with wrk (2 threads, CONNECTIONS connections, default 8, 10 s each;
# bounded, loopback only), then /healthz while 50 clients load the batch page. Prints requests per
# second, p99 latency, health latency under load and the server's memory (RSS now and peak).
#   scripts/load-check.sh            (needs wrk: apt-get install wrk; ENGINE=path/to/engine skips the build)
#   METRICS=10000 POINTS=720 CONNECTIONS=50 KEEP=/tmp/load10k scripts/load-check.sh
#                                    (the issue's size: 10,000 metrics x 30 days; KEEP keeps the folder
#                                    and database, and a later run with the same KEEP reuses them)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
if [ -z "${ENGINE:-}" ]; then
  swift build -c release --product engine 2>&1 | grep -vE "unhandled; explicitly declare|CMakeLists.txt" | tail -3
fi
engine="${ENGINE:-$PWD/.build/release/engine}"  # ENGINE=path measures another build
metrics="${METRICS:-1000}"
points="${POINTS:-90}"
if [ -n "${KEEP:-}" ]; then
  work="$KEEP"
  mkdir -p "$work"
  trap 'kill "${server:-0}" 2>/dev/null || true' EXIT
else
  work="$(mktemp -d)"
  trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
fi
cd "$work"
if [ ! -f engine.db ]; then
  mkdir -p metrics/load
  cat > metrics/load/load.yaml <<YAML
metric_batch: load
score_max_n: $points
alert_threshold: 0.7
ingest_sql: >
  WITH RECURSIVE h(t, n) AS (
    SELECT datetime(strftime('%Y-%m-%d %H:00:00', '{{ now }}'), '-$((points - 1)) hours'), 0
    UNION ALL SELECT datetime(t, '+1 hour'), n + 1 FROM h WHERE n < $((points - 1))),
  m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < $((metrics - 1)))
  SELECT t AS metric_timestamp, printf('metric_%05d', i) AS metric_name,
         50 + ((n * 7 + i) % 24) + ((n * 2654435761 + i * 40503) % 1000) / 100.0 AS metric_value
  FROM h, m
YAML
  now="$(date -u +%Y-%m-%dT%H:00:00Z)"
  for job in ingest train score alert; do
    start=$(date +%s.%N)
    "$engine" run "$job" --metrics metrics --db engine.db --as-of "$now" >/dev/null 2>&1
    printf "%-7s %6.2f s\n" "$job" "$(echo "$(date +%s.%N) - $start" | bc)"
  done
fi
echo "database: $(du -h engine.db | cut -f1), $metrics metrics x $points points"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ENGINE_API_TOKEN=load "$engine" serve --metrics metrics --db engine.db --port "$port" >serve.log 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
echo "server RSS after start: $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$server/status)"
paths=("/healthz" "/" "/api/v1/batches" "/batches/load?window=90n" "/anomalies" "/api/v1/batches/load/metrics?window=24h&page_size=5000"
  "/api/v1/batches/load/metrics/metric_00042/series")
echo "one request alone, the first:"
for path in "${paths[@]}"; do
  printf "  %-50s %s s\n" "$path" "$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$path")"
done
connections="${CONNECTIONS:-8}"
printf "%-50s %10s %10s   (%s connections)\n" "page" "req/s" "p99" "$connections"
for path in "${paths[@]}"; do
  out="$(wrk -t2 -c"$connections" -d10s --latency "http://127.0.0.1:$port$path")"
  rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
  p99="$(echo "$out" | awk '$1 == "99%" {print $2}')"
  errors="$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')"
  printf "%-50s %10s %10s %s\n" "$path" "$rps" "$p99" "$errors"
done
# Health under load: 50 clients on the batch page while one client polls /healthz.
wrk -t2 -c50 -d20s "http://127.0.0.1:$port/batches/load?window=90n" >"$work/heavy.txt" 2>&1 &
heavy=$!
sleep 3
health="$(wrk -t1 -c1 -d10s --latency "http://127.0.0.1:$port/healthz")"
wait "$heavy"
echo "/healthz under 50 clients on the batch page: $(echo "$health" | awk '/requests in/ {print $1}') answered in 10 s, p50 $(echo "$health" | awk '$1 == "50%" {print $2}'), p99 $(echo "$health" | awk '$1 == "99%" {print $2}'), max $(echo "$health" | awk '$1 == "Latency" {print $4}')"
echo "batch page meanwhile: $(awk '/Requests\/sec/ {print $2}' "$work/heavy.txt") req/s, $(awk '/requests in/ {print $1}' "$work/heavy.txt") answered"
echo "server RSS: $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$server/status), peak $(awk '/VmHWM/ {print $2/1024 " MB"}' /proc/$server/status)"
