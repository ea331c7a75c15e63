"""Load test of ``calmdesk serve`` on 127.0.0.1: throughput and p50/p99 latency of
POST /api/v1/analyze and of webhook ingestion, plus a kill test (SIGKILL during webhook load,
restart, every acknowledged delivery stored exactly once).

    python3 benchmarks/api_load.py                      # analyze + webhooks + kill test
    python3 benchmarks/api_load.py --requests 3000 --concurrency 32 --workers 2

Bounded: each phase stops after ``--requests`` requests or ``--seconds`` seconds. Everything
runs in a temporary data directory; nothing but 127.0.0.1 is contacted. The load itself is
sent by a small asyncio HTTP/1.1 keep-alive client (httpx is used for set-up): on a two-core
machine the load generator must not eat the CPU the server is being measured on. Each phase
reports the CPU the server and the generator spent per request.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

CALMDESK = [sys.executable, "-c", "from calmdesk.cli import main; main()"]
SECRET = "benchmark-webhook-secret"
PASSWORD = "benchmark password, not a real one"
TEXTS = [
    "Where is my refund? I have been waiting for two weeks.",
    "Thank you, the technician was quick and very kind.",
    "You people are useless, this is the third time I am calling!",
    "Gdzie jest moja paczka? Czekam już tydzień.",
    "Jest Pan idiotą, oddajcie mi pieniądze natychmiast!",
    "Dziękuję bardzo za pomoc, wszystko działa.",
    "Tilaukseni ei ole vieläkään tullut, mitä tapahtuu?",
    "Olette täysin kelvottomia, haluan rahani takaisin heti!",
    "If this is not fixed by Friday I will leave a one-star review everywhere.",
    "Can I move my appointment to next Tuesday afternoon?",
    "This damn washing machine broke again after a week.",
    "Proszę o fakturę za ostatnią wizytę.",
]


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by every live process of a process group."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    seconds: float = 0.0
    server_cpu: float = 0.0  # CPU seconds the server spent during the phase
    client_cpu: float = 0.0  # ... and this load generator

    def report(self) -> str:
        ok = sorted(self.latencies)
        if not ok:
            return (
                f"{self.name}: no successful requests ({dict(self.statuses)}, {self.errors} errors)"
            )
        p50 = statistics.median(ok) * 1000
        p99 = ok[min(len(ok) - 1, int(len(ok) * 0.99))] * 1000
        rate = len(ok) / self.seconds
        cpu = (
            f", CPU per request: server {self.server_cpu / len(ok) * 1000:.2f} ms, "
            f"load generator {self.client_cpu / len(ok) * 1000:.2f} ms"
            if self.server_cpu
            else ""
        )
        return (
            f"{self.name}: {len(ok)} ok in {self.seconds:.1f} s = {rate:.0f} req/s, "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, statuses {dict(self.statuses)}, "
            f"connection errors {self.errors}{cpu}, load average {os.getloadavg()[0]:.1f}"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CALMDESK_DATA_DIR=str(data_dir),
        CALMDESK_SECRET_KEY="benchmark-" + "k" * 40,
        CALMDESK_API_RATE_LIMIT_PER_MINUTE=str(10**9),
    )
    env.pop("CALMDESK_DATABASE_URL", None)
    return env


def prepare(data_dir: Path) -> str:
    """First admin with a token, and a generic webhook integration; returns the token."""
    result = subprocess.run(
        [*CALMDESK, "users", "create-admin", "--org", "bench",
         "--username", "admin", "--password-stdin", "--with-token"],
        input=PASSWORD + "\n", capture_output=True, text=True, env=environment(data_dir),
        check=True,
    )  # fmt: skip
    token = result.stdout.strip().rsplit(" ", 1)[-1]
    from calmdesk.domain.people import Actor
    from calmdesk.store import organisations, tokens
    from calmdesk.store.database import Database

    database = Database(f"sqlite:///{data_dir / 'calmdesk.db'}")
    with database.write() as session:
        org = organisations.find_organisation(session, "bench")
        tokens.save_integration(
            session, org_id=org.id, kind="generic", config={}, secret=SECRET,
            actor=Actor.system("benchmark"),
        )  # fmt: skip
    database.dispose()
    return token


def start_server(data_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [*CALMDESK, "serve", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning"],
        env=environment(data_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: SIGKILL reaches every worker
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                # Every worker has to be warm: a few extra requests land on each.
                for _ in range(workers * 4):
                    httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not become ready within 60 s")


def stop_server(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    process.wait(timeout=60)


def signed(body: bytes) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"content-type": "application/json", "X-Calmdesk-Signature": f"sha256={digest}"}


class RawPool:
    """Keep-alive HTTP/1.1 connections written by hand.

    The load generator shares the machine with the server, so it has to cost far less CPU per
    request than the server does; a general HTTP client costs more than calmdesk itself.
    """

    def __init__(self, base: str, size: int) -> None:
        parsed = urlsplit(base)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.size = size
        self.open = 0
        self.free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = (
            asyncio.Queue()
        )

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while True:
            if not self.free.empty():
                return self.free.get_nowait()
            if self.open < self.size:
                self.open += 1
                try:
                    return await asyncio.open_connection(self.host, self.port)
                except OSError:
                    self.open -= 1
                    raise ConnectionError("cannot connect") from None
            try:
                return await asyncio.wait_for(self.free.get(), timeout=1.0)
            except TimeoutError:
                continue

    async def request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> int:
        """Send one request and read the whole answer; returns the status code."""
        reader, writer = await self._connection()
        lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Content-Length: {len(body)}\r\n{lines}\r\n"
        )
        try:
            writer.write(head.encode() + body)
            await writer.drain()
            status = int((await reader.readline()).split()[1])
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
                elif name.strip().lower() == b"connection" and b"close" in value.lower():
                    close = True
            await reader.readexactly(length)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            self.open -= 1
            writer.close()
            raise ConnectionError("connection lost") from None
        if close:
            self.open -= 1
            writer.close()
        else:
            self.free.put_nowait((reader, writer))
        return status

    def close(self) -> None:
        while not self.free.empty():
            self.free.get_nowait()[1].close()


async def drive(
    phase: Phase, make: object, *, total: int, concurrency: int, seconds: float,
    rate: float | None = None, acked: list[str] | None = None, stop: asyncio.Event | None = None,
) -> None:  # fmt: skip
    """Send up to ``total`` requests for at most ``seconds``.

    With ``rate``, requests start on a fixed schedule (open loop) and latency is counted from
    the scheduled start, so a server that falls behind shows it; without, ``concurrency``
    clients send back to back (closed loop, the highest throughput).
    """
    started = time.perf_counter()
    deadline = started + seconds
    base, _ = make(0)[1].split("/api/", 1)  # type: ignore[operator]
    pool = RawPool(base, concurrency)
    try:

        async def one(i: int, scheduled: float) -> None:
            method, url, body, headers, key = make(i)  # type: ignore[operator]
            try:
                status = await pool.request(method, urlsplit(url).path, body, headers)
            except ConnectionError:
                phase.errors += 1
                return
            phase.statuses[status] += 1
            if 200 <= status < 300:
                phase.latencies.append(time.perf_counter() - scheduled)
                if acked is not None:
                    acked.append(key)

        def stopped() -> bool:
            return time.perf_counter() > deadline or (stop is not None and stop.is_set())

        if rate:
            tasks = []
            for i in range(total):
                scheduled = started + i / rate
                await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
                if stopped():
                    break
                tasks.append(asyncio.create_task(one(i, scheduled)))
            await asyncio.gather(*tasks)
        else:
            counter = iter(range(total))

            async def worker() -> None:
                for i in counter:
                    if stopped():
                        return
                    await one(i, time.perf_counter())

            await asyncio.gather(*(worker() for _ in range(concurrency)))
        phase.seconds = time.perf_counter() - started
    finally:
        pool.close()


def analyze_request(base: str, token: str) -> object:
    headers = {"Authorization": f"Bearer {token}", "content-type": "application/json"}

    def make(i: int) -> tuple[str, str, bytes, dict[str, str], str]:
        body = json.dumps({"text": TEXTS[i % len(TEXTS)]}).encode()
        return "POST", f"{base}/api/v1/analyze", body, headers, ""

    return make


def webhook_request(base: str, run: str, conversations: int = 50) -> object:
    def make(i: int) -> tuple[str, str, bytes, dict[str, str], str]:
        message_id = f"{run}-{i}"
        payload = {
            "conversation_id": f"{run}-c{i % conversations}", "message_id": message_id,
            "text": TEXTS[i % len(TEXTS)], "client": {"id": f"u{i % conversations}"},
        }  # fmt: skip
        body = json.dumps(payload).encode()
        return "POST", f"{base}/api/v1/webhooks/generic/bench", body, signed(body), message_id

    return make


def stored_message_ids(data_dir: Path) -> Counter[str]:
    """External ids of every stored message (read straight from the database)."""
    from calmdesk.store import conversations, organisations
    from calmdesk.store.database import Database

    database = Database(f"sqlite:///{data_dir / 'calmdesk.db'}")
    found: Counter[str] = Counter()
    with database.read() as session:
        org = organisations.find_organisation(session, "bench")
        for c in conversations.list_conversations(session, org_id=org.id, limit=1_000_000):
            for m in conversations.list_messages(session, org_id=org.id, conversation_id=c.id):
                found[m.external_id or ""] += 1
    database.dispose()
    return found


async def kill_test(data_dir: Path, port: int, workers: int, args: argparse.Namespace) -> bool:
    """SIGKILL the server during webhook load, restart it, check acknowledged deliveries."""
    base = f"http://127.0.0.1:{port}"
    server = start_server(data_dir, port, workers)
    acked: list[str] = []
    phase = Phase("webhooks until SIGKILL")
    stop = asyncio.Event()
    make = webhook_request(base, "kill")
    load = asyncio.create_task(
        drive(phase, make, total=args.requests, concurrency=args.concurrency,
              seconds=args.seconds, acked=acked, stop=stop)
    )  # fmt: skip
    await asyncio.sleep(args.kill_after)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)
    await asyncio.sleep(0.5)
    stop.set()
    await load
    print(phase.report())
    # Retry every delivery the way a helpdesk would: the acknowledged ones must be duplicates.
    server = start_server(data_dir, port, workers)
    try:
        statuses: Counter[str] = Counter()
        async with httpx.AsyncClient(timeout=10) as client:
            for key in acked[:200]:
                i = int(key.rsplit("-", 1)[1])
                _, url, body, headers, _ = make(i)  # type: ignore[operator]
                response = await client.post(url, content=body, headers=headers)
                statuses[response.json().get("status", str(response.status_code))] += 1
        print(
            f"retries after restart: {dict(statuses)} ({min(200, len(acked))} acknowledged resent)"
        )
    finally:
        stop_server(server)
    stored = stored_message_ids(data_dir)
    missing = [k for k in acked if stored[k] == 0]
    doubled = [k for k, n in stored.items() if n > 1 and k.startswith("kill-")]
    print(
        f"kill test: {len(acked)} deliveries acknowledged before SIGKILL; missing after restart "
        f"{len(missing)}; stored more than once {len(doubled)}"
    )
    return not missing and not doubled


async def main_async(args: argparse.Namespace) -> int:
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="calmdesk-bench-") as folder:
        data_dir = Path(folder)
        token = prepare(data_dir)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(data_dir, port, args.workers)
        try:
            # Closed loop first (the most it can do), then the target rates (open loop).
            for name, make, rate in (
                ("POST /api/v1/analyze, closed loop", analyze_request(base, token), None),
                (f"POST /api/v1/analyze at {args.analyze_rate}/s", analyze_request(base, token),
                 args.analyze_rate),
                ("webhook ingestion, closed loop", webhook_request(base, "max"), None),
                (f"webhook ingestion at {args.webhook_rate}/s", webhook_request(base, "load"),
                 args.webhook_rate),
            ):  # fmt: skip
                phase = Phase(name)
                cpu_before, own_before = group_cpu_seconds(server.pid), time.process_time()
                await drive(phase, make, total=args.requests, concurrency=args.concurrency,
                            seconds=args.seconds, rate=rate)  # fmt: skip
                phase.server_cpu = group_cpu_seconds(server.pid) - cpu_before
                phase.client_cpu = time.process_time() - own_before
                print(phase.report(), flush=True)
        finally:
            stop_server(server)
        if args.no_kill_test:
            return 0
        return 0 if await kill_test(data_dir, port, args.workers, args) else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000, help="per phase (default 3000)")
    parser.add_argument("--seconds", type=float, default=10, help="time limit per phase")
    parser.add_argument("--concurrency", type=int, default=64, help="connections in flight")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--analyze-rate", type=float, default=300, help="target req/s")
    parser.add_argument("--webhook-rate", type=float, default=200, help="target msgs/s")
    parser.add_argument(
        "--kill-after", type=float, default=3.0, help="seconds of load before SIGKILL"
    )
    parser.add_argument("--no-kill-test", action="store_true")
    args = parser.parse_args()
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
