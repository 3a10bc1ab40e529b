"""Shared pieces of the fault suite (tests/faults/): the real `dunghan` binary as a child process,
a real SMTP server (Debian's aiosmtpd) on loopback, a TCP gate that counts connection attempts,
the ledger read straight from state.db, and the figures every test prints.

Mode: DUNGHAN_FAULTS=long runs the long versions by hand (more kills, more dossiers, longer
floods); the default is the short mode CI runs. DUNGHAN_FAULTS_SEED fixes the random choices
(every test prints the seed it used). DUNGHAN_BINARY names the binary (default build/dunghan).

Each test starts what it needs on 127.0.0.1 with free ports and stops exactly the processes it
started (by their Popen handles), also when it fails.
"""
import asyncio
import datetime
import email
import email.policy
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("DUNGHAN_BINARY", str(REPO / "build" / "dunghan"))
MODE = "long" if os.environ.get("DUNGHAN_FAULTS", "short").lower() == "long" else "short"
LONG = MODE == "long"
ICT = datetime.timezone(datetime.timedelta(hours=7))


def pick(short, long):
    """The short-mode value in CI, the long-mode value with DUNGHAN_FAULTS=long."""
    return long if LONG else short


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, what, interval=0.1):
    """Polls `predicate` until it returns a true value (returned) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def poll_until(predicate, timeout, interval=0.1):
    """Like wait_for, but returns the last value (possibly false) instead of raising."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


# ---- SMTP ------------------------------------------------------------------------------------
SUBJECT_CODE = re.compile(r"Hồ sơ (\S+)")


class Sink:
    """A real SMTP server (aiosmtpd) on loopback that records every message it accepts: the
    dossier code from the subject, the Message-ID and the time. `delay` (seconds) slows each DATA
    down so that a test can catch the daemon in the middle of a send; `in_data` is set whenever a
    DATA command has started."""

    def __init__(self, delay=0.0):
        self.delay = delay
        self.lock = threading.Lock()
        self.messages = []
        self.in_data = threading.Event()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        self.port = self.controller.port

    async def handle_DATA(self, server, session, envelope):
        self.in_data.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = str(msg["Subject"])
        m = SUBJECT_CODE.search(subject)
        with self.lock:
            self.messages.append({"code": m.group(1) if m else None,
                                  "message_id": str(msg["Message-ID"]).strip("<>"),
                                  "subject": subject, "at": time.monotonic()})
        return "250 OK"

    def stop(self):
        self.controller.stop()

    def snapshot(self):
        with self.lock:
            return list(self.messages)

    def count(self):
        with self.lock:
            return len(self.messages)

    def codes(self):
        return {m["code"] for m in self.snapshot()}

    def by_code(self):
        """code → the Message-IDs received for it, in arrival order."""
        out = {}
        for m in self.snapshot():
            out.setdefault(m["code"], []).append(m["message_id"])
        return out

    def duplicates(self):
        """code → Message-IDs, for every code received more than once."""
        return {c: ids for c, ids in self.by_code().items() if len(ids) > 1}


