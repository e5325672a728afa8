#!/usr/bin/env bash
# The whole test suite: set the machine up, run the unit tests, then replay every scenario
# against its goldens (never recording) with the determinism self-check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift test
swift build --product engine
.build/debug/engine replay --record never --check-determinism --junit .build/replay-junit.xml
