"""Walks an eCFR part (DIV5) or section (DIV8) into provision nodes.

Parts become a node coded by their number ("734"), sections by theirs ("734.4"), supplements
"734 Supp. No. 1", paragraphs by their full citation ("734.4(a)(1)"). A paragraph's text is its
wording without the label; its heading is the italic run-in heading, if any. Unlabelled
paragraphs, flush paragraphs and extracts continue the paragraph before them. NOTE blocks
become notes of the paragraph they name ("Note to paragraph (a)(4)") or of the current one;
CITA (amendment citations) and EFFDNOT (effective-date notes: legally relevant) become notes of
the section; EDNOTE (an editorial pointer to the List of CFR Sections Affected) is dropped.
Definition sections (§ 772.1) are one node per defined term ("772.1 Accuracy").
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from exportwatch.errors import ParseError
from nlp.licensing.chart import CHART_SUPPLEMENT, describe_row, parse_chart
from nlp.model import NoteKind
from nlp.parse.ecfr_ear.inline import ITALIC_OFF, ITALIC_ON, marked, plain, unmark
from nlp.parse.ecfr_ear.labels import LabelStack, Opened, leading_labels
from nlp.parse.ecfr_ear.nodes import Node, Nodes
from nlp.parse.ecfr_xml.inline import table_rows

# Sections that are lists of defined terms rather than numbered paragraphs.
DEFINITION_SECTIONS = frozenset({"772.1"})
_PARAGRAPH_TAGS = frozenset({"P", "FP", "FP-1", "FP-2", "FP1-2"})
_SECTION_HEAD = re.compile(r"^§+\s*[\d.]+\s*")
_SUPPLEMENT = re.compile(r"^Supplement No\.\s*(\d+) to Part (\d+)$", re.I)
_NOTE_TARGET = re.compile(r"paragraphs?\s+((?:\([^)\s]{1,6}\)\s*)+)", re.I)
_OPEN_QUOTE = ("\u201c", '"')


class PartWalker:
    def __init__(self, nodes: Nodes, what: str) -> None:
        self.nodes = nodes
        self.what = what
        self.warnings: list[str] = []
        self.stats: Counter[str] = Counter()

    def walk(self, root: etree._Element) -> None:
        if root.tag == "DIV8":
            self._section(root, None)
        elif root.tag == "DIV5":
            self._part(root)
        else:
            raise ParseError(f"{self.what}: root element is <{root.tag}>, expected a part (DIV5) or section (DIV8)")

    def _warn(self, message: str) -> None:
        self.warnings.append(f"{self.what}: {message}")

    # --- containers ----------------------------------------------------------------------------
    def _part(self, div: etree._Element) -> None:
        number = (div.get("N") or "").strip()
        if not number:
            raise ParseError(f"{self.what}: part (DIV5) without N attribute")
        head = div.find("HEAD")
        heading = re.sub(r"^PART\s+\S+\s*[—–-]\s*", "", plain(head)) if head is not None else ""
        part = self.nodes.add(number, None, "group", heading)
        self.stats["parts"] += 1
        for child in div:
            tag = child.tag
            if tag == "HEAD":
                continue
            if tag in ("AUTH", "SOURCE"):
                hed = child.find("HED")
                label = plain(hed).rstrip(":") if hed is not None else tag.title()
                part.add_note("other", label, " ".join(plain(c) for c in child if c.tag != "HED"))
            elif tag == "DIV8":
                self._section(child, part)
            elif tag == "DIV9":
                self._supplement(child, part, number)
            elif tag in ("DIV6", "DIV7"):
                # Subparts and subject groups only group sections; the citations do not use them.
                self.stats["subparts"] += 1
                for sub in child:
                    if sub.tag == "DIV8":
                        self._section(sub, part)
                    elif sub.tag != "HEAD":
                        self._warn(f"<{sub.tag}> inside a subpart ignored")
            else:
                self._warn(f"unexpected <{tag}> at part level; its text is kept on the part")
                part.add_text(plain(child))

    def _section(self, div: etree._Element, parent: Node | None) -> None:
        code = (div.get("N") or "").strip()
        if not code or " " in code:
            self._warn(f"section (DIV8) with N={div.get('N')!r} skipped")
            return
        head = div.find("HEAD")
        heading = _SECTION_HEAD.sub("", plain(head)) if head is not None else ""
        node = self.nodes.add(code, parent, "section", heading)
        if heading.strip(" .").lower() == "[reserved]":
            node.status = "reserved"
        self.stats["sections"] += 1
        _Body(self, node, code, definitions=code in DEFINITION_SECTIONS).walk(div)

    def _supplement(self, div: etree._Element, parent: Node, part: str) -> None:
        name = (div.get("N") or "").strip()
        m = _SUPPLEMENT.match(name)
        if not m:
            self._warn(f"appendix {name!r} is not a 'Supplement No. N to Part P'; skipped")
            return
        if m.group(2) != part:
            self._warn(f"{name!r} is inside part {part}")
        code = f"{m.group(2)} Supp. No. {m.group(1)}"
        head = div.find("HEAD")
        heading = plain(head) if head is not None else name
        heading = re.split(r"\s*[—–]\s*", heading, maxsplit=1)[-1]
        node = self.nodes.add(code, parent, "section", heading)
        self.stats["supplements"] += 1
        if name == CHART_SUPPLEMENT:
            self._chart(div, node)
        _Body(self, node, code, definitions=False, skip_tables=name == CHART_SUPPLEMENT).walk(div)

    def _chart(self, div: etree._Element, node: Node) -> None:
        chart = parse_chart(div, what=self.what)
        self.warnings.extend(f"{self.what}: Country Chart: {w}" for w in chart.warnings)
        self.stats["chart_rows"] += len(chart.rows)
        node.add_note("other", "Country Chart", "\n".join(describe_row(r) for r in chart.rows))
        node.add_note("other", "Country Chart footnotes",
                      "\n".join(f"{n} {t}" for n, t in sorted(chart.footnotes.items())))


class _Body:
    """The children of one section or supplement, in order."""

    def __init__(self, walker: PartWalker, node: Node, base: str, *, definitions: bool,
                 skip_tables: bool = False) -> None:
        self.w = walker
        self.section = node
        self.current = node
        self.base = base
        self.definitions = definitions
        self.skip_tables = skip_tables
        self.stack = LabelStack()
        self.terms: Counter[str] = Counter()

    def walk(self, div: etree._Element) -> None:
        children = list(div)
        opened: dict[int, tuple[list[Opened], str]] = {}
        for i, el in enumerate(children):
            if el.tag == "P":
                opened[i] = leading_labels(marked(el))
        label_order = [i for i in sorted(opened) if opened[i][0]]
        for i, el in enumerate(children):
            tag = el.tag
            if tag == "HEAD":
                continue
            if tag == "P" and self.definitions:
                self._definition_paragraph(el)
            elif tag == "P":
                labels, rest = opened[i]
                following = next((opened[j][0] for j in label_order if j > i), [])
                self._paragraph(labels, rest, following)
            elif tag in _PARAGRAPH_TAGS:
                self.current.add_text(plain(el))
            elif tag == "NOTE":
                self._note(el)
            elif tag == "EXTRACT":
                self.current.add_text("\n".join(t for c in el if (t := plain(c))))
            elif tag == "DIV":
                if not self.skip_tables:
                    self._table(el)
            elif tag == "CITA":
                self.section.add_note("other", "Source", plain(el))
            elif tag == "EFFDNOT":
                self._boxed_note(el, "note", self.section)
            elif tag == "EDNOTE":
                self.w.stats["editorial_notes_dropped"] += 1
            elif tag == "FTNT":
                for p in el:
                    text = plain(p)
                    m = re.match(r"^\^?(\d+)\s*", text)
                    label = f"Footnote {m.group(1)}" if m else "Footnote"
                    self.current.add_note("other", label, text[m.end():] if m else text)
                self.w.stats["footnotes"] += 1
            elif tag in ("HD1", "HD2", "HD3"):
                self.current.add_text(plain(el))
            elif tag in ("img", "GPH"):
                self.current.add_text(f"[image: {el.get('src', '?')}]")
            else:
                self.w._warn(f"{self.base}: unexpected <{tag}>; its text is kept")
                self.current.add_text(plain(el))

    def _paragraph(self, labels: list[Opened], rest: str, following: list[Opened]) -> None:
        if not labels:
            self.current.add_text(rest)
            return
        for k, opened in enumerate(labels):
            upcoming = labels[k + 1:] or following
            if problem := self.stack.push(opened, upcoming):
                self.w._warn(f"{self.base}: {problem}")
            code = self.base + self.stack.citation()
            parent_code = self.base + "".join(f"({lb})" for _, lb in self.stack.stack[:-1])
            parent = self.w.nodes.get(parent_code) or self.section
            self.current = self.w.nodes.add(code, parent, "paragraph", opened.heading)
            self.w.stats["paragraphs"] += 1
        self.current.add_text(rest)

    def _definition_paragraph(self, el: etree._Element) -> None:
        text = marked(el)
        term = _term(text)
        if term is None:
            self.current.add_text(unmark(text))
            return
        self.terms[term] += 1
        # Two terms are printed twice with different qualifiers ("Bias" for accelerometers and
        # for gyros): the second gets its number.
        code = f"{self.base} {term}" + (f" ({self.terms[term]})" if self.terms[term] > 1 else "")
        self.current = self.w.nodes.add(code, self.section, "paragraph", term)
        self.current.add_text(unmark(text))
        self.w.stats["definitions"] += 1

    def _note(self, el: etree._Element) -> None:
        hed = el.find("HED")
        label = plain(hed).rstrip(": ") if hed is not None else ""
        target = self.current
        m = _NOTE_TARGET.search(label)
        if m and not self.definitions:
            named = self.w.nodes.get(self.base + re.sub(r"\s+", "", m.group(1)))
            target = named or target
        self._boxed_note(el, _note_kind(label), target, label)
        self.w.stats["notes"] += 1

    def _boxed_note(self, el: etree._Element, kind: NoteKind, target: Node, label: str | None = None) -> None:
        hed = el.find("HED")
        if label is None:
            label = plain(hed).rstrip(": ") if hed is not None else ""
        lines = [plain(c) for c in el if c is not hed]
        target.add_note(kind, label, "\n".join(t for t in lines if t))

    def _table(self, el: etree._Element) -> None:
        caption, rows = table_rows(el)
        self.current.add_note("other", caption or "Table", "\n".join(" | ".join(r.cells) for r in rows))
        self.w.stats["tables"] += 1


def _note_kind(label: str) -> NoteKind:
    low = label.lower()
    if low.startswith("technical note"):
        return "technical-note"
    if low.startswith(("n.b", "nb")):
        return "nb"
    return "note" if low.startswith("note") else "other"


def _term(text: str) -> str | None:
    """The defined term a § 772.1 paragraph opens with: its leading italics or quoted words."""
    if text.startswith(ITALIC_ON):
        raw = text[1:text.find(ITALIC_OFF)] if ITALIC_OFF in text else text[1:]
    elif text.startswith(_OPEN_QUOTE):
        rest = text[1:]
        end = min((i for i in (rest.find("\u201d"), rest.find('"')) if i >= 0), default=-1)
        raw = rest[:end] if end >= 0 else ""
    else:
        return None
    term = unmark(raw).strip(" .,:;\u201c\u201d\"")
    return term or None
