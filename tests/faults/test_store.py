#!/usr/bin/python3
"""The dossier store under a running daemon: replaced by another file, deleted and restored from a
backup, locked by another program, replaced by a corrupt file. Alerts resume once a usable store
is back, and /healthz tells the truth all along: 503 with `store_reachable: false` and a reason
naming the store while it cannot be read, 200 again when it can."""
import os
import shutil
import sqlite3
import subprocess
import sys
import time

from harness import (FaultCase, Sink, free_port, healthz, main, pick, poll_until)

DOWN_WITHIN = 10  # seconds (10 polls) for /healthz to notice a store it cannot read
BACK_WITHIN = 15  # seconds for alerts to resume once the store is usable again


class StoreFaults(FaultCase):
    def _service(self, store="store/dossiers.db", extra=""):
        self.sink = Sink()
        self.cleanups_last.append(self.sink.stop)
        self.port = free_port()
        (self.dir / "store").mkdir(exist_ok=True)
        self.store = self.dir / store
        self.config = self.write_config(
            self.config_text(self.port, self.sink.port, store_path=store, extra=extra))
        self.state = self.dir / "state"

    def _other_store(self, name, codes):
        """A separate store file holding `codes` (its row versions start again at 1)."""
        cfg = self.write_config(self.config_text(self.port, self.sink.port,
                                                 store_path=f"store/{name}"), f"{name}.toml")
        self.import_dossiers(cfg, codes)
        return self.dir / "store" / name

    def _received(self, codes, timeout):
        return bool(poll_until(lambda: self.sink.codes() >= set(codes), timeout))

    def _healthy(self, timeout):
        return poll_until(lambda: healthz(self.port)[0] == 200, timeout)

    def _down_truthfully(self, problems, what, mention):
        """Waits for /healthz to report the store down; records what is wrong with the report.
        Returns the seconds it took (or None)."""
        t0 = time.monotonic()
        got = poll_until(lambda: (lambda h: h if h[0] == 503 else None)(healthz(self.port)),
                         DOWN_WITHIN)
        if not got:
            status, body, _ = healthz(self.port)
            problems.append(f"{what}: /healthz still {status} after {DOWN_WITHIN} s "
                            f"(store_reachable={body and body.get('store_reachable')})")
            return None
        status, body, _ = got
        took = time.monotonic() - t0
        if not body or body.get("store_reachable") is not False:
            problems.append(f"{what}: 503 but store_reachable is "
                            f"{body and body.get('store_reachable')}")
        text = str(body)
        if mention not in text:
            problems.append(f"{what}: /healthz does not name {mention!r}: {text[:400]}")
        return took

    def _stays_down(self, problems, what, seconds):
        """While the cause lasts, /healthz must keep saying so (never a healthy empty store)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            status, body, _ = healthz(self.port)
            if status != 503:
                problems.append(f"{what}: /healthz turned {status} while the store was still "
                                f"unusable: {str(body)[:300]}")
                return
            time.sleep(0.25)

    def _figures(self, **kv):
        self.figures(**kv, alerts_received=self.sink.count(),
                     duplicates=sum(len(v) - 1 for v in self.sink.duplicates().values()))

    def _no_duplicates(self, problems):
        dups = self.sink.duplicates()
        if dups:
            problems.append(f"duplicate e-mails: {dups}")

    # ---- the tests -----------------------------------------------------------------------------
    def test_store_replaced_by_another_file_is_seen_and_its_dossiers_alerted(self):
        self._service()
        first = [f"A-{i}" for i in range(8)]
        self.import_dossiers(self.config, first)
        d = self.start_daemon(self.config)
        problems = []
        if not self._received(first, 20):
            self.fail(f"the first alerts never came: {sorted(self.sink.codes())}")
        # A new store (versions 1..3, below the cursor the daemon keeps for the old one) is moved
        # over the old file, as a deployment or an admin would.
        replacement = self._other_store("new.db", [f"B-{i}" for i in range(3)])
        t0 = time.monotonic()
        os.replace(replacement, self.store)
        resumed = self._received([f"B-{i}" for i in range(3)], BACK_WITHIN)
        took = time.monotonic() - t0
        if not resumed:
            problems.append(f"the replacement store's dossiers were not alerted within "
                            f"{BACK_WITHIN} s: received {sorted(self.sink.codes())}")
        if "event=store_replaced" not in d.text():
            problems.append("no event=store_replaced in the log")
        if healthz(self.port)[0] != 200:
            problems.append(f"/healthz is {healthz(self.port)[0]} on a good replacement store")
        self._no_duplicates(problems)
        self._figures(resumed_after_s=took if resumed else -1)
        self.check(problems)

    def test_store_deleted_is_reported_and_a_restored_backup_is_read_again(self):
        self._service()
        first = [f"A-{i}" for i in range(4)]
        self.import_dossiers(self.config, first)
        backup = self.dir / "backup.db"
        d = self.start_daemon(self.config)
        problems = []
        if not self._received(first, 20):
            self.fail(f"the first alerts never came: {sorted(self.sink.codes())}")
        # A backup of the store as it is now (versions 1..4) …
        src = sqlite3.connect(self.store)
        dst = sqlite3.connect(backup)
        src.backup(dst)
        src.close()
        dst.close()
        # … then the store moves on (versions 5..10: the daemon's cursor is 10 or so) …
        later = [f"C-{i}" for i in range(6)]
        self.import_dossiers(self.config, later)
        if not self._received(later, 20):
            problems.append(f"alerts after the backup never came: {sorted(self.sink.codes())}")
        # … and is deleted.
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(f"{self.store}{suffix}")
            except FileNotFoundError:
                pass
        down = self._down_truthfully(problems, "store deleted", self.store.name)
        if down is not None:
            self._stays_down(problems, "store deleted", 3)
        if self.store.exists():
            problems.append("the daemon re-created the deleted store (an empty store is no store)")
        # The backup is restored (a new file; row versions below the daemon's cursor), and a new
        # dossier is written to it: it must be alerted, and the old ones not again.
        shutil.copyfile(backup, self.store)
        restored_new = ["R-0", "R-1"]
        self.import_dossiers(self.config, restored_new)
        t0 = time.monotonic()
        back = self._healthy(BACK_WITHIN)
        if not back:
            problems.append(f"/healthz not 200 within {BACK_WITHIN} s of the restore: "
                            f"{healthz(self.port)}")
        if not self._received(restored_new, BACK_WITHIN):
            problems.append(f"dossiers added to the restored store were not alerted within "
                            f"{BACK_WITHIN} s (skipped below the old cursor?)")
        self._no_duplicates(problems)
        self._figures(down_after_s=down if down is not None else -1,
                      healthy_after_restore_s=time.monotonic() - t0 if back else -1)
        self.check(problems)

    def test_mapped_database_locked_by_its_program_is_reported_then_read_again(self):
        # The agency's own database (rollback journal, as most one-stop software leaves it) read
        # through [store.mapping]; its program holds an exclusive lock longer than busy_timeout.
        self.port = free_port()
        self.sink = Sink()
        self.cleanups_last.append(self.sink.stop)
        agency = self.dir / "onestop.db"
        con = sqlite3.connect(agency)
        con.execute("PRAGMA journal_mode=DELETE")
        con.execute("CREATE TABLE HoSo (MaHoSo TEXT PRIMARY KEY, NguoiXuLy TEXT, NgayNhan TEXT, "
                    "TrangThai TEXT, NgayCapNhat TEXT)")
        received = time.strftime("%Y-%m-%d 09:00:00", time.gmtime(time.time() - 60 * 86400))
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 7 * 3600))
        con.executemany("INSERT INTO HoSo VALUES (?, 'cvien', ?, 'processing', ?)",
                        [(f"M-{i}", received, now) for i in range(3)])
        con.commit()
        con.close()
        mapping = ('[store.mapping]\ndossiers = "SELECT MaHoSo AS code, \'1.001\' AS procedure_code, '
                   'NguoiXuLy AS handler, NgayNhan AS received_at, TrangThai AS status, '
                   'NgayCapNhat AS updated_at FROM HoSo WHERE NgayCapNhat >= :since"\n')
        text = self.config_text(self.port, self.sink.port, store_path="onestop.db")
        text = text.replace("busy_timeout_ms = 500\n", "busy_timeout_ms = 500\n" + mapping)
        self.config = self.write_config(text)
        d = self.start_daemon(self.config)
        problems = []
        if not self._received(["M-0", "M-1", "M-2"], 20):
            self.fail(f"the first alerts never came: {sorted(self.sink.codes())}\n{d.text()}")
        locker = subprocess.Popen([sys.executable, "-c", f"""
