#!/usr/bin/python3
"""A full disk under the state directory (a small tmpfs; needs root to mount, skipped otherwise):
the daemon keeps running and says so — /healthz 503, the log names the file and the free space —
and recovers by itself within one poll once space is freed, also when it was (re)started on the
full disk."""
import errno
import os
import subprocess
import time

from harness import FaultCase, Sink, free_port, healthz, main, poll_until

POLL = 2  # seconds: the daemon's poll_interval in this test
RECOVER_WITHIN = POLL + 3  # one poll, the cycle itself, and the test's own polling


class FullDisk(FaultCase):
    def setUp(self):
        super().setUp()
        if os.geteuid() != 0:
            self.skipTest("the full-disk test mounts a small tmpfs and needs root; run the fault "
                          "suite as root (CI does) to include it")
        self.state = self.dir / "state"
        self.state.mkdir()
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m,mode=0755", "tmpfs",
                            str(self.state)], capture_output=True, text=True)
        if r.returncode != 0:
            self.fail(f"cannot mount a tmpfs although root: {r.stderr.strip()}")
        self.cleanups_last.append(self._unmount)
        self.filler = self.state / "filler"

    def _unmount(self):
        r = subprocess.run(["umount", str(self.state)], capture_output=True, text=True)
        if r.returncode != 0:
            subprocess.run(["umount", "-l", str(self.state)], check=False)

    def _free_bytes(self):
        st = os.statvfs(self.state)
        return st.f_bavail * st.f_frsize

    def _fill(self):
        """Fills the tmpfs until the kernel says ENOSPC; returns the bytes written."""
        written = 0
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for chunk in (1 << 20, 1 << 12, 1):
                block = b"\0" * chunk
                while True:
                    try:
                        written += os.write(fd, block)
                    except OSError as e:
                        if e.errno != errno.ENOSPC:
                            raise
                        break
        finally:
            os.close(fd)
        return written

    def _free(self):
        self.filler.unlink()

    def _wait_status(self, want, timeout):
        return poll_until(lambda: healthz(self.port)[0] == want, timeout, 0.1)

    def test_full_disk_is_reported_and_recovered_within_one_poll(self):
        sink = Sink()
        self.cleanups_last.append(sink.stop)
        self.port = free_port()
        (self.dir / "store").mkdir()
        config = self.write_config(self.config_text(
            self.port, sink.port, state_dir=str(self.state), store_path="store/dossiers.db",
            poll_interval=POLL))
        state_db = str(self.state / "state.db")
        self.import_dossiers(config, ["A-0", "A-1", "A-2"])
        d = self.start_daemon(config)
        if not poll_until(lambda: sink.codes() >= {"A-0", "A-1", "A-2"}, 20):
            self.fail(f"the first alerts never came: {sorted(sink.codes())}")
        problems = []

        # 1. The disk fills while the daemon runs; new dossiers arrive (their alerts must be
        #    written to the ledger, which cannot grow).
        log_mark = len(d.text())
        filled = self._fill()
        free_when_full = self._free_bytes()
        self.import_dossiers(config, ["F-0", "F-1"])
        t0 = time.monotonic()
        went_down = self._wait_status(503, 10 * POLL)
        down_after = time.monotonic() - t0
        if not went_down:
            problems.append(f"/healthz still {healthz(self.port)[0]} {10 * POLL} s after the disk "
                            f"filled")
        time.sleep(POLL)
        if not d.alive():
            problems.append(f"the daemon exited ({d.proc.returncode}) on the full disk")
        after = d.text()[log_mark:]
        if state_db not in after and "state.db" not in after:
            problems.append(f"the log does not name the ledger file: {after[-600:]!r}")
        if "free" not in after.lower():
            problems.append(f"the log does not give the free space: {after[-600:]!r}")
        status, body, _ = healthz(self.port)
        if status == 503 and "state.db" not in str(body):
            problems.append(f"/healthz does not name the ledger file: {str(body)[:400]}")
        # Space comes back: the daemon recovers by itself within one poll.
        self._free()
        t0 = time.monotonic()
        healthy = self._wait_status(200, 3 * RECOVER_WITHIN)
        healthy_after = time.monotonic() - t0
        delivered = poll_until(lambda: sink.codes() >= {"F-0", "F-1"}, 3 * RECOVER_WITHIN)
        delivered_after = time.monotonic() - t0
        if not healthy or healthy_after > RECOVER_WITHIN:
            problems.append(f"/healthz took {healthy_after:.1f} s to turn 200 after space was "
                            f"freed (one poll is {POLL} s; allowed {RECOVER_WITHIN} s)")
        if not delivered or delivered_after > RECOVER_WITHIN:
            problems.append(f"the alerts held up by the full disk took {delivered_after:.1f} s "
                            f"after space was freed (allowed {RECOVER_WITHIN} s); received "
                            f"{sorted(sink.codes())}")
        wal = self.state / "state.db-wal"
        wal_bytes = wal.stat().st_size if wal.exists() else 0

        # 2. A (re)start on a full disk: no exit and restart loop, but a running daemon that
        #    says what is wrong and recovers when space is freed.
        d.stop()
        self._fill()
        self.import_dossiers(config, ["G-0"])
        d2 = self.start_daemon(config)
        time.sleep(3 * POLL)
        if not d2.alive():
            problems.append(f"started on a full disk, the daemon exited {d2.proc.returncode}: "
                            f"{d2.text().strip()[-400:]!r}")
        else:
            status, body, _ = healthz(self.port)
            if status != 503:
                problems.append(f"started on a full disk, /healthz answered {status}, not 503")
        self._free()
        t0 = time.monotonic()
        healthy2 = self._wait_status(200, 3 * RECOVER_WITHIN) if d2.alive() else False
        healthy2_after = time.monotonic() - t0
        if d2.alive() and (not healthy2 or healthy2_after > RECOVER_WITHIN):
            problems.append(f"after a start on a full disk, /healthz took {healthy2_after:.1f} s "
                            f"to turn 200 once space was freed (allowed {RECOVER_WITHIN} s)")
        if not poll_until(lambda: "G-0" in sink.codes(), RECOVER_WITHIN):
            problems.append("the alert waiting since the start on a full disk was not sent")
        dups = sink.duplicates()
        if dups:
            problems.append(f"duplicate e-mails: {dups}")
        self.figures(filler_bytes=filled, free_when_full=free_when_full,
                     down_after_s=down_after if went_down else -1,
                     healthy_after_free_s=healthy_after if healthy else -1,
                     delivered_after_free_s=delivered_after if delivered else -1,
                     restart_healthy_after_free_s=healthy2_after if healthy2 else -1,
                     wal_bytes=wal_bytes, alerts_received=sink.count(),
                     duplicates=sum(len(v) - 1 for v in dups.values()))
        self.check(problems)


if __name__ == "__main__":
    main()
