#!/usr/bin/python3
"""kill -9 at random moments during `dunghan run` with a real SMTP sink: nothing is lost, and
every duplicate e-mail is an alert that was `sending` in the ledger when a kill landed, resent
with the same Message-ID (the ledger key), so the receiver can recognise it."""
import time

from harness import FaultCase, Sink, free_port, main, pick, wait_for


class KillNine(FaultCase):
    def test_kill_9_at_random_moments_loses_nothing_and_repeats_only_what_was_sending(self):
        kills = pick(12, 150)
        n = kills * 4
        sink = Sink(delay=0.08)  # most of a send's time is inside DATA: kills land mid-send
        self.cleanups_last.append(sink.stop)
        port = free_port()
        config = self.write_config(self.config_text(port, sink.port))
        state = self.dir / "state"
        codes = [f"K-{i:04d}" for i in range(n)]
        self.import_dossiers(config, codes)

        sending_at_kill = set()  # ledger keys in `sending` right after some kill
        kills_mid_send = 0
        kill_times = []
        t_start = time.monotonic()
        for _ in range(kills):
            d = self.start_daemon(config)
            # A random moment: anywhere from start-up (recovery, first plan) to deep in a batch.
            delay = self.rng.uniform(0.02, 1.2)
            time.sleep(delay)
            kill_times.append(delay)
            d.kill9()
            sending = {key for key, _, channel, st in self.ledger(state)
                       if st == "sending" and channel == "mail"}
            kills_mid_send += 1 if sending else 0
            sending_at_kill |= sending
        kill_phase = time.monotonic() - t_start

        # The last run is left alone: everything still owed goes out.
        self.start_daemon(config)
        wait_for(lambda: sink.codes() >= set(codes), pick(60, 300), f"all {n} alerts received")
        wait_for(lambda: all(st == "sent" for _, _, ch, st in self.ledger(state) if ch == "mail"),
                 30, "every mail row of the ledger to be sent")
        time.sleep(1.5)  # anything sent twice after the fact would show now
        rows = [r for r in self.ledger(state) if r[2] == "mail"]

        problems = []
        received = sink.by_code()
        lost = sorted(set(codes) - set(received))
        if lost:
            problems.append(f"{len(lost)} alert(s) lost: {lost[:10]}")
        if len(rows) != n:
            problems.append(f"ledger has {len(rows)} mail rows, expected {n}")
        not_sent = [(k, c, st) for k, c, _, st in rows if st != "sent"]
        if not_sent:
            problems.append(f"ledger rows not sent: {not_sent[:10]}")
        key_of = {c: k for k, c, _, _ in rows}
        duplicates = sink.duplicates()
        for code, ids in sorted(duplicates.items()):
            if len(set(ids)) != 1:
                problems.append(f"{code} was sent {len(ids)} times with different Message-IDs {ids}")
            local = ids[0].split("@")[0]
            if local != key_of.get(code):
                problems.append(f"{code}: Message-ID {ids[0]} is not its ledger key {key_of.get(code)}")
            if local not in sending_at_kill:
                problems.append(f"{code} was sent {len(ids)} times but was never `sending` at a kill")
        extra = sum(len(ids) - 1 for ids in duplicates.values())
        self.figures(kills=kills, kills_mid_send=kills_mid_send, dossiers=n,
                     alerts_received=sink.count(), distinct=len(received), lost=len(lost),
                     duplicates=extra, sending_at_kills=len(sending_at_kill),
                     kill_phase_s=kill_phase, mean_kill_after_s=sum(kill_times) / len(kill_times),
                     wall_s=time.monotonic() - self.t0)
        self.check(problems)


if __name__ == "__main__":
    main()
