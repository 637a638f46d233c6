"""What an alert says: the change, where it is, the redline, parameter deltas, equivalents in
other jurisdictions and links to the source. Built once, when the change is matched, and stored
with the alert: every retry and every channel sends the same content.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from indexer.changes import ChangeRow
from indexer.store import Store
from nlp.match.codes import canonical_code

REDLINE_CHARS = 600  # excerpt length: enough to read the change, short enough for a chat message


@dataclass
class EquivalentIndex:
    """Entries of every source's current version by regime code key (nlp.match.codes): the code
    alignment that makes EU/US/AU 3A001 and Wassenaar 3.A.1 one control."""

    by_key: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # key -> (entry, source, heading)

    @classmethod
    def build(cls, store: Store) -> EquivalentIndex:
        index = cls()
        for version in store.current_versions():
            for row in store.db.execute("SELECT entry_id, code, heading, language FROM entries WHERE version_id=?",
                                        (version.id,)):
                if "@" in row["entry_id"]:
                    continue  # secondary-language copies: the primary entry stands for them
                jurisdiction = row["entry_id"].split(":", 1)[0]
                key = canonical_code(jurisdiction, row["code"])
                if key is not None:
                    index.by_key.setdefault(key, []).append((row["entry_id"], version.source_id, row["heading"]))
        return index

    def equivalents(self, entry_id: str, code: str) -> list[dict[str, str]]:
        jurisdiction = entry_id.split(":", 1)[0]
        key = canonical_code(jurisdiction, code)
        if key is None:
            return []
        return [{"entry_id": e, "source_id": s, "heading": h, "basis": "code alignment"}
                for e, s, h in self.by_key.get(key, []) if not e.startswith(f"{jurisdiction}:")]


def _wrap(text: str, left: str, right: str) -> str:
    """Mark the words of `text`, keeping its surrounding spaces outside the marks."""
    core = text.strip()
    if not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return f"{lead}{left}{core}{right}{trail}"


def redline_text(spans: Iterable[dict[str, Any]], limit: int = REDLINE_CHARS) -> str:
    """A plain-text redline excerpt: [-struck-] {+added+}, context trimmed around the edits."""
    parts: list[str] = []
    spans = list(spans)
    for i, span in enumerate(spans):
        text = str(span.get("text", ""))
        if span.get("op") == "insert":
            parts.append(_wrap(text, "{+", "+}"))
        elif span.get("op") == "delete":
            parts.append(_wrap(text, "[-", "-]"))
        else:
            words = text.split()
            # Keep a few words of context either side of an edit, not whole paragraphs.
            if len(words) > 16:
                head = words[:8] if i > 0 else []
                tail = words[-8:] if i < len(spans) - 1 else []
                text = " " + " ".join([*head, "…", *tail]) + " "
            parts.append(text)
    out = " ".join("".join(parts).split())
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _version_links(store: Store, version_id: int) -> list[dict[str, str]]:
    return [{"url": r["url"], "sha256": r["sha256"], "language": r["language"]}
            for r in store.db.execute("SELECT url, sha256, language FROM version_files WHERE version_id=?"
                                      " ORDER BY url", (version_id,))]


def change_content(store: Store, change: ChangeRow, *, equivalents: EquivalentIndex, base_url: str,
                   source_names: dict[str, str]) -> dict[str, Any]:
    """The alert body of one change (the JSON a webhook receives under `change`)."""
    cs = change.change_set
    detail = change.detail
    entry = detail.get("new") or detail.get("old") or {}
    code = str(entry.get("code", change.entry_id.split(":", 1)[-1]))
    jurisdiction = change.entry_id.split(":", 1)[0]
    documents = _version_links(store, cs.to_version.id)
    title = cs.to_version.title
    citation = (f"{title}, {code}, version of {cs.to_version.version_date.isoformat()}. "
                + "; ".join(f"{d['url']} (sha256 {d['sha256']})" for d in documents)).strip()
    quoted = quote(change.entry_id, safe=":@")
    notes = [{"change": n.get("change"), "label": n.get("label"),
              "redline": redline_text(n.get("redline") or [], 300)} for n in detail.get("notes") or []]
    return {
        "change_id": change.id,
        "kind": change.kind,
        "significance": change.significance,
        "summary": change.summary,
        "entry_id": change.entry_id,
        "old_entry_id": change.old_entry_id,
        "code": code,
        "heading": str(entry.get("heading", "")),
        "jurisdiction": jurisdiction,
        "language": change.language,
        "source": {"id": cs.source_id, "name": source_names.get(cs.source_id, cs.source_id)},
        "from_version": {"id": cs.from_version.id, "date": cs.from_version.version_date.isoformat()},
        "to_version": {"id": cs.to_version.id, "date": cs.to_version.version_date.isoformat()},
        "redline": redline_text(detail.get("redline") or []),
        "notes": notes,
        "parameters": [p.get("description", "") for p in detail.get("parameters") or []],
        "term": detail.get("term"),
        "equivalents": equivalents.equivalents(change.entry_id, code) if change.kind != "definition" else [],
        "citation": citation,
        "links": {
            "entry": f"{base_url}/entries/{quoted}",
            "history": f"{base_url}/api/entries/{quoted}/history",
            "source_documents": [d["url"] for d in documents],
        },
    }


def render_text(alerts: list[dict[str, Any]]) -> str:
    """The plain-text body of an e-mail: one block per alert."""
    blocks = []
    for a in alerts:
        c = a["change"]
        lines = [f"{c['source']['name']}: {c['summary']}",
                 f"  where: {c['entry_id']} ({c['source']['id']}, {c['from_version']['date']} -> "
                 f"{c['to_version']['date']}), significance {c['significance']}",
                 f"  why you get this: {a['reason']} (subscription {a['subscription']['name']!r})"]
        if c["redline"]:
            lines.append(f"  redline: {c['redline']}")
        for p in c["parameters"]:
            lines.append(f"  parameter: {p}")
        if c["equivalents"]:
            lines.append("  equivalents: " + ", ".join(e["entry_id"] for e in c["equivalents"]))
        lines.append(f"  cite: {c['citation']}")
        lines.append(f"  see: {c['links']['entry']}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
