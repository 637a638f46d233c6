"""Processor "alerts" (order 90): match the version's change sets against every active
subscription and queue the alerts in the outbox (alerts/). Runs after change detection (30).
Idempotent: an alert is keyed by (subscription, change set, seq), so a second run (a restart, a
crawl that finds the same document, `reprocess --force`) queues nothing new. Delivery is a
separate step (`exportwatch deliver`, or the scheduler's delivery job every minute)."""

from __future__ import annotations

from alerts.config import AlertSettings
from alerts.pipeline import match_version
from alerts.search_match import scratch_factory
from exportwatch.processors import Processor, VersionContext


def _run(ctx: VersionContext) -> list[str]:
    outcomes = match_version(ctx.store, ctx.source.id, ctx.version.id, factory=scratch_factory(ctx.settings),
                             settings=AlertSettings.from_env(), source_names={ctx.source.id: ctx.source.name})
    return [f"change set {o.change_set_id}: {o.new_alerts} new alert(s) queued" for o in outcomes if o.new_alerts]


PROCESSOR = Processor("alerts", 90, _run)
