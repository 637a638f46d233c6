"""Open a DOCX safely and flatten its body into paragraphs and tables in document order."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from exportwatch.errors import ParseError
from nlp.parse.dsgl_docx.numbering import Numbering
from nlp.parse.dsgl_docx.runs import paragraph_text, w

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_PARTS = 2000
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    """One body paragraph (rows is None) or one table (rows set, text empty)."""

    where: str  # "paragraph 1346" (python-docx `Document.paragraphs` index) or "table 3"
    style: str
    text: str
    auto_label: str | None = None  # label Word prints from numbering, e.g. "a."
    numbering_note: str = ""  # why a numbered paragraph has no label (bullet, unknown list)
    numbered: bool = False
    problems: tuple[str, ...] = ()
    superscripts: int = 0
    rows: tuple[tuple[str, ...], ...] | None = None


def check_package(content: bytes, what: str) -> None:
    """Refuse anything that is not a sane DOCX before python-docx decompresses it."""
    if not content.startswith(b"PK"):
        raise ParseError(f"{what}: not a DOCX (no ZIP signature)")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS:
                raise ParseError(f"{what}: DOCX has {len(infos)} parts, over the {MAX_PARTS} limit")
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise ParseError(
                    f"{what}: DOCX would expand to {total} bytes, over the "
                    f"{MAX_UNCOMPRESSED_BYTES} limit (zip bomb?)"
                )
            names = {i.filename for i in infos}
            if "word/document.xml" not in names:
                raise ParseError(f"{what}: DOCX has no word/document.xml")
            for name in ("word/document.xml", "word/styles.xml", "word/numbering.xml"):
                if name in names:
                    # Reading checks the CRC; the header check refuses entity declarations.
                    data = zf.read(name)
                    if _DOCTYPE.search(data[:4096]):
                        raise ParseError(f"{what}: {name} declares a DTD or entities; refused")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise ParseError(f"{what}: corrupted or truncated DOCX: {exc}") from exc


def _style_names(document: docx.document.Document) -> dict[str, str]:
    names: dict[str, str] = {}
    for st in document.styles.element.findall(w("style")):
        sid = st.get(w("styleId"))
        name_el = st.find(w("name"))
        if sid is not None:
            names[str(sid)] = str(name_el.get(w("val"))) if name_el is not None else str(sid)
    return names


def _numbering_root(document: docx.document.Document) -> etree._Element | None:
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/numbering") and not rel.is_external:
            root: etree._Element = rel.target_part.element
            return root
    return None


class _Flattener:
    def __init__(self, styles: dict[str, str], numbering: Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0

    def paragraph(self, p: etree._Element) -> Block:
        style_el = p.find(f"{w('pPr')}/{w('pStyle')}")
        style_id = str(style_el.get(w("val"))) if style_el is not None else ""
        style = self.styles.get(style_id, style_id or "Normal")
        pt = paragraph_text(p)
        auto_label: str | None = None
        note = ""
        numbered = False
        num_pr = p.find(f"{w('pPr')}/{w('numPr')}")
        if num_pr is not None:
            num_id_el = num_pr.find(w("numId"))
            ilvl_el = num_pr.find(w("ilvl"))
            num_id = str(num_id_el.get(w("val"))) if num_id_el is not None else "0"
            if num_id != "0":
                numbered = True
                ilvl = int(ilvl_el.get(w("val")) or "0") if ilvl_el is not None else 0
                auto_label, note = self.numbering.label(num_id, ilvl)
        return Block(f"paragraph {self.paragraphs}", style, pt.text, auto_label, note, numbered,
                     tuple(pt.problems), pt.superscripts)

    def table(self, tbl: etree._Element) -> Block:
        rows: list[tuple[str, ...]] = []
        problems: list[str] = []
        for tr in tbl.iter(w("tr")):
            cells: list[str] = []
            for tc in tr.findall(w("tc")):
                texts = []
                for p in tc.iter(w("p")):
                    b = self.paragraph(p)
                    problems.extend(b.problems)
                    label = f"{b.auto_label} " if b.auto_label else ""
                    if b.text.strip():
                        texts.append(label + b.text)
                cells.append(" ".join(texts))
            rows.append(tuple(cells))
        self.tables += 1
        return Block(f"table {self.tables}", "", "", problems=tuple(problems), rows=tuple(rows))

    def walk(self, parent: etree._Element) -> None:
        for child in parent:
            if child.tag == w("p"):
                self.blocks.append(self.paragraph(child))
                self.paragraphs += 1
            elif child.tag == w("tbl"):
                self.blocks.append(self.table(child))
            elif child.tag in (w("sdt"), w("sdtContent"), w("customXml")):
                self.walk(child)


def read_blocks(content: bytes, what: str) -> list[Block]:
    """The body of a DOCX as paragraphs and tables, in document order."""
    check_package(content, what)
    try:
        document = docx.Document(io.BytesIO(content))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, zlib.error,
            etree.XMLSyntaxError) as exc:
        raise ParseError(f"{what}: cannot open as a Word document: {exc}") from exc
    flat = _Flattener(_style_names(document), Numbering(_numbering_root(document)))
    flat.walk(document.element.body)
    return flat.blocks
