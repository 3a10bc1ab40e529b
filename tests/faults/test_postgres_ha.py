#!/usr/bin/python3
"""Several dunghan instances on one PostgreSQL store and state (issue 13), as a hostile world
would try them: the real binary three times, a real SMTP sink, a real PostgreSQL 15 server
(build/tests/pg_test_server: tests/support/db_servers.h, the C++ tests' way of starting one).

1. kill -9 at random moments while a steady stream of overdue dossiers arrives: nothing is lost;
   a duplicate only for an alert that was `sending` under the killed instance's lease (same
   Message-ID); every instance sends some; the rows a killed instance held go out from another
   instance within the lease plus one poll.
2. PostgreSQL stopped and started again under running daemons (sends in flight): they report 503
   naming the server, keep running, and resume by themselves; nothing lost, nothing twice.
3. check-config connects to the servers: exit 0 when they answer, exit 1 naming the key and the
   server (never the password) when one refuses or is down; --offline does not connect.
4. A daemon started while PostgreSQL is down: 503 naming the server, running; it starts working
   when the server is up; status and outbox read the same store and ledger.
5. state copy: an SQLite store and ledger into PostgreSQL and back; nothing is sent again.
6. Zalo: two instances sending through one Zalo OA (a loopback fake of Zalo's OAuth and OA APIs,
   tests/channels/fakes/http_fake.py) whose access token expires while both send: ONE refresh
   request reaches Zalo (its refresh token is single-use), every alert goes out with the new
   token, the pair in PostgreSQL is the new one; `dunghan zalo set-token` wrote the first pair.

Mode: DUNGHAN_FAULTS=long kills more often for longer (see harness.pick).
"""
import json
import os
import re
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from harness import REPO, FaultCase, Sink, free_port, healthz, main, pick, wait_for

PG_SERVER = os.environ.get("DUNGHAN_PG_TEST_SERVER", str(REPO / "build" / "tests" / "pg_test_server"))
PSQL = "/usr/lib/postgresql/15/bin/psql"


