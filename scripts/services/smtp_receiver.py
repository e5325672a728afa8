"""A real SMTP server for the delivery tests (aiosmtpd), on 127.0.0.1 only.

It requires STARTTLS (with the certificate given) and a login (alerts@example.org / secret)
before it accepts mail, and writes each message it receives as one JSON file (headers, envelope,
and every MIME part base64-encoded) into the output folder, so the tests can read exactly what
arrived. Recipients starting with "reject" are refused with 550. It stops by itself after
--lifetime seconds.
"""
import argparse
import base64
import email
import email.policy
import json
import os
import ssl
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = b"alerts@example.org", b"secret"


class Handler:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            parts.append({
                "content_type": part.get_content_type(),
                "content_id": part.get("Content-ID"),
                "disposition": part.get_content_disposition(),
                "filename": part.get_filename(),
                "base64": base64.b64encode(payload).decode(),
            })
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["Subject"]),
            "headers": {key: str(value) for key, value in message.items()},
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
            "parts": parts,
        }
        with self.lock:
            self.count += 1
            name = f"{time.time_ns()}-{self.count}.json"
        temporary = os.path.join(self.folder, "." + name)
        with open(temporary, "w") as f:
            json.dump(record, f)
        os.rename(temporary, os.path.join(self.folder, name))
        return "250 Message accepted for delivery"


def authenticate(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and auth_data.login == USER and auth_data.password == PASSWORD:
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--lifetime", type=float, default=2700)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    controller = Controller(Handler(args.out), hostname="127.0.0.1", port=args.port, tls_context=context,
                            require_starttls=True, authenticator=authenticate, auth_require_tls=True)
    controller.start()
    print(f"smtp receiver on 127.0.0.1:{args.port}", flush=True)
    try:
        time.sleep(args.lifetime)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
