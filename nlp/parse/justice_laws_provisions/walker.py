"""One Justice Laws instrument (an Act `<Statute>` or a `<Regulation>`) as provision nodes.

Sections are coded "{instrument} s. {label}" ("E-19 s. 7"), their subsections, paragraphs,
subparagraphs, clauses and subclauses by appending the labels ("E-19 s. 7(1.1)(a)(i)"). French
paragraph labels "a)" are coded "(a)", so both languages share codes. A section's heading is its
marginal note; definitions stay in the text of the provision that holds them, one per line.
Numbered schedules are "{instrument} Schedule 1" nodes whose text is their list or table.
Amendment citations (`<HistoricalNote>`) become "History" notes; `<Footnote>`s of the enacting
order are dropped with the order. Not read: the `<Order>` (enacting formula), and the schedules
"RelatedProvs" (provisions of amending Acts) and "NifProvs" (amendments not in force).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from nlp.model import EntryKind, EntryStatus, Note, ParsedEntry
from nlp.parse.justice_laws_xml.render import first_sentence, is_only_repealed, render_inline
from nlp.parse.text import clean_text

_SUBLEVELS = ("Subsection", "Paragraph", "Subparagraph", "Clause", "Subclause")
# Elements whose wording continues the provision after its sub-levels ("…; and" + closing words).
_CONTINUED = frozenset({"ContinuedSectionSubsection", "ContinuedParagraph", "ContinuedSubparagraph",
                        "ContinuedClause", "ContinuedSubclause", "ContinuedDefinition"})
_SKIPPED_SCHEDULES = frozenset({"RelatedProvs", "NifProvs"})
_SUB_LABEL = re.compile(r"^\(?([0-9]+(?:\.[0-9]+)*|[a-z]+(?:\.[0-9]+)?|[A-Z]+)\)$")
# Repealed runs are labelled "(4.01) to (4.05)" / "(4.01) à (4.05)", pairs "(7.1) and (7.2)".
_LABEL_RUN = re.compile(r"^\(([^()\s]+)\)\s*(to|à|and|et)\s*\(([^()\s]+)\)$")
_RUN_WORD = {"to": "to", "à": "to", "and": "and", "et": "and"}
_SCHEDULE_NUMBER = re.compile(r"^(?:SCHEDULE|ANNEXE)\s*([0-9IVX]+(?:\.[0-9]+)?)?$", re.I)


@dataclass
class _Node:
    code: str
    path: tuple[str, ...]
    kind: EntryKind
    heading: str = ""
    lines: list[str] = field(default_factory=list)
    status: EntryStatus = "active"
    notes: list[Note] = field(default_factory=list)


class InstrumentWalker:
    """Collects the nodes of one instrument in one language."""

    def __init__(self, instrument: str, language: str, what: str) -> None:
        self.instrument = instrument
        self.language = language
        self.what = what
        self.warnings: list[str] = []
        self.stats: Counter[str] = Counter()
        self._nodes: dict[str, _Node] = {}
        self._headings: dict[int, str] = {}

    def _warn(self, message: str) -> None:
        self.warnings.append(f"{self.what}: {message}")

    def _add(self, code: str, parent: _Node | None, kind: EntryKind, heading: str = "") -> _Node:
        if code in self._nodes:
            self._warn(f"{code} printed twice; the second is added to the first")
            return self._nodes[code]
        node = _Node(code, (*parent.path, code) if parent else (code,), kind, heading)
        self._nodes[code] = node
        return node

    def entries(self, start: int) -> list[ParsedEntry]:
        out = []
        for offset, node in enumerate(self._nodes.values()):
            text = "\n".join(line for line in node.lines if line)
            heading = node.heading or first_sentence(text.replace("\n", " ")) or node.code
            out.append(ParsedEntry(
                code=node.code, parent=node.path[-2] if len(node.path) > 1 else None, path=node.path,
                kind=node.kind, heading=heading, text=text, language=self.language,
                notes=tuple(node.notes), status=node.status, position=start + offset))
        return out

    # --- the instrument ------------------------------------------------------------------------
    def walk(self, root: etree._Element, title: str, long_title: str, current_to: str) -> None:
        top = self._add(self.instrument, None, "group", title)
        top.lines.append(long_title)
        if current_to:
            top.notes.append(Note("other", "Current to", current_to))
        for child in root:
            tag = child.tag
            if tag == "Body":
                self._body(child, top)
            elif tag == "Schedule":
                self._schedule(child, top)
            elif tag in ("Identification", "RecentAmendments"):
                continue
            elif tag == "Order":
                self.stats["orders_skipped"] += 1
            else:
                self._warn(f"<{tag}> at the top of the instrument not read")

    def _body(self, body: etree._Element, top: _Node) -> None:
        for child in body:
            if child.tag == "Heading":
                level = int(child.get("level") or 1)
                self._headings = {k: v for k, v in self._headings.items() if k < level}
                title = child.find("TitleText")
                self._headings[level] = render_inline(title, self.warnings, self.what) if title is not None else ""
            elif child.tag == "Section":
                self._section(child, top)
            else:
                self._warn(f"<{child.tag}> in the body not read")

    def _section(self, el: etree._Element, top: _Node) -> None:
        label = _label(el)
        if not label:
            self._warn("a section without a label skipped")
            return
        node = self._add(f"{self.instrument} s. {label}", top, "section", self._marginal(el))
        heading_path = " / ".join(v for _, v in sorted(self._headings.items()) if v)
        if heading_path:
            node.notes.append(Note("other", "Heading", heading_path))
        self.stats["sections"] += 1
        self._fill(el, node)

    def _provision(self, el: etree._Element, parent: _Node) -> None:
        raw = _label(el)
        m = _SUB_LABEL.match(raw)
        run = _LABEL_RUN.match(raw)
        if m:
            suffix = f"({m.group(1)})"
        elif run:
            suffix = f"({run.group(1)}) {_RUN_WORD[run.group(2)]} ({run.group(3)})"
        else:
            self._warn(f"{parent.code}: <{el.tag}> label {raw!r} not understood; text kept on the parent")
            parent.lines.append(self._render(el))
            return
        node = self._add(f"{parent.code}{suffix}", parent, "paragraph", self._marginal(el))
        self.stats[el.tag.lower()] += 1
        self._fill(el, node)

    def _fill(self, el: etree._Element, node: _Node) -> None:
        for child in el:
            tag = child.tag
            if tag in ("Label", "MarginalNote"):
                continue
            if tag == "Text":
                if is_only_repealed(child):
                    node.status = "repealed"
                node.lines.append(render_inline(child, self.warnings, f"{self.what} {node.code}"))
            elif tag in _SUBLEVELS:
                self._provision(child, node)
            elif tag == "Definition":
                node.lines.append(self._render(child))
                self.stats["definitions"] += 1
            elif tag in _CONTINUED:
                node.lines.append(self._render(child))
            elif tag == "HistoricalNote":
                node.notes.append(Note("other", "History", self._render(child)))
            elif tag == "Footnote":
                continue
            elif tag == "Provision":
                # Unlabelled list items ("a CUSMA country", "Chile", …) of the provision's text.
                node.lines.append(self._render(child))
            elif tag == "TableGroup":
                node.lines.extend(_table_lines(child, self.warnings, self.what))
            else:
                self._warn(f"{node.code}: unexpected <{tag}>; its text is kept")
                node.lines.append(self._render(child))

    def _marginal(self, el: etree._Element) -> str:
        mn = el.find("MarginalNote")
        return render_inline(mn, self.warnings, self.what) if mn is not None else ""

    def _render(self, el: etree._Element) -> str:
        """A block flattened to one line: its texts, with the labels of nested levels, in order."""
        parts: list[str] = []

        def visit(parent: etree._Element) -> None:
            for child in parent:
                if child.tag == "Label":
                    parts.append(clean_text("".join(child.itertext())))
                elif child.tag in ("Text", "TitleText", "HistoricalNoteSubItem"):
                    parts.append(render_inline(child, self.warnings, self.what))
                elif child.tag in ("HistoricalNote", "Footnote", "MarginalNote") and el.tag != child.tag:
                    continue
                else:
                    visit(child)

        visit(el)
        return clean_text(" ".join(p for p in parts if p))

    # --- schedules -----------------------------------------------------------------------------
    def _schedule(self, el: etree._Element, top: _Node) -> None:
        if el.get("id") in _SKIPPED_SCHEDULES:
            self.stats[f"schedules_skipped_{el.get('id')}"] += 1
            return
        form = el.find("ScheduleFormHeading")
        label = clean_text("".join(form.findtext("Label") or "")) if form is not None else ""
        m = _SCHEDULE_NUMBER.match(label)
        if form is None or not m:
            self._warn(f"schedule headed {label!r} not understood; skipped")
            return
        code = f"{self.instrument} Schedule" + (f" {m.group(1)}" if m.group(1) else "")
        title = form.find("TitleText")
        origin = form.find("OriginatingRef")
        heading = render_inline(title, self.warnings, self.what) if title is not None else label.title()
        node = self._add(code, top, "section", heading)
        if origin is not None:
            node.notes.append(Note("other", "Made under", render_inline(origin, self.warnings, self.what)))
        self.stats["schedules"] += 1
        for child in el:
            if child.tag == "ScheduleFormHeading":
                continue
            if child.tag == "Provision":
                text = child.find("Text")
                node.lines.append(render_inline(text, self.warnings, self.what) if text is not None else "")
            elif child.tag == "TableGroup":
                node.lines.extend(_table_lines(child, self.warnings, self.what))
            elif child.tag == "HistoricalNote":
                node.notes.append(Note("other", "History", self._render(child)))
            else:
                self._warn(f"{code}: unexpected <{child.tag}>; its text is kept")
                node.lines.append(self._render(child))


def _label(el: etree._Element) -> str:
    label = el.find("Label")
    return clean_text("".join(label.itertext())) if label is not None else ""


def _table_lines(group: etree._Element, warnings: list[str], what: str) -> list[str]:
    lines: list[str] = []
    for table in group.iter("table"):
        title = table.find("title")
        if title is not None:
            lines.append(render_inline(title, warnings, what))
        for row in table.iter("row"):
            cells = [render_inline(e, warnings, what) for e in row.findall("entry")]
            if any(cells):
                lines.append(" | ".join(cells))
    return lines