class PgServer:
    """The test's PostgreSQL server, through pg_test_server's stdin commands."""

    def __init__(self):
        self.proc = subprocess.Popen([PG_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{PG_SERVER} did not start a server (see its stderr)")
        self.info = json.loads(line)
        self.port = self.info["port"]

    def command(self, what):
        self.proc.stdin.write(what + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def stop(self):
        assert self.command("stop") == "stopped"

    def start(self):
        assert self.command("start").startswith("started")

    def sql(self, statement):
        """Runs `statement` as the superuser in database dunghan; rows as lists of fields."""
        r = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                            "-h", self.info["socket_dir"], "-p", str(self.port), "-U", "postgres",
                            "-d", "dunghan", "-c", statement],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"psql: {r.stderr}")
        return [line.split("\t") for line in r.stdout.splitlines() if line]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(60)
        self.proc.stdout.close()


class Instances(FaultCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = PgServer()  # one server for the file; each test its own schema

    @classmethod
    def tearDownClass(cls):
        cls.pg.close()

    def setUp(self):
        super().setUp()
        self.schema = f"ha{time.monotonic_ns() % 10**9}"
        self.pg.sql(f"CREATE SCHEMA {self.schema} AUTHORIZATION dunghan")
        self.password = self.dir / "pg.password"
        self.password.write_text(self.pg.info["password"] + "\n", encoding="utf-8")
        self.password.chmod(0o600)

    def tearDown(self):
        keep = os.environ.get("DUNGHAN_FAULTS_KEEP")
        if keep:  # by hand: keep the logs and configurations of the run for a look
            import shutil
            shutil.copytree(self.dir, Path(keep) / self.dir.name, dirs_exist_ok=True)
            print(f"kept {self.dir} in {keep}")
        super().tearDown()

    def instance_config(self, i, smtp_port, lease, poll=1):
        """Configuration of instance i: its own state_dir, port and id; the shared store and state."""
        url = (f"postgresql://dunghan@127.0.0.1:{self.pg.port}/dunghan"
               f"?options=-c%20search_path%3D{self.schema}")
        port = free_port()
        text = self.config_text(port, smtp_port, state_dir=f"state-{i}", poll_interval=poll,
                                service_extra=f'instance_id = "may-{i}"',
                                extra=f"\n[alerts]\nsending_lease = {lease}\n")
        text += f"""
[store]
kind = "postgresql"
url = "{url}"
password_file = "{self.password}"

[state]
kind = "postgresql"
url = "{url}"
password_file = "{self.password}"
"""
        return self.write_config(text, f"may-{i}.toml"), port

    def backends(self, instance):
        return self.pg.sql("SELECT pid FROM pg_stat_activity WHERE application_name = "
                           f"'dunghan {instance}'")

    def alerts(self):
        """key → (code, state, claimed_by, sending_until, sent_at) of every alert row."""
        rows = self.pg.sql(f"SELECT key, code, state, coalesce(claimed_by, ''), "
                           f"coalesce(sending_until, 0), coalesce(sent_at, 0) FROM "
                           f"{self.schema}.alerts")
        return {r[0]: (r[1], r[2], r[3], int(r[4]), int(r[5])) for r in rows}

    @staticmethod
    def sent_keys(log_text):
        return set(re.findall(r"event=alert_sent key=(a[0-9a-f]{32})", log_text))

    # ---- 1 -----------------------------------------------------------------------------------
    def test_kill_9_of_instances_loses_nothing_and_others_take_over_their_leases(self):
        n = pick(500, 2000)
        target_kills = pick(30, 150)
        lease, poll, slack = 3, 1, 2  # seconds; slack: scheduling on a busy CI machine
        sink = Sink(delay=0.03)
        self.cleanups_last.append(sink.stop)
        configs = [self.instance_config(i, sink.port, lease, poll) for i in range(3)]
        codes = [f"HA-{i:05d}" for i in range(n)]
        self.import_dossiers(configs[0][0], codes[:1])  # creates the store schema
        runs = {i: [self.start_daemon(configs[i][0])] for i in range(3)}
        for _, port in configs:
            self.wait_healthy(port, 60)

        # A steady stream: a wave of new overdue dossiers every `every` seconds while instances
        # die and come back, slower than the instances send (as in service: the backlog stays
        # small, so what a killed instance held is not queued behind a long one — rows come due
        # in order of their due time, and a recovered row is due from its recovery).
        waves, every = pick(15, 60), 2.0
        stop_feeding = threading.Event()

        def feed():
            per = -(-(n - 1) // waves)
            start = time.monotonic()
            for w in range(waves):
                stop_feeding.wait(max(0.0, start + w * every - time.monotonic()))
                if stop_feeding.is_set():
                    return
                self.import_dossiers(configs[0][0], codes[1 + w * per:1 + (w + 1) * per])

        feeder = threading.Thread(target=feed)
        feeder.start()

        # Most victims come back at once (the lease then decides who sends their rows: anyone,
        # themselves included); every fourth stays down past lease + one poll, so its rows can only
        # go out from another instance.
        kills = []  # (instance, {key: sending_until} it held, stayed down)
        up_since = {i: time.monotonic() for i in range(3)}
        back_at = {}  # instance → when to start it again
        t0 = time.monotonic()
        try:
            while len(kills) < target_kills or feeder.is_alive():
                time.sleep(self.rng.uniform(0.3, 0.8))
                now = time.monotonic()
                for i, at in list(back_at.items()):
                    if now >= at:
                        runs[i].append(self.start_daemon(configs[i][0]))
                        up_since[i] = time.monotonic()
                        del back_at[i]
                alive = [i for i in range(3) if i not in back_at]
                ready = [i for i in alive if now - up_since[i] >= 1.0]  # past its start-up
                if len(alive) < 3 or not ready or len(kills) >= target_kills:
                    continue
                victim = self.rng.choice(ready)
                runs[victim][-1].kill9()
                # Its connections end with it; a statement in flight may still commit first.
                wait_for(lambda: not self.backends(f"may-{victim}"), 20,
                         f"the server to drop may-{victim}'s connections")
                held = {k: v[3] for k, v in self.alerts().items()
                        if v[1] == "sending" and v[2] == f"may-{victim}"}
                stays_down = len(kills) % 4 == 3
                back_at[victim] = time.monotonic() + (
                    lease + poll + slack + 0.5 if stays_down else self.rng.uniform(0.1, 0.8))
                kills.append((victim, held, stays_down))
        finally:
            stop_feeding.set()
            feeder.join()
        kill_phase = time.monotonic() - t0
        for i in list(back_at):
            runs[i].append(self.start_daemon(configs[i][0]))

        wait_for(lambda: sink.codes() >= set(codes), pick(120, 600), f"all {n} alerts received")
        wait_for(lambda: all(v[1] == "sent" for v in self.alerts().values()), 60,
                 "every ledger row to be sent")
        time.sleep(1.5)  # a late duplicate would show now
        ledger = self.alerts()

        problems = []
        received = sink.by_code()
        lost = sorted(set(codes) - set(received))
        if lost:
            problems.append(f"{len(lost)} alert(s) lost: {lost[:10]}")
        if len(ledger) != n:
            problems.append(f"the ledger holds {len(ledger)} rows, expected {n}")
        key_of = {v[0]: k for k, v in ledger.items()}
        held_at_kill = set().union(*(held for _, held, _ in kills)) if kills else set()
        duplicates = sink.duplicates()
        for code, ids in sorted(duplicates.items()):
            if len(set(ids)) != 1:
                problems.append(f"{code} was sent with different Message-IDs: {ids}")
            if not ids[0].startswith(key_of.get(code, "?")):
                problems.append(f"{code}'s Message-ID {ids[0]} is not its ledger key")
            if key_of.get(code) not in held_at_kill:
                problems.append(f"{code} was sent {len(ids)} times but was not sending at a kill")
        sent_by = {i: set().union(*(self.sent_keys(d.text()) for d in runs[i])) for i in range(3)}
        for i in range(3):
            if not sent_by[i]:
                problems.append(f"instance may-{i} sent nothing")
        takeover_delays = []
        first_held = {}  # key → (instance, lease end, stayed down) of the first kill holding it
        for victim, held, stayed_down in kills:
            for key, until in held.items():
                first_held.setdefault(key, (victim, until, stayed_down))
        for key, (victim, until, stayed_down) in sorted(first_held.items()):
            code, _, _, _, sent_at = ledger[key]
            takeover_delays.append(sent_at - until)
            if sent_at > until + poll + slack:
                problems.append(f"{code} (held by killed may-{victim}, lease until {until}) went "
                                f"out at {sent_at}: later than lease + one poll (+{slack} s slack)")
            if stayed_down and not any(key in sent_by[j] for j in range(3) if j != victim):
                problems.append(f"{code} (held by may-{victim}, which stayed down) was not sent by "
                                "another instance")
        self.figures(instances=3, dossiers=n, kills=len(kills), kill_phase_s=kill_phase,
                     kills_mid_send=sum(1 for _, h, _ in kills if h),
                     rows_held_at_kills=len(first_held),
                     duplicates=len(duplicates), lost=len(lost),
                     sent_by=",".join(str(len(sent_by[i])) for i in range(3)),
                     takeover_max_s_after_lease=max(takeover_delays, default=0),
                     lease_s=lease, poll_s=poll, load=os.getloadavg()[0])
        self.assertGreaterEqual(len(kills), target_kills)
        self.check(problems)

    # ---- 2 -----------------------------------------------------------------------------------
    def test_postgresql_restarted_under_running_daemons_they_resume_by_themselves(self):
        n = pick(60, 300)
        sink = Sink(delay=0.15)  # sends are in flight when the server goes
        self.cleanups_last.append(sink.stop)
        configs = [self.instance_config(i, sink.port, lease=60) for i in range(2)]
        codes = [f"PG-{i:04d}" for i in range(2 * n)]
        self.import_dossiers(configs[0][0], codes[:n])
        daemons = [self.start_daemon(c) for c, _ in configs]
        wait_for(lambda: sink.count() >= n // 4, 60, "the first alerts")

        t_stop = time.monotonic()
        self.pg.stop()
        where = f"postgresql 127.0.0.1:{self.pg.port}/dunghan"
        def unhealthy_naming_server(port):
            status, body, _ = healthz(port)
            return status == 503 and where in json.dumps(body or {}, ensure_ascii=False)

        for _, port in configs:
            wait_for(lambda: unhealthy_naming_server(port), 30, "/healthz 503 naming the server")
        outage = pick(4, 20)
        time.sleep(outage)
        self.assertTrue(all(d.alive() for d in daemons), "a daemon exited during the outage")
        self.pg.start()
        for _, port in configs:
            self.wait_healthy(port, 60)
        recovered_s = time.monotonic() - t_stop - outage
        # New dossiers after the outage are seen and alerted, by the same processes.
        self.import_dossiers(configs[0][0], codes[n:])
        wait_for(lambda: sink.codes() >= set(codes), 120, f"all {2 * n} alerts received")
        wait_for(lambda: all(v[1] == "sent" for v in self.alerts().values()), 60,
                 "every ledger row to be sent")
        time.sleep(1.0)
        problems = []
        if sink.duplicates():
            problems.append(f"sent twice: {sorted(sink.duplicates())[:10]}")
        if not all(d.alive() for d in daemons):
            problems.append("a daemon did not survive the outage")
        logs = "".join(d.text() for d in daemons)
        deferred = logs.count("event=ledger_record_deferred")
        self.figures(instances=2, dossiers=2 * n, outage_s=outage,
                     healthy_again_s_after_restart=recovered_s,
                     records_deferred=deferred, resumed=logs.count("event=ledger_record_resumed"),
                     duplicates=len(sink.duplicates()), load=os.getloadavg()[0])
        self.check(problems)

    # ---- 3 -----------------------------------------------------------------------------------
    def test_check_config_connects_and_names_a_refusing_server_never_the_password(self):
        config, _ = self.instance_config(0, free_port(), lease=60)
        ok = self.cli("check-config", "--config", str(config))
        self.assertEqual(ok.returncode, 0, ok.stderr)
        where = f"postgresql 127.0.0.1:{self.pg.port}/dunghan"
        self.assertIn(f"Dossier store: {where}", ok.stdout)
        self.assertIn("connected (PostgreSQL 15)", ok.stdout)
        wrong = "not-the-password-xyz"
        self.password.write_text(wrong + "\n", encoding="utf-8")
        bad = self.cli("check-config", "--config", str(config))
        self.assertEqual(bad.returncode, 1, bad.stdout)
        self.assertIn("key `store.url`", bad.stderr)
        self.assertIn("key `state.url`", bad.stderr)
        self.assertIn(where, bad.stderr)
        self.assertNotIn(wrong, bad.stdout + bad.stderr)
        offline = self.cli("check-config", "--config", str(config), "--offline")
        self.assertEqual(offline.returncode, 0, offline.stderr)
        self.assertIn("not connected: --offline", offline.stdout)
        self.pg.stop()
        try:
            down = self.cli("check-config", "--config", str(config))
        finally:
            self.pg.start()
        self.assertEqual(down.returncode, 1, down.stdout)
        self.assertIn(where, down.stderr)

    # ---- 4 -----------------------------------------------------------------------------------
    def test_a_daemon_started_while_postgresql_is_down_reports_it_and_starts_working_when_up(self):
        sink = Sink()
        self.cleanups_last.append(sink.stop)
        config, port = self.instance_config(0, sink.port, lease=60)
        codes = [f"DN-{i:03d}" for i in range(20)]
        self.import_dossiers(config, codes)
        self.pg.stop()
        try:
            daemon = self.start_daemon(config)
            where = f"postgresql 127.0.0.1:{self.pg.port}/dunghan"

            def unhealthy_naming_server():
                status, body, _ = healthz(port)
                return status == 503 and where in json.dumps(body or {}, ensure_ascii=False)

            wait_for(unhealthy_naming_server, 30, "/healthz 503 naming the server")
            self.assertTrue(daemon.alive(), "the daemon exited while the server was down")
        finally:
            self.pg.start()
        self.wait_healthy(port, 60)
        wait_for(lambda: sink.codes() >= set(codes), 60, "the alerts after the server came up")
        # The shared state is the first thing a cycle touches (the planning lock): its outage is
        # the state database's, logged once, and the recovery logged when the server is back.
        self.assertIn("event=state_db_failing", daemon.text())
        self.assertIn("event=cycle_recovered", daemon.text())
        self.assertNotIn(self.pg.info["password"], daemon.text())
        # The tools read the same store and ledger.
        status = self.cli("status", "--config", str(config))
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIn("DN-000", status.stdout)
        outbox = self.cli("outbox", "list", "--format", "json", "--config", str(config))
        self.assertEqual(outbox.returncode, 0, outbox.stderr)
        self.assertEqual({r["code"] for r in json.loads(outbox.stdout)}, set(codes))
        self.assertEqual(sink.duplicates(), {})

    # ---- 5 -----------------------------------------------------------------------------------
    def test_state_copy_moves_an_sqlite_agency_to_postgresql_and_back_without_resending(self):
        sink = Sink()
        self.cleanups_last.append(sink.stop)
        codes = [f"SC-{i:03d}" for i in range(30)]
        lite = self.write_config(self.config_text(free_port(), sink.port, state_dir="lite"),
                                 "lite.toml")
        self.import_dossiers(lite, codes)
        r = self.cli("run", "--once", "--config", str(lite))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sink.codes(), set(codes))
        pg, _ = self.instance_config(0, sink.port, lease=60)

        def outbox(config):
            out = self.cli("outbox", "list", "--format", "json", "--config", str(config))
            self.assertEqual(out.returncode, 0, out.stderr)
            return sorted((row["key"], row["state"], row["attempts"]) for row in
                          json.loads(out.stdout))

        copy = self.cli("state", "copy", "--config", str(lite), "--to-config", str(pg))
        self.assertEqual(copy.returncode, 0, copy.stderr)
        self.assertIn("30 dossiers", copy.stdout)
        self.assertIn("30 alert rows", copy.stdout)
        self.assertEqual(outbox(pg), outbox(lite))
        again = self.cli("state", "copy", "--config", str(lite), "--to-config", str(pg))
        self.assertEqual(again.returncode, 1, again.stdout)
        self.assertIn("only fills an empty one", again.stderr)
        # A cycle on PostgreSQL plans the same alerts again and finds them sent: nothing resent.
        r = self.cli("run", "--once", "--config", str(pg))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sink.count(), len(codes))
        # And back into a new SQLite state.
        back = self.write_config(self.config_text(free_port(), sink.port, state_dir="back"),
                                 "back.toml")
        copy = self.cli("state", "copy", "--config", str(pg), "--to-config", str(back))
        self.assertEqual(copy.returncode, 0, copy.stderr)
        self.assertEqual(outbox(back), outbox(lite))
        status = self.cli("status", "--config", str(back))
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIn("SC-000", status.stdout)

    # ---- 6 -----------------------------------------------------------------------------------
    def test_zalo_token_is_refreshed_once_for_two_instances(self):
        first, second = 10, pick(40, 200)
        port_file = self.dir / "zalo.port"
        fake = subprocess.Popen(["/usr/bin/python3", str(REPO / "tests/channels/fakes/http_fake.py"),
                                 "--port-file", str(port_file), "--app-id", "app-1",
                                 "--secret-key", "s3cret-key", "--access-token", "at-0",
                                 "--refresh-token", "rt-0", "--refresh-delay", "1.0"])

        def stop_fake():
            fake.kill()
            fake.wait(10)

        self.cleanups_last.append(stop_fake)
        wait_for(port_file.exists, 20, "the Zalo fake to listen")
        zalo = f"http://127.0.0.1:{int(port_file.read_text())}"

        def zalo_state():
            with urllib.request.urlopen(zalo + "/control/state", timeout=10) as r:
                return json.loads(r.read())

        secret = self.dir / "zalo.secret"
        secret.write_text("s3cret-key\n", encoding="utf-8")
        configs = []
        for i in range(2):
            path, port = self.instance_config(i, free_port(), lease=30)
            text = path.read_text(encoding="utf-8")
            text = text.replace('department = "Phòng Lao động"',
                                'zalo_user_id = "2512523625412515"\ndepartment = "Phòng Lao động"')
            text = text.replace('channels = ["mail"]', 'channels = ["zalo"]')
            # Small claims, so that both instances have alerts in hand when the token expires.
            text = text.replace("[alerts]\n", "[alerts]\nbatch_size = 2\n")
            text += f"""
[channel.zalo]
type = "zalo"
mode = "cs"
app_id = "app-1"
secret_key_file = "{secret}"
oauth_url = "{zalo}"
api_url = "{zalo}"
business_api_url = "{zalo}"
send_window = "always"
"""
            configs.append((self.write_config(text, f"may-{i}.toml"), port))
        (self.dir / "at.txt").write_text("at-0\n", encoding="utf-8")
        (self.dir / "rt.txt").write_text("rt-0\n", encoding="utf-8")
        r = self.cli("zalo", "set-token", "--config", str(configs[1][0]), "--access-token-file",
                     str(self.dir / "at.txt"), "--refresh-token-file", str(self.dir / "rt.txt"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("zalo_token", r.stdout)
        self.assertNotIn("rt-0", r.stdout + r.stderr)

        codes = [f"ZT-{i:04d}" for i in range(first + second)]
        self.import_dossiers(configs[0][0], codes[:1])  # creates the store schema
        runs = [self.start_daemon(c) for c, _ in configs]
        for _, port in configs:
            self.wait_healthy(port, 60)

        def sent_codes():
            found = {}
            for send in zalo_state()["sends"]:
                for code in re.findall(r"ZT-\d{4}", send["body"]["message"]["text"]):
                    found.setdefault(code, []).append(send["token"])
            return found

        self.import_dossiers(configs[0][0], codes[1:first])
        wait_for(lambda: set(sent_codes()) >= set(codes[:first]), 60, "the first wave sent")
        # Zalo lets the access token expire while both instances have alerts to send.
        with urllib.request.urlopen(urllib.request.Request(zalo + "/control/expire", data=b"{}"),
                                    timeout=10):
            pass
        self.import_dossiers(configs[0][0], codes[first:])
        wait_for(lambda: set(sent_codes()) >= set(codes), pick(120, 300), "every alert sent")
        time.sleep(1.5)  # a late refresh or a duplicate would show now
        state = zalo_state()
        logs = [d.text() for d in runs]
        sent = sent_codes()
        problems = []
        if state["refresh_requests"] != 1:
            problems.append(f"{state['refresh_requests']} refresh requests reached Zalo, not 1")
        if state["refresh_failures"]:
            problems.append(f"{state['refresh_failures']} refreshes refused (a spent token)")
        late = sorted(c for c in codes[first:] if sent[c][-1] != "at-1")
        if late:
            problems.append(f"{len(late)} alerts of the second wave not sent with at-1: {late[:5]}")
        per_instance = [len(self.sent_keys(t)) for t in logs]
        if not all(per_instance):
            problems.append(f"an instance sent nothing: {per_instance}")
        for i, t in enumerate(logs):
            if "zalo_refresh_failed" in t or re.search(r"(?<![\w-])(at|rt)-[0-9]+(?![\w-])", t):
                problems.append(f"may-{i}'s log shows a refused refresh or a token")
        stored = self.pg.sql(f"SELECT access_token, refresh_token, updated_by FROM "
                             f"{self.schema}.zalo_token WHERE channel = 'zalo'")
        if stored[:1] and stored[0][:2] != ["at-1", "rt-1"]:
            problems.append(f"the stored pair is not the new one ({stored[0][2]})")
        if not stored:
            problems.append("no pair stored in zalo_token")
        self.figures(instances=2, alerts=len(codes), sent_by=",".join(map(str, per_instance)),
                     token_errors=state["token_errors"],
                     refreshed_by=stored[0][2] if stored else "-",
                     took_refreshed_pair=sum(t.count("event=zalo_token_taken") for t in logs),
                     load=os.getloadavg()[0])
        self.check(problems)


if __name__ == "__main__":
    main()
