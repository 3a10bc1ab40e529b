#!/usr/bin/python3
"""A second process on the same state directory while `dunghan run` is in the middle of a send:
a second `run` with the same configuration, a manual `run --once`, a second daemon on another
port. Each must refuse (exit 1, naming the lock and the running daemon's PID) before it touches
the ledger, and no e-mail may go out twice. Read-only commands keep working beside the daemon."""
import re
import time

from harness import FaultCase, Sink, free_port, main, poll_until, wait_for

SLOW_DATA = 2.5  # seconds the SMTP server takes per message: the daemon is caught mid-send
N = 3


class SecondInstance(FaultCase):
    def _service_mid_send(self):
        """Starts the daemon on N overdue dossiers and returns once it is inside a send."""
        self.sink = Sink(delay=SLOW_DATA)
        self.cleanups_last.append(self.sink.stop)
        self.port = free_port()
        self.config = self.write_config(self.config_text(self.port, self.sink.port))
        self.state = self.dir / "state"
        self.codes = [f"S-{i}" for i in range(N)]
        self.import_dossiers(self.config, self.codes)
        self.first = self.start_daemon(self.config)
        wait_for(self.sink.in_data.is_set, 20, "the daemon's first send to reach DATA")
        wait_for(lambda: any(st == "sending" for *_, st in self.ledger(self.state)), 5,
                 "a `sending` row in the ledger")

    def _second(self, args, config=None, timeout=20):
        """Runs `dunghan run ARGS` as the intruder; returns (exit code or None if it kept running,
        its output, seconds)."""
        d = self.start_daemon(config or self.config, *args)
        t0 = time.monotonic()
        try:
            d.proc.wait(timeout)
        except Exception:
            pass
        took = time.monotonic() - t0
        code = d.proc.poll()
        if code is None:
            d.close()
        return code, d.text(), took

    def _settle(self, problems):
        """Waits until every alert has been received and the ledger has settled, and a while
        longer (a duplicate would be in flight then); returns the duplicates (code → IDs)."""
        if not poll_until(lambda: self.sink.codes() >= set(self.codes), 30 + N * SLOW_DATA):
            problems.append(f"alerts lost: {sorted(set(self.codes) - self.sink.codes())}")
        states = poll_until(lambda: all(st == "sent" for *_, st in self.ledger(self.state)), 20)
        if not states:
            problems.append(f"ledger not settled: {self.ledger_states(self.state)}")
        time.sleep(SLOW_DATA + 2)
        dups = self.sink.duplicates()
        if dups:
            problems.append(f"duplicate e-mails: {dups}")
        return dups

    def _assert_refused(self, what, code, output, took, problems):
        if code is None:
            problems.append(f"{what} kept running ({took:.1f} s) beside the daemon")
        elif code != 1:
            problems.append(f"{what} exited {code}, expected 1")
        if not re.search(r"\block", output, re.IGNORECASE):
            problems.append(f"{what}'s message does not name the lock: {output.strip()[-300:]!r}")
        if str(self.first.pid) not in output:
            problems.append(f"{what}'s message does not name the holder's PID {self.first.pid}: "
                            f"{output.strip()[-300:]!r}")

    def _finish(self, what, code, output, took):
        problems = []
        self._assert_refused(what, code, output, took, problems)
        dups = self._settle(problems)
        if not self.first.alive():
            problems.append(f"the running daemon died (exit {self.first.proc.returncode})")
        self.figures(second=what.replace(" ", "_"), second_exit=code, second_seconds=took,
                     alerts_received=self.sink.count(), duplicates=sum(len(v) - 1 for v in dups.values()),
                     daemon_alive=self.first.alive())
        self.check(problems)

    def test_second_run_with_the_same_config_refuses_and_nothing_is_sent_twice(self):
        self._service_mid_send()
        self._finish("second run", *self._second([]))

    def test_run_once_during_the_service_refuses_and_nothing_is_sent_twice(self):
        self._service_mid_send()
        self._finish("run --once", *self._second(["--once"]))

    def test_second_daemon_on_another_port_refuses_and_nothing_is_sent_twice(self):
        self._service_mid_send()
        other = self.write_config(self.config_text(free_port(), self.sink.port), "other-port.toml")
        # Same state_dir: relative paths resolve against the file's folder, which is the same.
        self._finish("daemon on another port", *self._second([], config=other, timeout=8))

    def test_read_only_commands_work_beside_the_daemon(self):
        self._service_mid_send()
        problems = []
        timings = {}
        for args in (["status"], ["outbox", "list"], ["alerts", "preview"]):
            t0 = time.monotonic()
            r = self.cli(*args, "--config", str(self.config))
            timings["_".join(args)] = time.monotonic() - t0
            if r.returncode != 0:
                problems.append(f"`dunghan {' '.join(args)}` exited {r.returncode}: "
                                f"{(r.stderr or r.stdout).strip()[-300:]}")
        dups = self._settle(problems)
        self.figures(**{f"{k}_s": v for k, v in timings.items()}, duplicates=sum(len(v) - 1 for v in dups.values()))
        self.check(problems)


if __name__ == "__main__":
    main()
