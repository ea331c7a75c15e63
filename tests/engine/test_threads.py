"""The engine gives the same answers when called from many threads at once (a server's pool)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import calmdesk


def test_concurrent_analyses_equal_the_sequential_ones() -> None:
    # Never-seen words in every text make the engine's token caches grow while other threads
    # read them: the situation that broke unserialised calls. Concurrent first, while the
    # words are new; the sequential run after it is the reference.
    run = uuid.uuid4().hex[:8]
    texts = [
        f"Zamówienie {i} słowo{run}{i} nie dotarło, gdzie paczka {run}x{i}?" for i in range(400)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda t: calmdesk.analyze(t).to_dict(), texts))
    assert got == [calmdesk.analyze(t).to_dict() for t in texts]
