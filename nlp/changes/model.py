"""What the change engine compares and what it reports. Small frozen dataclasses with a JSON form
(the `detail` column of the store and the `--json` output of `exportwatch changes`/`diff`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from nlp.model import Note

ChangeKind = Literal["added", "removed", "amended", "moved", "definition"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("added", "removed", "amended", "moved", "definition")
# "editorial": the words are the same, only letter case or punctuation differs.
Significance = Literal["substantive", "editorial"]
SpanOp = Literal["equal", "insert", "delete"]
DeltaKind = Literal["changed", "added", "removed"]
NoteChangeKind = Literal["amended", "added", "removed"]


@dataclass(frozen=True)
class EntryText:
    """One entry of one version, as the engine sees it (a neutral copy of a stored entry)."""

    entry_id: str
    code: str
    heading: str
    text: str
    notes: tuple[Note, ...] = ()
    parent_id: str | None = None
    kind: str = "item"
    status: str = "active"
    language: str = "en"
    position: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"entry_id": self.entry_id, "code": self.code, "parent_id": self.parent_id,
                "kind": self.kind, "status": self.status, "language": self.language,
                "heading": self.heading, "text": self.text,
                "notes": [{"kind": n.kind, "label": n.label, "text": n.text} for n in self.notes]}


@dataclass(frozen=True)
class RedlineSpan:
    """A run of words: kept (`equal`), added in the new text (`insert`) or struck (`delete`)."""

    op: SpanOp
    text: str


@dataclass(frozen=True)
class ParamValue:
    comparator: str
    value: float
    unit: str
    text: str
    upper: float | None = None
    si_value: float | None = None
    si_unit: str | None = None


@dataclass(frozen=True)
class ParameterDelta:
    """One technical parameter that changed, appeared or disappeared, e.g. time >= 1 h -> >= 3 h.

    `where` is "text" or the label of the note the parameter sits in.
    """

    change: DeltaKind
    quantity: str
    where: str
    old: ParamValue | None
    new: ParamValue | None

    def describe(self) -> str:
        def show(p: ParamValue | None) -> str:
            if p is None:
                return "none"
            if p.comparator == "range" and p.upper is not None:
                return f"{_num(p.value)}-{_num(p.upper)} {p.unit}".strip()
            return f"{p.comparator} {_num(p.value)} {p.unit}".strip()

        return f"{self.quantity}: {show(self.old)} -> {show(self.new)}"


@dataclass(frozen=True)
class NoteChange:
    change: NoteChangeKind
    label: str
    old_text: str | None
    new_text: str | None
    redline: tuple[RedlineSpan, ...] = ()
    moved_from: str | None = None  # the entry the note sat under before, when it moved


@dataclass(frozen=True)
class Change:
    """One entry-level change between two versions of a source.

    `entry_id` is the id in the new version (the old id for a removal); `old_entry_id` differs
    from it only for a move. `old`/`new` are the evidence: the entry as stored in each version.
    A definition change carries the definition as `old`/`new`, its `term`, and `used_by`: the
    entries of the new version (the old one, for a removed definition) that use the term.
    """

    kind: ChangeKind
    entry_id: str
    summary: str
    old: EntryText | None
    new: EntryText | None
    old_entry_id: str | None = None
    significance: Significance = "substantive"
    fields: tuple[str, ...] = ()
    redline: tuple[RedlineSpan, ...] = ()
    parameters: tuple[ParameterDelta, ...] = ()
    notes: tuple[NoteChange, ...] = ()
    term: str | None = None
    used_by: tuple[str, ...] = ()
    language: str = "en"
    extra: dict[str, Any] = field(default_factory=dict)

    def detail_json(self) -> dict[str, Any]:
        """Everything but the columns the store keeps apart (kind, ids, summary, significance)."""
        out: dict[str, Any] = {
            "fields": list(self.fields),
            "redline": [{"op": s.op, "text": s.text} for s in self.redline],
            "parameters": [parameter_json(p) for p in self.parameters],
            "notes": [{"change": n.change, "label": n.label, "old_text": n.old_text,
                       "new_text": n.new_text, "moved_from": n.moved_from,
                       "redline": [{"op": s.op, "text": s.text} for s in n.redline]} for n in self.notes],
            "old": self.old.to_json() if self.old else None,
            "new": self.new.to_json() if self.new else None,
        }
        if self.term is not None:
            out["term"] = self.term
            out["used_by"] = list(self.used_by)
        out.update(self.extra)
        return out


def parameter_json(p: ParameterDelta) -> dict[str, Any]:
    def val(v: ParamValue | None) -> dict[str, Any] | None:
        if v is None:
            return None
        return {"comparator": v.comparator, "value": v.value, "upper": v.upper, "unit": v.unit,
                "si_value": v.si_value, "si_unit": v.si_unit, "text": v.text}

    return {"change": p.change, "quantity": p.quantity, "where": p.where, "old": val(p.old),
            "new": val(p.new), "description": p.describe()}


def _num(x: float) -> str:
    return f"{x:g}"
