"""The licence-requirement check: one ECCN (or EU Annex I entry) and one destination.

US: each Control(s) row of the ECCN is read against the destination's Country Chart row (a
column with "X" means a licence is required for that reason) or, when the row names no column,
against its own text (nlp/licensing/destinations.py). Paragraph-specific rows are reported per
paragraph. Licence exceptions are listed with the ECCN's eligibility text and, where the
exception is defined by Country Group (LVS, GBS, TSR: B; STA: A:5/A:6), the destination's
membership. What the check does not evaluate is listed as caveats.
EU: every export of an Annex I item needs an authorisation (Article 3(1)); the check lists
which Union general export authorisations cover the item and the destination.
Pure functions: the caller reads the stored data and adds citations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from nlp.licensing.countries import EU_MEMBERS, Country
from nlp.licensing.destinations import evaluate_text
from nlp.licensing.eccn import ControlRow, ExceptionRow, row_applies_to
from nlp.licensing.eu_gea import Authorisation, covers_item

# Licence exceptions whose destinations are a Country Group (15 CFR 740.3-740.6, 740.20(c)).
EXCEPTION_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "LVS": (("B", "§ 740.3: destinations in Country Group B"),),
    "GBS": (("B", "§ 740.4: destinations in Country Group B"),),
    "TSR": (("B", "§ 740.6: destinations in Country Group B"),),
    "STA": (("A:5", "§ 740.20(c)(1): all reasons for control, Country Group A:5"),
            ("A:6", "§ 740.20(c)(2): national security only, Country Group A:6 (with conditions)")),
}
GENERAL_CAVEATS = (
    "End-use and end-user controls (15 CFR part 744: Entity List, military end use/user, "
    "WMD end uses, § 744.17 and § 744.23 advanced computing and semiconductors) are not evaluated.",
    "Embargoes and special controls (15 CFR part 746: Cuba, Iran, North Korea, Syria, Crimea/DNR/LNR, "
    "Russia and Belarus § 746.8) are not evaluated beyond the Country Chart's 'See part 746' rows.",
    "De minimis U.S. content (15 CFR 734.4) and the foreign direct product rules (§ 734.9) are not "
    "evaluated: they decide whether a foreign-made item is subject to the EAR at all.",
    "General Prohibitions Four through Ten (15 CFR part 736) are not evaluated (see § 738.4(a)(2)(ii)(B)).",
    "Licence exception eligibility is shown, not decided: each exception's conditions and restrictions "
    "(15 CFR part 740, § 740.2) must be checked.",
)


def _is_600_series(eccn: str) -> bool:
    return bool(re.fullmatch(r"\d[A-E]6\d\d", eccn))


def _is_x515(eccn: str) -> bool:
    return bool(re.fullmatch(r"\d[A-E]515", eccn))


def check_us(*, eccn: str, paragraph: str | None, reasons: Sequence[str], controls: Sequence[ControlRow],
             exceptions: Sequence[ExceptionRow], sta_conditions: str, license_notes: Sequence[str],
             country: Country, chart_country: str, cells: Mapping[str, str] | None, see_text: str | None,
             footnotes: Mapping[int, str], groups: Mapping[str, set[str]] | None) -> dict[str, Any]:
    """The check's result (JSON-ready), without citations."""
    rows = [_row_result(r, paragraph, country, cells, see_text, groups) for r in controls]
    rows += [_footnote_row(eccn, paragraph, n, t) for n, t in sorted(footnotes.items())
             if _REQUIRED_BY_FOOTNOTE.search(t) and _mentions(eccn, t)]
    considered = [r for r in rows if r["applies_to_item"] != "no"]
    required = [r for r in considered if r["licence_required"] == "yes"]
    whole = [r for r in required if r["applies_to_item"] in ("yes", "yes-except")]
    if see_text is not None:
        verdict = "see-part-746"
    elif whole:
        verdict = "yes"
    elif required:
        verdict = "yes-for-some-paragraphs"
    elif (considered and all(r["licence_required"] == "not-evaluated" for r in considered)) or not considered:
        verdict = "not-determined"
    else:
        verdict = "no"
    result: dict[str, Any] = {
        "licence_required": verdict,
        "reasons_for_control": list(reasons),
        "triggered_by": sorted({c for r in required for c in r["triggering_columns"]}),
        "controls": rows,
        "licence_exceptions": [_exception(e, country, groups) for e in exceptions]
        + _sta(exceptions, sta_conditions, country, groups),
        "sta_conditions": sta_conditions,
        "licence_notes": list(license_notes),
        "footnotes": [{"number": n, "text": t, "names_this_eccn": eccn in t}
                      for n, t in sorted(footnotes.items())],
        "chart_row": {"country": chart_country, "see": see_text,
                      "marked_columns": [c for c, v in (cells or {}).items() if v == "X"]},
        "caveats": _caveats(eccn, rows, footnotes, see_text)
        + [f"Licence requirement note of {eccn} (not evaluated): {n}" for n in license_notes],
    }
    result["summary"] = _summary(eccn, paragraph, country, verdict, whole or required, see_text)
    partial = sorted({c for r in required if r not in whole for c in r["triggering_columns"]}
                     - {c for r in whole for c in r["triggering_columns"]})
    if verdict == "yes" and partial:
        result["summary"] += f"; also {', '.join(partial)} for some paragraphs"
    return result


