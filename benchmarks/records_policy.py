"""Evaluate the boundary policy for 10,000 clients (their whole conduct history).

    python3 benchmarks/records_policy.py [--clients 10000] [--events-per-client 8]

Prints the time to evaluate every client (one query, then the rules in Python) and to turn
the results into pending recommendations, against the target of 10 s.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from calmdesk.domain.clock import utcnow
from calmdesk.domain.people import Actor
from calmdesk.domain.vocabulary import CONDUCT_KINDS
from calmdesk.store import organisations
from calmdesk.store.database import Database
from calmdesk.store.models import Client, ConductEvent
from calmdesk.store.policy import evaluate_clients, refresh_recommendations

TARGET_SECONDS = 10.0


def populate(db: Database, clients: int, per_client: int, seed: int = 7) -> tuple[int, int]:
    """An organisation with ``clients`` clients and about ``per_client`` events each.

    Returns (organisation id, number of events).
    """
    rng = random.Random(seed)
    now = utcnow()
    kinds = [k for k in CONDUCT_KINDS if k != "abuse"]
    weights = [6 if k in ("attended", "paid_on_time") else 1 for k in kinds]
    admin = Actor.system("benchmark")
    with db.write() as session:
        org_id = organisations.create_organisation(
            session, slug="bench", name="Benchmark", actor=admin
        ).id
        session.execute(
            insert(Client),
            [{"org_id": org_id, "display_name": f"Client {i}", "created_at": now}
             for i in range(clients)],
        )  # fmt: skip
        ids = list(session.scalars(select(Client.id).where(Client.org_id == org_id)))
        events = []
        for client_id in ids:
            for _ in range(rng.randint(per_client // 2, per_client * 3 // 2)):
                kind = rng.choices(kinds, weights)[0]
                events.append({
                    "org_id": org_id, "client_id": client_id, "kind": kind,
                    "occurred_at": now - timedelta(days=rng.randrange(400)),
                    "hours_notice": rng.uniform(0, 48) if kind == "late_cancellation" else None,
                    "created_at": now,
                })  # fmt: skip
        for start in range(0, len(events), 10_000):
            session.execute(insert(ConductEvent), events[start : start + 10_000])
    return org_id, len(events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--events-per-client", type=int, default=8)
    parser.add_argument(
        "--database-url",
        help="An empty PostgreSQL database to use instead of a temporary SQLite file.",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(args.database_url or f"sqlite:///{Path(folder) / 'calmdesk.db'}")
        db.upgrade()
        org_id, events = populate(db, args.clients, args.events_per_client)
        started = time.perf_counter()
        with db.read() as session:
            results = evaluate_clients(session, org_id=org_id)
        evaluated = time.perf_counter()
        with db.write() as session:
            created = refresh_recommendations(
                session, org_id=org_id, actor=Actor.system("benchmark")
            )
        done = time.perf_counter()
        db.dispose()
    levels: dict[str, int] = {}
    for result in results.values():
        levels[result.level] = levels.get(result.level, 0) + 1
    print(f"clients evaluated:      {len(results):,} ({events:,} conduct events)")
    print(f"evaluate:               {evaluated - started:6.2f} s")
    print(f"+ recommendations:      {done - evaluated:6.2f} s ({len(created):,} created)")
    print(f"total:                  {done - started:6.2f} s")
    print("levels:                 " + ", ".join(f"{k} {v}" for k, v in sorted(levels.items())))
    verdict = "within" if done - started < TARGET_SECONDS else "OVER"
    print(f"target:                 < {TARGET_SECONDS:.0f} s -> {verdict}")


if __name__ == "__main__":
    main()
