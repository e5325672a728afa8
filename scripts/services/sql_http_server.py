#!/usr/bin/env python3
"""A loopback server that answers two SQL-over-HTTP protocols the way their documentation shows,
for the engine's Turso and ClickHouse sources (their real services cannot be reached from here).
Queries run on an in-memory SQLite database seeded with a table `metrics_src`. 127.0.0.1 only;
it stops by itself after --lifetime seconds.

  POST /v2/pipeline            libSQL / Turso "Hrana over HTTP": {"requests": [{"type": "execute",
                               "stmt": {"sql": ...}}, {"type": "close"}]} -> {"results": [...]},
                               values typed ({"type": "integer", "value": "1"}, "float" as a number,
                               "text", "null"); bearer token required when --token is given.
  POST /?readonly=1&...        ClickHouse's HTTP interface: the query in the body ending with
                               FORMAT JSONEachRow, one JSON object per line; X-ClickHouse-User and
                               X-ClickHouse-Key checked when --user is given; errors as
                               "Code: N. DB::Exception: ... (NAME)" with status 500 (401 for auth);
                               64-bit integers quoted unless output_format_json_quote_64bit_integers=0.

    scripts/services/sql_http_server.py --port 8766 --token T --user U --password P
"""
import argparse
import json
import re
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

lock = threading.Lock()
db = sqlite3.connect(":memory:", check_same_thread=False)
db.executescript("""
CREATE TABLE metrics_src (metric_timestamp TEXT, metric_name TEXT, metric_value REAL, hits INTEGER, note TEXT);
INSERT INTO metrics_src VALUES ('2026-01-15 11:00:00', 'orders', 10.5, 3, 'ok'), ('2026-01-15 12:00:00', 'orders', 12.25, 9007199254740993, NULL);
""")


def run(sql):
    with lock:
        cursor = db.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        url = urlparse(self.path)
        if url.path == "/v2/pipeline":
            return self.turso(body)
        if url.path == "/":
            return self.clickhouse(body, parse_qs(url.query))
        self.send(404, json.dumps({"error": "not found"}))

    def turso(self, body):
        if self.server.token and self.headers.get("Authorization") != f"Bearer {self.server.token}":
            return self.send(401, json.dumps({"error": "Unauthorized: `The JWT is invalid`"}))
        results = []
        for request in json.loads(body).get("requests", []):
            if request.get("type") == "close":
                results.append({"type": "ok", "response": {"type": "close"}})
                continue
            try:
                columns, rows = run(request["stmt"]["sql"])
            except sqlite3.Error as error:
                results.append({"type": "error", "error": {"message": f"SQLite error: {error}", "code": "SQLITE_ERROR"}})
                continue

            def cell(value):
                if value is None:
                    return {"type": "null"}
                if isinstance(value, int):
                    return {"type": "integer", "value": str(value)}
                if isinstance(value, float):
                    return {"type": "float", "value": value}
                return {"type": "text", "value": str(value)}
            results.append({"type": "ok", "response": {"type": "execute", "result": {
                "cols": [{"name": c, "decltype": None} for c in columns],
                "rows": [[cell(v) for v in row] for row in rows],
                "affected_row_count": 0, "last_insert_rowid": None, "replication_index": None}}})
        self.send(200, json.dumps({"baton": None, "base_url": None, "results": results}))

    def clickhouse(self, body, settings):
        if self.server.user and (self.headers.get("X-ClickHouse-User") != self.server.user
                                 or self.headers.get("X-ClickHouse-Key") != self.server.password):
            return self.send(401, "Code: 516. DB::Exception: default: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)\n", "text/plain")
        match = re.search(r"\s*FORMAT\s+JSONEachRow\s*$", body, re.I)
        if not match:
            return self.send(500, "Code: 62. DB::Exception: the engine's test server only speaks FORMAT JSONEachRow. (SYNTAX_ERROR)\n", "text/plain")
        sql = body[:match.start()]
        if settings.get("readonly", ["0"])[0] == "1" and not re.match(r"\s*(SELECT|WITH)\b", sql, re.I):
            return self.send(500, "Code: 164. DB::Exception: Cannot execute query in readonly mode. (READONLY)\n", "text/plain")
        try:
            columns, rows = run(sql)
        except sqlite3.Error as error:
            return self.send(500, f"Code: 60. DB::Exception: {error}. (UNKNOWN_TABLE)\n", "text/plain")
        quote = settings.get("output_format_json_quote_64bit_integers", ["1"])[0] != "0"
        lines = [json.dumps({c: (str(v) if quote and isinstance(v, int) else v) for c, v in zip(columns, row)}) for row in rows]
        self.send(200, "".join(line + "\n" for line in lines), "application/x-ndjson")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--lifetime", type=float, default=2700)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.token, server.user, server.password = args.token, args.user, args.password
    threading.Timer(args.lifetime, server.shutdown).start()
    print(f"sql http server on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
