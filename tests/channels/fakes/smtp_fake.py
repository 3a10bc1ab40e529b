#!/usr/bin/python3
"""A loopback SMTP server for the email channel tests (Debian's python3-aiosmtpd).

usage: smtp_fake.py --port-file F --maildir D [--cert C --key K] [--implicit-tls]
                    [--user U --password P]
STARTTLS is offered (and required) when --cert is given; with --implicit-tls the server speaks TLS
from the first byte instead (smtps). AUTH is required when --user is given. Recipients whose local
part starts with "busy" get 451, with "bad" get 550. Each message is written to D/NNN.eml and its
envelope to D/NNN.json. The chosen port is written to F (atomically) once the server listens.
"""
import argparse
import json
import os
import socket
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--maildir", required=True)
ap.add_argument("--cert")
ap.add_argument("--key")
ap.add_argument("--implicit-tls", action="store_true")
ap.add_argument("--user")
ap.add_argument("--password")
args = ap.parse_args()

lock = threading.Lock()
counter = [0]


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("busy"):
            return "451 4.3.0 Mailbox busy, try later"
        if local.startswith("bad"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with lock:
            counter[0] += 1
            n = counter[0]
        base = os.path.join(args.maildir, "%03d" % n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "peer_tls": session.ssl is not None,
                       "authenticated": bool(session.authenticated)}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and args.user is not None
          and auth_data.login.decode() == args.user
          and auth_data.password.decode() == args.password)
    return AuthResult(success=ok, handled=False)


ctx = None
if args.cert:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)

s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()

kwargs = {}
if args.user:
    # With implicit TLS aiosmtpd does not know the session is encrypted: don't require it there.
    kwargs.update(authenticator=authenticator, auth_required=True,
                  auth_require_tls=ctx is not None and not args.implicit_tls)
else:
    kwargs.update(auth_require_tls=False)
if ctx is not None and not args.implicit_tls:
    kwargs.update(tls_context=ctx, require_starttls=True)
controller = Controller(Handler(), hostname="127.0.0.1", port=port,
                        ssl_context=ctx if args.implicit_tls else None,
                        server_hostname="localhost" if args.implicit_tls else None, **kwargs)
controller.start()
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(port))
os.rename(args.port_file + ".tmp", args.port_file)
threading.Event().wait()
