"""Licence requirements and licence-exception eligibility of one ECCN, read from its CCL entry.

The CCL parser (nlp/parse/ecfr_xml) keeps an ECCN's licence sections as notes: "License
Requirements" holds "Reason for Control: NS, MT, AT" and one line per Control(s) table row,
"<reason> applies to <scope> — <Country Chart cell>" ("NS applies to entire entry — NS Column
2."); "List Based License Exceptions" holds "LVS: $5000", "GBS: Yes for …", "STA: …" lines;
"Special Conditions for STA" the STA text. Rows whose chart cell names no column ("To or within
… Country Groups D:1, D:4, and D:5", "A license is required for ALL destinations") keep that
text as their destination rule. Lines that fit none of these are kept as licence notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Reasons for control that have Country Chart columns (738.3); others (UN, SS, CW, SL, EI, SI,
# RS for some entries, Russian sanctions) are decided by the row's own text.
CHART_REASONS = ("CB", "NP", "NS", "MT", "RS", "FC", "CC", "AT")
_ROW = re.compile(
    r"^(?:Control\(s\):?\s*|Controls?:\s*|Country Chart\.\s*)?"
    r"(?P<reason>(?:[A-Z]{2}(?:\s+and\s+[A-Z]{2})*)|Russian industry sector sanctions?)\s+"
    r"appl(?:y|ies)\s+(?:to\s+)?(?P<rest>.*)$"
)
_REASON_LINE = re.compile(r"^Reasons?\s+for\s+Control\s*:\s*(?P<list>.*)$", re.I)
_COLUMN = re.compile(r"\b(" + "|".join(CHART_REASONS) + r")\s+Column\s+(\d)\b")
_BARE_COLUMN = re.compile(r"^Column\s+(\d)\b")
_ENTIRE = re.compile(r"^(?:the\s+)?entire\s+entry\b[.,;]?\s*(?P<except>,?\s*except\b.*)?$", re.I)
_ENTIRE_THEN_TEXT = re.compile(r"^(?P<scope>(?:the\s+)?entire\s+entry(?:,?\s+except\s+[^.]*)?)\.?\s+(?P<text>[A-Z].*)$")
# "1C350.b and .c. The Commerce Country Chart is not designed …": the cell's text, run on.
_SCOPE_THEN_TEXT = re.compile(r"^(?P<scope>.*?[a-z0-9”)])\.\s+(?P<text>(?:A|The|See|Licenses?)\s.*)$")
_SCOPE_COLUMN = re.compile(r"^(?P<scope>.*?)\s+(?P<cell>(?:(?:" + "|".join(CHART_REASONS) + r")\s+)?Column\s+\d.*)$")
_EXCEPTION = re.compile(r"^(?P<symbol>[A-Z]{2,4}(?:/[A-Z]{2,4})?)\s*:\s*(?P<text>.*)$")
_FULL_REF = re.compile(r"\b(\d[A-E]\d{3}(?:\.[a-z0-9]{1,3})*)")
# Abbreviated references to the same ECCN's paragraphs: "b.3", "z.2.a", ".c".
_SHORT_REF = re.compile(r"(?<![\w.])\.?([a-z]\.\d{1,3}(?:\.[a-z](?:\.\d{1,3})?)*)\b|(?<![\w])\.([a-z])\b")


@dataclass(frozen=True)
class ControlRow:
    reason: str  # "NS", "RS", "UN", "Russian industry sector sanctions", …
    scope: str  # as printed after "applies to"
    scope_kind: str  # "entire" | "entire-except" | "paragraphs" | "described"
    paragraphs: tuple[str, ...]  # this ECCN's paragraphs the scope names ("3A001.b.2")
    columns: tuple[str, ...]  # Country Chart columns ("NS1"); empty when the row names none
    destination_text: str  # the row's chart cell when it is not (only) a column
    raw: str


@dataclass(frozen=True)
class ExceptionRow:
    symbol: str  # "LVS", "GBS", "STA", "NAC/ACA", …
    text: str  # the eligibility as printed: "$5000", "Yes", "N/A", "Yes for 3A001.a.1.b, …"
    available: str  # "yes" | "no" | "value-limit" | "conditional"


@dataclass(frozen=True)
class EccnLicensing:
    eccn: str
    reasons: tuple[str, ...]
    controls: tuple[ControlRow, ...]
    exceptions: tuple[ExceptionRow, ...]
    sta_conditions: str
    license_notes: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())


def parse_eccn(eccn: str, notes: Iterable[Mapping[str, str]]) -> EccnLicensing:
    reasons: list[str] = []
    controls: list[ControlRow] = []
    exceptions: list[ExceptionRow] = []
    sta: list[str] = []
    extra: list[str] = []
    warnings: list[str] = []
    for note in notes:
        label, text = note.get("label", ""), note.get("text", "")
        if label == "License Requirements":
            for line in text.split("\n"):
                _requirement_line(eccn, line.strip(), reasons, controls, exceptions, extra)
        elif label == "List Based License Exceptions":
            exceptions += _exceptions(text)
        elif label == "Special Conditions for STA":
            sta.append(text)
        elif re.match(r"^License (?:Requirements?|Exceptions?) Notes?$", label):
            extra.append(f"{label}: {text}")
    for row in controls:
        if row.reason in CHART_REASONS and not row.columns and not row.destination_text:
            warnings.append(f"{eccn}: {row.reason} row names no Country Chart column: {row.raw[:80]!r}")
    return EccnLicensing(eccn, tuple(dict.fromkeys(reasons)), tuple(controls), tuple(exceptions),
                         "\n".join(sta), tuple(extra), tuple(warnings))


def _requirement_line(eccn: str, line: str, reasons: list[str], controls: list[ControlRow],
                      exceptions: list[ExceptionRow], extra: list[str]) -> None:
    if not line or re.fullmatch(r"Control\(s\):?|Controls?:?", line):
        return
    if m := _REASON_LINE.match(line):
        reasons += [r.strip() for r in re.split(r",|\band\b", m.group("list")) if r.strip()]
        return
    if m := _ROW.match(line):
        names = [r.strip() for r in re.split(r"\s+and\s+", m.group("reason"))]
        if m.group("reason").startswith("Russian"):
            names = ["Russian industry sector sanctions"]
        for name in names:
            controls.append(_row(eccn, name, m.group("rest"), line))
        return
    if (m := _EXCEPTION.match(line)) and m.group("symbol") not in CHART_REASONS:
        # "TSR: Yes.", "LVS: N/A" printed inside the requirements table of a few entries.
        exceptions.append(ExceptionRow(m.group("symbol"), m.group("text"), _availability(m.group("text"))))
        return
    extra.append(line)


def _row(eccn: str, reason: str, rest: str, raw: str) -> ControlRow:
    if " — " in rest:
        scope, cell = rest.rsplit(" — ", 1)
    elif m := _SCOPE_COLUMN.match(rest):
        scope, cell = m.group("scope"), m.group("cell")
    elif (m := _ENTIRE_THEN_TEXT.match(rest)) or (m := _SCOPE_THEN_TEXT.match(rest)):
        scope, cell = m.group("scope"), m.group("text")
    else:
        scope, cell = rest, ""
    scope = scope.strip().rstrip(".,;")
    columns = [a + b for a, b in _COLUMN.findall(cell)]
    if not columns and (bare := _BARE_COLUMN.match(cell.strip())) and reason in CHART_REASONS:
        columns = [reason + bare.group(1)]  # "Column 1." under an NS row is NS Column 1
    leftover = _COLUMN.sub("", cell)
    leftover = re.sub(r"^[\s.,;]*|[\s,;]*$", "", _BARE_COLUMN.sub("", leftover.strip()) if columns else leftover)
    destination_text = leftover if re.search(r"[A-Za-z]{3}", leftover) else ""
    kind, paragraphs = _scope(eccn, scope)
    return ControlRow(reason, scope, kind, paragraphs, tuple(dict.fromkeys(columns)), destination_text, raw)


def _scope(eccn: str, scope: str) -> tuple[str, tuple[str, ...]]:
    m = _ENTIRE.match(scope)
    if m and not m.group("except"):
        return "entire", ()
    if m:
        return "entire-except", tuple(paragraph_refs(eccn, m.group("except")))
    refs = paragraph_refs(eccn, scope)
    return ("paragraphs", tuple(refs)) if refs else ("described", ())


def paragraph_refs(eccn: str, text: str) -> list[str]:
    """This ECCN's paragraphs a text names, in full ("3A001.b.2", and "b.3" as "3A001.b.3")."""
    out: list[str] = []
    own = False
    for m in _FULL_REF.finditer(text):
        code = m.group(1).rstrip(".")
        if code == eccn or code.startswith(eccn + "."):
            own = True
            if code != eccn:
                out.append(code)
    # Abbreviated references only make sense next to the ECCN's own code (or with none at all).
    if own or not _FULL_REF.search(text):
        for m in _SHORT_REF.finditer(text):
            short = m.group(1) or m.group(2)
            out.append(f"{eccn}.{short}")
    return list(dict.fromkeys(out))