def _row_result(row: ControlRow, paragraph: str | None, country: Country, cells: Mapping[str, str] | None,
                see_text: str | None, groups: Mapping[str, set[str]] | None) -> dict[str, Any]:
    if paragraph:
        applies = row_applies_to(row, paragraph)
    else:
        applies = {"entire": "yes", "entire-except": "yes-except"}.get(row.scope_kind, "partly")
    chart: dict[str, str | None] = {}
    triggering: list[str] = []
    basis: list[str] = []
    from_chart: str | None = None
    if row.columns:
        from_chart = "no"
        for col in row.columns:
            value = None if cells is None else cells.get(col)
            chart[col] = value
            if value == "X":
                from_chart = "yes"
                triggering.append(col)
                basis.append(f"Country Chart {col}: X")
            elif value == "":
                basis.append(f"Country Chart {col}: no X")
            elif see_text is None:
                from_chart = from_chart if from_chart == "yes" else "not-evaluated"
                basis.append(f"Country Chart {col}: {value!r} not understood" if value
                             else f"no column {col} in the chart")
        if see_text is not None:
            from_chart = "see-part-746"
            basis.append(f"the Country Chart row says: {see_text}")
    from_text: str | None = None
    if row.destination_text:
        rule = evaluate_text(row.destination_text, country.iso2, groups)
        from_text = rule.applies
        basis.append(f"row text: {rule.basis}")
    if "yes" in (from_chart, from_text):
        status = "yes"
    elif from_chart is not None:
        status = from_chart
    elif from_text is not None:
        status = from_text
    else:
        status = "not-evaluated"
        basis.append("the row names no Country Chart column and no destinations")
    return {
        "reason": row.reason,
        "scope": row.scope,
        "scope_kind": row.scope_kind,
        "paragraphs": list(row.paragraphs),
        "applies_to_item": applies,
        "columns": list(row.columns),
        "chart": chart,
        "destination_text": row.destination_text,
        "licence_required": status,
        "triggering_columns": triggering,
        "basis": "; ".join(basis),
        "text": row.raw,
    }


_REQUIRED_BY_FOOTNOTE = re.compile(r"\blicen[cs]e is (?:still )?required\b", re.I)


def _mentions(eccn: str, text: str) -> list[re.Match[str]]:
    return list(re.finditer(rf"\b{eccn}((?:\.[a-z0-9]{{1,3}})*)", text))


