"""Import 100,000 conduct events from a CSV file into a fresh embedded SQLite database.

    python3 benchmarks/records_import.py [--events 100000] [--clients 10000]

Prints the time to read and check the file, and to write it (clients created on the way),
against the target of 30 s for the whole import.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from calmdesk.domain.conduct import read_import_file
from calmdesk.domain.people import Actor
from calmdesk.domain.vocabulary import CONDUCT_KINDS
from calmdesk.store import organisations
from calmdesk.store.conduct import import_conduct
from calmdesk.store.database import Database

TARGET_SECONDS = 30.0


def write_file(path: Path, events: int, clients: int, seed: int = 5) -> None:
    """A realistic mix: mostly attended and paid, some no-shows and late cancellations."""
    rng = random.Random(seed)
    weights = [8 if k in ("attended", "paid_on_time") else 1 for k in CONDUCT_KINDS]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write("kind,occurred_at,client_email,client_name,hours_notice,amount\n")
        for _ in range(events):
            kind = rng.choices(CONDUCT_KINDS, weights)[0]
            if kind == "abuse":  # abuse events need an incident; keep the benchmark to the rest
                kind = "no_show"
            client = rng.randrange(clients)
            moment = start + timedelta(minutes=rng.randrange(60 * 24 * 690))
            notice = f"{rng.uniform(0, 48):.1f}" if kind == "late_cancellation" else ""
            amount = f"{rng.uniform(50, 900):.2f}" if kind.startswith("pay") else ""
            out.write(f"{kind},{moment.isoformat()},client{client}@example.com,"
                      f"Client {client},{notice},{amount}\n")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument(
        "--database-url",
        help="An empty PostgreSQL database to use instead of a temporary SQLite file.",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "conduct.csv"
        write_file(path, args.events, args.clients)
        db = Database(args.database_url or f"sqlite:///{Path(folder) / 'calmdesk.db'}")
        db.upgrade()
        admin = Actor.system("benchmark")
        with db.write() as session:
            org_id = organisations.create_organisation(
                session, slug="bench", name="Benchmark", actor=admin
            ).id
        started = time.perf_counter()
        rows, errors = read_import_file(path)
        parsed = time.perf_counter()
        with db.write() as session:
            result = import_conduct(
                session, org_id=org_id, rows=rows, errors=errors, actor=admin, create_clients=True
            )
        done = time.perf_counter()
        db.dispose()
    total = done - started
    print(f"events imported:   {result.imported:,} (clients created: {result.clients_created:,})")
    print(f"read and check:    {parsed - started:6.2f} s")
    print(f"write:             {done - parsed:6.2f} s")
    print(f"total:             {total:6.2f} s  ({result.imported / total:,.0f} events/s)")
    verdict = "within" if total < TARGET_SECONDS else "OVER"
    print(f"target:            < {TARGET_SECONDS:.0f} s -> {verdict}")


if __name__ == "__main__":
    main()
