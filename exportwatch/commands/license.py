"""`exportwatch license-check` and `exportwatch license-changes`.

license-check answers, for one ECCN (or EU Annex I entry) and one destination, whether the EAR
Country Chart requires a licence, which reasons for control trigger it, which licence exceptions
the ECCN makes eligible, and what the check does not evaluate; every answer cites the regulation
and the stored version it was read from. license-changes lists the licensing data that changed
between consecutive stored versions (chart cells, control rows, country groups, authorisations).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from crawlers.registry import Source
from exportwatch.cli import handle_errors
from exportwatch.errors import ExportWatchError, NotFoundError
from exportwatch.output import console, print_json
from exportwatch.service import Service
from indexer import licensing as db
from indexer.store import Store, VersionRow
from nlp.licensing.check import check_eu, check_us
from nlp.licensing.countries import Country, resolve, suggestion_text

_ECCN = re.compile(r"^(\d[A-E]\d{3})((?:\.[A-Za-z0-9]{1,3})*)\.?$", re.I)
# The EAR treats Hong Kong as China since 2020 (it has no Country Chart row of its own).
_EAR_AS = {"HK": ("CN", "Hong Kong has no Country Chart row: the EAR treats it as China (85 FR 83765, "
                        "Dec. 23, 2020); the China row is used.")}


def _source(svc: Service, fmt: str, jurisdiction: str) -> Source:
    found = [s for s in svc.sources if s.format == fmt and s.jurisdiction == jurisdiction]
    if not found:
        raise NotFoundError(f"no source of format {fmt!r} ({jurisdiction}) in the sources file")
    return found[0]


def _version(store: Store, source: Source, as_of: dt.date | None, what: str) -> VersionRow:
    version = db.licensed_version(store, source.id, as_of)
    if version is not None:
        return version
    dates = [v.version_date.isoformat() for v in store.versions(source.id)]
    when = f" on or before {as_of}" if as_of else ""
    hint = (f"; stored versions: {', '.join(dates)}" if dates else
            f"; run `exportwatch crawl --source {source.id}` first")
    if dates and not as_of:
        hint += "; run `exportwatch reprocess --processor licensing` to read their licensing data"
    raise NotFoundError(f"no {what} ({source.id}){when} with licensing data{hint}")


def _document(store: Store, version: VersionRow, role: str | None = None) -> dict[str, str]:
    rows = store.db.execute("SELECT url, sha256, role FROM version_files WHERE version_id=? ORDER BY url",
                            (version.id,)).fetchall()
    for row in rows:
        if role is None or row["role"] == role:
            return {"url": row["url"], "sha256": row["sha256"]}
    return {}


def _cite(what: str, cite: str, source: Source, version: VersionRow, role: str | None, store: Store,
          **extra: str) -> dict[str, Any]:
    return {"what": what, "citation": cite, "source": source.id, "version_date": version.version_date.isoformat(),
            **_document(store, version, role), **extra}


def _target(text: str) -> tuple[str, str, str | None]:
    """("us"|"eu", ECCN or Annex I code, the paragraph asked for or None)."""
    raw = text.strip()
    jurisdiction = "us"
    if ":" in raw:
        jurisdiction, raw = (p.strip() for p in raw.split(":", 1))
        jurisdiction = jurisdiction.lower()
    if jurisdiction not in ("us", "eu"):
        raise ExportWatchError(f"license-check covers US ECCNs (us:3A001) and EU Annex I entries (eu:1A001), "
                               f"not {jurisdiction!r}")
    if raw.upper() == "EAR99":
        raise NotFoundError("EAR99 items are not on the Commerce Control List, so the Country Chart does not "
                            "apply; a licence is needed only for embargoed destinations (part 746) or "
                            "prohibited end uses and end users (part 744)")
    m = _ECCN.match(raw)
    if not m:
        raise NotFoundError(f"{text!r} is not an ECCN or Annex I code (like 3A001 or 3A001.b.2)")
    code = m.group(1).upper()
    rest = m.group(2)
    return jurisdiction, code, (code + rest.lower()) if rest else None


def _close(code: str, known: list[str]) -> str:
    close = difflib.get_close_matches(code, known, n=5, cutoff=0.6)
    same_group = [k for k in known if k[:3] == code[:3]][:5]
    names = list(dict.fromkeys(close + same_group))[:6]
    return f"; did you mean {', '.join(names)}?" if names else ""


def run_check(svc: Service, item: str, destination: str, as_of: dt.date | None) -> dict[str, Any]:
    jurisdiction, code, paragraph = _target(item)
    country = resolve(destination)
    if jurisdiction == "eu":
        return _check_eu(svc, code, paragraph, country, destination, as_of)
    return _check_us(svc, code, paragraph, country, destination, as_of)


def _check_us(svc: Service, eccn: str, paragraph: str | None, country: Country, typed: str,
              as_of: dt.date | None) -> dict[str, Any]:
    store = svc.store
    ccl_source = _source(svc, "ecfr-xml", "us")
    chart_source = _source(svc, "ecfr-ear", "us")
    ccl = _version(store, ccl_source, as_of, "Commerce Control List")
    data = db.eccn(store, ccl.id, eccn)
    if data is None:
        raise NotFoundError(f"no ECCN {eccn} in the Commerce Control List of {ccl.version_date}"
                            + _close(eccn, db.eccn_codes(store, ccl.id)))
    chart_version = _version(store, chart_source, as_of, "Country Chart")
    rows = db.chart_rows(store, chart_version.id)
    caveats: list[str] = []
    wanted = country.iso2
    if wanted == "US":
        raise NotFoundError("the United States is not an export destination in the Country Chart; "
                            "give the country the item goes to")
    if wanted in _EAR_AS:
        wanted, note = _EAR_AS[wanted]
        caveats.append(note)
    row = next((r for r in rows if r.iso2 == wanted), None)
    if row is None:
        raise NotFoundError(f"{country.name} has no row in the Country Chart of {chart_version.version_date}"
                            + suggestion_text(typed))
    footnote_texts = db.chart_footnotes(store, chart_version.id)
    footnotes = {n: footnote_texts.get(n, "(footnote text not printed)") for n in row.footnotes}
    groups_source = next((s for s in svc.sources if s.format == "country-groups-json"), None)
    groups_version = db.licensed_version(store, groups_source.id, as_of) if groups_source else None
    groups = db.group_members(store, groups_version.id) if groups_version else None
    result = check_us(eccn=eccn, paragraph=paragraph, reasons=data.reasons, controls=data.controls,
                      exceptions=data.exceptions, sta_conditions=data.sta_conditions,
                      license_notes=data.license_notes, country=country, chart_country=row.country,
                      cells=row.cells if row.see_text is None else None, see_text=row.see_text,
                      footnotes=footnotes, groups=groups)
    result["caveats"] = caveats + result["caveats"]
    if groups is None:
        result["caveats"].insert(0, "No Country Groups data is stored: licence exceptions' destination "
                                    "conditions and rows naming Country Groups are not evaluated.")
    citations = [
        _cite("Country Chart", "15 CFR part 738, Supplement No. 1 (Commerce Country Chart)"
              + (f", footnotes {', '.join(map(str, row.footnotes))}" if row.footnotes else ""),
              chart_source, chart_version, "part-738", store),
        _cite(f"ECCN {eccn}", f"15 CFR part 774, Supplement No. 1, ECCN {eccn}: License Requirements "
              "(Reason for Control, Control(s)); List Based License Exceptions", ccl_source, ccl, None, store),
    ]
    if groups_source and groups_version:
        citations.append(_cite("Country Groups", "15 CFR part 740, Supplement No. 1 (Country Groups), "
                               "third-party extract, not the regulation's text", groups_source, groups_version,
                               None, store))
    return {
        "query": {"item": paragraph or eccn, "destination": typed,
                  "as_of": as_of.isoformat() if as_of else None},
        "jurisdiction": "us", "eccn": eccn, "paragraph": paragraph, "heading": data.heading,
        "destination": {"name": country.name, "iso2": country.iso2, "iso3": country.iso3,
                        "chart_row": row.country},
        **result, "citations": citations,
    }


def _check_eu(svc: Service, code: str, paragraph: str | None, country: Country, typed: str,
              as_of: dt.date | None) -> dict[str, Any]:
    store = svc.store
    source = _source(svc, "eu-annex-json", "eu")
    version = _version(store, source, as_of, "Regulation 2021/821 Annex II")
    item = paragraph or code
    known = db.eu_codes(store, version.id, "annex-i")
    in_store = store.db.execute("SELECT 1 FROM entries WHERE entry_id=? LIMIT 1", (f"eu:{item}",)).fetchone()
    if item not in known and code not in known and in_store is None:
        raise NotFoundError(f"no EU Annex I entry {item} (consolidation of {version.version_date})"
                            + _close(code, known))
    result = check_eu(code=item, country=country, authorisations=db.authorisations(store, version.id),
                      section_i=db.eu_codes(store, version.id, "section-i"))
    citations = [_cite("Union general export authorisations",
                       "Regulation (EU) 2021/821, Annex II (EU001-EU008, Parts 1-3) and Section I; Article 12(1)(d)",
                       source, version, None, store,
                       note="read from a third-party JSON parse of the EUR-Lex consolidated text; only the "
                            "Official Journal is authentic")]
    return {
        "query": {"item": f"eu:{item}", "destination": typed, "as_of": as_of.isoformat() if as_of else None},
        "jurisdiction": "eu", "code": item,
        "destination": {"name": country.name, "iso2": country.iso2, "iso3": country.iso3},
        **result, "citations": citations,
    }


# --- output for people ---------------------------------------------------------------------------
_VERDICT = {
    "yes": "[bold red]LICENCE REQUIRED[/]", "no": "[bold green]No licence required by the Country Chart[/]",
    "yes-for-some-paragraphs": "[bold yellow]Licence required for part of the entry[/]",
    "see-part-746": "[bold red]See part 746 (embargo / special controls)[/]",
    "not-determined": "[bold yellow]Not determined by the Country Chart[/]",
}


def _print_us(r: dict[str, Any]) -> None:
    dest = r["destination"]
    console.print(f"[bold]{escape(r['query']['item'])}[/] {escape(r['heading'])}")
    console.print(f"to [bold]{escape(dest['name'])}[/] ({dest['iso2']}; chart row {escape(dest['chart_row'])})")
    console.print(_VERDICT.get(r["licence_required"], r["licence_required"]) + " — " + escape(r["summary"]))
    table = Table(title="Reasons for control (Control(s) rows)", show_lines=False)
    for col in ("reason", "controls", "covers " + r["query"]["item"], "chart column", "licence", "basis"):
        table.add_column(col, overflow="fold")
    for row in r["controls"]:
        scope = "entire entry" if row["scope_kind"] == "entire" else (
            ", ".join(row["paragraphs"]) if row["scope_kind"] == "paragraphs" else row["scope"])
        table.add_row(escape(row["reason"]), escape(scope[:120]), row["applies_to_item"],
                      ", ".join(row["columns"]) or "-", row["licence_required"], escape(row["basis"][:160]))
    console.print(table)
    if r["licence_exceptions"]:
        ex = Table(title="Licence exceptions (eligibility as printed in the ECCN; conditions in part 740)")
        for col in ("exception", "eligibility", "destination"):
            ex.add_column(col, overflow="fold")
        for e in r["licence_exceptions"]:
            conds = "; ".join(f"{c['country_group']}: " + {True: "member", False: "not a member", None: "unknown"}[
                c["destination_is_member"]] for c in e.get("destination_conditions", []))
            ex.add_row(e["symbol"], escape(e["eligibility"][:200]), conds or "-")
        console.print(ex)
    if r["sta_conditions"]:
        console.print(f"[italic]Special Conditions for STA[/]: {escape(r['sta_conditions'])}")
    for f in r["footnotes"]:
        console.print(f"[italic]Chart footnote {f['number']}[/]: {escape(f['text'])}")
    _print_common(r)


def _print_eu(r: dict[str, Any]) -> None:
    console.print(f"[bold]{escape(r['query']['item'])}[/] to [bold]{escape(r['destination']['name'])}[/]")
    console.print(escape(r["summary"]))
    table = Table(title="Union general export authorisations (Annex II)")
    for col in ("authorisation", "items", "destination", "usable", "detail"):
        table.add_column(col, overflow="fold")
    for g in r["general_authorisations"]:
        table.add_row(f"{g['authorisation']} {escape(g['title'])}", g["items"],
                      f"{g['destination']} ({g['destination_basis']})", g["usable"],
                      escape(", ".join(g["items_detail"])[:120]))
    console.print(table)
    _print_common(r)


def _print_common(r: dict[str, Any]) -> None:
    console.print("[bold]Not evaluated[/]:")
    for c in r["caveats"]:
        console.print(f"  • {escape(c)}")
    console.print("[bold]Sources[/]:")
    for c in r["citations"]:
        console.print(f"  {escape(c['citation'])} — {c['source']} version of {c['version_date']}"
                      + (f" — {c['url']}" if c.get("url") else ""), highlight=False)


@click.command("license-check")
@click.argument("item")
@click.argument("destination")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Use the versions in force on this date (YYYY-MM-DD) instead of the current ones.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@handle_errors
def license_check(item: str, destination: str, as_of: dt.datetime | None, as_json: bool) -> None:
    """Is a licence required to export ITEM (an ECCN such as 3A001 or 3A001.b.2, or an EU Annex I
    entry such as eu:1A001) to DESTINATION (a country name or ISO code)?"""
    with Service.open() as svc:
        result = run_check(svc, item, destination, as_of.date() if as_of else None)
    if as_json:
        print_json(result)
    elif result["jurisdiction"] == "eu":
        _print_eu(result)
    else:
        _print_us(result)


@click.command("license-changes")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--table", "tables", multiple=True,
              type=click.Choice(["chart-cell", "chart-row", "chart-footnote", "eccn-controls", "eccn-exceptions",
                                 "country-group", "eu-destinations", "eu-items", "eu-section-i"]),
              help="Only this kind of licensing data (repeatable).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only changes in versions dated on or after this date.")
@click.option("--limit", type=click.IntRange(1, 10000), default=500, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@handle_errors
def license_changes(sources: tuple[str, ...], tables: tuple[str, ...], since: dt.datetime | None,
                    limit: int, as_json: bool) -> None:
    """Licensing data changed between stored versions: Country Chart cells, ECCN control rows and
    licence exceptions, Country Group members, EU general authorisations."""
    with Service.open() as svc:
        rows = db.changes(svc.store, sources=sources, tables=tables, since=since.date() if since else None,
                          limit=limit)
    if as_json:
        print_json([{k: r[k] for k in ("source_id", "version_date", "previous_date", "table_name", "item",
                                       "change", "before", "after", "version_id", "previous_version_id")}
                    for r in rows])
        return
    table = Table(title=f"Licensing changes ({len(rows)})")
    for col in ("date", "source", "data", "item", "change", "before", "after"):
        table.add_column(col, overflow="fold")
    for r in rows:
        before, after = _changed_lines(r["before"] or "", r["after"] or "")
        table.add_row(r["version_date"], r["source_id"], r["table_name"], escape(r["item"]), r["change"],
                      escape(before[:300]), escape(after[:300]))
    console.print(table)


def _changed_lines(before: str, after: str) -> tuple[str, str]:
    """For multi-line values (an ECCN's control rows), only the lines that differ."""
    if "\n" not in before and "\n" not in after:
        return before, after
    old, new = before.split("\n"), after.split("\n")
    return "\n".join(line for line in old if line not in new), "\n".join(line for line in new if line not in old)


COMMANDS = [license_check, license_changes]
