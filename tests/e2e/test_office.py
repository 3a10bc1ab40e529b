#!/usr/bin/python3
"""End-to-end tests of the office's view (issue 15): the pages rendered by real headless Chromium,
the JSON API, TLS with HTTP Basic logins, check-config's refusal of an exposed endpoint, routing
warnings, and the new message content delivered to a real SMTP server (aiosmtpd) on loopback.

Run: DUNGHAN_BINARY=build/dunghan /usr/bin/python3 -m unittest -v tests/e2e/test_office.py
"""
import base64
import datetime
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from aiosmtpd.controller import Controller

import test_daemon as base

BINARY = base.BINARY
HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_CERTS = os.path.join(HERE, "..", "channels", "fakes", "make_certs.py")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--enable-logging=stderr", "--v=0"]


def chromium(url, profile, extra=()):
    """The DOM Chromium builds for `url`, and the console lines it logged (JavaScript errors)."""
    r = subprocess.run(["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra,
                        "--dump-dom", url], capture_output=True, text=True, timeout=120)
    if r.returncode != 0 and not r.stdout:
        raise AssertionError(f"chromium failed ({r.returncode}): {r.stderr[-2000:]}")
    console = [l for l in r.stderr.splitlines() if ":CONSOLE" in l]
    return r.stdout, console


class Cdp:
    """Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
    NUL-separated JSON on file descriptors 3 and 4), to fill in and submit a form the way a user
    does. Answers HTTP Basic challenges with `auth` ("user:password")."""

    def __init__(self, profile, auth=None):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        cmd = ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
               "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(
            ["/bin/bash", "-c", f'exec "$@" 3<&{to_chrome_r} 4>&{from_chrome_w}', "bash", *cmd],
            pass_fds=(to_chrome_r, from_chrome_w), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.auth = auth.split(":", 1) if auth else None
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.console = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Page.enable", "Runtime.enable"):
            self.call(method, session=True)
        if self.auth:
            self.call("Fetch.enable", {"handleAuthRequests": True}, session=True)

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:  # noqa: BLE001 - it may already be gone
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)

    def _read(self, timeout=60):
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise AssertionError("chromium did not answer")
            chunk = os.read(self.from_chrome, 65536)
            if not chunk:
                raise AssertionError("chromium closed the pipe: " +
                                     self.proc.stderr.read().decode(errors="replace")[-2000:])
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        m = json.loads(msg)
        method = m.get("method")
        if method == "Fetch.requestPaused":
            self._send("Fetch.continueRequest", {"requestId": m["params"]["requestId"]}, True)
        elif method == "Fetch.authRequired":
            self._send("Fetch.continueWithAuth", {
                "requestId": m["params"]["requestId"],
                "authChallengeResponse": {"response": "ProvideCredentials",
                                          "username": self.auth[0], "password": self.auth[1]}},
                True)
        elif method in ("Runtime.exceptionThrown", "Runtime.consoleAPICalled"):
            self.console.append(m["params"])
        elif method:
            self.events.append(method)
        return m

    def _send(self, method, params=None, session=False):
        self.next_id += 1
        m = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = self.session
        try:
            os.write(self.to_chrome, json.dumps(m).encode() + b"\0")
        except BrokenPipeError:
            self.proc.wait(timeout=10)
            raise AssertionError(f"chromium exited ({self.proc.returncode}): " +
                                 self.proc.stderr.read().decode(errors="replace")[-3000:])
        return self.next_id

    def call(self, method, params=None, session=False):
        i = self._send(method, params, session)
        while True:
            m = self._read()
            if m.get("id") == i:
                if "error" in m:
                    raise AssertionError(f"{method}: {m['error']}")
                return m.get("result", {})

    def wait_load(self):
        while "Page.loadEventFired" not in self.events:
            self._read()
        self.events.clear()

    def open(self, url):
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_load()
        return self.dom()

    def run(self, expression):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                      session=True)
        if "exceptionDetails" in r:
            raise AssertionError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def dom(self):
        return self.run("document.documentElement.outerHTML")


def get(url, auth=None, context=None):
    req = urllib.request.Request(url)
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=10, context=context) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