def _footnote_row(eccn: str, paragraph: str | None, number: int, text: str) -> dict[str, Any]:
    """A chart footnote that requires a licence for this ECCN ("A license is required to these
    destinations for items in the following ECCNs: 0A501 (except for 0A501.y), …"), as a row."""
    named = [eccn + m.group(1).rstrip(".") for m in _mentions(eccn, text)]
    whole = eccn in named
    excepted = [n for n in named if n != eccn and re.search(rf"except (?:for )?{re.escape(n)}\b", text)]
    parts = [n for n in named if n != eccn and n not in excepted]
    if whole:
        kind, paragraphs = ("entire-except", excepted) if excepted else ("entire", [])
    else:
        kind, paragraphs = "paragraphs", parts
    row = ControlRow(f"Country Chart footnote {number}", text, kind, tuple(paragraphs), (), text, text)
    applies = row_applies_to(row, paragraph) if paragraph else (
        {"entire": "yes", "entire-except": "yes-except"}.get(kind, "partly"))
    return {
        "reason": row.reason, "scope": "as the footnote names it", "scope_kind": kind, "paragraphs": paragraphs,
        "applies_to_item": applies, "columns": [], "chart": {}, "destination_text": text,
        "licence_required": "yes", "triggering_columns": [],
        "basis": f"footnote {number} to the destination's Country Chart row requires a licence for {eccn}"
                 + (f" ({', '.join(parts)})" if parts and not whole else ""),
        "text": text,
    }


def _exception(e: ExceptionRow, country: Country, groups: Mapping[str, set[str]] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"symbol": e.symbol, "eligibility": e.text, "available_for_eccn": e.available}
    conditions = []
    for group, meaning in EXCEPTION_GROUPS.get(e.symbol, ()):
        member = None if groups is None else country.iso2 in groups.get(group, set())
        conditions.append({"country_group": group, "rule": meaning, "destination_is_member": member})
    if conditions:
        out["destination_conditions"] = conditions
    return out


def _sta(exceptions: Sequence[ExceptionRow], conditions: str, country: Country,
         groups: Mapping[str, set[str]] | None) -> list[dict[str, Any]]:
    """STA (§ 740.20) is rarely a line of the ECCN's exception list; its "Special Conditions for
    STA" say where it may not be used. Shown as a conditional exception with A:5/A:6 membership."""
    if not conditions or any(e.symbol == "STA" for e in exceptions):
        return []
    text = re.sub(r"^STA:\s*", "", conditions)
    return [_exception(ExceptionRow("STA", f"Special Conditions for STA: {text}", "conditional"), country, groups)]


def _caveats(eccn: str, rows: list[dict[str, Any]], footnotes: Mapping[int, str],
             see_text: str | None) -> list[str]:
    out: list[str] = []
    if see_text is not None:
        out.append(f"The Country Chart does not decide this destination: {see_text}")
    for n, text in sorted(footnotes.items()):
        if eccn in text:
            out.append(f"Country Chart footnote {n} names {eccn}: {text}")
    unevaluated = [r for r in rows if r["licence_required"] == "not-evaluated" and r["applies_to_item"] != "no"]
    for r in unevaluated:
        out.append(f"{r['reason']} row not evaluated ({r['basis']}): {r['text']}")
    described = [r for r in rows if r["scope_kind"] == "described" and r["licence_required"] == "yes"]
    for r in described:
        out.append(f"{r['reason']} applies only to part of the entry, described in words: {r['scope']}")
    if _is_600_series(eccn) or _is_x515(eccn):
        out.append("600 series / 9x515 item: no de minimis for Country Group D:5 destinations "
                   "(§ 734.4(a)(6)), foreign direct product rules (§ 734.9(c), (d)), licence exception "
                   "limits (§ 740.2(a)(12)) and the D:5 policy of denial (§ 742.4(b)(1)(ii), § 742.6(b)(1)) "
                   "are not evaluated.")
    out += GENERAL_CAVEATS
    return out


