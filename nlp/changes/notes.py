"""Notes that moved between the entries of one family, and the note-level changes of an entry.

Parsers attach the notes printed after an entry's last item to that item (the eCFR 9A012
Technical Notes sit under a.2 in one issue and under a.5 once a.3-a.5 were added), or to the
entry itself (the Wassenaar 2025 PDF, where the .doc put them on the last sub-item). A note that
leaves one entry and arrives at another of the same family (the entry-level ancestor: an ECCN, a
Wassenaar x.Y.n) with the same text has not changed; arriving with an edited text, it is reported
once, as an amended note of the entry it arrived at.
"""

from __future__ import annotations

import difflib
import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from nlp.changes.model import EntryText, NoteChange
from nlp.changes.noise import canonical, same
from nlp.changes.redline import redline, tokens
from nlp.model import Note

# Similarity (difflib ratio on canonical texts) above which a relocated note counts as the same
# note edited, rather than one note removed and another added.
MOVED_NOTE_RATIO = 0.75
SAME_LABEL_RATIO = 0.6

NoteRef = tuple[str, int]  # (entry id, index in that entry's notes)


def unmatched(a: Sequence[Note], b: Sequence[Note]) -> list[int]:
    """Indices of the notes of `a` with no note of the same text in `b` (each used once)."""
    left = list(range(len(b)))
    out = []
    for i, note in enumerate(a):
        j = next((j for j in left if same(b[j].text, note.text)), None)
        if j is None:
            out.append(i)
        else:
            left.remove(j)
    return out


def family(entry: EntryText, by_id: dict[str, EntryText]) -> str:
    node, hops = entry, 0
    while node.kind != "entry" and node.parent_id is not None and node.parent_id in by_id and hops < 50:
        node = by_id[node.parent_id]
        hops += 1
    return node.entry_id


@dataclass
class NoteMoves:
    lost: set[NoteRef] = field(default_factory=set)  # old notes that moved (not removed)
    arrived: set[NoteRef] = field(default_factory=set)  # new notes that moved here unchanged
    edited: dict[NoteRef, tuple[Note, str]] = field(default_factory=dict)  # new note -> (old note, old entry)


def note_moves(pairs: list[tuple[EntryText, EntryText]], added: list[EntryText], removed: list[EntryText],
               old: Sequence[EntryText], new: Sequence[EntryText]) -> NoteMoves:
    old_by_id = {e.entry_id: e for e in old}
    new_by_id = {e.entry_id: e for e in new}
    lost: dict[str, list[tuple[NoteRef, Note]]] = defaultdict(list)
    gained: dict[str, list[tuple[NoteRef, Note]]] = defaultdict(list)
    for o, n in pairs:
        lost[family(o, old_by_id)] += [((o.entry_id, i), o.notes[i]) for i in unmatched(o.notes, n.notes)]
        gained[family(n, new_by_id)] += [((n.entry_id, i), n.notes[i]) for i in unmatched(n.notes, o.notes)]
    for o in removed:
        lost[family(o, old_by_id)] += [((o.entry_id, i), x) for i, x in enumerate(o.notes)]
    for n in added:
        gained[family(n, new_by_id)] += [((n.entry_id, i), x) for i, x in enumerate(n.notes)]
    moves = NoteMoves()
    for fam, arrivals in gained.items():
        departures = [d for d in lost.get(fam, []) if d[0] not in moves.lost]
        for ref, note in arrivals:
            exact = next((d for d in departures if d[0][0] != ref[0] and same(d[1].text, note.text)), None)
            if exact is not None:
                departures.remove(exact)
                moves.lost.add(exact[0])
                moves.arrived.add(ref)
        for ref, note in arrivals:
            if ref in moves.arrived or not departures:
                continue
            best = max(departures, key=lambda d: ratio(d[1].text, note.text))
            if best[0][0] != ref[0] and ratio(best[1].text, note.text) >= MOVED_NOTE_RATIO:
                departures.remove(best)
                moves.lost.add(best[0])
                moves.edited[ref] = (best[1], best[0][0])
    _lineal_moves(moves, lost, gained, old_by_id, new_by_id)
    return moves


