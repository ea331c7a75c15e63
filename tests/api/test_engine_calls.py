"""The server's engine calls stay correct when many requests run at once."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import calmdesk
from calmdesk.api import engine


def test_concurrent_analyses_equal_the_sequential_ones() -> None:
    # Never-seen words in every text make the engine's token caches grow while other threads
    # read them: the situation that broke unserialised calls. Concurrent first, while the
    # words are new; the sequential run after it is the reference.
    run = uuid.uuid4().hex[:8]
    texts = [
        f"Zamówienie {i} słowo{run}{i} nie dotarło, gdzie paczka {run}x{i}?" for i in range(400)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(engine.analyze, texts))
    assert got == [calmdesk.analyze(t).to_dict() for t in texts]
