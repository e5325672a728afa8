#!/usr/bin/env python3
"""A loopback server that answers BigQuery's and Snowflake's REST APIs, Cloud Storage's JSON API
and Google's OAuth token endpoint the way their documentation shows, for the engine's BigQuery and
Snowflake sources and its gs:// model store (the real services cannot be reached from here). Queries run on an in-memory SQLite database seeded with
a table `metrics_src`. Results are cut into pages of --page-size rows so that the engine must
follow BigQuery's pageToken and Snowflake's partitions. A statement containing `/* slow */` is not
finished at first (BigQuery: jobComplete false; Snowflake: 202), so that the engine must poll.
Both services check RS256 JWTs against --public-key with the `cryptography` package, which is not
the engine's code. 127.0.0.1 only; it stops by itself after --lifetime seconds.

  POST /token                                  OAuth 2.0 JWT bearer grant (RFC 7523): the assertion
                                               must be signed by the key, iss = --client-email,
                                               aud = this URL, a BigQuery scope; answers an access token.
  POST /bigquery/v2/projects/P/queries         jobs.query (useLegacySql false), maxResults honoured.
  GET  /bigquery/v2/projects/P/queries/JOB     jobs.getQueryResults with pageToken.
  POST /api/v2/statements                      Snowflake SQL API v2 with X-Snowflake-Authorization-
                                               Token-Type KEYPAIR_JWT; iss must be ACCOUNT.USER.SHA256:fp.
  GET  /api/v2/statements/H[?partition=N]      status of a running statement, or a further partition.
  POST /session/v1/login-request               Snowflake's drivers' password login (--password); answers a session token.
  POST /queries/v1/query-request               a statement under `Authorization: Snowflake Token="…"`: rows in `rowset`,
                                               then chunks at /chunks/H/N behind the `qrmk` key; `/* slow */`
                                               answers 333334 with a getResultUrl (GET /queries/H/result).
  POST /session?delete=true                    ends the session.
  POST /upload/storage/v1/b/B/o?uploadType=media&name=N   Cloud Storage media upload (bucket B must
                                               be --bucket); GET /storage/v1/b/B/o/N?alt=media reads it.

    scripts/services/cloud_server.py --port 8767 --public-key pub.pem --client-email sa@p.iam.gserviceaccount.com \
        --account TESTORG-ACCOUNT --user ENGINE --bucket engine-models
"""
import argparse
import base64
import calendar
import hashlib
import json
import re
import secrets
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

lock = threading.Lock()
db = sqlite3.connect(":memory:", check_same_thread=False)
db.executescript("""
CREATE TABLE metrics_src (metric_timestamp TEXT, metric_name TEXT, metric_value REAL, hits INTEGER, note TEXT);
INSERT INTO metrics_src VALUES
  ('2026-01-15 11:00:00', 'orders', 10.5, 3, 'ok'),
  ('2026-01-15 12:00:00', 'orders', 12.25, 9007199254740993, NULL),
  ('2026-01-15 13:00:00', 'orders', 11.0, 4, 'ok'),
  ('2026-01-15 14:00:00', 'orders', 9.75, 5, 'ok'),
  ('2026-01-15 15:00:00', 'orders', 30.5, 6, 'spike');
""")
# Anomstack's metrics table where each warehouse keeps it, for `engine import --from bigquery|snowflake`:
# BigQuery names it by its whole path in backticks (one identifier to SQLite), Snowflake by
# schema.table (an attached schema here), 30 hourly values and an alert with metadata.
db.execute("ATTACH ':memory:' AS anomstack")
for table in ['"engine-test.anomstack.metrics"', "anomstack.metrics"]:
    db.execute(f"CREATE TABLE {table} (metric_timestamp TEXT, metric_batch TEXT, metric_name TEXT, metric_type TEXT,"
               " metric_value REAL, metadata TEXT)")
    db.executemany(f"INSERT INTO {table} VALUES (?, 'shop', 'orders', 'metric', ?, NULL)",
                   [(f"2026-01-{15 + h // 24} {h % 24:02d}:00:00", 10.0 + h % 5) for h in range(30)])
    db.execute(f"INSERT INTO {table} VALUES ('2026-01-16 05:00:00', 'shop', 'orders', 'alert', 1, '{{\"score\": 0.93}}')")
