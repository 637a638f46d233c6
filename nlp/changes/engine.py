"""The change engine: two versions' entries in, a list of entry-level changes out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from nlp.changes.align import align, body
from nlp.changes.model import Change, ChangeKind, EntryText, NoteChange, ParameterDelta, RedlineSpan
from nlp.changes.noise import loose, same
from nlp.changes.notes import NoteMoves, note_changes, note_moves
from nlp.changes.params import Extractor, default_extractor, extract_safely, parameter_deltas
from nlp.changes.redline import redline

# Bump when the engine would report differently on the same input: the store keeps one change
# set per version pair and engine version, so a new engine adds a set and never rewrites one.
ENGINE_VERSION = "1"
ACTIVE = "active"


@dataclass
class VersionDiff:
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return dict(Counter(c.kind for c in self.changes))


_UNSET = object()


def diff_versions(old: Sequence[EntryText], new: Sequence[EntryText], *,
                  extractor: Extractor | object | None = _UNSET) -> VersionDiff:
    """Entry-level changes from `old` to `new` (two versions of one source).

    `extractor` finds technical parameters (default: `nlp.extract.extract_parameters`; None: no
    parameter deltas).
    """
    result = VersionDiff()
    extract: Extractor | None = default_extractor() if extractor is _UNSET else extractor  # type: ignore[assignment]
    if extract is None:
        result.warnings.append("parameter extraction is not available (nlp.extract.extract_parameters):"
                               " changes carry no parameter deltas")
    al = align(old, new)
    builder = _Builder(extract, note_moves(al.candidates + al.moved, al.added, al.removed, old, new))
    for o, n in al.candidates:
        change = builder.compare(o, n)
        if change is not None:
            result.changes.append(change)
    result.changes += [builder.moved(o, n) for o, n in al.moved]
    result.changes += [builder.added(n) for n in al.added]
    result.changes += [builder.removed(o) for o in al.removed]
    order = {e.entry_id: i for i, e in enumerate(new)}
    old_order = {e.entry_id: i for i, e in enumerate(old)}
    result.changes.sort(key=lambda c: (order.get(c.entry_id, old_order.get(c.entry_id, 0)), c.kind))
    return result


class _Builder:
    def __init__(self, extract: Extractor | None, moves: NoteMoves) -> None:
        self.extract = extract
        self.moves = moves

    def compare(self, o: EntryText, n: EntryText) -> Change | None:
        notes = note_changes(o, n, self.moves)
        old_body, new_body = body(o), body(n)
        text_changed = not same(old_body, new_body)
        status_changed = o.status != n.status
        if not (text_changed or status_changed or notes):
            return None
        fields = tuple(f for f, hit in (("text", text_changed), ("notes", bool(notes)),
                                        ("status", status_changed)) if hit)
        spans = redline(old_body, new_body) if text_changed else ()
        params = self._params(old_body, new_body, notes, o.language) if self.extract else []
        kind: ChangeKind = "amended"
        if status_changed and (o.status == ACTIVE) != (n.status == ACTIVE):
            kind = "removed" if o.status == ACTIVE else "added"
        editorial = (not status_changed and loose(old_body) == loose(new_body)
                     and all(c.change == "amended" and loose(c.old_text or "") == loose(c.new_text or "")
                             for c in notes))
        return Change(kind, n.entry_id, _summary(kind, o, n, spans, params, notes), o, n,
                      old_entry_id=o.entry_id, significance="editorial" if editorial else "substantive",
                      fields=fields, redline=spans, parameters=tuple(params), notes=tuple(notes),
                      language=n.language,
                      extra={"status": {"old": o.status, "new": n.status}} if status_changed else {})

    def moved(self, o: EntryText, n: EntryText) -> Change:
        """A renumbering; if the text was also edited, with the redline of the edit."""
        summary = f"renumbered: {o.code} is now {n.code}"
        edit = self.compare(o, n)
        if edit is None:
            return Change("moved", n.entry_id, summary, o, n, old_entry_id=o.entry_id, fields=("code",),
                          language=n.language)
        rest = edit.summary.split(" amended: ", 1)[-1] if edit.kind == "amended" else edit.summary
        return replace(edit, kind="moved", summary=f"{summary}; {rest}", fields=("code", *edit.fields))

    def _params(self, old_body: str, new_body: str, notes: list[NoteChange], language: str) -> list[ParameterDelta]:
        assert self.extract is not None
        out = parameter_deltas(extract_safely(self.extract, old_body, language),
                               extract_safely(self.extract, new_body, language))
        for note in notes:
            out += parameter_deltas(extract_safely(self.extract, note.old_text or "", language),
                                    extract_safely(self.extract, note.new_text or "", language), where=note.label)
        return out

    def _one_side(self, entry: EntryText, side: str) -> list[ParameterDelta]:
        if self.extract is None:
            return []
        texts = [("text", body(entry))] + [(note.label, note.text) for note in entry.notes]
        out: list[ParameterDelta] = []
        for where, text in texts:
            found = extract_safely(self.extract, text, entry.language)
            out += parameter_deltas([], found, where) if side == "new" else parameter_deltas(found, [], where)
        return out

    def added(self, n: EntryText) -> Change:
        summary = f"new entry {n.code}: {_clip(body(n))}" + ("" if n.status == ACTIVE else f" ({n.status})")
        return Change("added", n.entry_id, summary, None, n, fields=("entry",),
                      parameters=tuple(self._one_side(n, "new")), language=n.language)

    def removed(self, o: EntryText) -> Change:
        summary = f"{o.code} removed (was: {_clip(body(o))})"
        return Change("removed", o.entry_id, summary, o, None, old_entry_id=o.entry_id, fields=("entry",),
                      parameters=tuple(self._one_side(o, "old")), language=o.language)


def _clip(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(kind: ChangeKind, o: EntryText, n: EntryText, spans: tuple[RedlineSpan, ...],
             params: list[ParameterDelta], notes: list[NoteChange]) -> str:
    if kind == "removed":
        return f"{n.code} is now {n.status}: {_clip(body(n))}"
    if kind == "added":
        return f"{n.code} is in force again ({o.status} before): {_clip(body(n))}"
    parts = [p.describe() for p in params if p.change == "changed"]
    if spans:
        parts.append("text " + span_summary(spans))
    for c in notes:
        label = c.label or "note"
        parts.append(f"{label}: {span_summary(c.redline)}" if c.change == "amended" else f"{label} {c.change}")
    if o.status != n.status:
        parts.append(f"status {o.status} -> {n.status}")
    return f"{n.code} amended: " + "; ".join(parts)


def span_summary(spans: tuple[RedlineSpan, ...]) -> str:
    """The words a redline strikes and adds, in a few words: "'1 hour' -> '3 hours'"; a text
    mostly rewritten is quoted whole, old and new."""
    kept = sum(len(s.text) for s in spans if s.op == "equal")
    struck = " … ".join(s.text.strip() for s in spans if s.op == "delete")
    added = " … ".join(s.text.strip() for s in spans if s.op == "insert")
    if struck and added and kept < 0.3 * (kept + len(struck) + len(added)):
        old = "".join(s.text for s in spans if s.op != "insert")
        new = "".join(s.text for s in spans if s.op != "delete")
        return f"rewritten: {_clip(old, 70)!r} -> {_clip(new, 70)!r}"
    if struck and added:
        return f"{_clip(struck, 60)!r} -> {_clip(added, 60)!r}"
    return f"added {_clip(added, 80)!r}" if added else f"struck {_clip(struck, 80)!r}"