def _lineal_moves(moves: NoteMoves, lost: dict[str, list[tuple[NoteRef, Note]]],
                  gained: dict[str, list[tuple[NoteRef, Note]]], old_by_id: dict[str, EntryText],
                  new_by_id: dict[str, EntryText]) -> None:
    """A note that moved, unchanged, between an entry and one of its ancestors above the family
    (the Wassenaar 2025 PDF prints under group 9.E a note the .doc put under entry 9.E.2)."""
    departures = [d for ds in lost.values() for d in ds if d[0] not in moves.lost]
    for ref, note in (a for arrivals in gained.values() for a in arrivals):
        if ref in moves.arrived or ref in moves.edited:
            continue
        for d in departures:
            if (d[0] not in moves.lost and _lineal(d[0][0], ref[0], old_by_id, new_by_id)
                    and same(d[1].text, note.text)):
                moves.lost.add(d[0])
                moves.arrived.add(ref)
                break


def _lineal(a: str, b: str, old_by_id: dict[str, EntryText], new_by_id: dict[str, EntryText]) -> bool:
    """One entry is an ancestor of the other (by the parent chains of either version)."""
    if a == b:
        return False
    return b in _ancestors(a, old_by_id) | _ancestors(a, new_by_id) or a in _ancestors(b, new_by_id) | _ancestors(
        b, old_by_id)


def _ancestors(entry_id: str, by_id: dict[str, EntryText]) -> set[str]:
    out: set[str] = set()
    node = by_id.get(entry_id)
    while node is not None and node.parent_id is not None and node.parent_id not in out and len(out) < 50:
        out.add(node.parent_id)
        node = by_id.get(node.parent_id)
    return out


def note_changes(o: EntryText, n: EntryText, moves: NoteMoves) -> list[NoteChange]:
    """What happened to the notes of one entry present in both versions."""
    lost = [o.notes[i] for i in unmatched(o.notes, n.notes) if (o.entry_id, i) not in moves.lost]
    gained_idx = [i for i in unmatched(n.notes, o.notes) if (n.entry_id, i) not in moves.arrived]
    out: list[NoteChange] = []
    plain = []
    for i in gained_idx:
        moved = moves.edited.get((n.entry_id, i))
        if moved is None:
            plain.append(n.notes[i])
        else:
            old_note, from_id = moved
            out.append(NoteChange("amended", n.notes[i].label, old_note.text, n.notes[i].text,
                                  redline(old_note.text, n.notes[i].text), moved_from=from_id))
    return out + pair_notes(lost, plain)


def pair_notes(lost: list[Note], gained: list[Note]) -> list[NoteChange]:
    """Pair the notes an entry lost with those it gained: same label first ("Note 2" stays "Note
    2"), then the most similar text; the rest were added or removed."""
    left = list(lost)
    pairs: dict[int, Note] = {}
    for i, g in enumerate(gained):
        match = next((x for x in left if canonical(x.label) == canonical(g.label) and x.kind == g.kind), None)
        if match is not None:
            left.remove(match)
            pairs[i] = match
    for i, g in enumerate(gained):
        if i in pairs or not left:
            continue
        best = max(left, key=lambda x: ratio(x.text, g.text))
        if ratio(best.text, g.text) >= SAME_LABEL_RATIO:
            left.remove(best)
            pairs[i] = best
    out: list[NoteChange] = []
    for i, g in enumerate(gained):
        match = pairs.get(i)
        if match is None:
            out.append(NoteChange("added", g.label, None, g.text))
        else:
            out.append(NoteChange("amended", g.label, match.text, g.text, redline(match.text, g.text)))
    return out + [NoteChange("removed", x.label, x.text, None) for x in left]


def ratio(a: str, b: str) -> float:
    """Similarity of two texts by their words (difflib ratio over canonical word keys)."""
    x, y = word_keys(a), word_keys(b)
    matcher = difflib.SequenceMatcher(None, x, y, autojunk=False)
    if matcher.real_quick_ratio() < SAME_LABEL_RATIO or matcher.quick_ratio() < SAME_LABEL_RATIO:
        return min(matcher.quick_ratio(), SAME_LABEL_RATIO - 0.01)
    return matcher.ratio()


@functools.lru_cache(maxsize=1 << 14)
def word_keys(text: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokens(text))