jobs = {}
objects = {}


def run(sql):
    with lock:
        cursor = db.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()


def epoch(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S"))


def kind(column, rows, index):
    values = [row[index] for row in rows if row[index] is not None]
    if "timestamp" in column.lower():
        return "timestamp"
    if values and all(isinstance(v, int) for v in values):
        return "integer"
    if values and all(isinstance(v, (int, float)) for v in values):
        return "float"
    return "text"


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_jwt(token, public_key):
    """Returns the claims of a valid, unexpired RS256 token, else None."""
    try:
        header, claims, signature = token.split(".")
        if json.loads(b64url_decode(header)).get("alg") != "RS256":
            return None
        public_key.verify(b64url_decode(signature), f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
        claims = json.loads(b64url_decode(claims))
    except Exception:
        return None
    now = time.time()
    if not (claims.get("iat", 0) - 300 <= now < claims.get("exp", 0)) or claims["exp"] - claims["iat"] > 3600:
        return None
    return claims


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()

    def do_POST(self):
        url = urlparse(self.path)
        if url.path == "/token":
            return self.token(parse_qs(self.body()))
        match = re.fullmatch(r"/bigquery/v2/projects/([^/]+)/queries", url.path)
        if match:
            return self.bigquery_query(json.loads(self.body()))
        if url.path == "/api/v2/statements":
            return self.snowflake_submit(json.loads(self.body()))
        if url.path == "/session/v1/login-request":
            return self.session_login({k: v[0] for k, v in parse_qs(url.query).items()}, json.loads(self.body()))
        if url.path == "/queries/v1/query-request":
            return self.session_query(json.loads(self.body()))
        if url.path == "/session" and parse_qs(url.query).get("delete") == ["true"]:
            if self.session_authorized():
                self.server.sessions.discard(self.session_token())
                self.send(200, {"data": None, "code": None, "message": None, "success": True})
            return
        match = re.fullmatch(r"/upload/storage/v1/b/([^/]+)/o", url.path)
        if match:
            return self.storage_upload(match.group(1), {k: v[0] for k, v in parse_qs(url.query).items()})
        self.send(404, {"error": "not found"})

    def do_GET(self):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        match = re.fullmatch(r"/bigquery/v2/projects/([^/]+)/queries/([^/]+)", url.path)
        if match:
            return self.bigquery_results(match.group(2), query)
        match = re.fullmatch(r"/api/v2/statements/([^/]+)", url.path)
        if match:
            return self.snowflake_status(match.group(1), query)
        match = re.fullmatch(r"/storage/v1/b/([^/]+)/o/([^/]+)", url.path)
        if match:
            return self.storage_download(match.group(1), unquote(match.group(2)), query)
        match = re.fullmatch(r"/queries/([^/]+)/result", url.path)
        if match:
            return self.session_result(match.group(1))
        match = re.fullmatch(r"/chunks/([^/]+)/(\d+)", url.path)
        if match:
            return self.session_chunk(match.group(1), int(match.group(2)))
        self.send(404, {"error": "not found"})

    # Google OAuth and BigQuery

    def token(self, form):
        grant = form.get("grant_type", [""])[0]
        claims = verify_jwt(form.get("assertion", [""])[0], self.server.public_key)
        if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer" or claims is None:
            return self.send(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
        if claims.get("iss") != self.server.client_email or not claims.get("aud", "").endswith("/token") or not claims.get("scope"):
            return self.send(400, {"error": "invalid_grant", "error_description": "Invalid JWT: claims do not match the service account."})
        access = "ya29." + secrets.token_urlsafe(24)
        self.server.access_tokens[access] = claims["scope"].split()
        self.send(200, {"access_token": access, "expires_in": 3599, "token_type": "Bearer"})

    def google_authorized(self, scopes):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header[7:] not in self.server.access_tokens:
            self.send(401, {"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}})
            return False
        if not set(scopes) & set(self.server.access_tokens[header[7:]]):
            self.send(403, {"error": {"code": 403, "message": "Request had insufficient authentication scopes.", "status": "PERMISSION_DENIED"}})
            return False
        return True

    def bigquery_authorized(self):
        return self.google_authorized(["https://www.googleapis.com/auth/bigquery.readonly", "https://www.googleapis.com/auth/bigquery",
                                       "https://www.googleapis.com/auth/cloud-platform"])

    # Cloud Storage

    def storage_authorized(self, bucket):
        if not self.google_authorized(["https://www.googleapis.com/auth/devstorage.read_write",
                                       "https://www.googleapis.com/auth/cloud-platform"]):
            return False
        if bucket != self.server.bucket:
            self.send(404, {"error": {"code": 404, "message": "The specified bucket does not exist.",
                                      "errors": [{"domain": "global", "reason": "notFound", "message": "The specified bucket does not exist."}]}})
            return False
        return True

    def storage_upload(self, bucket, query):
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not self.storage_authorized(bucket):
            return
        if query.get("uploadType") != "media" or not query.get("name"):
            return self.send(400, {"error": {"code": 400, "message": "Required parameter: name / uploadType=media"}})
        objects[query["name"]] = data
        self.send(200, {"kind": "storage#object", "bucket": bucket, "name": query["name"], "size": str(len(data)),
                        "contentType": self.headers.get("Content-Type", "application/octet-stream")})

    def storage_download(self, bucket, name, query):
        if not self.storage_authorized(bucket):
            return
        if name not in objects:
            return self.send(404, {"error": {"code": 404, "message": f"No such object: {bucket}/{name}"}})
        if query.get("alt") != "media":
            return self.send(200, {"kind": "storage#object", "bucket": bucket, "name": name, "size": str(len(objects[name]))})
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(objects[name])))
        self.end_headers()
        self.wfile.write(objects[name])

    def bigquery_query(self, request):
        if not self.bigquery_authorized():
            return
        if request.get("useLegacySql", True):
            return self.send(400, {"error": {"code": 400, "message": "the test server only speaks standard SQL", "status": "INVALID_ARGUMENT"}})
        try:
            columns, rows = run(request["query"])
        except sqlite3.Error as error:
            return self.send(400, {"error": {"code": 400, "message": f"Syntax error: {error}", "status": "INVALID_ARGUMENT",
                                             "errors": [{"reason": "invalidQuery", "message": str(error)}]}})
        job = "job_" + secrets.token_hex(8)
        jobs[job] = {"columns": columns, "rows": rows, "pending": "/* slow */" in request["query"],
                     "page": int(request.get("maxResults") or self.server.page_size)}
        self.send(200, self.bigquery_page(job, 0))

    def bigquery_results(self, job, query):
        if not self.bigquery_authorized():
            return
        if job not in jobs:
            return self.send(404, {"error": {"code": 404, "message": f"Not found: Job {job}", "status": "NOT_FOUND"}})
        jobs[job]["pending"] = False
        if "maxResults" in query:
            jobs[job]["page"] = int(query["maxResults"])
        self.send(200, self.bigquery_page(job, int(query.get("pageToken", "0"))))

    def bigquery_page(self, job, start):
        state = jobs[job]
        reference = {"projectId": "engine-test", "jobId": job, "location": "US"}
        if state["pending"]:
            return {"kind": "bigquery#getQueryResultsResponse", "jobReference": reference, "jobComplete": False}
        columns, rows = state["columns"], state["rows"]
        kinds = [kind(c, rows, i) for i, c in enumerate(columns)]
        types = {"timestamp": "TIMESTAMP", "integer": "INTEGER", "float": "FLOAT", "text": "STRING"}

        def cell(value, k):
            if value is None:
                return {"v": None}
            if k == "timestamp":
                # BigQuery sends TIMESTAMP as epoch seconds in E notation, e.g. "1.7686944E9".
                mantissa, exponent = f"{float(epoch(value)):.15E}".split("E")
                return {"v": f"{mantissa.rstrip('0').rstrip('.')}E{int(exponent)}"}
            return {"v": str(value)}
        page = rows[start:start + state["page"]]
        answer = {"kind": "bigquery#queryResponse", "jobReference": reference, "jobComplete": True,
                  "schema": {"fields": [{"name": c, "type": types[k], "mode": "NULLABLE"} for c, k in zip(columns, kinds)]},
                  "totalRows": str(len(rows)), "rows": [{"f": [cell(v, k) for v, k in zip(row, kinds)]} for row in page],
                  "cacheHit": False}
        if start + state["page"] < len(rows):
            answer["pageToken"] = str(start + state["page"])
        return answer

    # Snowflake

    def snowflake_authorized(self):
        header = self.headers.get("Authorization", "")
        claims = verify_jwt(header[7:], self.server.public_key) if header.startswith("Bearer ") else None
        subject = f"{self.server.account}.{self.server.user}"
        if self.headers.get("X-Snowflake-Authorization-Token-Type") != "KEYPAIR_JWT" or claims is None \
                or claims.get("sub") != subject or claims.get("iss") != f"{subject}.{self.server.fingerprint}":
            self.send(401, {"code": "390144", "message": "JWT token is invalid."})
            return False
        return True

    def snowflake_submit(self, request):
        if not self.snowflake_authorized():
            return
        handle = "01b" + secrets.token_hex(14)
        try:
            columns, rows = run(request["statement"])
        except sqlite3.Error as error:
            return self.send(422, {"code": "002003", "sqlState": "42S02", "statementHandle": handle,
                                   "message": f"SQL compilation error:\n{error}"})
        jobs[handle] = {"columns": columns, "rows": rows, "pending": "/* slow */" in request["statement"]}
        if jobs[handle]["pending"]:
            return self.send(202, {"code": "333334", "statementHandle": handle, "statementStatusUrl": f"/api/v2/statements/{handle}",
                                   "message": "Asynchronous execution in progress. Use provided query id to perform query monitoring and management."})
        self.send(200, self.snowflake_result(handle))

    def snowflake_status(self, handle, query):
        if not self.snowflake_authorized():
            return
        if handle not in jobs:
            return self.send(404, {"code": "000709", "message": f"Statement {handle} not found"})
        jobs[handle]["pending"] = False
        if "partition" in query:
            index = int(query["partition"])
            return self.send(200, {"data": self.snowflake_data(handle)[index * self.server.page_size:(index + 1) * self.server.page_size]})
        self.send(200, self.snowflake_result(handle))

    def snowflake_data(self, handle):
        columns, rows = jobs[handle]["columns"], jobs[handle]["rows"]
        kinds = [kind(c, rows, i) for i, c in enumerate(columns)]

        def cell(value, k):
            if value is None:
                return None
            if k == "timestamp":
                return f"{epoch(value)}.000000000"
            return str(value)
        return [[cell(v, k) for v, k in zip(row, kinds)] for row in rows]

    def snowflake_result(self, handle):
        columns, rows = jobs[handle]["columns"], jobs[handle]["rows"]
        kinds = [kind(c, rows, i) for i, c in enumerate(columns)]
        types = {"timestamp": ("timestamp_ntz", 9), "integer": ("fixed", 0), "float": ("real", None), "text": ("text", None)}
        data = self.snowflake_data(handle)
        size = self.server.page_size
        partitions = [data[i:i + size] for i in range(0, len(data), size)] or [[]]
        return {"resultSetMetaData": {"numRows": len(data), "format": "jsonv2",
                                      "partitionInfo": [{"rowCount": len(p), "uncompressedSize": len(json.dumps(p))} for p in partitions],
                                      "rowType": [{"name": c.upper(), "type": types[k][0], "scale": types[k][1], "nullable": True}
                                                  for c, k in zip(columns, kinds)]},
                "data": partitions[0], "code": "090001", "statementHandle": handle,
                "statementStatusUrl": f"/api/v2/statements/{handle}", "sqlState": "00000",
                "message": "Statement executed successfully.", "createdOn": int(time.time() * 1000)}


    # Snowflake's drivers' session protocol (password logins), as its connectors speak it.

    def session_login(self, query, request):
        data = request.get("data", {})
        if data.get("ACCOUNT_NAME") != self.server.account or data.get("LOGIN_NAME", "").upper() != self.server.user \
                or data.get("PASSWORD") != self.server.password:
            return self.send(200, {"data": {"nextAction": "RETRY_LOGIN", "authnMethod": "USERNAME_PASSWORD"}, "code": "390100",
                                   "message": "Incorrect username or password was specified.", "success": False})
        token = "ver:1-hint:" + secrets.token_hex(12)
        self.server.sessions.add(token)
        self.send(200, {"data": {"token": token, "masterToken": "ver:1-hint:" + secrets.token_hex(12), "validityInSeconds": 3600,
                                 "sessionInfo": {"warehouseName": query.get("warehouse"), "databaseName": query.get("databaseName")}},
                        "code": None, "message": None, "success": True})

    def session_token(self):
        match = re.fullmatch(r'Snowflake Token="([^"]+)"', self.headers.get("Authorization", ""))
        return match.group(1) if match else None

    def session_authorized(self):
        if self.session_token() not in self.server.sessions:
            self.send(401, {"data": None, "code": "390104", "message": "User must login again to access the service.", "success": False})
            return False
        return True

    def session_query(self, request):
        if not self.session_authorized():
            return
        handle = "01c" + secrets.token_hex(14)
        try:
            columns, rows = run(request["sqlText"])
        except sqlite3.Error as error:
            return self.send(200, {"data": {"queryId": handle, "sqlState": "42S02"}, "code": "002003",
                                   "message": f"SQL compilation error:\n{error}", "success": False})
        jobs[handle] = {"columns": columns, "rows": rows, "pending": "/* slow */" in request["sqlText"]}
        if jobs[handle]["pending"]:
            return self.send(200, {"data": {"queryId": handle, "getResultUrl": f"/queries/{handle}/result"}, "code": "333334",
                                   "message": "Asynchronous execution in progress.", "success": True})
        self.send(200, self.session_answer(handle))

    def session_result(self, handle):
        if not self.session_authorized():
            return
        jobs[handle]["pending"] = False
        self.send(200, self.session_answer(handle))

    def session_answer(self, handle):
        # The first --page-size rows in `rowset`, the rest in chunks of --page-size behind the
        # query result master key (`qrmk`), which the chunk URLs demand as storage does.
        columns, rows = jobs[handle]["columns"], jobs[handle]["rows"]
        kinds = [kind(c, rows, i) for i, c in enumerate(columns)]
        types = {"timestamp": ("timestamp_ntz", 9), "integer": ("fixed", 0), "float": ("real", None), "text": ("text", None)}
        data = self.snowflake_data(handle)
        size = self.server.page_size
        jobs[handle]["qrmk"] = base64.b64encode(secrets.token_bytes(32)).decode()
        chunks = [{"url": f"http://127.0.0.1:{self.server.server_address[1]}/chunks/{handle}/{i}", "rowCount": len(data[i:i + size]),
                   "uncompressedSize": len(json.dumps(data[i:i + size]))} for i in range(size, len(data), size)]
        return {"data": {"parameters": [], "rowtype": [{"name": c.upper(), "type": types[k][0], "scale": types[k][1], "nullable": True}
                                                       for c, k in zip(columns, kinds)],
                         "rowset": data[:size], "total": len(data), "returned": len(data), "queryId": handle,
                         "queryResultFormat": "json", "chunks": chunks, "qrmk": jobs[handle]["qrmk"]},
                "code": None, "message": None, "success": True}

    def session_chunk(self, handle, start):
        if handle not in jobs or self.headers.get("x-amz-server-side-encryption-customer-key") != jobs[handle].get("qrmk") \
                or self.headers.get("x-amz-server-side-encryption-customer-algorithm") != "AES256":
            body = b"<Error><Code>AccessDenied</Code></Error>"
            self.send_response(403)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        rows = self.snowflake_data(handle)[start:start + self.server.page_size]
        body = ",".join(json.dumps(row) for row in rows).encode()
        self.send_response(200)
        self.send_header("Content-Type", "binary/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--public-key", required=True)
    parser.add_argument("--client-email", required=True)
    parser.add_argument("--account", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--password", default="engine-password", help="the Snowflake user's password for session logins")
    parser.add_argument("--page-size", type=int, default=2)
    parser.add_argument("--lifetime", type=float, default=2700)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    with open(args.public_key, "rb") as file:
        server.public_key = serialization.load_pem_public_key(file.read())
    der = server.public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    server.fingerprint = "SHA256:" + base64.b64encode(hashlib.sha256(der).digest()).decode()
    server.client_email, server.account, server.user = args.client_email, args.account.upper(), args.user.upper()
    server.page_size, server.access_tokens, server.bucket = args.page_size, {}, args.bucket
    server.password, server.sessions = args.password, set()
    threading.Timer(args.lifetime, server.shutdown).start()
    print(f"cloud server on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