class OfficeBase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="dunghan-office-")
        self.dir = self.tmp.name
        self.recorder = base.Recorder()
        self.smtp = Controller(self.recorder, hostname="127.0.0.1", port=base.free_port())
        self.smtp.start()
        self.port = base.free_port()
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if base.DaemonTest._failed(self):
            for name in sorted(os.listdir(self.dir)):
                if name.startswith("daemon") and name.endswith(".log"):
                    with open(os.path.join(self.dir, name), encoding="utf-8") as f:
                        print(f"\n---- {name} ----\n{f.read()}", file=sys.stderr)
        self.smtp.stop()
        self.tmp.cleanup()

    # ---- helpers --------------------------------------------------------------------------------
    def write_config(self, service_extra="", listen=None):
        listen = listen or f"127.0.0.1:{self.port}"
        text = f"""
[service]
state_dir = "state"
listen = "{listen}"
poll_interval = 1
{service_extra}

[[procedure]]
code = "1.001"
name = "Cấp phép lao động"
field = "Lao động"
duration = "5 working days"

[[recipient]]
id = "cvien"
name = "Nguyễn Văn Á"
email = "cvien@example.gov.vn"
department = "Phòng Lao động"
roles = ["handler"]

[[recipient]]
id = "truongphong"
name = "Trần Thị Bích"
email = "truongphong@example.gov.vn"
department = "Phòng Lao động"
roles = ["head"]

[channel.mail]
type = "email"
url = "smtp://127.0.0.1:{self.smtp.port}"
starttls = false
from = "Một cửa <motcua@example.gov.vn>"
send_window = "always"

[[rule]]
name = "qua-han"
when = "overdue"
to = ["handler", "department_head"]
channels = ["mail"]
repeat = "1 working day"
"""
        self.cfg = os.path.join(self.dir, "dunghan.toml")
        with open(self.cfg, "w", encoding="utf-8") as f:
            f.write(text)
        return self.cfg

    def dunghan(self, *args, stdin=None):
        return subprocess.run([BINARY, *args], capture_output=True, text=True, input=stdin,
                              timeout=120)

    def seed(self):
        """Three overdue dossiers of Phòng Lao động handled by cvien, and one whose department is
        spelled otherwise and whose handler is nobody configured."""
        received = (datetime.datetime.now(base.ICT) - datetime.timedelta(days=60)).strftime(
            "%Y-%m-%d 09:00")
        path = os.path.join(self.dir, "dossiers.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("code,procedure_code,procedure_name,field,department,handler,applicant,channel,"
                    "received_at,status\n")
            for i in range(3):
                f.write(f"HS-00{i},1.001,Cấp phép lao động,Lao động,Phòng Lao động,cvien,"
                        f"Công ty Hoa Sen {i},direct,{received},processing\n")
            f.write(f"HS-QLDT,1.001,Cấp phép lao động,Lao động,Phòng QLĐT,ghost,Hộ kinh doanh Mai,"
                    f"online,{received},processing\n")
        return self.dunghan("import", "--dossiers", path, "--config", self.cfg)

    def start(self):
        log = open(os.path.join(self.dir, f"daemon-{len(self.procs)}.log"), "w")
        p = subprocess.Popen([BINARY, "run", "--config", self.cfg], stdout=log,
                             stderr=subprocess.STDOUT)
        log.close()
        self.procs.append(p)
        return p

    def wait_page(self, url, context=None, auth=None):
        def ready():
            try:
                return get(url, auth=auth, context=context)[0] == 200
            except OSError:
                return False
        base.wait_for(ready, 30, f"{url} to answer 200")



