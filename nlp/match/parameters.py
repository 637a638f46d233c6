"""Parameter comparison between two entries held to be equivalent.

Embeddings cannot see thresholds ("less than 5 ns" and "less than 50 ns" embed almost alike), so
equivalent entries are compared on their extracted parameters (nlp.extract): same quantity, same
SI unit, then comparator and value. A difference is a divergence, shown side by side.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from nlp.extract.model import Parameter

DiffStatus = Literal["same", "differs", "only-left", "only-right"]
_REL_TOL = 1e-6


@dataclass(frozen=True)
class ParameterDiff:
    quantity: str
    status: DiffStatus
    left: Parameter | None
    right: Parameter | None

    def describe(self) -> str:
        def side(p: Parameter | None) -> str:
            return p.text if p is not None else "-"
        return f"{self.quantity}: {side(self.left)} | {side(self.right)}"

    def as_json(self) -> dict[str, object]:
        def side(p: Parameter | None) -> dict[str, object] | None:
            if p is None:
                return None
            return {"text": p.text, "comparator": p.comparator, "value": p.value, "unit": p.unit,
                    "si_value": p.si_value, "si_unit": p.si_unit, "upper": p.upper}
        return {"quantity": self.quantity, "status": self.status, "left": side(self.left),
                "right": side(self.right)}


def _key(p: Parameter) -> tuple[str, str]:
    return (p.quantity, p.si_unit or p.unit.lower())


def _magnitude(p: Parameter) -> float:
    return p.si_value if p.si_value is not None else p.value


def _distance(a: Parameter, b: Parameter) -> float:
    """How far apart two parameters of one quantity are: log ratio of magnitudes, plus a step
    for a different comparator (so that 'exceeding 10 GHz' pairs with 'exceeding 12 GHz' rather
    than with 'below 10 GHz' when both exist)."""
    x, y = abs(_magnitude(a)), abs(_magnitude(b))
    ratio = abs(math.log10(x / y)) if x > 0 and y > 0 else (0.0 if x == y else 10.0)
    return ratio + (0.0 if a.comparator == b.comparator else 0.5)


def _same(a: Parameter, b: Parameter) -> bool:
    if a.comparator != b.comparator and not _bare_against_bound(a, b):
        return False
    if not math.isclose(_magnitude(a), _magnitude(b), rel_tol=_REL_TOL, abs_tol=1e-12):
        return False
    if a.comparator == "range":
        ua = a.upper_si if a.upper_si is not None else a.upper
        ub = b.upper_si if b.upper_si is not None else b.upper
        return (ua is None and ub is None) or (ua is not None and ub is not None
                                             and math.isclose(ua, ub, rel_tol=_REL_TOL))
    return True


def _bare_against_bound(a: Parameter, b: Parameter) -> bool:
    """One side states the value bare ("=": no comparator next to it), the other a one-sided
    bound. In control lists a bare value takes its bound from elsewhere in the sentence
    ("radiation hardened to withstand ...: a total dose of 5 x 10^3 Gy (Si)"), so the same value
    is not a divergence; a different value still is."""
    return "=" in (a.comparator, b.comparator) and {a.comparator, b.comparator} <= {"=", "<", "<=", ">", ">="}


def compare_parameters(left: Sequence[Parameter], right: Sequence[Parameter]) -> list[ParameterDiff]:
    """Pair parameters of the same quantity and unit (closest first); report each pair as same or
    differs, and the unpaired ones as only-left / only-right. Duplicates within one side (the same
    threshold stated twice) count once."""
    lefts = list({(_key(p), p.comparator, _magnitude(p)): p for p in left}.values())
    rights = list({(_key(p), p.comparator, _magnitude(p)): p for p in right}.values())
    candidates = sorted(((_distance(a, b), i, j) for i, a in enumerate(lefts) for j, b in enumerate(rights)
                         if _key(a) == _key(b)), key=lambda t: t[0])
    used_l: set[int] = set()
    used_r: set[int] = set()
    out: list[ParameterDiff] = []
    for _, i, j in candidates:
        if i in used_l or j in used_r:
            continue
        used_l.add(i)
        used_r.add(j)
        a, b = lefts[i], rights[j]
        out.append(ParameterDiff(a.quantity, "same" if _same(a, b) else "differs", a, b))
    out += [ParameterDiff(p.quantity, "only-left", p, None) for i, p in enumerate(lefts) if i not in used_l]
    out += [ParameterDiff(p.quantity, "only-right", None, p) for j, p in enumerate(rights) if j not in used_r]
    order = {"differs": 0, "same": 1, "only-left": 2, "only-right": 3}
    return sorted(out, key=lambda d: (order[d.status], d.quantity))


def diverges(diffs: Sequence[ParameterDiff]) -> bool:
    return any(d.status == "differs" for d in diffs)
