"""Aligning the entries of two versions: same id, or the same text under a new id (a move).

A renumbering shifts texts between ids that exist in both versions (a new a.3 pushes the old a.3
to a.4 and a.4 to a.5): matching by id alone would report every shifted item as rewritten. So the
entries that did not keep both their id and their text are first matched by text; only a text
that is long enough to be specific and occurs once in each version counts as moved (a bare
"Having any of the following:" or "[Reserved]" moves nowhere).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.changes.model import EntryText
from nlp.changes.noise import canonical, same

# Canonical characters (whitespace removed) a text needs before a unique match counts as a move.
MIN_MOVE_CHARS = 25
# A text printed under more codes than this in one version is too common to follow.
MAX_TWINS = 2
# Renumbered and edited: similarity (difflib ratio of canonical texts) and minimum length.
NEAR_MOVE_RATIO = 0.9
NEAR_MOVE_MIN_CHARS = 40


def body(entry: EntryText) -> str:
    """The entry's own words: its text, with the heading when the text does not repeat it, and
    without the entry's own code where a list prints it in front ("9A012 Non-military ...")."""
    text = entry.text.strip()
    if text.startswith(entry.code + " "):
        text = text[len(entry.code) + 1:].lstrip()
    heading = entry.heading.strip()
    if heading.startswith(entry.code + " "):
        heading = heading[len(entry.code) + 1:].lstrip()
    if not text:
        return heading
    # A heading clipped by its parser ("... as follows …") is contained if its start is.
    if heading and canonical(heading).rstrip(".\u2026") not in canonical(text):
        return f"{heading}\n{text}"
    return text


def content_key(entry: EntryText) -> str:
    notes = "\x1f".join(canonical(n.text) for n in entry.notes)
    return f"{canonical(body(entry))}\x1e{notes}\x1e{entry.status}"


def same_content(a: EntryText, b: EntryText) -> bool:
    if a.status != b.status or not same(body(a), body(b)) or len(a.notes) != len(b.notes):
        return False
    return all(same(x.text, y.text) for x, y in zip(a.notes, b.notes, strict=True))


@dataclass(frozen=True)
class Alignment:
    unchanged: list[tuple[EntryText, EntryText]]
    candidates: list[tuple[EntryText, EntryText]]  # same id, content differs (amended, perhaps)
    moved: list[tuple[EntryText, EntryText]]
    added: list[EntryText]
    removed: list[EntryText]


def align(old: Sequence[EntryText], new: Sequence[EntryText]) -> Alignment:
    old_by_id = {e.entry_id: e for e in old}
    new_by_id = {e.entry_id: e for e in new}
    unchanged = []
    for eid, o in old_by_id.items():
        n = new_by_id.get(eid)
        if n is not None and same_content(o, n):
            unchanged.append((o, n))
    kept = {o.entry_id for o, _ in unchanged}
    old_open = [e for e in old if e.entry_id not in kept]
    new_open = [e for e in new if e.entry_id not in kept]
    moved = _moves(old, new, old_open, new_open)
    moved_old = {o.entry_id for o, _ in moved}
    moved_new = {n.entry_id for _, n in moved}
    candidates = [(o, new_by_id[o.entry_id]) for o in old_open
                  if o.entry_id in new_by_id and o.entry_id not in moved_old and o.entry_id not in moved_new]
    paired = {o.entry_id for o, _ in candidates}
    removed = [o for o in old_open if o.entry_id not in moved_old and o.entry_id not in paired]
    added = [n for n in new_open if n.entry_id not in moved_new and n.entry_id not in paired]
    edited_moves = near_moves(removed, added)
    gone = {o.entry_id for o, _ in edited_moves}
    came = {n.entry_id for _, n in edited_moves}
    return Alignment(unchanged, candidates, moved + edited_moves, [n for n in added if n.entry_id not in came],
                     [o for o in removed if o.entry_id not in gone])


def _moves(old: Sequence[EntryText], new: Sequence[EntryText], old_open: list[EntryText],
           new_open: list[EntryText]) -> list[tuple[EntryText, EntryText]]:
    # Unique among the entries still unmatched on each side (an unchanged twin elsewhere, like the
    # NPT clause Canada prints in Group 3 and Group 4, does not block the move), and rare in the
    # whole version (a text printed under many codes says nothing about which one it moved to).
    old_all = Counter(content_key(e) for e in old)
    new_all = Counter(content_key(e) for e in new)
    old_keys = Counter(content_key(e) for e in old_open)
    new_keys = Counter(content_key(e) for e in new_open)
    open_new: dict[tuple[str, str], EntryText] = {}
    for n in new_open:
        key = content_key(n)
        if new_keys[key] == 1 and new_all[key] <= MAX_TWINS and len(canonical(body(n))) >= MIN_MOVE_CHARS:
            open_new[(key, n.language)] = n
    moves = []
    for o in old_open:
        key = content_key(o)
        target = open_new.get((key, o.language))
        if (target is not None and old_keys[key] == 1 and old_all[key] <= MAX_TWINS
                and target.entry_id != o.entry_id):
            moves.append((o, target))
    return moves


def near_moves(removed: list[EntryText], added: list[EntryText]) -> list[tuple[EntryText, EntryText]]:
    """Renumbered and lightly edited: a removed and an added entry of the same language and kind
    whose texts are at least NEAR_MOVE_RATIO alike, each the other's best match."""
    def score(a: EntryText, b: EntryText) -> float:
        x, y = canonical(body(a)), canonical(body(b))
        if min(len(x), len(y)) < NEAR_MOVE_MIN_CHARS:
            return 0.0
        matcher = difflib.SequenceMatcher(None, x, y, autojunk=False)
        if matcher.real_quick_ratio() < NEAR_MOVE_RATIO or matcher.quick_ratio() < NEAR_MOVE_RATIO:
            return 0.0
        return matcher.ratio()

    scores = [(score(o, n), i, j) for i, o in enumerate(removed) for j, n in enumerate(added)
              if o.language == n.language and o.kind == n.kind]
    pairs = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for value, i, j in sorted(scores, key=lambda t: (-t[0], t[1], t[2])):
        if value < NEAR_MOVE_RATIO or i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((removed[i], added[j]))
    return pairs