class OfficeTest(OfficeBase):
    def test_routing_problems_are_warned_marked_and_counted(self):
        self.write_config()
        r = self.seed()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('warning: handler "ghost" (1 open dossier(s), e.g. HS-QLDT)', r.stderr)
        self.assertIn('warning: department "Phòng QLĐT" (1 open dossier(s), e.g. HS-QLDT) has no '
                      'recipient', r.stderr)
        self.assertNotIn('"Phòng Lao động"', r.stderr)
        st = self.dunghan("status", "--config", self.cfg)
        self.assertEqual(st.returncode, 0, st.stderr)
        marked = [l for l in st.stdout.splitlines() if "(!)" in l and "HS-" in l]
        self.assertEqual(len(marked), 1, st.stdout)
        self.assertIn("HS-QLDT", marked[0])
        routes = self.dunghan("alerts", "routes", "--department", "Phòng QLĐT", "--config", self.cfg)
        self.assertEqual(routes.returncode, 2, routes.stdout + routes.stderr)
        self.assertIn("no recipient with role head in department \"Phòng QLĐT\"", routes.stdout)
        ok = self.dunghan("alerts", "routes", "--code", "HS-000", "--config", self.cfg)
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        self.assertIn("truongphong (Trần Thị Bích, head)", ok.stdout)
        self.assertIn("cvien (Nguyễn Văn Á, handler)", ok.stdout)
        preview = self.dunghan("alerts", "preview", "--config", self.cfg)
        self.assertEqual(preview.returncode, 2, preview.stdout + preview.stderr)
        self.assertIn("! HS-QLDT: handler ghost of dossier HS-QLDT is not a configured recipient",
                      preview.stdout)
        # The daemon counts them on /healthz and logs each once, not every cycle.
        self.start()
        self.wait_page(f"http://127.0.0.1:{self.port}/")
        _, _, body = get(f"http://127.0.0.1:{self.port}/healthz")
        self.assertEqual(json.loads(body)["routing"]["unroutable_dossiers"], 1)
        base.wait_for(lambda: len(self.recorder.messages) >= 6, 30, "six emails")
        time.sleep(3)  # several more cycles
        with open(os.path.join(self.dir, "daemon-0.log"), encoding="utf-8") as f:
            log = f.read()
        self.assertEqual(log.count("event=routing_problem detail=\"no recipient with role head in "
                                   "department"), 1, log)

    def test_messages_name_the_handler_and_tell_the_head_to_chase(self):
        self.write_config()
        self.seed()
        r = self.dunghan("run", "--once", "--config", self.cfg)
        self.assertIn(r.returncode, (0,), r.stdout + r.stderr)
        by_to = {}
        for m in self.recorder.messages:
            by_to.setdefault(m["To"].addresses[0].username, []).append(m)
        self.assertEqual(len(by_to["cvien"]), 3)
        self.assertEqual(len(by_to["truongphong"]), 3)
        handler = by_to["cvien"][0].get_body(preferencelist=("plain",)).get_content()
        self.assertIn("Cán bộ xử lý:   Nguyễn Văn Á – Phòng Lao động", handler)
        self.assertIn("Việc cần làm: Khẩn trương giải quyết", handler)
        head = by_to["truongphong"][0].get_body(preferencelist=("plain",)).get_content()
        self.assertIn("Kính gửi Trần Thị Bích", head)
        self.assertIn("Cán bộ xử lý:   Nguyễn Văn Á – Phòng Lao động", head)
        self.assertIn("Việc cần làm: Đôn đốc Nguyễn Văn Á (Phòng Lao động) khẩn trương giải quyết",
                      head)
        html = by_to["truongphong"][0].get_body(preferencelist=("html",)).get_content()
        self.assertIn("<td>Nguyễn Văn Á – Phòng Lao động</td>", html)

    def test_the_flood_guard_sends_the_rest_of_the_day_as_one_digest(self):
        self.write_config()
        with open(self.cfg, "a", encoding="utf-8") as f:
            f.write("\n[alerts]\nmax_messages_per_recipient = 2\n")
        self.seed()
        r = self.dunghan("run", "--once", "--config", self.cfg)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        by_to = {}
        for m in self.recorder.messages:
            by_to.setdefault(m["To"].addresses[0].username, []).append(m)
        # Three overdue dossiers each: two single e-mails, then one digest with the third.
        for who in ("cvien", "truongphong"):
            subjects = sorted(m["Subject"] for m in by_to[who])
            self.assertEqual(len(subjects), 3, subjects)
            digests = [x for x in subjects if x.startswith("[Tổng hợp] 1 hồ sơ")]
            self.assertEqual(len(digests), 1, subjects)
        st = self.dunghan("outbox", "list", "--state", "sent", "--format", "json", "--config",
                          self.cfg)
        self.assertEqual(len(json.loads(st.stdout)), 6, st.stdout)

    def test_pages_in_chromium_list_overdue_dossiers_handlers_and_history(self):
        self.write_config()
        self.seed()
        r = self.dunghan("run", "--once", "--config", self.cfg)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.start()
        root = f"http://127.0.0.1:{self.port}"
        self.wait_page(root + "/")
        profile = os.path.join(self.dir, "chromium")
        # The console check can fail: a page that throws is seen.
        _, console = chromium("data:text/html,<script>throw new Error('boom')</script>", profile)
        self.assertTrue(any("boom" in l for l in console), console)

        dom, console = chromium(root + "/", profile)
        self.assertEqual(console, [])
        for code in ("HS-000", "HS-001", "HS-002", "HS-QLDT"):
            self.assertIn(f'href="/dossiers/{code}"', dom)
        self.assertIn("Nguyễn Văn Á", dom)            # the handler's name, not the id
        self.assertIn("Phòng Lao động – 3 hồ sơ", dom)
        self.assertIn("quá hạn", dom)
        self.assertIn("Công ty Hoa Sen 0", dom)       # applicant: shown on loopback
        self.assertIn("không tìm được người nhận", dom)
        self.assertIn("<svg", dom)                    # the 30-day chart (today's snapshot)

        dom, console = chromium(root + "/?department=Ph%C3%B2ng+QL%C4%90T&state=overdue", profile)
        self.assertEqual(console, [])
        self.assertIn("HS-QLDT", dom)
        self.assertNotIn('href="/dossiers/HS-000"', dom)

        dom, console = chromium(root + "/dossiers/HS-000", profile)
        self.assertEqual(console, [])
        self.assertIn("Lịch sử cảnh báo", dom)
        history = dom[dom.index("Lịch sử cảnh báo"):]
        self.assertIn("Trần Thị Bích (truongphong)", history)
        self.assertIn("Nguyễn Văn Á (cvien)", history)
        self.assertEqual(history.count("đã gửi"), 2, history)

        dom, console = chromium(root + "/outbox", profile)
        self.assertEqual(console, [])
        self.assertIn("HS-002", dom)

        status, headers, body = get(root + "/api/v1/dossiers?state=overdue")
        self.assertEqual(status, 200)
        j = json.loads(body)
        self.assertEqual(j["count"], 4)
        names = {x["code"]: x["handler_name"] for x in j["dossiers"]}
        self.assertEqual(names["HS-000"], "Nguyễn Văn Á")
        self.assertEqual(names["HS-QLDT"], "")
        self.assertEqual(headers["Content-Type"], "application/json")
        status, _, body = get(root + "/api/v1/dossiers/HS-000")
        self.assertEqual(status, 200)
        d = json.loads(body)
        self.assertEqual(d["clock"]["state"], "overdue")
        # The latest repetition went out; the missed ones of the 60 days are recorded as skipped.
        self.assertEqual(sorted(a["recipient"] for a in d["alerts"] if a["state"] == "sent"),
                         ["cvien", "truongphong"])
        self.assertTrue(all(a["state"] in ("sent", "skipped") for a in d["alerts"]))
        self.assertEqual(get(root + "/api/v1/dossiers/NO-SUCH")[0], 404)
        status, _, body = get(root + "/api/v1/outbox?state=sent")
        self.assertEqual(json.loads(body)["count"], 6)

    def test_check_config_refuses_an_exposed_endpoint_without_tls_and_users(self):
        self.write_config(listen=f"0.0.0.0:{self.port}")
        r = self.dunghan("check-config", "--config", self.cfg)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("is not a loopback address", r.stderr)
        self.assertIn("tls_cert_file and tls_key_file", r.stderr)
        self.assertIn("set users_file", r.stderr)
        # The daemon refuses to start on it too.
        p = subprocess.run([BINARY, "run", "--config", self.cfg], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 1)

    def test_tls_and_basic_login(self):
        subprocess.run(["/usr/bin/python3", MAKE_CERTS, self.dir], check=True)
        users = os.path.join(self.dir, "users")
        r = self.dunghan("user", "add", "ana", "--role", "admin", "--file", users,
                         stdin="mật-khẩu-đủ-dài\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(users, encoding="utf-8") as f:
            line = f.read()
        self.assertTrue(line.startswith("ana:$argon2id$"), line)
        self.assertNotIn("mật-khẩu", line)
        self.write_config(listen=f"0.0.0.0:{self.port}", service_extra=(
            'tls_cert_file = "server.pem"\ntls_key_file = "server.key"\nusers_file = "users"\n'))
        r = self.dunghan("check-config", "--config", self.cfg)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.seed()
        self.start()
        ctx = ssl.create_default_context(cafile=os.path.join(self.dir, "ca.pem"))
        root = f"https://127.0.0.1:{self.port}"
        self.wait_page(root + "/", context=ctx, auth="ana:mật-khẩu-đủ-dài")
        status, headers, body = get(root + "/", context=ctx)
        self.assertEqual(status, 401)
        self.assertIn("Basic", headers["WWW-Authenticate"])
        self.assertNotIn("Công ty Hoa Sen", body)
        self.assertEqual(get(root + "/api/v1/dossiers", context=ctx)[0], 401)
        self.assertEqual(get(root + "/", context=ctx, auth="ana:wrong-password")[0], 401)
        status, _, body = get(root + "/", context=ctx, auth="ana:mật-khẩu-đủ-dài")
        self.assertEqual(status, 200)
        self.assertIn("Công ty Hoa Sen 0", body)
        self.assertIn("Đăng nhập: ana (quản trị)", body)
        # Plain HTTP to the TLS port gets nothing.
        with self.assertRaises(Exception):
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5).read()
        # Chromium logs in with the credentials in the URL and renders the page.
        dom, console = chromium(f"https://ana:m%E1%BA%ADt-kh%E1%BA%A9u-%C4%91%E1%BB%A7-d%C3%A0i@"
                                f"127.0.0.1:{self.port}/", os.path.join(self.dir, "chromium"),
                                extra=["--ignore-certificate-errors"])
        self.assertEqual(console, [])
        self.assertIn("HS-000", dom)
        self.assertIn("Nguyễn Văn Á", dom)
        # A renewed certificate (same files, a new CA) is served after a reload (SIGHUP).
        subprocess.run(["/usr/bin/python3", MAKE_CERTS, self.dir], check=True)
        self.procs[0].send_signal(signal.SIGHUP)
        renewed = ssl.create_default_context(cafile=os.path.join(self.dir, "ca.pem"))
        self.wait_page(root + "/", context=renewed, auth="ana:mật-khẩu-đủ-dài")
        with self.assertRaises(Exception):
            get(root + "/", context=ctx, auth="ana:mật-khẩu-đủ-dài")  # the old CA no longer fits
        with open(os.path.join(self.dir, "daemon-0.log"), encoding="utf-8") as f:
            self.assertNotIn("mật-khẩu", f.read())


