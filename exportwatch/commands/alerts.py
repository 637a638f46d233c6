"""`exportwatch subscribe`, `subscriptions`, `unsubscribe`, `alerts`, `deliver` and `jobs`:
subscriptions, the alert outbox and the scheduler's record (alerts/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from alerts import subscriptions as subs
from alerts.config import AlertSettings
from alerts.deliver import deliver as deliver_outbox
from alerts.outbox import channel_status, count_outbox, outbox_json, outbox_rows
from alerts.scheduler import job_table, recent_runs
from exportwatch import accounts
from exportwatch.cli import handle_errors
from exportwatch.output import console, print_json
from exportwatch.service import Service


def _team_ref(ref: str) -> int | str:
    return int(ref) if ref.isdigit() else ref


@click.command()
@click.option("--team", "team_ref", required=True, metavar="NAME|ID", help="The team that owns the subscription.")
@click.option("--name", help="A name for it (default: made from what it watches).")
@click.option("--code", "codes", multiple=True, metavar="CODE",
              help="Watch a control code or code prefix (repeatable); needs --jurisdiction.")
@click.option("--everywhere", is_flag=True,
              help="With --code: also the same control in other jurisdictions (code alignment: 3A001 = WA 3.A.1).")
@click.option("--search", "query", metavar="QUERY", help="Watch a saved search (the `exportwatch search` language).")
@click.option("--term", metavar="TERM", help="Watch a defined term: changes of its definition.")
@click.option("--source", "sources", multiple=True, metavar="ID",
              help="Watch a whole source (repeatable); with --search: a filter.")
@click.option("--jurisdiction", "jurisdictions", multiple=True, metavar="J",
              help="With --code: the codes' jurisdiction; with --search/--term: a filter; alone: watch it whole.")
@click.option("--language", "languages", multiple=True, metavar="LANG", help="With --search: a language filter.")
@click.option("--category", "categories", multiple=True, metavar="CAT", help="With --search: a category filter.")
@click.option("--code-prefix", "code_prefixes", multiple=True, metavar="PREFIX",
              help="With --search: a code-prefix filter.")
@click.option("--change-kind", "change_kinds", multiple=True,
              type=click.Choice(["added", "removed", "amended", "moved"]),
              help="With --search: only changes of this kind (repeatable).")
@click.option("--frequency", type=click.Choice(["immediate", "daily", "weekly"]), default="immediate",
              show_default=True, help="Send each alert at once, or a digest per UTC day / ISO week.")
@click.option("--all-changes", is_flag=True,
              help="Also editorial changes (letter case, punctuation only); default: substantive only.")
@click.option("--email", "emails", multiple=True, metavar="ADDRESS", help="Send alerts by e-mail (repeatable).")
@click.option("--webhook", "webhooks", multiple=True, metavar="URL", help="POST alerts to this URL (repeatable).")
@click.option("--webhook-secret", metavar="whsec_...", help="Signing secret for the webhooks (default: generated).")
@click.option("--feed", is_flag=True, help="Publish the alerts as an Atom feed (URL printed).")
@click.option("--json", "as_json", is_flag=True, help="Print the subscription as JSON (with the webhook secret).")
@handle_errors
def subscribe(team_ref: str, name: str | None, codes: tuple[str, ...], everywhere: bool, query: str | None,
              term: str | None, sources: tuple[str, ...], jurisdictions: tuple[str, ...], languages: tuple[str, ...],
              categories: tuple[str, ...], code_prefixes: tuple[str, ...], change_kinds: tuple[str, ...],
              frequency: str, all_changes: bool,
              emails: tuple[str, ...], webhooks: tuple[str, ...], webhook_secret: str | None, feed: bool,
              as_json: bool) -> None:
    """Subscribe a team to changes of codes, a saved search, a defined term, or whole sources or
    jurisdictions. Exactly one of --code, --search, --term, or (alone) --source/--jurisdiction."""
    given = [k for k, v in (("--code", codes), ("--search", query), ("--term", term)) if v]
    if len(given) > 1:
        raise click.UsageError(f"choose one of {', '.join(given)}")
    spec: dict[str, Any]
    if codes:
        if len(jurisdictions) != 1:
            raise click.UsageError("--code needs exactly one --jurisdiction (the codes' list: us, eu, wa ...)")
        spec = {"kind": "code", "jurisdiction": jurisdictions[0], "codes": list(codes),
                "include_equivalents": everywhere}
        default_name = f"{jurisdictions[0]}:{','.join(codes)}" + (" everywhere" if everywhere else "")
    elif query:
        spec = {"kind": "search", "query": query, "jurisdictions": list(jurisdictions), "sources": list(sources),
                "languages": list(languages), "categories": list(categories), "code_prefixes": list(code_prefixes),
                "change_kinds": list(change_kinds)}
        default_name = f"search {query!r}"
    elif term:
        spec = {"kind": "term", "term": term, "jurisdictions": list(jurisdictions)}
        default_name = f"term {term!r}"
    elif sources or jurisdictions:
        spec = {"kind": "source", "sources": list(sources), "jurisdictions": list(jurisdictions)}
        default_name = "all of " + ", ".join([*sources, *jurisdictions])
    else:
        raise click.UsageError("say what to watch: --code, --search, --term, --source or --jurisdiction")
    if everywhere and not codes:
        raise click.UsageError("--everywhere goes with --code")
    channels: list[dict[str, Any]] = [{"kind": "email", "address": e} for e in emails]
    channels += [{"kind": "webhook", "url": u, **({"secret": webhook_secret} if webhook_secret else {})}
                 for u in webhooks]
    if feed:
        channels.append({"kind": "feed"})
    if not channels:
        raise click.UsageError("give at least one channel: --email, --webhook or --feed")
    data = subs.parse_input({"name": name or default_name, "spec": spec, "frequency": frequency,
                             "significance": "all" if all_changes else "substantive", "channels": channels})
    settings = AlertSettings.from_env()
    with Service.open() as svc:
        team = accounts.team(svc.store, _team_ref(team_ref))
        sub = subs.create(svc.store, team.id, data, settings)
    out = subs.subscription_json(sub, show_secrets=True, base_url=settings.base_url)
    if as_json:
        print_json(out)
        return
    console.print(f"subscription {sub.id} {sub.name!r} created for team {team.name!r} ({sub.frequency})",
                  highlight=False)
    for c in out["channels"]:
        line = f"  {c['kind']}: {c.get('url') or c['target']}"
        if c["kind"] == "webhook":
            line += f"  secret {c['secret']} (shown once here; verify webhook-signature with it)"
        console.print(escape(line), highlight=False)


def _channel_cell(store: Any, channel: subs.ChannelRow) -> str:
    counts = channel_status(store, channel.id)
    state = f"disabled ({channel.disabled_reason})" if channel.disabled_at else (
        f"retry after {channel.next_attempt_at}" if channel.next_attempt_at else "ok")
    shown = "feed" if channel.kind == "feed" else f"{channel.kind} {channel.target}"
    if channel.kind == "feed":
        return shown
    return (f"{shown}: {state}; {counts['delivered']} delivered, {counts['pending'] + counts['retrying']} queued,"
            f" {counts['dead']} dead")


@click.command()
@click.option("--team", "team_ref", metavar="NAME|ID", help="Only this team's subscriptions.")
@click.option("--all", "include_deleted", is_flag=True, help="Also unsubscribed ones.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (with per-channel delivery counts).")
@handle_errors
def subscriptions(team_ref: str | None, include_deleted: bool, as_json: bool) -> None:
    """List subscriptions with what they watch and each channel's delivery state."""
    settings = AlertSettings.from_env()
    with Service.open() as svc:
        team_id = accounts.team(svc.store, _team_ref(team_ref)).id if team_ref else None
        found = subs.list_subscriptions(svc.store, team_id=team_id, include_deleted=include_deleted)
        rows = []
        for sub in found:
            data = subs.subscription_json(sub, base_url=settings.base_url)
            for c, ch in zip(data["channels"], sub.channels, strict=True):
                c["messages"] = channel_status(svc.store, ch.id)
            data["alerts"] = int(svc.store.db.execute("SELECT count(*) FROM alerts WHERE subscription_id=?",
                                                      (sub.id,)).fetchone()[0])
            rows.append((data, [_channel_cell(svc.store, ch) for ch in sub.channels]))
    if as_json:
        print_json([d for d, _ in rows])
        return
    table = Table(title=f"Subscriptions ({len(rows)})")
    for col in ("id", "team", "name", "watches", "frequency", "alerts", "channels"):
        table.add_column(col, overflow="fold")
    for data, cells in rows:
        spec = {k: v for k, v in data["spec"].items() if v not in ([], None, False) and k != "kind"}
        table.add_row(str(data["id"]), str(data["team_id"]), escape(data["name"]) + (" (deleted)" if data["deleted_at"]
                      else ""), escape(f"{data['kind']}: {spec}"), data["frequency"], str(data["alerts"]),
                      escape("\n".join(cells)))
    console.print(table)


