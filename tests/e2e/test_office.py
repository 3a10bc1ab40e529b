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


def get(url, auth=None, context=None):
    req = urllib.request.Request(url)
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=10, context=context) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


class OfficeTest(unittest.TestCase):
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

    # ---- tests ----------------------------------------------------------------------------------
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


if __name__ == "__main__":
    unittest.main()