class SilenceTest(OfficeBase):
    """Silences (issue 15): `dunghan silence`, the dossier page's form, the API; what a silence
    holds back is recorded `silenced`, not mailed, and when it ends only the latest stage still
    holding is mailed — against a real daemon and a real SMTP server."""

    def write_silence_config(self, rules, service_extra=""):
        self.write_config(service_extra=service_extra)
        with open(self.cfg, encoding="utf-8") as f:
            text = f.read()
        text = text[:text.index("[[rule]]")] + rules
        text = text.replace('duration = "5 working days"', 'duration = "60 working days"')
        with open(self.cfg, "w", encoding="utf-8") as f:
            f.write(text)

    def seed_one(self, received, due_at=""):
        path = os.path.join(self.dir, "dossiers.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("code,procedure_code,procedure_name,field,department,handler,applicant,channel,"
                    "received_at,due_at,status\n")
            f.write(f"HS-100,1.001,Cấp phép lao động,Lao động,Phòng Lao động,cvien,Công ty Sen,"
                    f"direct,{received},{due_at},processing\n")
        r = self.dunghan("import", "--dossiers", path, "--config", self.cfg)
        self.assertEqual(r.returncode, 0, r.stderr)

    def alerts(self, root):
        return json.loads(get(root + "/api/v1/dossiers/HS-100")[2])["alerts"]

    def test_silenced_alerts_are_recorded_not_mailed_and_then_only_the_latest_stage_goes(self):
        # Two reminder stages of one dossier for its handler, both already due (received 45 days
        # ago, due in 60 working days: 55 and 50 working days before it are in the past).
        self.write_silence_config("""
[[rule]]
name = "nhac-som"
when = "before_due"
offset = "55 working days"
to = ["handler"]
channels = ["mail"]

[[rule]]
name = "nhac"
when = "before_due"
offset = "50 working days"
to = ["handler"]
channels = ["mail"]
""")
        now = datetime.datetime.now(base.ICT)
        self.seed_one((now - datetime.timedelta(days=45)).strftime("%Y-%m-%d 09:00"))
        until = (now + datetime.timedelta(days=7)).strftime("%Y-%m-%d")
        bad = self.dunghan("silence", "add", "HS-404", "--until", until, "--reason", "x",
                           "--config", self.cfg)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("no dossier HS-404", bad.stderr)
        r = self.dunghan("silence", "add", "HS-100", "--until", until, "--reason",
                         "đang trình ký gia hạn", "--by", "lan", "--config", self.cfg)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("#1 HS-100 (mọi quy tắc)", r.stdout)
        self.assertIn("đang tạm dừng — bởi lan", r.stdout)

        self.start()
        root = f"http://127.0.0.1:{self.port}"
        self.wait_page(root + "/")
        base.wait_for(lambda: sorted(a["state"] for a in self.alerts(root)) ==
                      ["silenced", "silenced"], 30, "two silenced alerts")
        time.sleep(3)  # several more cycles
        self.assertEqual(self.recorder.messages, [], "nothing mailed while the silence holds")
        for a in self.alerts(root):
            self.assertIn("silenced by silence #1 (lan) until", a["detail"])
            self.assertIn("đang trình ký gia hạn", a["detail"])
        _, _, metrics = get(root + "/metrics")
        self.assertIn('dunghan_alerts_total{channel="mail",outcome="silenced"} 2', metrics)
        self.assertIn('dunghan_ledger_alerts{state="silenced"} 2', metrics)
        listed = self.dunghan("silence", "list", "--config", self.cfg)
        self.assertIn("#1 HS-100", listed.stdout)
        explain = self.dunghan("alerts", "explain", "HS-100", "--config", self.cfg)
        self.assertIn("Tạm dừng nhắc #1 HS-100", explain.stdout)
        api = json.loads(get(root + "/api/v1/silences")[2])
        self.assertEqual([x["id"] for x in api["silences"]], [1])

        # Ended by hand: only the latest stage still holding is mailed.
        r = self.dunghan("silence", "expire", "1", "--by", "lan", "--config", self.cfg)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("đã kết thúc bởi lan", r.stdout)
        base.wait_for(lambda: "sent" in [a["state"] for a in self.alerts(root)], 30,
                      "the latest stage's e-mail")
        time.sleep(3)
        self.assertEqual(len(self.recorder.messages), 1)
        self.assertIn("HS-100", self.recorder.messages[0]["Subject"])
        by_rule = {a["rule"]: a for a in self.alerts(root)}
        self.assertEqual(by_rule["nhac"]["state"], "sent")
        self.assertEqual(by_rule["nhac-som"]["state"], "skipped")
        self.assertEqual(by_rule["nhac-som"]["detail"], "a later stage came due")
        self.assertEqual(self.dunghan("silence", "expire", "1", "--config", self.cfg).returncode, 1)
        self.assertEqual(self.dunghan("silence", "list", "--config", self.cfg).stdout.strip(),
                         "Không có tạm dừng nhắc nào.")

    def test_a_silence_added_on_the_page_stops_the_next_alert_and_shows_in_the_history(self):
        users = os.path.join(self.dir, "users")
        for name, role in (("ana", "admin"), ("binh", "viewer")):
            r = self.dunghan("user", "add", name, "--role", role, "--file", users,
                             stdin="mật-khẩu-đủ-dài\n")
            self.assertEqual(r.returncode, 0, r.stderr)
        self.write_silence_config("""
[[rule]]
name = "qua-han"
when = "overdue"
to = ["handler"]
channels = ["mail"]
repeat = "1 working day"
""", service_extra='users_file = "users"')
        # The appointment falls due in 40 seconds: the next alert ("quá hạn") comes then.
        now = datetime.datetime.now(base.ICT)
        due = now + datetime.timedelta(seconds=40)
        self.seed_one((now - datetime.timedelta(days=3)).strftime("%Y-%m-%d 09:00"),
                      due.strftime("%Y-%m-%d %H:%M:%S"))
        self.start()
        root = f"http://127.0.0.1:{self.port}"
        self.wait_page(root + "/")
        # Writes need an admin: anonymous and viewer are refused.
        body = json.dumps({"code": "HS-100", "until": "2099-01-01", "reason": "x"}).encode()
        for auth, status in ((None, 401), ("binh:mật-khẩu-đủ-dài", 403)):
            req = urllib.request.Request(root + "/api/v1/silences", data=body, method="POST")
            if auth:
                req.add_header("Authorization",
                               "Basic " + base64.b64encode(auth.encode()).decode())
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(req, timeout=10)
            self.assertEqual(e.exception.code, status)

        until = (now + datetime.timedelta(days=7)).strftime("%Y-%m-%d")
        cdp = Cdp(os.path.join(self.dir, "chromium"), auth="ana:mật-khẩu-đủ-dài")
        try:
            cdp.open(root + "/login")
            dom = cdp.open(root + "/dossiers/HS-100")
            self.assertIn('id="silence-form"', dom)
            cdp.events.clear()
            cdp.run(f"""(() => {{
                const f = document.getElementById('silence-form');
                f.querySelector('[name=until]').value = '{until}';
                f.querySelector('[name=reason]').value = 'Đang trình ký gia hạn';
                f.querySelector('button').click();
                return true; }})()""")
            cdp.wait_load()
            dom = cdp.dom()
            self.assertIn("/dossiers/HS-100", cdp.run("location.pathname"))
            silences = dom[dom.index("Tạm dừng nhắc</h2>"):dom.index("Lịch sử cảnh báo")]
            self.assertIn("Đang trình ký gia hạn", silences)
            self.assertIn("đang tạm dừng", silences)
            self.assertIn("ana", silences)
            # The alert that comes due next is held back, not mailed, and shows in the history.
            base.wait_for(lambda: [a["state"] for a in self.alerts(root)] == ["silenced"], 90,
                          "the overdue alert to be silenced")
            dom = cdp.open(root + "/dossiers/HS-100")
            history = dom[dom.index("Lịch sử cảnh báo"):]
            self.assertIn("tạm dừng nhắc", history)
            self.assertIn("Đang trình ký gia hạn", history)
            self.assertEqual(self.recorder.messages, [])
            self.assertEqual(cdp.console, [])
            # Ended on the page ("Kết thúc"): the alert goes out now.
            cdp.events.clear()
            cdp.run("document.querySelector('#silences form button').click(); true")
            cdp.wait_load()
            self.assertIn("đã kết thúc bởi ana", cdp.dom())
            base.wait_for(lambda: [a["state"] for a in self.alerts(root)] == ["sent"], 30,
                          "the overdue alert to be sent")
            self.assertEqual(len(self.recorder.messages), 1)
        finally:
            cdp.close()
        # The API: a bad request names the field; a good one answers the silence, set by the user.
        def post(payload, origin=None, fetch_site=None):
            req = urllib.request.Request(root + "/api/v1/silences", method="POST",
                                         data=json.dumps(payload).encode())
            req.add_header("Authorization", "Basic " + base64.b64encode(
                "ana:mật-khẩu-đủ-dài".encode()).decode())
            if origin:
                req.add_header("Origin", origin)
            if fetch_site:
                req.add_header("Sec-Fetch-Site", fetch_site)
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    return r.status, json.loads(r.read())
            except urllib.error.HTTPError as e:
                return e.code, json.loads(e.read())
        # Another site's page posting with the admin's remembered login (CSRF) is refused; the
        # browser's own same-origin form above carried Origin too and passed.
        for origin in ("http://evil.example", "null", f"http://127.0.0.1:{self.port + 1}"):
            status, j = post({"code": "HS-100", "until": until, "reason": "csrf"}, origin)
            self.assertEqual(status, 403, (origin, j))
            self.assertIn("cross-site", j["error"])
        for site in ("cross-site", "same-site"):
            status, j = post({"code": "HS-100", "until": until, "reason": "csrf"}, root, site)
            self.assertEqual(status, 403, (site, j))
        status, j = post({"code": "HS-100", "until": until, "reason": "x"}, root, "same-origin")
        self.assertEqual(status, 201, j)
        status, j = post({"code": "HS-100", "until": "tuần sau", "reason": "x"})
        self.assertEqual(status, 400)
        self.assertIn("until", j["error"])
        status, j = post({"code": "HS-100", "until": until, "reason": "chờ ý kiến", "rule": "qua-han"})
        self.assertEqual(status, 201, j)
        self.assertEqual((j["id"], j["by"], j["rule"], j["active"]), (3, "ana", "qua-han", True))
        listed = json.loads(get(root + "/api/v1/silences")[2])
        self.assertEqual([x["id"] for x in listed["silences"]], [3, 2])


if __name__ == "__main__":
    unittest.main()
