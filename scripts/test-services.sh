#!/usr/bin/env bash
# Starts the real services the delivery, LLM and store tests talk to, on 127.0.0.1 only: an SMTP
# server (aiosmtpd, STARTTLS with a throw-away certificate, login required), an HTTP receiver
# that records requests, an OpenAI-compatible chat-completions server (scripts/services/
# chat_server.py), a Turso/ClickHouse wire-format server (scripts/services/sql_http_server.py),
# an S3-compatible server (moto's server mode, from PyPI), an Azure Blob wire-format server
# (scripts/services/blob_server.py), a BigQuery, Snowflake and Cloud Storage wire-format server with
# Google's token endpoint (scripts/services/cloud_server.py, with a throw-away RSA key) and a throw-away PostgreSQL server
# (scripts/services/postgres.sh). Source it:
# it exports ENGINE_TEST_* for `swift test` and stops the services when the shell that sourced
# it exits (the Python ones also stop by themselves after 45 minutes). Its virtualenv also holds
# Selenium, for scripts/browser_test.py, the DuckDB CLI (PyPI's duckdb-cli) for the DuckDB source, and pandas
# for Anomstack's Python ingest functions ($ENGINE_TEST_PYTHON).
#   source scripts/test-services.sh && swift test
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.build/test-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import aiosmtpd, selenium, pandas" 2>/dev/null || [ ! -x "$venv/bin/duckdb" ] \
   || [ ! -x "$venv/bin/moto_server" ]; then
  python3 -m venv "$venv"
  # pandas: Anomstack's Python ingest functions return DataFrames.
  "$venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==1.4.6" "selenium==4.51.0" "duckdb-cli==1.5.6" "moto[server]==5.2.5" \
    "pandas==2.3.3"
fi
state="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$state/key.pem" -out "$state/cert.pem" -days 2 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
smtp_port="$(free_port)"
http_port="$(free_port)"
chat_port="$(free_port)"
"$venv/bin/python" "$root/scripts/services/smtp_receiver.py" --port "$smtp_port" --out "$state/mail" \
  --cert "$state/cert.pem" --key "$state/key.pem" >"$state/smtp.log" 2>&1 &
smtp_pid=$!
python3 "$root/scripts/services/http_receiver.py" --port "$http_port" >"$state/http.log" 2>&1 &
http_pid=$!
python3 "$root/scripts/services/chat_server.py" --port "$chat_port" --key test-llm-key >"$state/chat.log" 2>&1 &
chat_pid=$!
sql_port="$(free_port)"
python3 "$root/scripts/services/sql_http_server.py" --port "$sql_port" --token turso-token --user ch-user --password ch-pass \
  >"$state/sql.log" 2>&1 &
sql_pid=$!
s3_port="$(free_port)"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$s3_port" >"$state/s3.log" 2>&1 &
s3_pid=$!
blob_port="$(free_port)"
blob_key="$(printf 'engine-test-account-key-0123456789' | base64 -w0)"
python3 "$root/scripts/services/blob_server.py" --port "$blob_port" --account enginetest --key "$blob_key" >"$state/blob.log" 2>&1 &
blob_pid=$!
cloud_port="$(free_port)"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$state/cloud-key.pem" >/dev/null 2>&1
openssl pkey -in "$state/cloud-key.pem" -pubout -out "$state/cloud-pub.pem" >/dev/null 2>&1
google_email="engine-test@engine-test.iam.gserviceaccount.com"
python3 -c 'import json, sys; print(json.dumps({"type": "service_account", "project_id": "engine-test", "private_key_id": "test",
  "private_key": open(sys.argv[1]).read(), "client_email": sys.argv[2], "token_uri": sys.argv[3]}))' \
  "$state/cloud-key.pem" "$google_email" "http://127.0.0.1:$cloud_port/token" >"$state/google-service-account.json"
"$venv/bin/python" "$root/scripts/services/cloud_server.py" --port "$cloud_port" --public-key "$state/cloud-pub.pem" \
  --client-email "$google_email" --account testorg-account --user engine --bucket engine-models >"$state/cloud.log" 2>&1 &
cloud_pid=$!
postgres_port="$(free_port)"
postgres_dir="$(mktemp -d)"  # its own folder: the server runs as the postgres user, who cannot enter $state
postgres_url="$("$root/scripts/services/postgres.sh" start "$postgres_dir" "$postgres_port")"
trap 'kill $smtp_pid $http_pid $chat_pid $sql_pid $s3_pid $blob_pid $cloud_pid 2>/dev/null || true; "$root/scripts/services/postgres.sh" stop "$postgres_dir"; rm -rf "$state" "$postgres_dir"' EXIT
for _ in $(seq 1 100); do
  if grep -q "smtp receiver" "$state/smtp.log" && grep -q "http receiver" "$state/http.log" && grep -q "chat server" "$state/chat.log" \
     && grep -q "sql http server" "$state/sql.log" && grep -q "blob server" "$state/blob.log" \
     && grep -q "cloud server" "$state/cloud.log"; then break; fi
  sleep 0.1
done
grep -q "smtp receiver" "$state/smtp.log" || { cat "$state/smtp.log" >&2; echo "the SMTP receiver did not start" >&2; exit 1; }
grep -q "http receiver" "$state/http.log" || { cat "$state/http.log" >&2; echo "the HTTP receiver did not start" >&2; exit 1; }
grep -q "chat server" "$state/chat.log" || { cat "$state/chat.log" >&2; echo "the chat-completions server did not start" >&2; exit 1; }
grep -q "sql http server" "$state/sql.log" || { cat "$state/sql.log" >&2; echo "the SQL-over-HTTP server did not start" >&2; exit 1; }
grep -q "blob server" "$state/blob.log" || { cat "$state/blob.log" >&2; echo "the Azure Blob server did not start" >&2; exit 1; }
grep -q "cloud server" "$state/cloud.log" || { cat "$state/cloud.log" >&2; echo "the BigQuery/Snowflake/Cloud Storage server did not start" >&2; exit 1; }
for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && break; sleep 0.1; done
curl -s -o /dev/null "http://127.0.0.1:$s3_port/" || { cat "$state/s3.log" >&2; echo "the S3 server (moto) did not start" >&2; exit 1; }
export ENGINE_TEST_SMTP_PORT="$smtp_port" ENGINE_TEST_SMTP_DIR="$state/mail" ENGINE_TEST_SMTP_CA="$state/cert.pem"
export ENGINE_TEST_HTTP_URL="http://127.0.0.1:$http_port"
export ENGINE_TEST_CHAT_URL="http://127.0.0.1:$chat_port/v1" ENGINE_TEST_CHAT_KEY="test-llm-key"
export ENGINE_TEST_POSTGRES_URL="$postgres_url" ENGINE_TEST_DUCKDB_CLI="$venv/bin/duckdb" ENGINE_TEST_PYTHON="$venv/bin/python"
export ENGINE_TEST_SQL_HTTP_URL="http://127.0.0.1:$sql_port" ENGINE_TEST_S3_URL="http://127.0.0.1:$s3_port"
export ENGINE_TEST_BLOB_URL="http://127.0.0.1:$blob_port" ENGINE_TEST_BLOB_ACCOUNT="enginetest" ENGINE_TEST_BLOB_KEY="$blob_key"
export ENGINE_TEST_CLOUD_URL="http://127.0.0.1:$cloud_port" ENGINE_TEST_CLOUD_KEY="$state/cloud-key.pem"
export ENGINE_TEST_GOOGLE_CREDENTIALS="$state/google-service-account.json"
set +euo pipefail
