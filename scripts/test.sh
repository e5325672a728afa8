#!/usr/bin/env bash
# The whole test suite: set the machine up, start the real SMTP server and HTTP receiver the
# delivery tests talk to (127.0.0.1 only; they stop when this script ends), run the unit tests,
# then replay every scenario against its goldens (never recording) with the determinism self-check,
# drive the dashboard in headless Chromium (screenshots under $ENGINE_ARTIFACTS, by default
# .build/ci-artifacts/browser), and run two jobs under Dagster through Dagster Pipes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
source scripts/test-services.sh
set -euo pipefail
swift test
swift build --product engine
.build/debug/engine replay --record never --check-determinism --junit .build/replay-junit.xml
.build/test-venv/bin/python scripts/browser_test.py --engine .build/debug/engine \
  --artifacts "${ENGINE_ARTIFACTS:-.build/ci-artifacts/browser}"
scripts/dagster-venv.sh >/dev/null
.build/test-venv-dagster/bin/python scripts/dagster_test.py --engine .build/debug/engine
