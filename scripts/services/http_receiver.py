"""An HTTP receiver for the delivery tests, on 127.0.0.1 only: it records every request and
answers as the path asks, so tests can exercise success, failure and retry.

  /status/<code>/...      answer <code> (429 comes with Retry-After: 1)
  /slow/<seconds>/...     wait, then 200
  /flaky/<n>/<key>/...    500 for the first <n> requests with this key, then 200
  /slack/api/<method>     Slack's Web API as its documentation shows it (bearer token xoxb-test;
                          conversations.list answers in two pages: #general, then #alerts)
  /slack/upload/<id>      Slack's upload URL
  anything else           200 {"ok": true}
  GET /_requests?contains=<text>   the recorded requests whose path contains <text>, as JSON

Each record holds the method, path, headers, the body in base64, and the body's HMAC-SHA256
under the key "test-secret" (computed here with Python's hmac, to check the engine's signature).
It stops by itself after --lifetime seconds.
"""
import argparse
import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

records = []
flaky = {}
lock = threading.Lock()
TOKEN = "xoxb-test"


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def reply(self, status, body, content_type="application/json", headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/_requests":
            wanted = urllib.parse.parse_qs(url.query).get("contains", [""])[0]
            with lock:
                found = [r for r in records if wanted in r["path"]]
            self.reply(200, json.dumps(found))
        else:
            self.reply(404, json.dumps({"error": "not found"}))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        record = {
            "method": "POST", "path": self.path,
            "headers": {key.lower(): value for key, value in self.headers.items()},
            "body_base64": base64.b64encode(body).decode(),
            "hmac_test_secret": hmac.new(b"test-secret", body, hashlib.sha256).hexdigest(),
        }
        with lock:
            records.append(record)
        parts = self.path.strip("/").split("/")
        if parts[0] == "status" and len(parts) > 1:
            code = int(parts[1])
            self.reply(code, json.dumps({"status": code}), headers={"Retry-After": "1"} if code == 429 else None)
        elif parts[0] == "slow" and len(parts) > 1:
            time.sleep(float(parts[1]))
            self.reply(200, json.dumps({"ok": True}))
        elif parts[0] == "flaky" and len(parts) > 2:
            with lock:
                seen = flaky.get(parts[2], 0)
                flaky[parts[2]] = seen + 1
            self.reply(500 if seen < int(parts[1]) else 200, json.dumps({"attempt": seen + 1}))
        elif parts[0] == "slack" and len(parts) > 2 and parts[1] == "api":
            self.slack(parts[2], body)
        elif parts[0] == "slack" and len(parts) > 2 and parts[1] == "upload":
            self.reply(200, f"OK - {len(body)}", content_type="text/plain")
        else:
            self.reply(200, json.dumps({"ok": True}))

    def slack(self, method, body):
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.reply(200, json.dumps({"ok": False, "error": "invalid_auth"}))
            return
        if method == "files.getUploadURLExternal":
            form = urllib.parse.parse_qs(body.decode())
            if "filename" not in form or "length" not in form:
                self.reply(200, json.dumps({"ok": False, "error": "invalid_arguments"}))
                return
            with lock:
                file_id = f"F{len(records):06d}"
            host = self.headers.get("Host")
            self.reply(200, json.dumps({"ok": True, "upload_url": f"http://{host}/slack/upload/{file_id}", "file_id": file_id}))
        elif method == "files.completeUploadExternal":
            request = json.loads(body or b"{}")
            if request.get("channel_id") == "C_MISSING":
                self.reply(200, json.dumps({"ok": False, "error": "channel_not_found"}))
                return
            self.reply(200, json.dumps({"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in request["files"]]}))
        elif method == "conversations.list":
            # Two pages, as Slack paginates with response_metadata.next_cursor.
            form = urllib.parse.parse_qs(body.decode())
            if form.get("cursor", [""])[0] == "page2":
                page = {"ok": True, "channels": [{"id": "C0ALERTS", "name": "alerts"}], "response_metadata": {"next_cursor": ""}}
            else:
                page = {"ok": True, "channels": [{"id": "C0GENERAL", "name": "general"}], "response_metadata": {"next_cursor": "page2"}}
            self.reply(200, json.dumps(page))
        elif method == "chat.postMessage":
            self.reply(200, json.dumps({"ok": True, "channel": json.loads(body)["channel"], "ts": "1.000001"}))
        else:
            self.reply(200, json.dumps({"ok": False, "error": "unknown_method"}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--lifetime", type=float, default=2700)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Receiver)
    server.daemon_threads = True
    threading.Timer(args.lifetime, server.shutdown).start()
    print(f"http receiver on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
