"""What extraction yields for one entry text. Shared by change detection (parameter deltas),
matching (parameter comparison across jurisdictions) and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Comparator = Literal["<", "<=", ">", ">=", "=", "range"]
ReferenceKind = Literal["see-also", "controlled-by", "specified-in", "excluded", "other"]


@dataclass(frozen=True)
class Parameter:
    """A technical threshold, e.g. "exceeding 10 GHz" -> (>, 10, GHz, 1e10 Hz).

    `value` and `unit` are as printed (decimal comma read as a point, superscript powers applied);
    `si_value`/`si_unit` the same quantity in SI base units (Hz, m, s, W, kg, K, Pa, J, V, A, ...),
    or None where the unit is dimensionless or unknown. For a range ("from 1 to 10 GHz") the
    comparator is "range", `value` is the lower and `upper` the upper bound.
    """

    quantity: str  # "frequency", "length", "time", "power", "mass", "temperature", "pressure", ...
    comparator: Comparator
    value: float
    unit: str
    si_value: float | None
    si_unit: str | None
    text: str  # the span as printed
    start: int
    end: int
    upper: float | None = None
    upper_si: float | None = None


@dataclass(frozen=True)
class Reference:
    """A cross-reference to another control: "see also 3A101", "controlled by 5A002"."""

    kind: ReferenceKind
    target: str  # code, punctuation-normalised like entry codes: "3A101", "1C010.a", "ML8"
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Extraction:
    parameters: tuple[Parameter, ...] = ()
    references: tuple[Reference, ...] = ()
    codes: tuple[str, ...] = ()  # every control code mentioned, normalised, in order of appearance
    terms: tuple[str, ...] = field(default=())  # defined terms used ("double-quoted"), lower-cased
