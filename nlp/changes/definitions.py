"""Definition changes: a defined term added, removed or re-worded between two versions, with the
entries that use the term (so "the definition of 'technology' changed" reaches every control it
governs)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nlp.changes.model import Change, EntryText, NoteChange
from nlp.changes.noise import canonical, loose, same
from nlp.changes.notes import pair_notes, unmatched
from nlp.changes.redline import redline
from nlp.model import Note

_QUOTED = re.compile(r"[\"\u201c\u201d\u201e]([^\"\u201c\u201d\u201e]{1,80})[\"\u201c\u201d\u201e]")


@dataclass(frozen=True)
class Definition:
    def_id: str  # "{jurisdiction}:def:{term_key}" (+ "@lang")
    term: str
    term_key: str
    language: str
    scope: str
    text: str
    notes: tuple[Note, ...] = ()

    def as_entry(self) -> EntryText:
        return EntryText(entry_id=self.def_id, code=self.term_key, heading=self.term, text=self.text,
                         notes=self.notes, kind="definition", language=self.language)


def term_form(term: str) -> str:
    """How terms are compared: lower case, straight quotes, single spaces, no plural s."""
    t = " ".join(term.casefold().replace("\u2019", "'").split())
    return t[:-1] if t.endswith("s") and len(t) > 3 else t


TermsOf = Callable[[EntryText], set[str]]


def default_terms_of() -> TermsOf:
    """Defined terms an entry uses, read from its text: the double-quoted phrases (the lists mark
    terms of their definitions that way; this is what `nlp.extract` reports as `terms`). The
    processor prefers the terms the "extract" processor stored (annotations) where they exist;
    this fallback avoids running the extraction pipeline over a whole version per changed term."""

    def terms_of(entry: EntryText) -> set[str]:
        text = "\n".join([entry.text, *(n.text for n in entry.notes)])
        return {term_form(m.group(1)) for m in _QUOTED.finditer(text)}

    return terms_of


def users(term_key: str, entries: Sequence[EntryText], terms_of: TermsOf) -> tuple[str, ...]:
    """Ids of the entries that use the term (a cheap substring test first, then `terms_of`)."""
    key = term_form(term_key)
    needle = canonical(key).casefold()
    out = []
    for e in entries:
        haystack = canonical(e.text + "".join(n.text for n in e.notes)).casefold()
        if needle and needle in haystack and key in terms_of(e):
            out.append(e.entry_id)
    return tuple(out)


def diff_definitions(old: Sequence[Definition], new: Sequence[Definition], *, old_entries: Sequence[EntryText],
                     new_entries: Sequence[EntryText], terms_of: TermsOf | None = None,
                     old_terms_of: TermsOf | None = None) -> list[Change]:
    """Definition changes; `terms_of`/`old_terms_of` give the terms an entry of the new/old
    version uses (default: `default_terms_of`)."""
    terms_of = terms_of or default_terms_of()
    old_terms_of = old_terms_of or terms_of
    old_by_id = {d.def_id: d for d in old}
    new_by_id = {d.def_id: d for d in new}
    out: list[Change] = []
    for d in new:
        before = old_by_id.get(d.def_id)
        if before is None:
            out.append(_change("added", None, d, users(d.term_key, new_entries, terms_of)))
            continue
        lost = [before.notes[i] for i in unmatched(before.notes, d.notes)]
        gained = [d.notes[i] for i in unmatched(d.notes, before.notes)]
        if same(before.text, d.text) and not lost and not gained:
            continue
        out.append(_change("amended", before, d, users(d.term_key, new_entries, terms_of), pair_notes(lost, gained)))
    for d in old:
        if d.def_id not in new_by_id:
            out.append(_change("removed", d, None, users(d.term_key, old_entries, old_terms_of)))
    return out


def _change(change: str, old: Definition | None, new: Definition | None, used_by: tuple[str, ...],
            notes: Sequence[NoteChange] = ()) -> Change:
    d = new or old
    assert d is not None
    spans = redline(old.text, new.text) if old and new and not same(old.text, new.text) else ()
    editorial = bool(old and new and loose(old.text) == loose(new.text) and not notes)
    uses = f"; used by {len(used_by)} entr{'y' if len(used_by) == 1 else 'ies'}" if used_by else ""
    return Change(
        "definition", d.def_id, f'definition of "{d.term}" {change}{uses}', old.as_entry() if old else None,
        new.as_entry() if new else None, old_entry_id=old.def_id if old else None,
        significance="editorial" if editorial else "substantive",
        fields=("definition",), redline=spans, notes=tuple(notes),
        term=d.term, used_by=used_by, language=d.language, extra={"change": change, "scope": d.scope})
