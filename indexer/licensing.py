"""Store functions for structured licensing data (schema: indexer/sql/50_licensing.sql).

Writers take an open transaction; readers the Store. Every table is keyed by version, so the
data of any past version stays readable (`license-check --as-of`), and `licensing_changes`
holds the differences between consecutive versions, cell by cell.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from indexer.store import Store, VersionRow
from nlp.licensing.chart import CountryChart
from nlp.licensing.countries import lookup
from nlp.licensing.eccn import ControlRow, EccnLicensing, ExceptionRow
from nlp.licensing.eu_gea import Authorisation, Destination
from nlp.licensing.groups import CountryGroups

# Tables whose rows a diff compares, per kind of licensing data.
ItemMap = dict[str, str]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def is_done(store: Store, version_id: int) -> bool:
    row = store.db.execute("SELECT 1 FROM licensing_versions WHERE version_id=?", (version_id,)).fetchone()
    return row is not None


def mark_done(
    tx: sqlite3.Connection,
    version_id: int,
    source_id: str,
    kind: str,
    stats: Mapping[str, int],
    warnings: Iterable[str],
) -> None:
    tx.execute(
        "INSERT OR IGNORE INTO licensing_versions(version_id, source_id, kind, created_at, stats, warnings)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (version_id, source_id, kind, _now(), _j(dict(stats)), _j(list(warnings))),
    )


# --- writers ---------------------------------------------------------------------------------
def save_chart(tx: sqlite3.Connection, version_id: int, chart: CountryChart) -> dict[str, int]:
    tx.executemany(
        "INSERT OR IGNORE INTO chart_columns(version_id, column_id, position, reason) VALUES (?, ?, ?, ?)",
        [(version_id, c, i, chart.groups.get(c[:2], c[:2])) for i, c in enumerate(chart.columns)],
    )
    rows, cells = [], []
    for r in chart.rows:
        country = lookup(r.country)
        rows.append(
            (
                version_id,
                r.country,
                country.iso2 if country else None,
                r.position,
                _j(list(r.footnotes)),
                r.see,
            )
        )
        cells += [(version_id, r.country, col, value) for col, value in (r.cells or {}).items()]
    tx.executemany(
        "INSERT OR IGNORE INTO chart_rows(version_id, country, iso2, position, footnotes, see_text)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    tx.executemany(
        "INSERT OR IGNORE INTO chart_cells(version_id, country, column_id, value) VALUES (?, ?, ?, ?)", cells
    )
    tx.executemany(
        "INSERT OR IGNORE INTO chart_footnotes(version_id, number, text) VALUES (?, ?, ?)",
        [(version_id, n, t) for n, t in chart.footnotes.items()],
    )
    return {
        "chart_rows": len(rows),
        "chart_cells": len(cells),
        "chart_footnotes": len(chart.footnotes),
        "chart_spanning_rows": sum(r.cells is None for r in chart.rows),
    }


def save_ccl(
    tx: sqlite3.Connection, version_id: int, items: Iterable[tuple[str, EccnLicensing]]
) -> dict[str, int]:
    n = controls = exceptions = 0
    for heading, lic in items:
        tx.execute(
            "INSERT OR IGNORE INTO eccn_licensing(version_id, eccn, heading, reasons, sta_conditions, license_notes)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                version_id,
                lic.eccn,
                heading,
                _j(list(lic.reasons)),
                lic.sta_conditions,
                _j(list(lic.license_notes)),
            ),
        )
        tx.executemany(
            "INSERT OR IGNORE INTO eccn_controls(version_id, eccn, position, reason, scope, scope_kind, paragraphs,"
            " columns, destination_text, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    version_id,
                    lic.eccn,
                    i,
                    c.reason,
                    c.scope,
                    c.scope_kind,
                    _j(list(c.paragraphs)),
                    _j(list(c.columns)),
                    c.destination_text,
                    c.raw,
                )
                for i, c in enumerate(lic.controls)
            ],
        )
        tx.executemany(
            "INSERT OR IGNORE INTO eccn_exceptions(version_id, eccn, position, symbol, text, available)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(version_id, lic.eccn, i, e.symbol, e.text, e.available) for i, e in enumerate(lic.exceptions)],
        )
        n += 1
        controls += len(lic.controls)
        exceptions += len(lic.exceptions)
    return {"eccns": n, "control_rows": controls, "exception_rows": exceptions}


def save_groups(tx: sqlite3.Connection, version_id: int, groups: CountryGroups) -> dict[str, int]:
    rows = []
    for grp, names in groups.members.items():
        for name in names:
            country = lookup(name)
            rows.append(
                (version_id, grp, groups.labels.get(grp, ""), name, country.iso2 if country else None)
            )
    tx.executemany(
        "INSERT OR IGNORE INTO country_group_members(version_id, grp, label, country, iso2)"
        " VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    return {"country_groups": len(groups.members), "group_memberships": len(rows)}


def save_eu(
    tx: sqlite3.Connection,
    version_id: int,
    auths: Iterable[Authorisation],
    section_i: Iterable[str],
    annex_codes: Iterable[str],
) -> dict[str, int]:
    n = dests = 0
    for a in auths:
        tx.execute(
            "INSERT OR IGNORE INTO eu_authorisations(version_id, gea, title, scope, codes, excluded_groups,"
            " only_groups, excludes_section_i, destinations_scope, excludes_destinations_of, destination_caveats,"
            " items_text, destinations_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                version_id,
                a.id,
                a.title,
                a.scope,
                _j(list(a.codes)),
                _j(list(a.excluded_groups)),
                _j(list(a.only_groups)),
                int(a.excludes_section_i),
                a.destinations_scope,
                _j(list(a.excludes_destinations_of)),
                _j(list(a.destination_caveats)),
                a.items_text,
                a.destinations_text,
            ),
        )
        tx.executemany(
            "INSERT OR IGNORE INTO eu_authorisation_destinations(version_id, gea, position, printed, countries)"
            " VALUES (?, ?, ?, ?, ?)",
            [(version_id, a.id, i, d.printed, _j(list(d.countries))) for i, d in enumerate(a.destinations)],
        )
        n += 1
        dests += len(a.destinations)
    section = list(dict.fromkeys(section_i))
    codes = list(dict.fromkeys(annex_codes))
    tx.executemany(
        "INSERT OR IGNORE INTO eu_annex_codes(version_id, list, code) VALUES (?, 'section-i', ?)",
        [(version_id, c) for c in section],
    )
    tx.executemany(
        "INSERT OR IGNORE INTO eu_annex_codes(version_id, list, code) VALUES (?, 'annex-i', ?)",
        [(version_id, c) for c in codes],
    )
    return {
        "authorisations": n,
        "authorisation_destinations": dests,
        "section_i_codes": len(section),
        "annex_i_codes": len(codes),
    }


# --- readers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChartRowData:
    country: str
    iso2: str | None
    footnotes: list[int]
    see_text: str | None
    cells: dict[str, str]


def chart_rows(store: Store, version_id: int) -> list[ChartRowData]:
    cells: dict[str, dict[str, str]] = {}
    for r in store.db.execute(
        "SELECT country, column_id, value FROM chart_cells WHERE version_id=?", (version_id,)
    ):
        cells.setdefault(r["country"], {})[r["column_id"]] = r["value"]
    return [
        ChartRowData(
            r["country"], r["iso2"], json.loads(r["footnotes"]), r["see_text"], cells.get(r["country"], {})
        )
        for r in store.db.execute(
            "SELECT * FROM chart_rows WHERE version_id=? ORDER BY position", (version_id,)
        )
    ]


def chart_columns(store: Store, version_id: int) -> dict[str, str]:
    return {
        r["column_id"]: r["reason"]
        for r in store.db.execute(
            "SELECT column_id, reason FROM chart_columns WHERE version_id=? ORDER BY position", (version_id,)
        )
    }


def chart_footnotes(store: Store, version_id: int) -> dict[int, str]:
    return {
        r["number"]: r["text"]
        for r in store.db.execute(
            "SELECT number, text FROM chart_footnotes WHERE version_id=? ORDER BY number", (version_id,)
        )
    }


@dataclass(frozen=True)
class EccnData:
    eccn: str
    heading: str
    reasons: list[str]
    sta_conditions: str
    license_notes: list[str]
    controls: list[ControlRow]
    exceptions: list[ExceptionRow]


def eccn(store: Store, version_id: int, code: str) -> EccnData | None:
    row = store.db.execute(
        "SELECT * FROM eccn_licensing WHERE version_id=? AND eccn=?", (version_id, code)
    ).fetchone()
    if row is None:
        return None
    controls = [
        ControlRow(
            r["reason"],
            r["scope"],
            r["scope_kind"],
            tuple(json.loads(r["paragraphs"])),
            tuple(json.loads(r["columns"])),
            r["destination_text"],
            r["raw"],
        )
        for r in store.db.execute(
            "SELECT * FROM eccn_controls WHERE version_id=? AND eccn=? ORDER BY position", (version_id, code)
        )
    ]
    exceptions = [
        ExceptionRow(r["symbol"], r["text"], r["available"])
        for r in store.db.execute(
            "SELECT * FROM eccn_exceptions WHERE version_id=? AND eccn=? ORDER BY position",
            (version_id, code),
        )
    ]
    return EccnData(
        row["eccn"],
        row["heading"],
        json.loads(row["reasons"]),
        row["sta_conditions"],
        json.loads(row["license_notes"]),
        controls,
        exceptions,
    )


def eccn_codes(store: Store, version_id: int) -> list[str]:
    return [
        r[0]
        for r in store.db.execute(
            "SELECT eccn FROM eccn_licensing WHERE version_id=? ORDER BY eccn", (version_id,)
        )
    ]


def group_members(store: Store, version_id: int) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in store.db.execute(
        "SELECT grp, iso2 FROM country_group_members WHERE version_id=?", (version_id,)
    ):
        out.setdefault(r["grp"], set())
        if r["iso2"]:
            out[r["grp"]].add(r["iso2"])
    return out


def authorisations(store: Store, version_id: int) -> list[Authorisation]:
    dests: dict[str, list[Destination]] = {}
    for r in store.db.execute(
        "SELECT * FROM eu_authorisation_destinations WHERE version_id=? ORDER BY gea, position", (version_id,)
    ):
        dests.setdefault(r["gea"], []).append(Destination(r["printed"], tuple(json.loads(r["countries"]))))
    return [
        Authorisation(
            r["gea"],
            r["title"],
            r["scope"],
            tuple(json.loads(r["codes"])),
            tuple(json.loads(r["excluded_groups"])),
            tuple(json.loads(r["only_groups"])),
            bool(r["excludes_section_i"]),
            r["destinations_scope"],
            tuple(dests.get(r["gea"], [])),
            tuple(json.loads(r["excludes_destinations_of"])),
            tuple(json.loads(r["destination_caveats"])),
            r["items_text"],
            r["destinations_text"],
        )
        for r in store.db.execute(
            "SELECT * FROM eu_authorisations WHERE version_id=? ORDER BY gea", (version_id,)
        )
    ]


def eu_codes(store: Store, version_id: int, which: str) -> list[str]:
    return [
        r[0]
        for r in store.db.execute(
            "SELECT code FROM eu_annex_codes WHERE version_id=? AND list=? ORDER BY code", (version_id, which)
        )
    ]


def licensed_version(store: Store, source_id: str, as_of: dt.date | None) -> VersionRow | None:
    """The newest version of a source (on or before `as_of`) that the processor has read."""
    versions = [v for v in store.versions(source_id) if as_of is None or v.version_date <= as_of]
    for v in reversed(versions):
        if is_done(store, v.id):
            return v
    return None


# --- change events ---------------------------------------------------------------------------
def item_maps(store: Store, version_id: int) -> dict[str, ItemMap]:
    """Every licensing fact of a version as {table: {item: value}}, for diffing two versions."""
    db = store.db
    maps: dict[str, ItemMap] = {}
    maps["chart-cell"] = {
        f"{r[0]}/{r[1]}": r[2]
        for r in db.execute(
            "SELECT country, column_id, value FROM chart_cells WHERE version_id=?", (version_id,)
        )
    }
    maps["chart-row"] = {
        r[0]: _j({"footnotes": json.loads(r[1]), "see": r[2]})
        for r in db.execute(
            "SELECT country, footnotes, see_text FROM chart_rows WHERE version_id=?", (version_id,)
        )
    }
    maps["chart-footnote"] = {
        str(r[0]): r[1]
        for r in db.execute("SELECT number, text FROM chart_footnotes WHERE version_id=?", (version_id,))
    }
    maps["eccn-controls"] = _joined(
        db.execute(
            "SELECT eccn, raw FROM eccn_controls WHERE version_id=? ORDER BY eccn, position", (version_id,)
        )
    )
    maps["eccn-exceptions"] = _joined(
        db.execute(
            "SELECT eccn, symbol || ': ' || text FROM eccn_exceptions WHERE version_id=? ORDER BY eccn, position",
            (version_id,),
        )
    )
    maps["country-group"] = {
        f"{r[0]}/{r[1]}": "member"
        for r in db.execute(
            "SELECT grp, country FROM country_group_members WHERE version_id=?", (version_id,)
        )
    }
    maps["eu-destinations"] = _joined(
        db.execute(
            "SELECT gea, printed FROM eu_authorisation_destinations WHERE version_id=? ORDER BY gea, position",
            (version_id,),
        )
    )
    maps["eu-items"] = {
        r[0]: r[1] + " " + r[2]
        for r in db.execute(
            "SELECT gea, scope, codes FROM eu_authorisations WHERE version_id=?", (version_id,)
        )
    }
    maps["eu-section-i"] = {
        r[0]: "listed"
        for r in db.execute(
            "SELECT code FROM eu_annex_codes WHERE version_id=? AND list='section-i'", (version_id,)
        )
    }
    return {k: v for k, v in maps.items() if v}


def _joined(rows: Iterable[sqlite3.Row]) -> ItemMap:
    out: dict[str, list[str]] = {}
    for key, value in rows:
        out.setdefault(key, []).append(value)
    return {k: "\n".join(v) for k, v in out.items()}


@dataclass(frozen=True)
class Change:
    table: str
    item: str
    change: str  # added | removed | changed
    before: str | None
    after: str | None


def diff(before: dict[str, ItemMap], after: dict[str, ItemMap]) -> list[Change]:
    out: list[Change] = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        for item in sorted(set(old) | set(new)):
            if item not in old:
                out.append(Change(table, item, "added", None, new[item]))
            elif item not in new:
                out.append(Change(table, item, "removed", old[item], None))
            elif old[item] != new[item]:
                out.append(Change(table, item, "changed", old[item], new[item]))
    return out


def save_changes(
    tx: sqlite3.Connection, source_id: str, version: VersionRow, previous: VersionRow, changes: Iterable[Change]
) -> int:
    rows = [
        (
            source_id,
            version.id,
            previous.id,
            version.version_date.isoformat(),
            previous.version_date.isoformat(),
            c.table,
            c.item,
            c.change,
            c.before,
            c.after,
            _now(),
        )
        for c in changes
    ]
    tx.executemany(
        "INSERT OR IGNORE INTO licensing_changes(source_id, version_id, previous_version_id, version_date,"
        " previous_date, table_name, item, change, before, after, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def changes(
    store: Store,
    *,
    sources: Iterable[str] = (),
    tables: Iterable[str] = (),
    since: dt.date | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    sql = "SELECT * FROM licensing_changes WHERE 1=1"
    args: list[Any] = []
    src, tbl = list(sources), list(tables)
    if src:
        sql += f" AND source_id IN ({','.join('?' * len(src))})"
        args += src
    if tbl:
        sql += f" AND table_name IN ({','.join('?' * len(tbl))})"
        args += tbl
    if since is not None:
        sql += " AND version_date >= ?"
        args.append(since.isoformat())
    sql += " ORDER BY version_date DESC, source_id, table_name, item LIMIT ?"
    args.append(limit)
    return [dict(r) for r in store.db.execute(sql, args)]
