"""DOCX: an editable Word document (python-docx). Redlines are real tracked changes: struck words
are `w:del` runs and added words `w:ins` runs, each with `w:author` (the source) and `w:date` (the
date of the version that made the change), so Word lists them under Review and can accept or
reject them. Charts are tables with shaded cells (Word has no SVG that python-docx can place, and
a table stays editable and carries the exact numbers).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from exportwatch.reports.model import (
    Cell,
    ChangeItem,
    ChangesReport,
    Citation,
    DivergenceReport,
    Report,
    Span,
    Table,
)
from exportwatch.reports.svg import heat_colour, heat_text

_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_BAD.sub("", text)


class _Doc:
    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(14))
        style = self.doc.styles["Normal"]
        style.font.name = "Calibri"
        style.font.size = Pt(9.5)
        self._rev = 0

    # --- tracked changes ---------------------------------------------------------------------------
    def _run(self, text: str, deleted: bool = False) -> Any:
        r = OxmlElement("w:r")
        t = OxmlElement("w:delText" if deleted else "w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = _clean(text)
        r.append(t)
        return r

    def tracked(self, paragraph: object, spans: Sequence[Span], author: str, date: str) -> None:
        """Append the spans to the paragraph: equal as plain runs, inserts as w:ins, deletes as w:del."""
        p = paragraph._p  # type: ignore[attr-defined]
        for s in spans:
            if s.op == "equal":
                p.append(self._run(s.text))
                continue
            self._rev += 1
            wrap = OxmlElement("w:ins" if s.op == "insert" else "w:del")
            wrap.set(qn("w:id"), str(self._rev))
            wrap.set(qn("w:author"), author)
            wrap.set(qn("w:date"), date)
            wrap.append(self._run(s.text, deleted=s.op == "delete"))
            p.append(wrap)

    # --- blocks --------------------------------------------------------------------------------------
    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(_clean(text), level)

    def para(self, text: str = "", *, small: bool = False, bold: bool = False) -> object:
        p = self.doc.add_paragraph()
        if text:
            run = p.add_run(_clean(text))
            run.bold = bold
            if small:
                run.font.size = Pt(8)
        return p

    def table(self, t: Table, *, total_last: bool = False, shade: bool = False) -> None:
        """A model table; `shade` colours numeric cells by their value over the column's largest."""
        tbl = self.doc.add_table(rows=1, cols=len(t.columns))
        tbl.style = "Table Grid"
        for cell, name in zip(tbl.rows[0].cells, t.columns, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(_clean(str(name)))
            run.bold = True
            run.font.size = Pt(8)
        tops = [max((v for r in t.rows if isinstance(v := r[i], int)), default=0) for i in range(len(t.columns))]
        for n, row in enumerate(t.rows):
            cells = tbl.add_row().cells
            for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
                run = cell.paragraphs[0].add_run(_clean(_fmt(value)))
                run.font.size = Pt(8)
                run.bold = total_last and n == len(t.rows) - 1
                if shade and isinstance(value, int) and i > 0:
                    _shade(cell, heat_colour(value, tops[i]))
                    run.font.color.rgb = RGBColor.from_string(heat_text(value, tops[i])[1:].upper())
        self.doc.add_paragraph()

    def cite(self, c: Citation, prefix: str = "") -> None:
        self.para(prefix + c.text(), small=True)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def _fmt(v: Cell) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _shade(cell: object, colour: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour[1:].upper())
    tc_pr.append(shd)


def _date(d: object) -> str:
    return f"{d}T00:00:00Z"


def _change(doc: _Doc, c: ChangeItem) -> None:
    label = f"{c.kind}{' (editorial)' if c.significance == 'editorial' else ''}: "
    label += f"{c.old_entry_id} -> {c.entry_id}" if c.kind == "moved" else c.entry_id
    doc.heading(label, 3)
    doc.para(f"{c.source_id} {c.from_date} -> {c.to_date} · category {c.category or '-'} · {c.summary}", small=True)
    author = f"ExportWatch: {c.source_id}"
    if c.redline:
        doc.tracked(doc.para(), c.redline, author, _date(c.to_date))
    if c.parameters:
        doc.table(Table("p", "", ("parameter", "where", "before", "after", "change"),
                        [(p.quantity, p.where, p.old or "-", p.new or "-", p.description) for p in c.parameters]))
    for n in c.notes:
        p = doc.para(f"Note {n.label} {n.change}: ", small=True)
        doc.tracked(p, n.redline, author, _date(c.to_date))
    if c.term:
        doc.para(f"Term '{c.term}', used by: {', '.join(c.used_by) or 'no entry'}", small=True)
    if c.rules:
        doc.para("Federal Register rule(s) taking effect in this version: " + "; ".join(
            f"{r.document_number} ({r.citation or 'no citation'}) {r.title}"
            + (f" [names {', '.join(r.mentions)}]" if r.mentions else "") for r in c.rules), small=True)
    if c.equivalents:
        doc.para("Equivalent entries elsewhere: " + ", ".join(
            f"{e.entry_id} ({e.status}, {e.score:.2f}"
            + (f"; differs: {'; '.join(e.parameter_differences)}" if e.parameter_differences else "") + ")"
            for e in c.equivalents), small=True)
    doc.cite(c.citation)


def _changes(doc: _Doc, r: ChangesReport) -> None:
    doc.para(f"Period: {r.date_from} to {r.date_to} (changes in versions dated in the period). Jurisdictions: "
             f"{', '.join(r.jurisdictions)}. Total changes: {r.total()}. Equivalent entries elsewhere: "
             f"{r.equivalents_mode}. Generated {r.generated_at}.")
    doc.heading("Summary by jurisdiction and kind", 1)
    doc.table(r.summary(), total_last=True)
    doc.heading("Changes per month", 1)
    monthly = r.monthly_table()
    if len(monthly.rows) > 36:
        monthly = Table(monthly.name, monthly.title, monthly.columns, [row for row in monthly.rows if row[-1]])
        doc.para("Months without changes are left out (the csv and xlsx data have every month).", small=True)
    doc.table(monthly, shade=True)
    doc.heading("Version pairs compared", 1)
    doc.table(r.pairs_table())
    if r.rules_published:
        doc.heading("Federal Register rules published in the period", 1)
        doc.table(r.rules_table())
    doc.heading("Changes", 1)
    para = doc.para("Redlines below are Word tracked changes (Review > Track Changes): deletions and insertions "
                    "dated with the version that made them.", small=True)
    del para
    for j in r.jurisdictions:
        items = [c for c in r.changes if c.jurisdiction == j]
        doc.heading(f"{j}: {len(items)} change(s)", 2)
        for c in items:
            _change(doc, c)


def _divergence(doc: _Doc, r: DivergenceReport) -> None:
    doc.para(f"Between {r.left} and {r.right}" + (f", category {r.category}" if r.category else "")
             + f"; compared at the level of {r.level}s. Generated {r.generated_at}. Versions in force:")
    for c in r.left_versions + r.right_versions:
        doc.cite(c, "- ")
    doc.heading("Summary", 1)
    doc.table(r.summary())
    doc.heading("Divergence by category", 1)
    doc.table(r.heat_table(), shade=True)
    doc.heading("Equivalent entries whose parameters differ", 1)
    for p in r.divergent:
        doc.table(Table("pair", "", (p.left.entry_id, f"{p.right.entry_id} (match {p.score:.2f})"),
                        [(p.left.text, p.right.text),
                         *[(f"{q.quantity}: {q.left or '-'}", f"{q.quantity}: {q.right or '-'}"
                            + (" (differs)" if q.status == "differs" else "")) for q in p.parameters],
                         (p.left.citation.text(), p.right.citation.text())]))
    doc.heading("Definitions that differ", 1)
    doc.para(f"Tracked changes turn the {r.left} wording into the {r.right} wording.", small=True)
    for d in r.definitions:
        doc.heading(f"'{d.term}' (similarity {d.similarity:.2f})", 3)
        spans: list[Span] = []
        for tag, left, right in d.ops:
            if tag == "equal":
                spans.append(Span("equal", right + " "))
                continue
            if left:
                spans.append(Span("delete", left + " "))
            if right:
                spans.append(Span("insert", right + " "))
        doc.tracked(doc.para(), spans, f"ExportWatch: {r.left} -> {r.right}", _date(d.right.version_date))
        doc.cite(d.left, f"{r.left}: ")
        doc.cite(d.right, f"{r.right}: ")
    if r.definitions_only:
        doc.heading("Terms defined on one side only", 2)
        doc.table(Table("only", "", ("defined in", "term", "citation"),
                        [(r.left if o.side == "left" else r.right, o.term, o.citation.text())
                         for o in r.definitions_only]))
    doc.heading("Unilateral entries", 1)
    for side, name, other in (("left", r.left, r.right), ("right", r.right, r.left)):
        rows = [u for u in r.unilateral if u.side == side]
        doc.heading(f"In {name} with no {other} counterpart: {len(rows)}", 2)
        if rows:
            doc.table(Table("u", "", ("entry", "category", "text", "nearest (not equivalent)", "citation"),
                            [(u.entry.entry_id, u.entry.category, u.entry.text,
                              f"{u.nearest} ({u.nearest_score:.2f})" if u.nearest and u.nearest_score is not None
                              else "", u.entry.citation.text()) for u in rows]))


def render_docx(report: Report) -> bytes:
    doc = _Doc()
    doc.doc.core_properties.title = report.title
    doc.doc.core_properties.author = "ExportWatch"
    doc.heading(report.title, 0)
    if isinstance(report, ChangesReport):
        _changes(doc, report)
    else:
        _divergence(doc, report)
    if report.notes:
        doc.heading("Notes", 1)
        for n in report.notes:
            doc.para(f"- {n}", small=True)
    return doc.bytes()
