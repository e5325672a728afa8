#!/usr/bin/env bash
# Scale benchmark of the distributed layout: N engine processes (N = 1, 2, 4) against one
# PostgreSQL store on this machine, over 10,000 metrics (40 batches of 250, hourly points in an
# SQLite source). For each N, on a fresh database:
#   initial  `engine run ingest train`  at T0 (90 hours of history per metric, then fit the models)
#   steady   `engine run ingest score alert` at T0 + 1 h (the new hour, as a scheduled tick would)
# Batches are dealt round-robin to the N processes, which start together; each phase is timed
# from the first start to the last exit. The store's share is PostgreSQL's own busy time for the
# database (pg_stat_database.active_time) over the processes' summed wall time. Bounded, loopback
# only; everything is removed at the end.
#   scripts/scale-bench.sh [METRICS_PER_BATCH] [BATCHES]   (defaults 250 40)
set -euo pipefail
cd "$(dirname "$0")/.."
per_batch="${1:-250}" batches="${2:-40}"
swift build -c release --product engine 2>&1 | grep -vE "unhandled; explicitly declare|CMakeLists.txt" | tail -1
engine="$PWD/.build/release/engine"
work="$(mktemp -d)" pg="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
# A production-like buffer cache (the test cluster's default is 128 MB, smaller than the 10,000
# metrics' table and indexes), and the statistics of which statements take the store's time.
url="$(POSTGRES_SETTINGS="-c shared_buffers=2GB -c shared_preload_libraries=pg_stat_statements" scripts/services/postgres.sh start "$pg" "$port")"
trap 'scripts/services/postgres.sh stop "$pg"; rm -rf "$work" "$pg"' EXIT
python3 scripts/bench/scale_data.py --out "$work" --batches "$batches" --per-batch "$per_batch" --hours 100
t0="2026-01-15T12:00:00Z" t1="2026-01-15T13:00:00Z"
psql_() { psql -X -q -t -A "$1" -c "$2"; }
active() { psql_ "$1" "SELECT coalesce(active_time, 0) FROM pg_stat_database WHERE datname = current_database()"; }

run_phase() {  # $1 N, $2 db url, $3 as-of, $4 metrics folder, $5.. jobs; prints "seconds busy_seconds store_seconds"
  local n="$1" db="$2" asof="$3" folder="$4"; shift 4
  local before; before="$(active "$db")"
  local start; start="$(date +%s.%N)"
  local pids=() p
  for ((p = 0; p < n; p++)); do
    local args=()
    for ((b = p; b < batches; b += n)); do args+=(--batch "$(printf 'scale_%02d' "$b")"); done
    ( cd "$work/n$n" && /usr/bin/time -f "%e" -o "$work/time.$p" "$engine" run "$@" "${args[@]}" --metrics "$folder" \
        --db "$db" --as-of "$asof" >"$work/run.$p.log" 2>&1 ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { echo "a process failed:" >&2; tail -5 "$work"/run.*.log >&2; exit 1; }; done
  local end; end="$(date +%s.%N)"
  sleep 0.5  # backends flush their statistics as they exit
  local after; after="$(active "$db")"
  local busy=0
  for ((p = 0; p < n; p++)); do busy="$(echo "$busy + $(cat "$work/time.$p")" | bc -l)"; done
  printf '%.2f %.2f %.3f\n' "$(echo "$end - $start" | bc -l)" "$busy" "$(echo "($after - $before) / 1000" | bc -l)"
}

echo
echo "$((batches * per_batch)) metrics in $batches batches; $(nproc) cores; PostgreSQL $(psql_ "$url" 'SHOW server_version')"
printf '%-3s %-8s %9s %12s %14s %12s %12s\n' N phase seconds metrics/s "rows/s" "store s" "store share"
for n in 1 2 4; do
  db="${url%/postgres}/scale_$n"
  psql_ "$url" "CREATE DATABASE scale_$n" >/dev/null
  psql_ "$db" "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  mkdir -p "$work/n$n"  # its own working folder: local:// models trained for another N are not reused
  for phase in initial steady; do
    if [ "$phase" = initial ]; then read -r secs busy store < <(run_phase "$n" "$db" "$t0" "$work/metrics-initial" ingest train)
    else read -r secs busy store < <(run_phase "$n" "$db" "$t1" "$work/metrics-steady" ingest score alert); fi
    rows="$(psql_ "$db" "SELECT coalesce(sum(rows_written), 0) FROM job_runs WHERE as_of = '$( [ "$phase" = initial ] && echo '2026-01-15 12:00:00' || echo '2026-01-15 13:00:00')' AND job <> 'train'")"
    printf '%-3s %-8s %9.2f %12.0f %14.0f %12.2f %11.0f%%\n' "$n" "$phase" "$secs" "$(echo "$batches * $per_batch / $secs" | bc -l)" \
      "$(echo "$rows / $secs" | bc -l)" "$store" "$(echo "100 * $store / $busy" | bc -l)"
  done
done
echo
echo "where the store's time went (N = 4, both phases):"
psql -X "$db" -c "SELECT calls, round(total_exec_time::numeric / 1000, 2) AS seconds, round(mean_exec_time::numeric, 3) AS mean_ms,
  left(regexp_replace(query, '\s+', ' ', 'g'), 70) AS statement FROM pg_stat_statements
  WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY total_exec_time DESC LIMIT 6"
