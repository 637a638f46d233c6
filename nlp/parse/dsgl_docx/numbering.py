"""Word auto-numbering: the label Word would print for a paragraph with `w:numPr`.

About 65 list paragraphs of the DSGL carry their label ("a.", "1.") only as numbering, not as
text. Word keeps one counter set per abstract numbering definition (shared by the `w:num`
instances that point at it unless a `w:startOverride` gives an instance its own), resets deeper
levels when a level advances, and treats a shallower level that was never used as standing at its
start value.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from nlp.parse.dsgl_docx.runs import w


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int


def _roman(n: int) -> str:
    out = []
    for value, sym in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                       (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter after z: aa, bb, ...
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str | None:
    if fmt in ("decimal", "decimalZero"):
        return str(n)
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return None


def _read_levels(parent: etree._Element) -> dict[int, _Level]:
    levels: dict[int, _Level] = {}
    for lvl in parent.findall(w("lvl")):
        ilvl = int(lvl.get(w("ilvl")) or "0")
        fmt_el = lvl.find(w("numFmt"))
        text_el = lvl.find(w("lvlText"))
        start_el = lvl.find(w("start"))
        levels[ilvl] = _Level(
            fmt=str(fmt_el.get(w("val"))) if fmt_el is not None else "decimal",
            text=str(text_el.get(w("val"))) if text_el is not None else "",
            start=int(start_el.get(w("val")) or "1") if start_el is not None else 1,
        )
    return levels


class Numbering:
    """Replays numbering in document order; call `label()` once per numbered paragraph."""

    def __init__(self, root: etree._Element | None) -> None:
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for an in root.findall(w("abstractNum")):
            self._abstract[str(an.get(w("abstractNumId")))] = _read_levels(an)
        for num in root.findall(w("num")):
            num_id = str(num.get(w("numId")))
            an_el = num.find(w("abstractNumId"))
            if an_el is None:
                continue
            starts: dict[int, int] = {}
            levels: dict[int, _Level] = {}
            for ov in num.findall(w("lvlOverride")):
                ilvl = int(ov.get(w("ilvl")) or "0")
                so = ov.find(w("startOverride"))
                if so is not None:
                    starts[ilvl] = int(so.get(w("val")) or "1")
                levels.update({k: v for k, v in _read_levels(ov).items() if k == ilvl})
            self._nums[num_id] = (str(an_el.get(w("val"))), starts, levels)

    def _level(self, num_id: str, ilvl: int) -> _Level | None:
        abstract_id, starts, overrides = self._nums[num_id]
        base = overrides.get(ilvl) or self._abstract.get(abstract_id, {}).get(ilvl)
        if base is None:
            return None
        if ilvl in starts:
            return _Level(base.fmt, base.text, starts[ilvl])
        return base

    def label(self, num_id: str, ilvl: int) -> tuple[str | None, str]:
        """(label, problem): the printed label ("a.", "1.") or None with the reason."""
        if num_id not in self._nums:
            return None, f"numbering instance {num_id} is not defined"
        abstract_id, starts, _ = self._nums[num_id]
        # An instance with its own start values restarts its own counters.
        key = f"num:{num_id}" if starts else f"abstract:{abstract_id}"
        level = self._level(num_id, ilvl)
        if level is None:
            return None, f"numbering {num_id} has no level {ilvl}"
        counters = self._counters.setdefault(key, {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        for shallower in range(ilvl):
            if shallower not in counters:
                sl = self._level(num_id, shallower)
                counters[shallower] = sl.start if sl is not None else 1
        if level.fmt == "bullet":
            return None, "bullet"
        if level.fmt == "none":
            return None, "no number format"
        text = level.text
        for k in range(ilvl + 1):
            lk = self._level(num_id, k)
            value = format_number(counters.get(k, 1), lk.fmt if lk is not None else "decimal")
            if value is None:
                return None, f"unsupported number format {lk.fmt if lk else '?'}"
            text = text.replace(f"%{k + 1}", value)
        return text, ""
