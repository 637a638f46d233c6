"""A delivery process SIGKILLed between sending and recording the send: the message goes out
again after the restart (at-least-once), at most once more, with the same webhook-id; killed
before sending, it goes out exactly once (RELIABILITY.md test 10). The kill is real: a child
`exportwatch deliver` process armed with EXPORTWATCH_FAULT_KILL_AT at a checkpoint of
alerts/deliver.py."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from alerts.config import AlertSettings
from alerts.deliver import LEASE_S, deliver
from alerts.outbox import outbox_rows
from alerts.receiver import WebhookReceiver
from indexer.changes import ChangeSetRow
from indexer.store import Store
from tests.alerts.conftest import FakeClock
from tests.alerts.test_delivery import SECRET, US_9A012, match, subscribe


def run_deliver(store: Store, kill_at: str | None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "EXPORTWATCH_HOME": str(store.path.parent), "EXPORTWATCH_WEBHOOK_ALLOW_PRIVATE": "true"}
    env.pop("EXPORTWATCH_FAULT_KILL_AT", None)
    if kill_at:
        env["EXPORTWATCH_FAULT_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "exportwatch.cli", "deliver"], env=env, capture_output=True,
                          timeout=120, check=False)


@pytest.mark.parametrize(("stage", "copies_of_first"), [("alerts-sent", 2), ("alerts-claimed", 1)])
def test_sigkill_during_delivery_then_restart(store: Store, change_set: ChangeSetRow, settings: AlertSettings,
                                              stage: str, copies_of_first: int) -> None:
    offset = [0.0]
    with WebhookReceiver(SECRET, clock=lambda: time.time() + offset[0]) as receiver:
        subscribe(store, settings, receiver.url, US_9A012)
        assert match(store, change_set, settings) == 3
        killed = run_deliver(store, stage)
        assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
        first = next(r.message_id for r in reversed(outbox_rows(store)))
        assert receiver.state.ids == ([first] if stage == "alerts-sent" else [])
        # The killed process held the message; once its lease runs out, the next deliverer
        # (restarted later: the clock moves on, for us and for the receiver) sends it again.
        assert deliver(store, settings).attempted == 0  # still leased: no double send meanwhile
        later = FakeClock(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=LEASE_S + 1))
        offset[0] = LEASE_S + 1
        report = deliver(store, settings, now=later)
        assert report.delivered == 3
        counts = Counter(receiver.state.ids)
        assert counts[first] == copies_of_first
        assert len(counts) == 3 and all(n == 1 for mid, n in counts.items() if mid != first)
        assert {r.status for r in outbox_rows(store)} == {"delivered"}
