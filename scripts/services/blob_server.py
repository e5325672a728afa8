#!/usr/bin/env python3
"""A loopback server for the engine's Azure Blob model store, following Azure's documented Blob
REST API: Create Container (PUT ?restype=container), Put Blob (PUT, x-ms-blob-type: BlockBlob),
Get Blob (GET), with errors in the x-ms-error-code header, and Shared Key authorisation checked
from the documented string-to-sign (an implementation independent of the engine's). Blobs live
in memory. 127.0.0.1 only; it stops by itself after --lifetime seconds.

    scripts/services/blob_server.py --port 8767 --account devaccount --key BASE64KEY
"""
import argparse
import base64
import hashlib
import hmac
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

containers = {}
lock = threading.Lock()


def string_to_sign(method, path, query, headers, length):
    def h(name):
        return headers.get(name, "")
    standard = [h("content-encoding"), h("content-language"), "" if length == 0 else str(length), h("content-md5"),
                h("content-type"), h("date"), h("if-modified-since"), h("if-match"), h("if-none-match"),
                h("if-unmodified-since"), h("range")]
    ms = "".join(f"{k}:{v.strip()}\n" for k, v in sorted(headers.items()) if k.startswith("x-ms-"))
    resource = f"/{Handler.account}{path}" + "".join(f"\n{k.lower()}:{v}" for k, v in sorted(parse_qsl(query)))
    return "\n".join([method] + standard) + "\n" + ms + resource


class Handler(BaseHTTPRequestHandler):
    account = ""
    key = b""

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", error=None):
        self.send_response(status)
        if error:
            self.send_header("x-ms-error-code", error)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def authorised(self, method, body):
        url = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        expected = base64.b64encode(hmac.new(self.key, string_to_sign(method, url.path, url.query, headers, len(body)).encode(),
                                             hashlib.sha256).digest()).decode()
        return headers.get("authorization") == f"SharedKey {self.account}:{expected}" and "x-ms-date" in headers

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not self.authorised("PUT", body):
            return self.reply(403, error="AuthenticationFailed")
        url = urlsplit(self.path)
        parts = url.path.lstrip("/").split("/", 1)
        with lock:
            if dict(parse_qsl(url.query)).get("restype") == "container":
                if parts[0] in containers:
                    return self.reply(409, error="ContainerAlreadyExists")
                containers[parts[0]] = {}
                return self.reply(201)
            if parts[0] not in containers:
                return self.reply(404, error="ContainerNotFound")
            if self.headers.get("x-ms-blob-type") != "BlockBlob":
                return self.reply(400, error="MissingRequiredHeader")
            containers[parts[0]][parts[1]] = body
        self.reply(201)

    def do_GET(self):
        if not self.authorised("GET", b""):
            return self.reply(403, error="AuthenticationFailed")
        parts = urlsplit(self.path).path.lstrip("/").split("/", 1)
        with lock:
            if parts[0] not in containers:
                return self.reply(404, error="ContainerNotFound")
            blob = containers[parts[0]].get(parts[1] if len(parts) > 1 else "")
        if blob is None:
            return self.reply(404, error="BlobNotFound")
        self.reply(200, blob)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--account", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--lifetime", type=float, default=2700)
    args = parser.parse_args()
    Handler.account, Handler.key = args.account, base64.b64decode(args.key)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    threading.Timer(args.lifetime, server.shutdown).start()
    print(f"blob server on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
