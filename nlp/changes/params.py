"""Parameter deltas: which technical thresholds of an entry changed, appeared or disappeared.

Thresholds are compared as extracted parameters (`nlp.extract.extract_parameters`), never by text
similarity ("less than 5 ns" and "less than 50 ns" are near-identical sentences). Parameters are
paired in three passes: identical ones cancel out; then the same quantity in order of appearance
is a changed value; what is left was added or removed. A pair expressing the same threshold in
other units ("1 hour" / "60 minutes") is not a delta.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import cast

from nlp.changes.model import ParameterDelta, ParamValue
from nlp.extract.model import Parameter

Extractor = Callable[[str, str], Sequence[Parameter]]


def default_extractor() -> Extractor | None:
    """The project's parameter extractor, or None where it is not installed (then no deltas are
    computed and the change set records a warning)."""
    try:
        module = importlib.import_module("nlp.extract")
    except ImportError:
        return None
    found = getattr(module, "extract_parameters", None)
    return cast(Extractor, found) if callable(found) else None


def version_extractor(texts_by_language: dict[str, str]) -> Extractor | None:
    """The default extractor with the decimal convention fixed once per language for a whole
    version ("1,000 mV" is ambiguous in one entry, not across the EU list), where available."""
    base = default_extractor()
    if base is None:
        return None
    try:
        detect = getattr(importlib.import_module("nlp.extract"), "detect_decimal_comma", None)
    except ImportError:
        detect = None
    if not callable(detect):
        return base
    comma = {lang: bool(detect(text, lang)) for lang, text in texts_by_language.items()}

    def extract(text: str, language: str) -> Sequence[Parameter]:
        if language in comma:
            return base(text, language, decimal_comma=comma[language])  # type: ignore[call-arg]
        return base(text, language)

    return extract


def _value(p: Parameter) -> ParamValue:
    return ParamValue(comparator=p.comparator, value=p.value, unit=p.unit, text=p.text, upper=p.upper,
                      si_value=p.si_value, si_unit=p.si_unit)


def _key(p: Parameter) -> tuple[str, str, float, float | None, str]:
    return (p.quantity, p.comparator, p.value, p.upper, p.unit.strip().casefold())


def _same_threshold(a: Parameter, b: Parameter) -> bool:
    if a.comparator != b.comparator or a.si_value is None or b.si_value is None or a.si_unit != b.si_unit:
        return False
    if not _close(a.si_value, b.si_value):
        return False
    if a.upper_si is None or b.upper_si is None:
        return a.upper_si is None and b.upper_si is None
    return _close(a.upper_si, b.upper_si)


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-300)


def parameter_deltas(old: Sequence[Parameter], new: Sequence[Parameter], where: str = "text") -> list[ParameterDelta]:
    old_left = list(old)
    new_left: list[Parameter] = []
    for p in new:
        match = next((q for q in old_left if _key(q) == _key(p)), None)
        if match is None:
            new_left.append(p)
        else:
            old_left.remove(match)
    deltas: list[ParameterDelta] = []
    unpaired_new: list[Parameter] = []
    for p in new_left:
        match = next((q for q in old_left if q.quantity == p.quantity), None)
        if match is None:
            unpaired_new.append(p)
            continue
        old_left.remove(match)
        if not _same_threshold(match, p):
            deltas.append(ParameterDelta("changed", p.quantity, where, _value(match), _value(p)))
    deltas += [ParameterDelta("removed", q.quantity, where, _value(q), None) for q in old_left]
    deltas += [ParameterDelta("added", p.quantity, where, None, _value(p)) for p in unpaired_new]
    return deltas


def extract_safely(extractor: Extractor, text: str, language: str) -> list[Parameter]:
    """The parameters in `text`; empty text has none (spares the extractor a call)."""
    return list(extractor(text, language)) if text.strip() else []
