#!/usr/bin/python3
"""A loopback HTTP(S) server standing in for a webhook receiver and for the Zalo APIs.

usage: http_fake.py --port-file F [--cert C --key K] [--webhook-secret whsec_...]
                    [--app-id ID --secret-key S --access-token A --refresh-token R]
                    [--refresh-delay SECONDS]

Webhook paths (signature checked with this file's own hmac/base64 code; deliveries counted by
webhook-id):  /hook/ok → 200;  /hook/flaky → 500 the first time an id is seen, then 200;
/hook/gone → 410;  /hook/redirect → 302 to /hook/ok;  /hook/busy → 503 + Retry-After: 120.
Bad signature or a timestamp off by more than 5 minutes → 401.

Zalo paths: POST /v4/oa/access_token (refresh with rotation: the old refresh token stops working;
expires_in is a string; --refresh-delay: the answer comes that much later, so that refreshes from
several instances overlap), POST /message/template (ZNS by phone), POST /v3.0/oa/message/template and
/v3.0/oa/message/cs (OA). Scripted recipients: phone 84900000133 → -133 (night ban), user id
"u-notfollow" → -213, "u-ratelimit" → -32. POST /control/expire invalidates the current access token
(the next OA call gets -216, ZNS -124). GET /control/state → JSON of counters.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--cert")
ap.add_argument("--key")
ap.add_argument("--webhook-secret", default="")
ap.add_argument("--app-id", default="")
ap.add_argument("--secret-key", default="")
ap.add_argument("--access-token", default="")
ap.add_argument("--refresh-token", default="")
ap.add_argument("--refresh-delay", type=float, default=0.0)
args = ap.parse_args()

lock = threading.Lock()
state = {
    "deliveries": {},       # webhook-id -> count of requests with a valid signature
    "bad_signatures": 0,
    "last_body": None,
    "last_headers": {},
    "requests": [],         # [path, ...]
    "refreshes": 0,
    "refresh_requests": 0,  # every POST to the OAuth endpoint, accepted or not
    "refresh_failures": 0,
    "access_tokens": [args.access_token] if args.access_token else [],
    "refresh_token": args.refresh_token,
    "sends": [],            # accepted sends: {"path", "token", "body"}
    "token_errors": 0,
}
counter = [0]


def verify_webhook(headers, body):
    secret = args.webhook_secret
    if secret.startswith("whsec_"):
        secret = secret[len("whsec_"):]
    key = base64.b64decode(secret)
    msg_id = headers.get("webhook-id", "")
    ts = headers.get("webhook-timestamp", "")
    try:
        if abs(time.time() - int(ts)) > 300:
            return False
    except ValueError:
        return False
    signed = msg_id.encode() + b"." + ts.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for sig in headers.get("webhook-signature", "").split(" "):
        version, _, value = sig.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, obj=None, headers=()):
        data = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/control/state":
            with lock:
                self.reply(200, state)
        else:
            self.reply(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        path = self.path
        with lock:
            state["requests"].append(path)
        if path.startswith("/hook/"):
            return self.webhook(path, body)
        if path == "/control/expire":
            with lock:
                state["access_tokens"] = []
            return self.reply(200, {"ok": True})
        if path == "/v4/oa/access_token":
            return self.refresh(body)
        if path in ("/message/template", "/v3.0/oa/message/template", "/v3.0/oa/message/cs"):
            return self.zalo_send(path, body)
        self.reply(404, {"error": "not found"})

    def webhook(self, path, body):
        headers = {k.lower(): v for k, v in self.headers.items()}
        if not verify_webhook(headers, body):
            with lock:
                state["bad_signatures"] += 1
            return self.reply(401, {"error": "bad signature"})
        msg_id = headers["webhook-id"]
        with lock:
            n = state["deliveries"].get(msg_id, 0) + 1
            state["deliveries"][msg_id] = n
            state["last_body"] = body.decode()
            state["last_headers"] = headers
        if path == "/hook/ok":
            return self.reply(200, {"ok": True})
        if path == "/hook/flaky":
            return self.reply(500 if n == 1 else 200, {"n": n})
        if path == "/hook/gone":
            return self.reply(410, {"error": "gone"})
        if path == "/hook/redirect":
            return self.reply(302, None, [("Location", "/hook/ok")])
        if path == "/hook/busy":
            return self.reply(503, {"error": "busy"}, [("Retry-After", "120")])
        return self.reply(404, {"error": "no such hook"})

    def refresh(self, body):
        form = urllib.parse.parse_qs(body.decode())
        get = lambda k: form.get(k, [""])[0]
        with lock:
            state["refresh_requests"] += 1
        time.sleep(args.refresh_delay)
        with lock:
            ok = (self.headers.get("secret_key") == args.secret_key
                  and get("app_id") == args.app_id and get("grant_type") == "refresh_token"
                  and get("refresh_token") == state["refresh_token"] and state["refresh_token"])
            if not ok:
                state["refresh_failures"] += 1
                return self.reply(200, {"error": -14014, "error_name": "Invalid refresh token",
                                        "error_reason": "refresh token is invalid or used"})
            counter[0] += 1
            access = "at-%d" % counter[0]
            refresh = "rt-%d" % counter[0]
            state["access_tokens"] = [access]    # the old access token stops working too
            state["refresh_token"] = refresh     # rotation: the old one is dead
            state["refreshes"] += 1
        self.reply(200, {"access_token": access, "refresh_token": refresh, "expires_in": "90000"})

    def zalo_send(self, path, body):
        token = self.headers.get("access_token", "")
        business = path == "/message/template"
        req = json.loads(body)
        with lock:
            valid = token in state["access_tokens"]
            if not valid:
                state["token_errors"] += 1
        if not valid:
            return self.reply(200, {"error": -124 if business else -216,
                                    "message": "Access token is invalid"})
        if business:
            if req.get("phone") == "84900000133":
                return self.reply(200, {"error": -133, "message": "Cannot send at night"})
        else:
            uid = req.get("user_id") or req.get("recipient", {}).get("user_id")
            if uid == "u-notfollow":
                return self.reply(200, {"error": -213, "message": "User has not followed OA"})
            if uid == "u-ratelimit":
                return self.reply(200, {"error": -32, "message": "reached limit call api"})
        with lock:
            state["sends"].append({"path": path, "token": token, "body": req})
            n = len(state["sends"])
        data = {"msg_id": "m%d" % n, "sent_time": "1626926349402"} if business else \
               {"message_id": "m%d" % n, "user_id": "x"}
        self.reply(200, {"error": 0, "message": "Success", "data": data})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
if args.cert:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
port = server.server_address[1]
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(port))
os.rename(args.port_file + ".tmp", args.port_file)
server.serve_forever()
