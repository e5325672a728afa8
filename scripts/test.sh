#!/usr/bin/env bash
# The whole test suite: set the machine up, start the real SMTP server and HTTP receiver the
# delivery tests talk to (127.0.0.1 only; they stop when this script ends), run the unit tests,
# then replay every scenario against its goldens (never recording) with the determinism self-check,
# kill `engine run all` at random moments and check a rerun ends as an uninterrupted run,
# drive the dashboard in headless Chromium (screenshots under $ENGINE_ARTIFACTS, by default
# .build/ci-artifacts/browser), run two jobs under Dagster through Dagster Pipes, and fuzz
# the readers of untrusted input for a few seconds each.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step's wall time, so a slow step shows in the CI log before the suite outgrows CI's limit.
step_started=$SECONDS
step() { echo "step $1: $((SECONDS - step_started)) s"; step_started=$SECONDS; }
scripts/setup.sh --test
source scripts/test-services.sh
set -euo pipefail
step setup
swift build --build-tests
swift build --product engine
step build
swift test --skip-build
step unit-tests
.build/debug/engine replay --record never --check-determinism --junit .build/replay-junit.xml
step replay
# Killed at random moments and run again, `engine run all` must end as an uninterrupted run does:
# on SQLite with local models, and on PostgreSQL with models in S3.
.build/test-venv/bin/python scripts/crash_safety_test.py --engine .build/debug/engine --trials 30
.build/test-venv/bin/python scripts/crash_safety_test.py --engine .build/debug/engine --trials 12 \
  --postgres "$ENGINE_TEST_POSTGRES_URL" --s3 "$ENGINE_TEST_S3_URL"
step crash-safety
.build/test-venv/bin/python scripts/browser_test.py --engine .build/debug/engine \
  --artifacts "${ENGINE_ARTIFACTS:-.build/ci-artifacts/browser}"
step browser
scripts/dagster-venv.sh >/dev/null
.build/test-venv-dagster/bin/python scripts/dagster_test.py --engine .build/debug/engine
step dagster
# The fuzzing target's CI slice: every target, seeded with the robustness campaign's crashes
# (an unoptimised build: it builds in a fifth of the time, which matters more than speed here).
scripts/fuzz.sh --seconds 15 --debug
step fuzz
