"""`exportwatch define TERM` (one term's definition in every jurisdiction, how they differ, and
their history) and `exportwatch definitions` (what is defined where)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from exportwatch.cli import handle_errors
from exportwatch.errors import NotFoundError, QueryError
from exportwatch.output import console, err_console, print_json
from exportwatch.service import Service
from indexer.definitions import Interval, Match, current_definitions, history, latest_is_extracted, lookup
from indexer.store import Store
from nlp.definitions import has_extractor
from nlp.definitions.compare import Comparison, compare
from nlp.definitions.scopes import scope_tokens

# Wassenaar first (the multilateral wording the others adopt), then the national lists.
_ORDER = {"wa": 0, "eu": 1, "us": 2, "au": 3, "ca": 4}
_MAX_OPS = 12
# Below this, a word diff is noise (e.g. a definition by reference against a full definition).
_LOW_SIMILARITY = 0.3


def _sources(svc: Service, jurisdictions: tuple[str, ...]) -> dict[str, str]:
    """Source id -> jurisdiction of the sources that have a definitions extractor."""
    with_defs = {s.id: s.jurisdiction for s in svc.sources if has_extractor(s.format)}
    known = sorted(set(with_defs.values()))
    unknown = sorted(set(jurisdictions) - set(known))
    if unknown:
        raise QueryError(f"unknown jurisdiction(s) {', '.join(unknown)}; jurisdictions with definitions: "
                         f"{', '.join(known)}")
    return {sid: j for sid, j in with_defs.items() if not jurisdictions or j in jurisdictions}


def _sort_key(m: Match) -> tuple[int, str, str, int, int]:
    primary = 0 if "@" not in m.row.def_id else 1
    return (_ORDER.get(m.source.jurisdiction, 99), m.source.jurisdiction, m.source.version.source_id, primary,
            m.row.position)


def _interval_json(i: Interval) -> dict[str, Any]:
    out: dict[str, Any] = {"valid_from": i.valid_from.isoformat(),
                           "valid_to": i.valid_to.isoformat() if i.valid_to else None,
                           "versions": i.versions, "first_version_id": i.first_version_id,
                           "last_version_id": i.last_version_id, "status": "defined" if i.row else "absent"}
    if i.row is not None:
        out.update(term=i.row.term, scope=i.row.scope, text=i.row.text, notes=i.row.notes)
    return out


def _history_json(intervals: list[Interval]) -> dict[str, Any]:
    changes = [i.valid_from.isoformat() for i in intervals[1:]]
    return {"first_seen": intervals[0].valid_from.isoformat() if intervals else None,
            "unchanged_since": intervals[-1].valid_from.isoformat() if intervals else None,
            "changes": changes, "intervals": [_interval_json(i) for i in intervals]}


def _documents(store: Store, version_id: int, urls: list[str], language: str) -> list[dict[str, str]]:
    """The files the definitions were read from (all the version's files if not recorded), in the
    definition's language when the version has files in several."""
    rows = store.db.execute("SELECT url, sha256, language FROM version_files WHERE version_id=? ORDER BY url",
                            (version_id,)).fetchall()
    docs = [{"url": r["url"], "sha256": r["sha256"], "language": r["language"]} for r in rows
            if not urls or r["url"] in urls]
    return [d for d in docs if d["language"] == language] or docs


def _comparison_json(ref: Match, other: Match, c: Comparison) -> dict[str, Any]:
    return {"def_id": other.row.def_id, "similarity": c.similarity, "identical": c.identical,
            "only_in_reference": list(c.only_left), "only_in_other": list(c.only_right),
            "scopes_comparable": c.scopes_comparable,
            "scope_only_in_reference": list(c.scope_only_left), "scope_only_in_other": list(c.scope_only_right),
            "diff": [{"op": op.tag, "reference": op.left, "other": op.right} for op in c.ops]}


def define_json(svc: Service, term: str, jurisdictions: tuple[str, ...], as_of: dt.date | None) -> dict[str, Any]:
    sources = _sources(svc, jurisdictions)
    found = lookup(svc.store, term, sources, as_of=as_of)
    if not found.matches:
        hint = f"; did you mean: {', '.join(found.suggestions)}" if found.suggestions else ""
        pending = (f" (definitions not extracted yet for {', '.join(found.not_extracted)}: run "
                   "`exportwatch reprocess --processor definitions`)") if found.not_extracted else ""
        where = f" in {', '.join(jurisdictions)}" if jurisdictions else ""
        raise NotFoundError(f"no definition of {term!r}{where}{hint}{pending}")
    matches = sorted(found.matches, key=_sort_key)
    ref = matches[0]
    defs = []
    for m in matches:
        v = m.source.version
        defs.append({
            "def_id": m.row.def_id, "jurisdiction": m.source.jurisdiction, "source_id": v.source_id,
            "term": m.row.term, "term_key": m.row.term_key, "language": m.row.language, "matched_by": m.how,
            "scope": m.row.scope, "scope_tokens": scope_tokens(m.row.scope), "text": m.row.text,
            "notes": m.row.notes,
            "version": {"id": v.id, "version_date": v.version_date.isoformat(), "title": v.title},
            "documents": _documents(svc.store, v.id, m.source.documents, m.row.language),
            "history": _history_json(history(svc.store, v.source_id, m.row.def_id, as_of=as_of)),
        })
    pairs = [_comparison_json(ref, m, compare(ref.row.text, m.row.text, left_term=ref.row.term,
                                              right_term=m.row.term, left_scope=ref.row.scope,
                                              right_scope=m.row.scope))
             for m in matches[1:] if m.row.language == ref.row.language]
    return {"query": term, "term_key": found.key, "as_of": as_of.isoformat() if as_of else None,
            "jurisdictions": sorted({m.source.jurisdiction for m in matches}, key=lambda j: (_ORDER.get(j, 99), j)),
            "definitions": defs, "comparison": {"reference": ref.row.def_id, "pairs": pairs},
            "not_extracted": found.not_extracted}


def _history_line(h: dict[str, Any]) -> str:
    intervals = h["intervals"]
    if not intervals:
        return "history: —"
    last = intervals[-1]
    versions = sum(i["versions"] for i in intervals)
    if not h["changes"]:
        return f"unchanged since {h['first_seen']} ({versions} version{'s' * (versions != 1)} stored)"
    changed = ", ".join(h["changes"])
    return f"first seen {h['first_seen']}; changed {changed}; unchanged since {last['valid_from']}"


def _last_change(h: dict[str, Any]) -> str:
    """`2021-12-22: − old words + new words` for the latest change of wording."""
    defined = [i for i in h["intervals"] if i["status"] == "defined"]
    if len(defined) < 2:
        return ""
    before, after = defined[-2], defined[-1]
    c = compare(before["text"], after["text"], left_term=before["term"], right_term=after["term"])
    parts = _ops_markup(c)
    if before["scope"] != after["scope"]:
        parts.append(f"scope {escape(before['scope'])!r} → {escape(after['scope'])!r}")
    notes = compare(_notes_text(before["notes"]), _notes_text(after["notes"]))
    if not notes.identical:
        parts.append("notes: " + " ".join(_ops_markup(notes)))
    if not parts:
        parts = ["typography only"]
    return f"last change {after['valid_from']}: " + "; ".join(parts)


def _notes_text(notes: list[dict[str, str]]) -> str:
    return " ".join(f"{n.get('label', '')} {n.get('text', '')}" for n in notes)


def _ops_markup(c: Comparison) -> list[str]:
    out = []
    for op in [op for op in c.ops if op.tag != "equal"][:_MAX_OPS]:
        old = f"[red]−{escape(op.left)}[/]" if op.left else ""
        new = f"[green]+{escape(op.right)}[/]" if op.right else ""
        out.append(" ".join(x for x in (old, new) if x))
    return out


def _print_define(data: dict[str, Any]) -> None:
    n = len(data["jurisdictions"])
    console.print(f"[bold]{escape(data['query'])}[/]: {len(data['definitions'])} definition(s) in {n} "
                  f"jurisdiction(s): {', '.join(data['jurisdictions'])}"
                  + (f" (as of {data['as_of']})" if data["as_of"] else ""))
    for d in data["definitions"]:
        body = [escape(d["text"])]
        body += [f"[italic]{escape(n['label'])}[/]: {escape(n['text'])}" for n in d["notes"]]
        docs = ", ".join(x["url"] for x in d["documents"][:2])
        body += ["", f"[dim]{escape(d['version']['title'])} — version of {d['version']['version_date']} — "
                     f"{escape(docs)}[/]", f"[dim]{_history_line(d['history'])}[/]"]
        if change := _last_change(d["history"]):
            body.append(f"[dim]{change}[/]")
        scope = f" {escape(d['scope'])}" if d["scope"] else ""
        title = f"{d['jurisdiction']} ({d['source_id']}) — {escape(d['term'])}{scope}  [dim]{d['def_id']}[/]"
        console.print(Panel("\n".join(body), title=title, title_align="left"))
    pairs = data["comparison"]["pairs"]
    if not pairs:
        return
    table = Table(title=f"How they differ from {data['comparison']['reference']}", show_lines=True)
    for col in ("definition", "similarity", "scope", "wording"):
        table.add_column(col, overflow="fold")
    by_id = {d["def_id"]: d for d in data["definitions"]}
    for p in pairs:
        scope = "" if p["scopes_comparable"] else "not comparable"
        if p["scope_only_in_reference"] or p["scope_only_in_other"]:
            scope = " ".join([*(f"[red]−{t}[/]" for t in p["scope_only_in_reference"]),
                              *(f"[green]+{t}[/]" for t in p["scope_only_in_other"])])
        if p["identical"]:
            wording = "identical"
        elif p["similarity"] < _LOW_SIMILARITY:
            wording = _word_sets(p)
        else:
            wording = "; ".join(_pair_ops(p))
        table.add_row(f"{p['def_id']}\n[dim]{escape(by_id[p['def_id']]['scope'])}[/]", f"{p['similarity']:.2f}",
                      scope or "same", wording)
    console.print(table)


def _word_sets(p: dict[str, Any], limit: int = 15) -> str:
    """For wordings too far apart for a readable diff: the words each has that the other lacks."""
    def some(words: list[str]) -> str:
        return escape(", ".join(words[:limit]) + (f", … (+{len(words) - limit})" if len(words) > limit else ""))
    out = "largely different wording"
    if p["only_in_other"]:
        out += f"; [green]only here: {some(p['only_in_other'])}[/]"
    if p["only_in_reference"]:
        out += f"; [red]not here: {some(p['only_in_reference'])}[/]"
    return out


def _pair_ops(p: dict[str, Any]) -> list[str]:
    out = []
    for op in [o for o in p["diff"] if o["op"] != "equal"][:_MAX_OPS]:
        old = f"[red]−{escape(op['reference'])}[/]" if op["reference"] else ""
        new = f"[green]+{escape(op['other'])}[/]" if op["other"] else ""
        out.append(" ".join(x for x in (old, new) if x))
    hidden = sum(1 for o in p["diff"] if o["op"] != "equal") - _MAX_OPS
    if hidden > 0:
        out.append(f"… {hidden} more difference(s) (see --json)")
    return out


@click.command()
@click.argument("term")
@click.option("--jurisdiction", "-j", "jurisdictions", multiple=True, metavar="J",
              help="Only this jurisdiction (repeatable): ca, eu, us, au, wa.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The definitions in force on this date (default: the latest stored versions).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@handle_errors
def define(term: str, jurisdictions: tuple[str, ...], as_of: dt.datetime | None, as_json: bool) -> None:
    """Show TERM's definition in every jurisdiction side by side, how they differ, and their history.

    TERM is matched on its key (case, quotes and trailing punctuation ignored), then without
    qualifiers or by acronym ("bias" finds "Bias (gyro)", "CEP" finds "Circular Error Probable"),
    then singular/plural and British/American spelling. An unknown term exits 3 with suggestions.
    """
    with Service.open() as svc:
        data = define_json(svc, term, jurisdictions, as_of.date() if as_of else None)
    if as_json:
        print_json(data)
        return
    _print_define(data)
    if data["not_extracted"]:
        err_console.print(f"[yellow]note:[/] definitions not extracted yet for {', '.join(data['not_extracted'])};"
                          " run `exportwatch reprocess --processor definitions`")


def definitions_json(svc: Service, jurisdictions: tuple[str, ...]) -> dict[str, Any]:
    sources = _sources(svc, jurisdictions)
    out_sources: list[dict[str, Any]] = []
    terms: list[dict[str, Any]] = []
    current = {s.version.source_id: s for s in current_definitions(svc.store, sorted(sources), sources)}
    for sid in sorted(sources, key=lambda s: (_ORDER.get(sources[s], 99), s)):
        vd = current.get(sid)
        languages: dict[str, int] = {}
        for row in vd.definitions if vd else []:
            languages[row.language] = languages.get(row.language, 0) + 1
            terms.append({"def_id": row.def_id, "jurisdiction": sources[sid], "source_id": sid, "term": row.term,
                          "term_key": row.term_key, "language": row.language, "scope": row.scope})
        out_sources.append({
            "source_id": sid, "jurisdiction": sources[sid],
            "version_date": vd.version.version_date.isoformat() if vd else None,
            "version_id": vd.version.id if vd else None,
            "definitions": sum(languages.values()), "languages": languages,
            "extracted": latest_is_extracted(svc.store, sid),
        })
    return {"sources": out_sources, "terms": terms}


@click.command()
@click.option("--jurisdiction", "-j", "jurisdictions", multiple=True, metavar="J",
              help="Only this jurisdiction (repeatable); also lists its terms.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (counts and every term).")
@handle_errors
def definitions(jurisdictions: tuple[str, ...], as_json: bool) -> None:
    """List how many terms each source defines in its latest version (with -j, the terms too)."""
    with Service.open() as svc:
        data = definitions_json(svc, jurisdictions)
    if as_json:
        print_json(data)
        return
    table = Table(title="Defined terms (latest version of each source)")
    for col in ("jurisdiction", "source", "version", "definitions", "languages"):
        table.add_column(col)
    for s in data["sources"]:
        langs = ", ".join(f"{k} {v}" for k, v in sorted(s["languages"].items()))
        count = str(s["definitions"]) if s["extracted"] else "not extracted (run `exportwatch reprocess`)"
        table.add_row(s["jurisdiction"], s["source_id"], s["version_date"] or "—", count, langs)
    console.print(table)
    if jurisdictions:
        terms = Table(title="Terms", show_lines=False)
        for col in ("def_id", "term", "scope"):
            terms.add_column(col, overflow="fold")
        for t in data["terms"]:
            terms.add_row(t["def_id"], escape(t["term"]), escape(t["scope"]))
        console.print(terms)


COMMANDS = [define, definitions]
