#!/usr/bin/env bash
# Installs what the engine needs on a fresh Debian machine with Swift: the system libraries it
# links (SQLite, libcurl, zlib, libpq, libcrypto), python3 for Python ingest functions, and python3-venv and openssl
# for the test services (scripts/test-services.sh). The example batches need
# no Python package beyond the standard library. With --test it also installs what only the tests
# use: Chromium and its driver for the dashboard's browser test, fonts for its screenshots, and
# the PostgreSQL server the PostgreSQL store and source are tested against.
# Safe to run again: it installs only what is missing (under CI=true it always refreshes the
# package lists first).
set -euo pipefail
packages=(libsqlite3-dev libcurl4-openssl-dev zlib1g-dev libpq-dev libssl-dev python3 python3-venv sqlite3 openssl)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium chromium-driver fonts-dejavu-core fonts-noto-color-emoji postgresql curl)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
if [ "${CI:-}" = "true" ] || [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift is not on PATH (Swift 6.1 or newer is needed)" >&2; exit 1; }