def _summary(eccn: str, paragraph: str | None, country: Country, verdict: str,
             required: list[dict[str, Any]], see_text: str | None) -> str:
    item = paragraph or eccn
    if verdict == "see-part-746":
        return f"{item} to {country.name}: the Country Chart refers to part 746 ({see_text})"
    if verdict == "yes":
        why = ", ".join(sorted({c for r in required for c in r["triggering_columns"]}
                               | {r["reason"] + " (row text)" for r in required if not r["triggering_columns"]}))
        excepted = sorted({p for r in required if r["applies_to_item"] == "yes-except" for p in r["paragraphs"]})
        tail = f"; rows excepting {', '.join(excepted)}" if excepted else ""
        return f"{item} to {country.name}: licence required ({why}{tail})"
    if verdict == "yes-for-some-paragraphs":
        parts = [f"{r['reason']} for {', '.join(r['paragraphs']) or r['scope']}" for r in required]
        return f"{item} to {country.name}: licence required for part of the entry only: " + "; ".join(parts)
    if verdict == "not-determined":
        return f"{item} to {country.name}: the Country Chart does not determine the requirement; read the rows"
    return f"{item} to {country.name}: no licence required by the Country Chart for the reasons listed"


def check_eu(*, code: str, country: Country, authorisations: Sequence[Authorisation],
             section_i: Sequence[str]) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    by_id = {a.id: a for a in authorisations}
    for auth in authorisations:
        items, detail = covers_item(auth, code, tuple(section_i))
        dest, dest_basis = _eu_destination(auth, country, by_id)
        use = "yes" if items == "yes" and dest == "yes" else (
            "partly" if items == "partly" and dest == "yes" else "no")
        results.append({"authorisation": auth.id, "title": auth.title, "items": items, "items_detail": detail,
                        "destination": dest, "destination_basis": dest_basis, "usable": use,
                        "destinations_scope": auth.destinations_scope,
                        "destinations": [d.printed for d in auth.destinations],
                        "excludes_destinations_of": list(auth.excludes_destinations_of),
                        "destination_caveats": list(auth.destination_caveats)})
    usable = [str(r["authorisation"]) for r in results if r["usable"] == "yes"]
    partly = [str(r["authorisation"]) for r in results if r["usable"] == "partly"]
    caveats = [
        "Every export of an Annex I item needs an authorisation (Regulation (EU) 2021/821, Article 3(1)); a "
        "Union general export authorisation is one, subject to the item conditions of its Part 1 and the "
        "conditions of its Part 3 (not evaluated) and to "
        "registration or notification in the Member State of the exporter.",
        "Annex II Section I excludes 'all items specified in Annex IV' as well; Annex IV is not evaluated.",
        "Catch-all controls (Articles 4, 5, 9, 10), national general authorisations and sanctions "
        "(Council Regulations) are not evaluated.",
    ]
    if country.iso2 in EU_MEMBERS:
        caveats.insert(0, f"{country.name} is an EU Member State: a transfer to it is not an export under "
                          "Article 2(2); intra-Union transfers of Annex IV items need an authorisation (Article 11).")
    summary = (f"eu:{code} to {country.name}: covered by " + ", ".join(usable) if usable else
               f"eu:{code} to {country.name}: no Union general export authorisation covers both the item and "
               "the destination; an individual or global authorisation is needed")
    if partly:
        summary += f" (partly covered by {', '.join(partly)}: see items_detail)"
    return {"authorisation_required": "yes", "general_authorisations": results, "usable": usable,
            "partly_usable": partly, "caveats": caveats, "summary": summary}


def _eu_destination(auth: Authorisation, country: Country, by_id: Mapping[str, Authorisation]) -> tuple[str, str]:
    listed = any(country.iso2 in d.countries for d in auth.destinations)
    if auth.destinations_scope == "listed":
        return ("yes", "listed in Part 2") if listed else ("no", "not listed in Part 2")
    if listed:
        return "no", "excluded by name in Part 2"
    for other in auth.excludes_destinations_of:
        ref = by_id.get(other)
        if ref is not None and any(country.iso2 in d.countries for d in ref.destinations):
            return "no", f"excluded: a destination of {other}"
    return "yes", "all destinations except those Part 2 excludes"
