#!/usr/bin/python3
"""The SMTP server goes down while alerts wait, then comes back: every alert is delivered once,
and the outage does not multiply connections — a per-channel circuit breaker lets one probe
through per backoff interval, whatever the number of waiting alerts. Connection attempts are
counted at the TCP level by a gate in front of a real aiosmtpd server."""
import re
import sqlite3
import time

from harness import FaultCase, Sink, TcpGate, free_port, http_get, main, pick, poll_until

RETRY_INITIAL = 1  # seconds: [alerts] retry_initial
RETRY_MAX = 4      # seconds: [alerts] retry_max


def metric(text, channel, outcome):
    m = re.search(r'^dunghan_alerts_total\{channel="%s",outcome="%s"\} (\d+)' % (channel, outcome),
                  text, re.MULTILINE)
    return int(m.group(1)) if m else 0


class SmtpOutage(FaultCase):
    def _setup(self, n, max_attempts):
        self.sink = Sink()
        self.cleanups_last.append(self.sink.stop)
        self.gate = TcpGate(self.sink.port)
        self.cleanups_last.append(self.gate.stop)
        self.port = free_port()
        alerts = (f"[alerts]\nmax_attempts = {max_attempts}\nretry_initial = {RETRY_INITIAL}\n"
                  f"retry_max = {RETRY_MAX}\n")
        self.config = self.write_config(
            self.config_text(self.port, self.gate.port, extra=alerts))
        self.codes = [f"O-{i:03d}" for i in range(n)]
        self.import_dossiers(self.config, self.codes)

    def test_smtp_down_then_up_delivers_everything_with_bounded_connection_attempts(self):
        n = pick(50, 200)
        down_for = pick(15, 60)
        # Enough attempts that even an alert used as the probe every time cannot run out of them
        # during the outage (probes come at most every RETRY_INITIAL + 0.8 s): the alerts that are
        # not probes must not spend theirs at all.
        max_attempts = 8 if down_for < 25 else 100
        self._setup(n, max_attempts=max_attempts)
        self.gate.set_mode("reset")  # the server is down: every connection is cut at once
        t_down = time.monotonic()
        d = self.start_daemon(self.config)
        time.sleep(down_for)
        t_up = time.monotonic()
        down_connects = self.gate.count(since=t_down, until=t_up)
        self.gate.set_mode("forward")
        problems = []
        delivered = poll_until(lambda: self.sink.codes() >= set(self.codes), 60)
        t_all = time.monotonic() - t_up
        time.sleep(2)
        up_connects = self.gate.count(since=t_up)
        # One probe per backoff interval (RETRY_INITIAL doubling up to RETRY_MAX, with jitter),
        # plus a little slack — independent of the number of waiting alerts.
        bound = down_for // RETRY_INITIAL + 3
        if down_connects > bound:
            problems.append(f"{down_connects} connection attempts during a {down_for} s outage with "
                            f"{n} alerts waiting (at most {bound}: one probe per backoff interval)")
        if not delivered:
            problems.append(f"{len(set(self.codes) - self.sink.codes())} of {n} alerts not "
                            f"delivered 60 s after the server came back")
        if up_connects > n:
            problems.append(f"{up_connects} connections to deliver {n} alerts after the outage")
        dups = self.sink.duplicates()
        if dups:
            problems.append(f"duplicate e-mails: {list(dups)[:10]}")
        # Attempts spent, from the ledger: one successful send per alert plus the probes.
        attempts = self.attempts()
        if attempts > n + bound:
            problems.append(f"the alerts spent {attempts} attempts in all ({n} alerts, at most "
                            f"{n + bound}: the ones waiting behind the probe spend none)")
        _, metrics, _ = http_get(self.port, "/metrics")
        dead = metric(metrics, "mail", "dead")
        if dead:
            problems.append(f"{dead} alerts counted dead although the outage was short")
        self.figures(alerts=n, down_s=down_for, connects_down=down_connects,
                     connects_down_bound=bound, connects_up=up_connects,
                     all_delivered_after_up_s=t_all if delivered else -1,
                     delivered=len(self.sink.codes()), duplicates=len(dups), attempts=attempts,
                     retry_outcomes=metric(metrics, "mail", "retry"), dead_outcomes=dead,
                     daemon_alive=d.alive())
        self.check(problems)

    def attempts(self):
        """The send attempts recorded in the ledger, summed over every mail alert."""
        path = self.dir / "state" / "state.db"
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute("SELECT COALESCE(SUM(attempts), 0) FROM alerts "
                               "WHERE channel = 'mail'").fetchone()[0]
        finally:
            con.close()

    def test_the_last_attempt_before_dead_counts_as_dead_not_retry(self):
        self._setup(1, max_attempts=1)
        self.gate.set_mode("reset")
        self.start_daemon(self.config)
        problems = []
        got = poll_until(lambda: "dead" in dict(
            (s, 1) for *_, s in self.ledger(self.dir / "state")), 20)
        if not got:
            problems.append(f"the alert did not go dead after its only attempt: "
                            f"{self.ledger_states(self.dir / 'state')}")
        time.sleep(1.5)  # the cycle's outcome reaches the metrics when it ends
        _, metrics, _ = http_get(self.port, "/metrics")
        dead, retry = metric(metrics, "mail", "dead"), metric(metrics, "mail", "retry")
        if dead != 1 or retry != 0:
            problems.append(f'dunghan_alerts_total{{channel="mail"}}: dead={dead} retry={retry}, '
                            f"expected dead=1 retry=0 (max_attempts = 1)")
        self.figures(dead_outcomes=dead, retry_outcomes=retry, connects=self.gate.count())
        self.check(problems)


if __name__ == "__main__":
    main()