class TcpGate:
    """A TCP front for a server that counts every connection it accepts (a TCP-level count of the
    daemon's connection attempts). mode "forward" relays bytes to `target_port`; mode "reset"
    accepts and closes at once (the service behind it is down)."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.mode = "forward"
        self.accepts = []  # (monotonic time, mode at accept)
        self.lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = free_port()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", self.port))
        self.ready.set()
        self.loop.run_forever()

    async def _client(self, reader, writer):
        with self.lock:
            mode = self.mode
            self.accepts.append((time.monotonic(), mode))
        if mode != "forward":
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return

        async def pipe(src, dst):
            try:
                while True:
                    data = await src.read(65536)
                    if not data:
                        break
                    dst.write(data)
                    await dst.drain()
            except (OSError, asyncio.CancelledError):
                pass
            finally:
                try:
                    dst.close()
                except OSError:
                    pass

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def set_mode(self, mode):
        with self.lock:
            self.mode = mode

    def count(self, since=None, until=None):
        with self.lock:
            return sum(1 for t, _ in self.accepts
                       if (since is None or t >= since) and (until is None or t < until))

    def stop(self):
        def shut():
            self.server.close()
            self.loop.stop()
        self.loop.call_soon_threadsafe(shut)
        self.thread.join(5)


# ---- HTTP ------------------------------------------------------------------------------------
def http_get(port, path, timeout=5.0):
    """(status, body text, seconds). Raises OSError (incl. timeouts) when no answer came."""
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace"), time.monotonic() - t0
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), time.monotonic() - t0


def healthz(port, timeout=5.0):
    """(status, parsed JSON or None, seconds); (None, None, seconds) when nothing answered."""
    t0 = time.monotonic()
    try:
        status, body, took = http_get(port, "/healthz", timeout)
    except (OSError, urllib.error.URLError):
        return None, None, time.monotonic() - t0
    try:
        return status, json.loads(body), took
    except ValueError:
        return status, None, took


# ---- the daemon ------------------------------------------------------------------------------
class Daemon:
    """`dunghan run …` as a child process; stdout and stderr go to `log`."""

    def __init__(self, args, log_path, env=None):
        self.args = args
        self.log_path = log_path
        self.log = open(log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen([BINARY, *args], stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(env or {})})
        self.pid = self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def kill9(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout=30):
        """SIGTERM and wait; SIGKILL when it does not leave in `timeout` seconds."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def close(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def rss_kib(self):
        """Resident set size (VmRSS) in KiB, from /proc."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


CSV_HEADER = ("code,procedure_code,procedure_name,field,department,handler,applicant,channel,"
              "received_at,status\n")


class FaultCase(unittest.TestCase):
    """A test of the fault suite: a temporary directory, helpers to write a configuration, import
    dossiers, start daemons, read the ledger, and print figures."""

    def setUp(self):
        self.seed = int(os.environ.get("DUNGHAN_FAULTS_SEED", str(int(time.time() * 1000) % 10**9)))
        self.rng = random.Random(self.seed)
        self.tmp = tempfile.TemporaryDirectory(prefix="dunghan-faults-")
        self.dir = Path(self.tmp.name)
        self.daemons = []
        self.cleanups_last = []
        self.t0 = time.monotonic()
        print(f"\n[{self.id()}] mode={MODE} seed={self.seed}", flush=True)

    def tearDown(self):
        for d in self.daemons:
            d.close()
        failed = self._failed()
        if failed:
            for i, d in enumerate(self.daemons):
                text = d.text()
                if len(text) > 20000:
                    text = "…\n" + text[-20000:]
                print(f"\n---- log of daemon {i} ({' '.join(d.args)}) ----\n{text}---- end ----",
                      file=sys.stderr)
        for fn in reversed(self.cleanups_last):
            try:
                fn()
            except Exception as e:  # cleanup must not hide the test's own failure
                print(f"cleanup: {e}", file=sys.stderr)
        self.tmp.cleanup()

    def _failed(self):
        result = getattr(self._outcome, "result", None)
        if result is None:
            return False
        return any(test is self for test, _ in result.errors + result.failures)

    # ---- figures -----------------------------------------------------------------------------
    def figures(self, **kv):
        """Prints one line `figures test=… k=v …` (the suite's measurements, read by people)."""
        parts = " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in kv.items())
        print(f"figures test={self.id().split('.', 1)[-1]} mode={MODE} {parts}", flush=True)

    def check(self, problems):
        """Fails with every problem found, not just the first."""
        if problems:
            self.fail("\n  - " + "\n  - ".join(problems))

    # ---- configuration and data --------------------------------------------------------------
    def config_text(self, http_port, smtp_port, state_dir="state", store_path=None, extra="",
                    poll_interval=1, service_extra=""):
        store = f'[store]\npath = "{store_path}"\nbusy_timeout_ms = 500\n' if store_path else ""
        # Every alert its own message: the suite counts messages per dossier, and the flood guard
        # (default 10 single messages per recipient a day) would put the rest into one digest.
        flood = "max_messages_per_recipient = 0\n"
        if "[alerts]\n" in extra:
            extra = extra.replace("[alerts]\n", "[alerts]\n" + flood, 1)
        else:
            extra += "\n[alerts]\n" + flood
        return f"""
[service]
state_dir = "{state_dir}"
listen = "127.0.0.1:{http_port}"
poll_interval = {poll_interval}
{service_extra}

{store}

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

[channel.mail]
type = "email"
url = "smtp://127.0.0.1:{smtp_port}"
starttls = false
from = "Một cửa <motcua@example.gov.vn>"
send_window = "always"

[[rule]]
name = "qua-han"
when = "overdue"
to = ["handler"]
channels = ["mail"]
{extra}
"""

    def write_config(self, text, name="dunghan.toml"):
        path = self.dir / name
        path.write_text(text, encoding="utf-8")
        return path

    def csv_rows(self, codes):
        """CSV text of open dossiers `codes`, received 60 days ago: all overdue now."""
        received = (datetime.datetime.now(ICT) - datetime.timedelta(days=60)).strftime(
            "%Y-%m-%d 09:00")
        rows = [CSV_HEADER]
        for i, code in enumerate(codes):
            rows.append(f"{code},1.001,Cấp phép lao động,Lao động,Phòng Lao động,cvien,"
                        f"Công ty số {i},direct,{received},processing\n")
        return "".join(rows)

    def import_dossiers(self, config, codes):
        path = self.dir / f"import-{time.monotonic_ns()}.csv"
        path.write_text(self.csv_rows(codes), encoding="utf-8")
        r = self.cli("import", "--dossiers", str(path), "--config", str(config))
        self.assertEqual(r.returncode, 0, f"import failed: {r.stdout}{r.stderr}")

    def cli(self, *args, timeout=60):
        return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout)

    def start_daemon(self, config, *args, env=None):
        d = Daemon(["run", "--config", str(config), *args],
                   self.dir / f"daemon-{len(self.daemons)}.log", env)
        self.daemons.append(d)
        return d

    def wait_healthy(self, port, timeout=20):
        return wait_for(lambda: healthz(port)[0] == 200, timeout, "/healthz to answer 200")

    # ---- the ledger, read straight from state.db ---------------------------------------------
    @staticmethod
    def ledger(state_dir):
        """[(key, code, channel, state)] of every alert row; [] when there is no ledger yet.
        Opens state.db read-only; call it while no daemon runs, or accept a snapshot."""
        path = Path(state_dir) / "state.db"
        if not path.exists():
            return []
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute("SELECT key, code, channel, state FROM alerts").fetchall()
        except sqlite3.OperationalError as e:
            if "no such table" in str(e):  # the daemon is still creating it
                return []
            raise
        finally:
            con.close()

    def ledger_states(self, state_dir):
        out = {}
        for _, _, _, state in self.ledger(state_dir):
            out[state] = out.get(state, 0) + 1
        return out


def main():
    unittest.main(verbosity=2)
