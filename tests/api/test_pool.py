"""The per-thread service pool: one Service per worker thread, released when the thread ends
(the server's thread pool retires idle threads, which must not leak SQLite connections)."""

from __future__ import annotations

import gc
import threading

from exportwatch.api.deps import Pool
from exportwatch.service import Service
from exportwatch.settings import Settings


def test_one_service_per_thread_released_with_the_thread(settings: Settings) -> None:
    pool = Pool(settings)
    mine = pool.get()
    assert pool.get() is mine
    seen: list[Service] = []

    def work() -> None:
        svc = pool.get()
        svc.store.db.execute("SELECT 1").fetchone()  # usable from the thread that opened it
        seen.append(svc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(s) for s in seen}) == 3 and all(s is not mine for s in seen)
    seen.clear()
    gc.collect()
    assert pool.live() == 1  # the three ended threads released theirs; this thread keeps its own
    pool.close()
    assert pool.live() == 0
