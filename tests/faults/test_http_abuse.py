#!/usr/bin/python3
"""The daemon's HTTP endpoint under abuse: 300 idle connections, slowloris, a 1 MB header, a
10 MB body, garbage bytes, 2,000 requests per second. While each lasts, /healthz (probed on a
fresh connection every 250 ms) must answer 200 within 1 s; the daemon's memory must stay flat."""
import asyncio
import random
import socket
import threading
import time

from harness import FaultCase, Sink, free_port, healthz, main, pick

HEALTH_WITHIN = 1.0  # seconds: the bound for /healthz under abuse
RSS_GROWTH_KIB = 8 * 1024  # "flat": what the daemon may keep after an abuse, KiB


class Prober:
    """Probes /healthz every `interval` seconds on a fresh connection, in a thread."""

    def __init__(self, port, interval=0.25):
        self.port = port
        self.interval = interval
        self.results = []  # (status or None, seconds)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop_event.is_set():
            status, _, took = healthz(self.port, timeout=HEALTH_WITHIN + 2)
            self.results.append((status, took))
            self.stop_event.wait(self.interval)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(10)

    def bad(self):
        return [(s, round(t, 3)) for s, t in self.results if s != 200 or t > HEALTH_WITHIN]

    def latencies(self):
        return sorted(t for s, t in self.results if s is not None)


def percentile(sorted_values, p):
    if not sorted_values:
        return -1.0
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def exchange(port, payload, timeout=15.0, chunk=65536):
    """Sends `payload` on a fresh connection and reads what comes back until the server closes
    or `timeout`. Returns (HTTP status or None, how it ended, seconds)."""
    t0 = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    got = b""
    ended = "closed"
    try:
        try:
            for i in range(0, len(payload), chunk):
                s.sendall(payload[i:i + chunk])
        except (BrokenPipeError, ConnectionResetError):
            ended = "reset while sending"
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        while True:
            data = s.recv(65536)
            if not data:
                break
            got += data
    except socket.timeout:
        ended = "timeout"
    except ConnectionResetError:
        ended = "reset"
    finally:
        s.close()
    status = None
    if got.startswith(b"HTTP/1."):
        try:
            status = int(got.split(b" ", 2)[1])
        except (IndexError, ValueError):
            pass
    return status, ended, time.monotonic() - t0


