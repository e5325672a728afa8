#!/usr/bin/env bash
# Makes (once) the virtualenv with Dagster from PyPI that scripts/dagster_test.py runs in, apart
# from the test services' one so that Dagster's many pins cannot disturb them. Prints its python.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.build/test-venv-dagster"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import dagster" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "dagster==1.13.28"
fi
echo "$venv/bin/python"
