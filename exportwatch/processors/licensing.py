"""Post-version processor "licensing": reads structured licensing data out of a stored version.

- us-ear (format ecfr-ear): the Country Chart of the Part 738 file, cell by cell;
- us-ecfr-ccl (ecfr-xml): each ECCN's Control(s) rows, reasons and licence exceptions, from the
  entry notes the CCL parser stored;
- us-country-groups (country-groups-json): Country Group membership;
- eu-reg (eu-annex-json): the Union general export authorisations, Annex II Section I, and the
  Annex I codes of that consolidation.
Then it compares the version with the one before it (same source) and stores each added,
removed or changed cell, row, group membership or authorisation as a change event
(`exportwatch license-changes`). Idempotent: a version already read is skipped; rows are only
added.
"""

from __future__ import annotations

from exportwatch.errors import ParseError
from exportwatch.processors import Processor, VersionContext
from indexer import licensing as db
from indexer.store import Store, VersionRow
from nlp.licensing.chart import CHART_SUPPLEMENT, parse_chart_xml
from nlp.licensing.countries import lookup
from nlp.licensing.eccn import parse_eccn
from nlp.licensing.eu_gea import CODE, normalise_code, parse_authorisation
from nlp.licensing.groups import parse_groups_json
from nlp.parse.json_input import json_object

# format -> kind of licensing data read from its versions
KINDS = {"ecfr-ear": "chart", "ecfr-xml": "ccl", "country-groups-json": "groups", "eu-annex-json": "eu-gea"}
CHART_ROLE = "part-738"


def run(ctx: VersionContext) -> list[str]:
    kind = KINDS.get(ctx.source.format)
    if kind is None:
        return []
    warnings: list[str] = []
    previous = ctx.previous
    if previous is not None and not db.is_done(ctx.store, previous.id):
        # Read the version before first, so that this one has something to be compared with.
        warnings += _read(ctx.store, ctx.source.id, previous, kind)
    warnings += _read(ctx.store, ctx.source.id, ctx.version, kind)
    if previous is not None:
        changes = db.diff(db.item_maps(ctx.store, previous.id), db.item_maps(ctx.store, ctx.version.id))
        with ctx.store.transaction() as tx:
            db.save_changes(tx, ctx.source.id, ctx.version, previous, changes)
    return warnings


def _read(store: Store, source_id: str, version: VersionRow, kind: str) -> list[str]:
    if db.is_done(store, version.id):
        return []
    warnings: list[str] = []
    stats: dict[str, int]
    if kind == "chart":
        content = _file(store, version, CHART_ROLE, marker=CHART_SUPPLEMENT.encode())
        if content is None:
            warnings.append(f"version {version.version_date}: no Part 738 file; no Country Chart read")
            with store.transaction() as tx:
                db.mark_done(tx, version.id, source_id, "none", {}, warnings)
            return warnings
        chart = parse_chart_xml(content, what=f"{source_id} {version.version_date} part 738")
        warnings += chart.warnings
        unknown = [r.country for r in chart.rows if _unknown_country(r.country)]
        if unknown:
            warnings.append("chart rows not matched to a country (license-check cannot find them): "
                            + ", ".join(unknown))
        with store.transaction() as tx:
            stats = db.save_chart(tx, version.id, chart)
            db.mark_done(tx, version.id, source_id, kind, stats, warnings)
    elif kind == "ccl":
        items = []
        for entry in store.entries(version.id):
            if entry.kind != "entry":
                continue
            lic = parse_eccn(entry.code, entry.notes)
            warnings += lic.warnings
            items.append((entry.heading, lic))
        with store.transaction() as tx:
            stats = db.save_ccl(tx, version.id, items)
            db.mark_done(tx, version.id, source_id, kind, stats, warnings)
    elif kind == "groups":
        content = _file(store, version, None)
        if content is None:
            raise ParseError(f"{source_id} {version.version_date}: the version has no stored file")
        groups = parse_groups_json(content, what=f"{source_id} {version.version_date}")
        warnings += groups.warnings
        with store.transaction() as tx:
            stats = db.save_groups(tx, version.id, groups)
            db.mark_done(tx, version.id, source_id, kind, stats, warnings)
    else:
        content = _file(store, version, None)
        if content is None:
            raise ParseError(f"{source_id} {version.version_date}: the version has no stored file")
        data = json_object(content, f"{source_id} {version.version_date}")
        auths = [parse_authorisation(str(g.get("id")), str(g.get("title", "")), str(g.get("verbatim_text", "")))
                 for g in data.get("geas") or [] if isinstance(g, dict)]
        warnings += [w for a in auths for w in a.warnings]
        section_i = [normalise_code(c) for c in CODE.findall(str(data.get("gea_common_list") or ""))]
        annex = [normalise_code(str(i.get("code", ""))) for i in data.get("index") or [] if isinstance(i, dict)]
        with store.transaction() as tx:
            stats = db.save_eu(tx, version.id, auths, section_i, [c for c in annex if c])
            db.mark_done(tx, version.id, source_id, kind, stats, warnings)
    return warnings


def _unknown_country(name: str) -> bool:
    return lookup(name) is None


def _file(store: Store, version: VersionRow, role: str | None, marker: bytes | None = None) -> bytes | None:
    rows = store.db.execute("SELECT role, sha256 FROM version_files WHERE version_id=? ORDER BY url",
                            (version.id,)).fetchall()
    for row in rows:
        if role is None or row["role"] == role:
            return store.snapshot(row["sha256"])
    if marker is not None:
        # A bundle whose roles were not configured: find the file by its content.
        for row in rows:
            content = store.snapshot(row["sha256"])
            if marker in content:
                return content
    return None



PROCESSOR = Processor("licensing", 25, run)