class HttpAbuse(FaultCase):
    def setUp(self):
        super().setUp()
        self.sink = Sink()
        self.cleanups_last.append(self.sink.stop)
        self.port = free_port()
        self.config = self.write_config(self.config_text(self.port, self.sink.port))
        self.import_dossiers(self.config, ["H-0", "H-1"])
        self.daemon = self.start_daemon(self.config)
        self.wait_healthy(self.port)
        for _ in range(50):  # warm up: the first requests allocate what every request reuses
            healthz(self.port)
        time.sleep(0.5)
        self.rss_before = self.daemon.rss_kib()

    def _verdict(self, name, prober, problems, **figures):
        time.sleep(0.5)
        alive = self.daemon.alive()
        rss_after = self.daemon.rss_kib() if alive else 0
        if not alive:
            problems.append(f"the daemon died during the {name} (exit {self.daemon.proc.returncode})")
        bad = prober.bad()
        if bad:
            problems.append(f"/healthz failed or took longer than {HEALTH_WITHIN} s in {len(bad)} of "
                            f"{len(prober.results)} probes during the {name}: {bad[:8]}")
        if not prober.results:
            problems.append(f"no /healthz probe completed during the {name}")
        status_after = healthz(self.port)[0]
        if alive and status_after != 200:
            problems.append(f"/healthz is {status_after} after the {name}")
        if alive and rss_after - self.rss_before > RSS_GROWTH_KIB:
            problems.append(f"RSS grew by {(rss_after - self.rss_before) / 1024:.1f} MiB during the "
                            f"{name} (flat: at most {RSS_GROWTH_KIB / 1024:.0f} MiB)")
        lat = prober.latencies()
        self.figures(probes=len(prober.results), probes_bad=len(bad),
                     health_p50_ms=percentile(lat, 50) * 1000 if lat else "none",
                     health_max_ms=lat[-1] * 1000 if lat else "none",
                     rss_before_kib=self.rss_before, rss_after_kib=rss_after, **figures)
        self.check(problems)

    def test_300_idle_connections_do_not_take_health_down(self):
        hold = pick(5, 60)
        conns = []
        problems = []
        try:
            for _ in range(300):
                conns.append(socket.create_connection(("127.0.0.1", self.port), timeout=5))
            with Prober(self.port) as prober:
                time.sleep(hold)
            open_at_end = 0
            for c in conns:  # how many the daemon still holds open (it may close idle ones)
                c.setblocking(False)
                try:
                    open_at_end += 1 if c.recv(1) != b"" else 0
                except BlockingIOError:
                    open_at_end += 1
                except OSError:
                    pass
        finally:
            for c in conns:
                c.close()
        self._verdict("idle flood", prober, problems, idle_connections=len(conns), hold_s=hold,
                      still_open_at_end=open_at_end)

    def test_slowloris_does_not_take_health_down(self):
        hold = pick(6, 60)
        n = pick(300, 300)
        conns = []
        problems = []
        try:
            for _ in range(n):
                c = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                conns.append(c)
            with Prober(self.port) as prober:
                end = time.monotonic() + hold
                i = 0
                while time.monotonic() < end:
                    for c in conns:  # one more header line per connection per second, never done
                        try:
                            c.sendall(b"X-Slow-%d: a\r\n" % i)
                        except OSError:
                            pass
                    i += 1
                    time.sleep(1)
        finally:
            for c in conns:
                c.close()
        self._verdict("slowloris", prober, problems, slow_connections=n, hold_s=hold)

    def _refused_for(self, name, make_payload, seconds, parallel, problems):
        """Sends payloads from `parallel` threads for `seconds`; each must get a 4xx or a closed
        connection, never a success or a hang. Returns figures."""
        outcomes = {}
        lock = threading.Lock()
        worst = [0.0]
        end = time.monotonic() + seconds

        def worker(k):
            i = 0
            while time.monotonic() < end:
                payload = make_payload(k, i)
                i += 1
                status, ended, took = exchange(self.port, payload)
                with lock:
                    key = f"{status}/{ended.replace(' ', '_')}"
                    outcomes[key] = outcomes.get(key, 0) + 1
                    worst[0] = max(worst[0], took)
                    if status is not None and not 400 <= status < 500:
                        problems.append(f"{name} {payload[:40]!r} got {status}, expected a 4xx "
                                        f"or a closed connection")
                    if ended == "timeout":
                        problems.append(f"{name} {payload[:40]!r} left the connection hanging "
                                        f"({took:.1f} s)")

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(parallel)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        del problems[20:]  # the first few say it all
        return {"requests": sum(outcomes.values()), "slowest_answer_s": worst[0],
                "outcomes": ",".join(f"{k}:{v}" for k, v in sorted(outcomes.items()))}

    def test_1_mb_headers_are_refused_and_health_stays_up(self):
        problems = []
        big = b"a" * (1 << 20)
        with Prober(self.port) as prober:
            figures = self._refused_for(
                "1 MB header",
                lambda k, i: b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + big + b"\r\n\r\n",
                pick(3, 30), 8, problems)
        self._verdict("1 MB headers", prober, problems, **figures)

    def test_10_mb_bodies_are_refused_and_health_stays_up(self):
        problems = []
        body = b"x" * (10 << 20)
        head = (b"POST /-/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n"
                b"Authorization: Bearer nothing\r\n\r\n" % len(body))
        with Prober(self.port) as prober:
            figures = self._refused_for("10 MB body", lambda k, i: head + body, pick(3, 30), 4,
                                        problems)
        self._verdict("10 MB bodies", prober, problems, **figures)

    def test_garbage_bytes_are_refused_and_health_stays_up(self):
        problems = []
        fixed = [
            b"\x00" * 4096,
            b"\r\n" * 10000,
            b"BREW /healthz HTCPCP/1.0\r\n\r\n",
            b"GET /healthz HTTP/9.9\r\n\r\n",
            b"GET " + b"/" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
            b"POST /-/reload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
            b"POST /-/reload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"ffffffffffffffff\r\n" + b"a" * 1000,
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X: y\r\n" * 5000 + b"\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: \xff\xfe\x00\x01\r\n\r\n",
            "GET /h\u1ebfalthz HTTP/1.1\r\nHost: x\r\n\r\n".encode("utf-8"),
        ]
        seed = self.seed

        def payload(k, i):
            if k == 0 and i < len(fixed):
                return fixed[i]
            rng = random.Random(seed * 1000003 + k * 10007 + i)
            return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 8192)))

        with Prober(self.port) as prober:
            figures = self._refused_for("garbage", payload, pick(3, 30), 4, problems)
        self._verdict("garbage", prober, problems, **figures)

    def test_2000_requests_per_second_keep_health_up_and_memory_flat(self):
        seconds = pick(5, 60)
        rate = 2000
        problems = []
        with Prober(self.port) as prober:
            stats = asyncio.run(load(self.port, rate, seconds))
        achieved = stats["ok"] / seconds
        if achieved < 0.9 * rate:
            problems.append(f"only {achieved:.0f} req/s answered of {rate} offered "
                            f"(errors {stats['errors']})")
        lat = sorted(stats["latencies"])
        self._verdict("2,000 req/s", prober, problems, offered_rps=rate, seconds=seconds,
                      answered_rps=achieved, errors=stats["errors"], statuses=stats["statuses"],
                      load_p50_ms=percentile(lat, 50) * 1000, load_p99_ms=percentile(lat, 99) * 1000,
                      reconnects=stats["connects"])


async def load(port, rate, seconds, connections=16):
    """Offers `rate` requests per second for `seconds` over keep-alive connections (a mix of
    /healthz, /metrics and /); returns counts and latencies."""
    stats = {"ok": 0, "errors": 0, "latencies": [], "statuses": {}, "connects": 0}
    paths = [b"/healthz", b"/metrics", b"/", b"/healthz"]
    per_conn_interval = connections / rate
    end = time.monotonic() + seconds

    async def worker(k):
        reader = writer = None
        n = 0
        next_at = time.monotonic() + k * per_conn_interval / connections
        while time.monotonic() < end:
            delay = next_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            next_at += per_conn_interval
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    stats["connects"] += 1
                path = paths[n % len(paths)]
                n += 1
                t0 = time.monotonic()
                writer.write(b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
                status = int(head.split(b" ", 2)[1])
                length = 0
                close = False
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                    if name.strip().lower() == b"connection" and b"close" in value.lower():
                        close = True
                await asyncio.wait_for(reader.readexactly(length), 5)
                stats["latencies"].append(time.monotonic() - t0)
                stats["statuses"][status] = stats["statuses"].get(status, 0) + 1
                stats["ok"] += 1
                if close:
                    writer.close()
                    writer = None
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError,
                    IndexError):
                stats["errors"] += 1
                if writer is not None:
                    writer.close()
                writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(worker(k) for k in range(connections)))
    stats["statuses"] = ",".join(f"{k}:{v}" for k, v in sorted(stats["statuses"].items()))
    return stats


if __name__ == "__main__":
    main()
