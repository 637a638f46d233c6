"""The US CCL's longer history as entry sets: the derived paragraph projection of the eCFR
(`ccl_history_projection.DERIVED.json`, FORMATS.md section 3) rebuilt at each of its dates.

This is not a document a spider fetches: it is per-paragraph text derived from the eCFR API at 56
dates 2017-2025, fed to the change engine as one entry set per date (`exportwatch replay-history`).
How the list at date D is rebuilt (FORMATS.md section 3): V = the latest projection date <= D; for
each paragraph key, the run of series `supp1#0` (Supp. No. 1, the CCL; the other series' position
suffixes are unstable) whose [first, last] brackets V by position in `versions`.

Traps handled, each recorded as a warning of the entry set rather than silently:
* the junk key `index` (null fields) and keys with no `supp1#0` series are skipped;
* 13 runs have `heading: null` and a text starting with the paragraph id: the heading of the
  previous run of the same paragraph is kept (upstream lost it; reporting that as a change would
  report the projection's noise);
* a paragraph reading "No items currently are in this ECCN" is a removed control kept as a
  placeholder (0A018.b from 2020-03-09): status `not-used`, so the change engine reports it as
  removed; "[Reserved]" is status `reserved`;
* `text` is the heading plus the paragraph's notes and, for non-leaf keys (9A012.A.1), its
  flattened sub-items, one per line: lines opening with a note label become notes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exportwatch.errors import ParseError
from nlp.model import EntryStatus, Note, NoteKind, ParsedDocument, ParsedEntry

SERIES = "supp1#0"
_CODE = re.compile(r"^\d[A-E]\d{3}(?:\.[A-Za-z0-9]+)*$")
_NOTE = re.compile(
    r"^(?P<label>(?:Technical\s+Notes?|Notes?|N\.\s?B\.|License\s+Requirements?\s+Notes?|Heading\s+Note|"
    r"Control\s+Notes?)(?:\s+(?:\d+|to\s+[^:]{1,60}))?)\s*:\s*(?P<text>.*)$", re.IGNORECASE)
_NO_ITEMS = re.compile(r"^\s*No items currently are in this ECCN", re.IGNORECASE)
# "[Reserved]", also with a stray paragraph number in front ("1 [Reserved]", 9A012.b.1).
_RESERVED = re.compile(r"^\s*(?:\d+\s+)?\[?\s*Reserved\s*\]?\s*\.?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Projection:
    path: Path
    versions: tuple[dt.date, ...]
    paragraphs: dict[str, Any]


def load_projection(path: Path) -> Projection:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        versions = tuple(dt.date.fromisoformat(v) for v in data["versions"])
        paragraphs = data["paragraphs"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ParseError(f"{path}: not a CCL history projection ({exc})") from exc
    if not isinstance(paragraphs, dict) or list(versions) != sorted(set(versions)):
        raise ParseError(f"{path}: `paragraphs` must be an object and `versions` sorted, distinct dates")
    return Projection(path, versions, paragraphs)


def entries_at(proj: Projection, when: dt.date) -> ParsedDocument:
    """The CCL as the projection has it on `when` (the latest projection date on or before it)."""
    dates = [d for d in proj.versions if d <= when]
    if not dates:
        raise ParseError(f"{proj.path}: no projection date on or before {when} (first: {proj.versions[0]})")
    at = len(dates) - 1
    warnings: list[str] = []
    entries: list[ParsedEntry] = []
    for key in sorted(proj.paragraphs, key=_natural):
        para = proj.paragraphs[key]
        code = para.get("eccn") if isinstance(para, dict) else None
        if not isinstance(code, str) or not _CODE.match(code):
            warnings.append(f"paragraph key {key!r}: no valid ECCN ({code!r}); skipped")
            continue
        runs = (para.get("series") or {}).get(SERIES) or []
        picked = _run_at(proj, runs, at)
        if picked is None:
            continue
        heading, text = _heading_and_text(code, runs, picked, warnings)
        entries.append(_entry(code, heading, text, len(entries)))
    return ParsedDocument(version_date=proj.versions[at], entries=tuple(entries), warnings=tuple(warnings),
                          title=f"Commerce Control List (15 CFR 774 Supp. No. 1), paragraph history projection"
                                f" at {proj.versions[at]}",
                          stats={"paragraphs": len(entries)})


def _run_at(proj: Projection, runs: list[dict[str, Any]], at: int) -> dict[str, Any] | None:
    index = {d.isoformat(): i for i, d in enumerate(proj.versions)}
    for run in runs:
        span = run.get("versions") or []
        if not span or span[0] not in index or span[-1] not in index:
            continue
        if index[span[0]] <= at <= index[span[-1]]:
            return run
    return None


def _heading_and_text(code: str, runs: list[dict[str, Any]], run: dict[str, Any],
                      warnings: list[str]) -> tuple[str, str]:
    text = str(run.get("text") or "")
    heading = run.get("heading")
    if heading is None:
        first, _, rest = text.partition("\n")
        earlier = [r for r in runs[: runs.index(run)] if r.get("heading")]
        heading = str(earlier[-1]["heading"]) if earlier else ""
        warnings.append(f"{code}: heading missing upstream (text starts {first!r});"
                        + (" previous heading kept" if earlier else " none to keep"))
        text = f"{heading}\n{rest}" if heading else rest
    return str(heading), text


def _entry(code: str, heading: str, text: str, position: int) -> ParsedEntry:
    # From 2024-05-30 the projection's flattened licence tables read "NS applies to entire entry
    # (1C011) NS Column 2" where they read "entryNS Column 2" before; the eCFR XML itself (part 774
    # of 2026-06-25 and 2026-09-01) has "NS applies to entire entry" in that cell: the "(1C011)" is
    # the projection's, not the regulation's.
    own = re.escape(code.split(".")[0])
    text = re.sub(rf"\bentry \({own}\)", "entry", text)
    body, notes = _split_notes(heading, text)
    parts = code.split(".")
    path = (code[0], code[:2], *(".".join(parts[: i + 1]) for i in range(len(parts))))
    status: EntryStatus = "active"
    if _NO_ITEMS.match(heading or body):
        status = "not-used"
    elif _RESERVED.match(heading or body):
        status = "reserved"
    return ParsedEntry(code=code, parent=path[-2], path=path, kind="entry" if len(parts) == 1 else "item",
                       heading=heading, text=body, language="en", notes=tuple(notes), status=status,
                       position=position)


def _split_notes(heading: str, text: str) -> tuple[str, list[Note]]:
    rest = text[len(heading):] if heading and text.startswith(heading) else text
    body_lines = [heading] if heading else []
    notes: list[Note] = []
    for line in rest.split("\n"):
        line = line.strip()
        if not line:
            continue
        m = _NOTE.match(line)
        if m:
            label = " ".join(m.group("label").split())
            notes.append(Note(_kind(label), label, m.group("text").strip()))
        elif notes:
            notes[-1] = Note(notes[-1].kind, notes[-1].label, f"{notes[-1].text}\n{line}".strip())
        else:
            body_lines.append(line)
    return "\n".join(body_lines), notes


def _kind(label: str) -> NoteKind:
    low = label.casefold()
    if low.startswith("technical"):
        return "technical-note"
    if low.startswith("n.") or low.startswith("n "):
        return "nb"
    return "note"


def _natural(key: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key)]
