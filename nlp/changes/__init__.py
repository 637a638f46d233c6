"""Entry-level change detection between two versions of a control list.

`diff_versions(old, new)` aligns the entries of two versions (same id, then the same text under a
new id: a move or renumbering), ignores formatting noise (`noise.py`), and describes each real
change: kind, word-level redline, parameter deltas, changed notes. The store side (change sets,
history, as-of lookups) lives in `indexer/changes.py` and `indexer/history.py`.
"""

from __future__ import annotations

from nlp.changes.engine import ENGINE_VERSION, diff_versions
from nlp.changes.model import Change, EntryText, NoteChange, ParameterDelta, RedlineSpan

__all__ = ["ENGINE_VERSION", "Change", "EntryText", "NoteChange", "ParameterDelta", "RedlineSpan",
           "diff_versions"]