import sqlite3, sys, time
con = sqlite3.connect({str(agency)!r}, isolation_level=None)
con.execute("BEGIN EXCLUSIVE")
con.execute("INSERT INTO HoSo VALUES ('M-9', 'cvien', {received!r}, 'processing', {now!r})")
print("locked", flush=True)
sys.stdin.readline()
con.execute("COMMIT")
"""], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

        def stop_locker():
            if locker.poll() is None:
                locker.kill()
                locker.wait()
            locker.stdin.close()
            locker.stdout.close()
        self.cleanups_last.append(stop_locker)
        self.assertEqual(locker.stdout.readline().strip(), "locked")
        down = self._down_truthfully(problems, "database locked", "lock")
        if down is not None:
            self._stays_down(problems, "database locked", 2)
        locker.stdin.write("\n")
        locker.stdin.flush()
        locker.wait(10)
        t0 = time.monotonic()
        back = self._healthy(BACK_WITHIN)
        if not back:
            problems.append(f"/healthz not 200 within {BACK_WITHIN} s of the lock's release")
        if not self._received(["M-9"], BACK_WITHIN):
            problems.append("the dossier written under the lock was not alerted after it")
        self._no_duplicates(problems)
        self._figures(down_after_s=down if down is not None else -1,
                      healthy_after_release_s=time.monotonic() - t0 if back else -1)
        self.check(problems)

    def test_own_store_held_by_a_writer_stays_readable_and_healthy(self):
        # dunghan's own store is in WAL mode: a long write (an import, a tool's transaction)
        # never blocks the daemon's reads, so /healthz must stay 200 throughout.
        self._service()
        self.import_dossiers(self.config, ["A-0", "A-1"])
        self.start_daemon(self.config)
        problems = []
        if not self._received(["A-0", "A-1"], 20):
            self.fail(f"the first alerts never came: {sorted(self.sink.codes())}")
        con = sqlite3.connect(self.store, isolation_level=None, timeout=5)
        con.execute("BEGIN EXCLUSIVE")
        statuses = []
        end = time.monotonic() + pick(4, 15)
        while time.monotonic() < end:
            statuses.append(healthz(self.port)[0])
            time.sleep(0.25)
        con.execute("ROLLBACK")
        con.close()
        if any(s != 200 for s in statuses):
            problems.append(f"/healthz answered {sorted(set(statuses), key=str)} while a writer "
                            f"held the store")
        self.import_dossiers(self.config, ["A-2"])
        if not self._received(["A-2"], BACK_WITHIN):
            problems.append("a dossier written after the writer left was not alerted")
        self._no_duplicates(problems)
        self._figures(health_checks=len(statuses))
        self.check(problems)

    def test_store_replaced_by_a_corrupt_file_is_reported_then_a_good_one_is_read(self):
        self._service()
        self.import_dossiers(self.config, ["A-0", "A-1"])
        self.start_daemon(self.config)
        problems = []
        if not self._received(["A-0", "A-1"], 20):
            self.fail(f"the first alerts never came: {sorted(self.sink.codes())}")
        good = self.dir / "good-copy.db"
        shutil.copyfile(self.store, good)
        # A copy cut short, then garbage: what a failed restore or a bad disk leaves behind.
        data = self.store.read_bytes()
        corrupt = self.dir / "store" / "corrupt.db"
        corrupt.write_bytes(b"\x00garbage, not an SQLite file\x00" * 64 + data[len(data) // 2:])
        os.replace(corrupt, self.store)
        down = self._down_truthfully(problems, "corrupt store", self.store.name)
        if down is not None:
            self._stays_down(problems, "corrupt store", 2)
        # A good copy is put back, with one more dossier.
        os.replace(good, self.store)
        self.import_dossiers(self.config, ["A-2"])
        t0 = time.monotonic()
        back = self._healthy(BACK_WITHIN)
        if not back:
            problems.append(f"/healthz not 200 within {BACK_WITHIN} s of the good store's return")
        if not self._received(["A-2"], BACK_WITHIN):
            problems.append("alerts did not resume on the good store")
        self._no_duplicates(problems)
        self._figures(down_after_s=down if down is not None else -1,
                      healthy_after_fix_s=time.monotonic() - t0 if back else -1)
        self.check(problems)


if __name__ == "__main__":
    main()
