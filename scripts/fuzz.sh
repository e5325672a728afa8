#!/usr/bin/env bash
# Fuzzes the engine's readers of untrusted text with libFuzzer: batch YAML, settings saved through
# the API, scenarios, CSV files, templates, ingest output, cron strings, the metric search and
# charts (Fuzz/Sources/EngineFuzz/FuzzTarget.swift says what each target feeds where).
#
#   scripts/fuzz.sh [--seconds N] [--debug] [target ...]     (default: 20 seconds each, every target)
#
# --debug builds without optimisation: about 80 s instead of 6 minutes on 2 cores, and about half
# the executions a second, which suits a CI slice of seconds; hours of fuzzing want the release build.
#
# Each target starts from its seeds in Fuzz/Seeds/<target> (the robustness campaign's crashes
# among them) and grows a working corpus under .build-fuzz/corpus/<target>. A crash, a hang past
# 10 s or memory past 2 GB stops the target and leaves the input under .build-fuzz/findings/<target>;
# the script then exits 1. For hours on demand: scripts/fuzz.sh --seconds 3600.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=20
configuration=release
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --debug) configuration=debug; shift ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then targets=(config settings scenario csv template ingest cron search plot); fi

# gold crashes linking libFuzzer's runtime; the toolchain's own lld does not.
lld="$(dirname "$(readlink -f "$(command -v swift)")")/ld.lld"
mkdir -p .build-fuzz
printf '{"schemaVersion": "1.0", "linker": {"path": "%s"}}\n' "$lld" > .build-fuzz/toolset.json
(cd Fuzz && swift build -c "$configuration" -Xswiftc -sanitize=fuzzer --toolset ../.build-fuzz/toolset.json --build-path ../.build-fuzz)
binary=".build-fuzz/$configuration/EngineFuzz"

failed=0
total_runs=0
for target in "${targets[@]}"; do
  corpus=".build-fuzz/corpus/$target" findings=".build-fuzz/findings/$target"
  mkdir -p "$corpus" "$findings"
  log="$(mktemp)"
  status=0
  # Swift's own backtracer would catch a trap before libFuzzer, which then saves no input.
  SWIFT_BACKTRACE=enable=no ENGINE_FUZZ_TARGET="$target" "$binary" "$corpus" "Fuzz/Seeds/$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" >"$log" 2>&1 || status=$?
  runs="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)"
  total_runs=$((total_runs + ${runs:-0}))
  if [ "$status" -ne 0 ]; then
    failed=$((failed + 1))
    echo "fuzz $target: FAILED after ${runs:-?} runs (exit $status)"
    if ! grep -E "ERROR|Fatal error|SUMMARY|Test unit written" "$log" | head -20 | grep -q .; then tail -40 "$log"; fi
    grep -E "ERROR|Fatal error|SUMMARY|Test unit written" "$log" | head -20 || true
  else
    echo "fuzz $target: ${runs:-0} runs in ${seconds} s, no crash"
  fi
  rm -f "$log"
done
echo "fuzz: $(( ${#targets[@]} - failed )) passed, ${failed} failed (${total_runs} runs over ${#targets[@]} targets)"
[ "$failed" -eq 0 ]