def _exceptions(text: str) -> list[ExceptionRow]:
    rows: list[ExceptionRow] = []
    current: tuple[str, list[str]] | None = None
    for line in text.split("\n"):
        line = line.strip()
        m = _EXCEPTION.match(line)
        if m and m.group("symbol") not in ("N/A",):
            if current:
                rows.append(_exception(*current))
            current = (m.group("symbol"), [m.group("text")])
        elif current and line:
            current[1].append(line)
    if current:
        rows.append(_exception(*current))
    return rows


def _exception(symbol: str, lines: list[str]) -> ExceptionRow:
    text = "\n".join(lines).strip()
    return ExceptionRow(symbol, text, _availability(text))


def _availability(text: str) -> str:
    t = text.strip().rstrip(".")
    if re.fullmatch(r"N/?A|No", t, re.I):
        return "no"
    if re.fullmatch(r"Yes", t, re.I):
        return "yes"
    if re.fullmatch(r"\$\s?[\d,]+", t):
        return "value-limit"
    return "conditional"


def row_applies_to(row: ControlRow, paragraph: str) -> str:
    """Whether a row covers one paragraph of the ECCN: "yes", "no", or "partly" (the row names
    sub-paragraphs of it), "unknown" (the scope is described in words)."""
    def within(code: str, ancestor: str) -> bool:
        return code == ancestor or code.startswith(ancestor + ".")

    if row.scope_kind == "entire":
        return "yes"
    if row.scope_kind == "entire-except":
        if any(within(paragraph, p) for p in row.paragraphs):
            return "no"
        return "partly" if any(within(p, paragraph) for p in row.paragraphs) else "yes"
    if row.scope_kind == "paragraphs":
        if any(within(paragraph, p) for p in row.paragraphs):
            return "yes"
        return "partly" if any(within(p, paragraph) for p in row.paragraphs) else "no"
    return "unknown"
