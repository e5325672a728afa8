#!/usr/bin/env python3
"""A loopback server that speaks the OpenAI chat-completions protocol (and, at /v1/messages,
Anthropic's Messages API), for the LLM adapters' tests and for recording the replay scenarios'
LLM answers. 127.0.0.1 only; it stops by itself
after --lifetime seconds.

Its "model" is a small deterministic analyst: for a detection prompt ("TASK: detect") it flags
the points whose robust z-score (against the median and MAD of the series) exceeds 6; for a
verification prompt ("TASK: verify") it confirms the flagged points beyond 9; for an
explanation prompt ("TASK: explain") it writes two sentences from the numbers it is given.

The requested model name picks a fault, so tests can exercise the adapter:
  rate-limited          the first request answers 429 with Retry-After: 1
  no-structured-output  any request with response_format answers 400 (as servers without it do)
  malformed-once        the first answer is not JSON (the engine must ask for a repair)
  fenced                answers come inside ```json fences with prose around them
  broken                every request answers 500
GET /requests returns the bodies received so far, as a JSON list.

    scripts/services/chat_server.py --port 8765 [--key SECRET]
"""
import argparse
import base64
import binascii
import json
import re
import statistics
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

received = []
seen_models = {}
lock = threading.Lock()


def message_text(content):
    """A message's text: the string itself, or the text parts of a list of parts (the
    multimodal form), whose image_url parts must be PNG data URLs, as vision models take them."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise ValueError("content must be a string or a list of parts")
    texts = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            texts.append(part.get("text", ""))
        elif kind == "image_url":
            url = (part.get("image_url") or {}).get("url", "")
            prefix = "data:image/png;base64,"
            try:
                image = base64.b64decode(url[len(prefix):], validate=True) if url.startswith(prefix) else b""
            except binascii.Error:
                image = b""
            if not image.startswith(b"\x89PNG\r\n\x1a\n"):
                raise ValueError("image_url is not a PNG data URL")
        else:
            raise ValueError(f"unknown content part type {kind!r}")
    return "\n".join(texts)


def robust_z(values):
    median = statistics.median(values)
    mad = statistics.median([abs(v - median) for v in values]) or 1e-9
    return median, [(v - median) / (1.4826 * mad) for v in values]


def parse_table(text):
    points = []
    for line in text.splitlines():
        match = re.match(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(-?[\d.]+)$", line.strip())
        if match:
            points.append((match.group(1), float(match.group(2))))
    return points


def analyse(system, user):
    points = parse_table(user)
    values = [v for _, v in points]
    if not values:
        return {"anomalies": []} if "TASK: detect" in system else {"confirmed": []}
    median, z = robust_z(values)
    by_time = {t: (v, s) for (t, v), s in zip(points, z)}
    if system.startswith("TASK: detect"):
        anomalies = [{"timestamp": t, "explanation": f"{v:.2f} is {abs(s):.1f} robust standard deviations from the median {median:.2f}",
                      "confidence": round(min(1.0, abs(s) / 10), 2)} for (t, v), s in zip(points, z) if abs(s) > 6]
        return {"anomalies": anomalies}
    if system.startswith("TASK: verify"):
        flagged = re.findall(r"^- (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d):", user, re.M)
        confirmed = [{"timestamp": t, "explanation": f"{by_time[t][0]:.2f} is far outside the usual range around {median:.2f}"}
                     for t in flagged if t in by_time and abs(by_time[t][1]) > 9]
        return {"confirmed": confirmed}
    return None


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def anthropic(self, body):
        """Anthropic's Messages API, as its documentation gives it: x-api-key and anthropic-version
        headers, the system prompt apart, content blocks of text and base64 images, and the answer
        as content blocks with input and output token counts."""
        if self.server.key and self.headers.get("x-api-key") != self.server.key:
            return self.reply(401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}})
        if not self.headers.get("anthropic-version"):
            return self.reply(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "anthropic-version header is required"}})
        if not isinstance(body.get("max_tokens"), int) or any(m.get("role") not in ("user", "assistant") for m in body.get("messages", [])):
            return self.reply(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens and user/assistant messages are required"}})
        texts = []
        for m in body.get("messages", []):
            content = m["content"]
            if isinstance(content, str):
                texts.append(content)
                continue
            for block in content:
                if block.get("type") == "text":
                    texts.append(block.get("text", ""))
                elif block.get("type") == "image":
                    source = block.get("source", {})
                    try:
                        image = base64.b64decode(source.get("data", ""), validate=True)
                    except binascii.Error:
                        image = b""
                    if source.get("media_type") != "image/png" or not image.startswith(b"\x89PNG\r\n\x1a\n"):
                        return self.reply(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "image is not a base64 PNG"}})
                else:
                    return self.reply(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "unknown content block"}})
        user = "\n".join(texts)
        answer = analyse(body.get("system", ""), user)
        text = json.dumps(answer, sort_keys=True) if answer is not None else "The value moved far outside its usual range."
        self.reply(200, {
            "id": f"msg_{len(received)}", "type": "message", "role": "assistant", "model": body.get("model", ""),
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
            "usage": {"input_tokens": (len(user) + len(body.get("system", ""))) // 4, "output_tokens": len(text) // 4},
        })

    def reply(self, status, payload, headers=None):
        body = json.dumps(payload, sort_keys=True).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/requests":
            with lock:
                self.reply(200, received)
        else:
            self.reply(404, {"error": {"message": "not found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        with lock:
            received.append(body)
        if self.path == "/v1/messages":
            return self.anthropic(body)
        if not self.path.endswith("/chat/completions"):
            return self.reply(404, {"error": {"message": "not found"}})
        if self.server.key and self.headers.get("Authorization") != f"Bearer {self.server.key}":
            return self.reply(401, {"error": {"message": "invalid api key"}})
        model = body.get("model", "")
        with lock:
            count = seen_models.get(model, 0)
            seen_models[model] = count + 1
        if model == "broken":
            return self.reply(500, {"error": {"message": "internal error"}})
        if model == "rate-limited" and count == 0:
            return self.reply(429, {"error": {"message": "rate limited"}}, {"Retry-After": "1"})
        if model == "no-structured-output" and "response_format" in body:
            return self.reply(400, {"error": {"message": "response_format json_schema is not supported by this server"}})
        messages = body.get("messages", [])
        try:
            texts = [(m["role"], message_text(m["content"])) for m in messages]
        except ValueError as problem:
            return self.reply(400, {"error": {"message": str(problem)}})
        system = next((text for role, text in texts if role == "system"), "")
        user = "\n".join(text for role, text in texts if role == "user")
        answer = analyse(system, user)
        if answer is None:
            text = "The value moved far outside its usual range. Similar past alerts were mostly confirmed by feedback."
        else:
            text = json.dumps(answer, sort_keys=True)
        if model == "malformed-once" and count == 0:
            text = "Sure! Here is what I found: {anomalies: [oops"
        elif model == "fenced":
            text = "Here you go:\n```json\n" + text + "\n```\nHope this helps."
        prompt_tokens = sum(len(text) for _, text in texts) // 4
        self.reply(200, {
            "id": f"chatcmpl-{len(received)}", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": len(text) // 4,
                      "total_tokens": prompt_tokens + len(text) // 4},
        })


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", default="")
    parser.add_argument("--lifetime", type=float, default=2700)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.key = args.key
    threading.Timer(args.lifetime, server.shutdown).start()
    print(f"chat server on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