@click.command()
@click.argument("subscription_id", type=int)
@click.option("--team", "team_ref", metavar="NAME|ID", help="Refuse unless the subscription is this team's.")
@handle_errors
def unsubscribe(subscription_id: int, team_ref: str | None) -> None:
    """Stop a subscription: no new alerts (messages already queued are still delivered)."""
    with Service.open() as svc:
        team_id = accounts.team(svc.store, _team_ref(team_ref)).id if team_ref else None
        sub = subs.delete(svc.store, subscription_id, team_id=team_id)
    console.print(f"subscription {sub.id} {sub.name!r} stopped at {sub.deleted_at}", highlight=False)


@click.command("alerts")
@click.option("--pending", "status", flag_value="pending", help="Queued: not yet sent, or waiting for a retry.")
@click.option("--failed", "status", flag_value="failed", help="Whose last attempt failed (retrying) or dead-lettered.")
@click.option("--delivered", "status", flag_value="delivered", help="Accepted by the receiver.")
@click.option("--team", "team_ref", metavar="NAME|ID", help="Only this team's.")
@click.option("--subscription", "subscription_id", type=int, metavar="ID", help="Only this subscription's.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="Newest N messages.")
@click.option("--json", "as_json", is_flag=True, help="Print the messages as JSON.")
@handle_errors
def alerts_cmd(status: str | None, team_ref: str | None, subscription_id: int | None, limit: int,
               as_json: bool) -> None:
    """Alert messages in the outbox, newest first, with their delivery status per channel."""
    statuses = {"pending": ("pending", "retrying"), "failed": ("retrying", "dead"),
                "delivered": ("delivered",), None: ()}[status]
    with Service.open() as svc:
        team_id = accounts.team(svc.store, _team_ref(team_ref)).id if team_ref else None
        rows = outbox_rows(svc.store, statuses=statuses, team_id=team_id, subscription_id=subscription_id,
                           limit=limit)
        total = count_outbox(svc.store, statuses=statuses, team_id=team_id, subscription_id=subscription_id)
    if as_json:
        print_json({"total": total, "items": [outbox_json(r) for r in rows]})
        return
    table = Table(title=f"Alert messages: {len(rows)} of {total}" + (f" ({status})" if status else ""))
    for col in ("id", "status", "subscription", "channel", "alerts", "what", "attempts", "last error / delivered"):
        table.add_column(col, overflow="fold")
    for r in rows:
        what = (f"digest {r.period}: " if r.period else "") + r.summary[:120]
        table.add_row(str(r.id), r.status, escape(r.subscription_name), escape(f"{r.channel_kind} {r.channel_target}"),
                      str(r.alerts), escape(what), str(r.attempts), escape(r.last_error or r.delivered_at or ""))
    console.print(table)


@click.command()
@click.option("--max", "max_messages", type=click.IntRange(1), default=None, help="Stop after N attempts.")
@click.option("--json", "as_json", is_flag=True, help="Print the delivery report as JSON.")
@handle_errors
def deliver(max_messages: int | None, as_json: bool) -> None:
    """One delivery pass: batch due digests, send every due message (retries included), record
    the outcome. The service (`exportwatch serve`) does this every minute."""
    with Service.open() as svc:
        report = deliver_outbox(svc.store, AlertSettings.from_env(), max_messages=max_messages)
    if as_json:
        print_json(report.as_json())
        return
    console.print(f"{report.attempted} attempted, {report.delivered} delivered, {report.failed} failed, "
                  f"{report.dead} dead-lettered, {report.digests} digest(s) built, "
                  f"{report.channels_waiting} channel(s) waiting for a retry", highlight=False)
    for e in report.errors[:20]:
        console.print(f"  {escape(e)}", highlight=False)


@click.command()
@click.option("--failed", "failed_only", is_flag=True, help="Only failed and missed runs.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True, help="Recent runs shown.")
@click.option("--json", "as_json", is_flag=True, help="Print jobs and recent runs as JSON.")
@handle_errors
def jobs(failed_only: bool, limit: int, as_json: bool) -> None:
    """The scheduler's jobs (from config: one crawl per source, delivery, digests), their next
    run, and recent runs, failed and missed ones included."""
    with Service.open() as svc:
        table_rows = job_table(svc.settings, svc.store, now=dt.datetime.now(dt.UTC))
        runs = recent_runs(svc.store, statuses=("failed", "missed") if failed_only else (), limit=limit)
    if as_json:
        print_json({"jobs": table_rows, "runs": runs})
        return
    table = Table(title="Scheduled jobs (UTC)")
    for col in ("job", "trigger", "next run", "last run", "ok", "failed", "missed"):
        table.add_column(col, overflow="fold")
    for j in table_rows:
        last = j["last_run"]
        table.add_row(j["id"], escape(j["trigger"]), j["next_run"] or "-",
                      f"{last['started_at']} {last['status']}" if last else "never",
                      str(j["runs"]["ok"]), str(j["runs"]["failed"]), str(j["runs"]["missed"]))
    console.print(table)
    recent = Table(title="Recent runs" + (" (failed and missed)" if failed_only else ""))
    for col in ("id", "job", "scheduled", "started", "finished", "status", "message"):
        recent.add_column(col, overflow="fold")
    for r in runs:
        recent.add_row(str(r["id"]), r["job_id"], r["scheduled_at"] or "-", r["started_at"], r["finished_at"] or "-",
                       r["status"], escape(r["message"] or ""))
    console.print(recent)


COMMANDS = [subscribe, subscriptions, unsubscribe, alerts_cmd, deliver, jobs]
