"""Wassenaar lists 2015-2021: one legacy Word .doc per category, read through antiword.

Input: a bundle of one edition's files (`03 - Cat 1.doc` ... `15 - ML.doc`, `16 - DEF.doc`, the
table of contents, ...). Files are classified by name; Cat 1-9 and ML are parsed into the code
tree by `LayoutParser` below, DEF only counted, the rest (GTN/GSN, SL, VSL, acronyms, SOUs) only
listed in the stats. The edition date comes from the table of contents when it states one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import unquote, urlparse

from exportwatch.errors import ParseError
from nlp.model import NoteKind, ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile
from nlp.parse.safe_xml import parse_xml
from nlp.parse.text import clean_text
from nlp.parse.tools import doc_to_text
from nlp.parse.wassenaar_tree import (
    DUAL_USE,
    MUNITIONS,
    Fit,
    Node,
    NoteDraft,
    NoteHeader,
    Scheme,
    Tree,
    base_label,
    fit,
    match_note_header,
    split_label,
    subject_node,
)

FileClass = Literal["dual-use", "munitions", "definitions", "other", "contents"]

# Category titles as the tables of contents print them (2015-2021 identical); the category files
# carry them only in the running header, which antiword drops.
CATEGORY_TITLES = {
    "1": "Special Materials and Related Equipment",
    "2": "Materials Processing",
    "3": "Electronics",
    "4": "Computers",
    "5": 'Telecommunications and "Information Security"',
    "6": 'Sensors and "Lasers"',
    "7": "Navigation and Avionics",
    "8": "Marine",
    "9": "Aerospace and Propulsion",
}
MUNITIONS_TITLE = "Munitions List"

# Publication dates by list number, as the editions' tables of contents state them (checked on
# the corpus folders `2015 15 1` "(15) 1 Corr.1" 04-04-2016, `2016 1 Corr 1` "(16) 1 Corr. 1"
# 17-02-2017, `2017 17 1` "(17) 1" 07-12-2017, `2018-12-06 18 1` "(18) 1" 06-12-2018,
# `2019 19 1` "(19) 1" 05-12-2019, `2021-12-22 21 1` "(21) 1" 22-12-2021). Used only when the
# bundle's own table of contents is missing or states no date.
KNOWN_EDITION_DATES = {
    "(15) 1 Corr. 1": dt.date(2016, 4, 4),
    "(16) 1 Corr. 1": dt.date(2017, 2, 17),
    "(17) 1": dt.date(2017, 12, 7),
    "(18) 1": dt.date(2018, 12, 6),
    "(19) 1": dt.date(2019, 12, 5),
    "(21) 1": dt.date(2021, 12, 22),
}

_CAT_NAME = re.compile(r"\bCat\s*(\d)(?:\s*P(\d))?\b")
_OTHER_NAMES = re.compile(
    r"\b(?:GTN and GSN|SL|VSL|Acronyms(?: and Abbreviations)?|SOUs(?: and Validity Notes)?)\b"
)
_LIST_ID = re.compile(r"WA-LIST\s*\((\d{2})\)\s*(\d+)(?:\s*Corr\.?\s*(\d+))?")
_DATE = re.compile(r"\b(\d{2})-(\d{2})-(\d{4})\b")
_DEF_TERM = re.compile(r"\t\"[^\"\t]+\"\s*$", re.MULTILINE)


@dataclass(frozen=True)
class _Classified:
    file: FetchedFile
    name: str  # file name without directory and extension
    suffix: str  # ".doc", ".docx", ...
    cls: FileClass
    category: str = ""  # "1".."9" for dual-use
    part: str = ""  # "1"/"2" for Cat 5


def parse(bundle: Bundle) -> ParsedDocument:
    if not bundle.files:
        raise ParseError(f"{bundle.source_id}: no files fetched")
    warnings: list[str] = []
    classified = _classify_all(bundle, warnings)
    if not any(c.cls in ("dual-use", "munitions") for c in classified):
        raise ParseError(f"{bundle.source_id}: no category or munitions list .doc in the bundle")

    tree = Tree(language=_language(bundle))
    stats: dict[str, int] = {"files": len(bundle.files), "unparsed_files": 0,
                             "relocated_labels": 0}
    for c in classified:
        what = f"{bundle.source_id}: {c.name}"
        if c.cls in ("dual-use", "munitions"):
            text = doc_to_text(c.file.content, what=what)
            if c.cls == "dual-use":
                top, _ = tree.child(DUAL_USE, None, c.category, 1)
                top.heading = CATEGORY_TITLES[c.category]
                layout = LayoutParser(tree, DUAL_USE, top, c.name)
            else:
                layout = LayoutParser(tree, MUNITIONS, tree.root("ML", MUNITIONS_TITLE), c.name)
            layout.run(text)
            if layout.tree_lines == 0:
                raise ParseError(f"{what}: no list codes found in the text (truncated or not a "
                                 "Wassenaar list file?)")
            stats["relocated_labels"] += layout.relocated
        elif c.cls == "definitions":
            # the terms are parsed elsewhere; counting them here checks the file is the list's
            stats["definitions"] = len(_DEF_TERM.findall(doc_to_text(c.file.content, what=what)))
        else:
            stats["unparsed_files"] += 1

    entries = tree.entries()
    warnings.extend(tree.warnings)
    stats.update(_entry_stats(entries))
    version_date, list_id = _edition(bundle, classified, warnings)
    title = "Wassenaar Arrangement List of Dual-Use Goods and Technologies and Munitions List"
    if list_id:
        title += f", WA-LIST {list_id}"
    return ParsedDocument(
        version_date=version_date,
        title=title,
        entries=entries,
        warnings=tuple(warnings),
        stats=stats,
    )


def _classify_all(bundle: Bundle, warnings: list[str]) -> list[_Classified]:
    classified: list[_Classified] = []
    seen: dict[tuple[str, str, str], str] = {}
    for f in bundle.files:
        c = _classify(f)
        if c is None:
            warnings.append(f"{_file_name(f)}: file name not recognised as a part of the "
                            "Wassenaar lists; skipped")
            continue
        if c.cls in ("dual-use", "munitions", "definitions") and c.suffix != ".doc":
            # e.g. the upstream `.manual.txt` exports next to the 2018 files
            warnings.append(f"{_file_name(f)}: not a .doc; skipped")
            continue
        key = (c.cls, c.category, c.part)
        if c.cls != "other" and key in seen:
            raise ParseError(f"{bundle.source_id}: two files for the same part: {seen[key]!r} and "
                             f"{c.name!r}; a bundle must hold one edition")
        seen[key] = c.name
        classified.append(c)
    classified.sort(key=_order)
    return classified


def _file_name(f: FetchedFile) -> str:
    return unquote(PurePosixPath(urlparse(f.url).path).name)


def _classify(f: FetchedFile) -> _Classified | None:
    full = _file_name(f)
    path = PurePosixPath(full)
    name, suffix = path.stem, path.suffix.lower()
    m = _CAT_NAME.search(name)
    if m is not None:
        if m.group(1) == "0" or (m.group(2) and m.group(1) != "5"):
            return None
        return _Classified(f, name, suffix, "dual-use", m.group(1), m.group(2) or "")
    if re.search(r"\bML\b", name):
        return _Classified(f, name, suffix, "munitions")
    if re.search(r"\bDEF\b", name):
        return _Classified(f, name, suffix, "definitions")
    if re.search(r"\bTable of Contents\b", name):
        return _Classified(f, name, suffix, "contents")
    if _OTHER_NAMES.search(name):
        return _Classified(f, name, suffix, "other")
    return None


def _order(c: _Classified) -> tuple[int, str, str]:
    rank = {"contents": 0, "other": 1, "dual-use": 2, "munitions": 3, "definitions": 4}[c.cls]
    return (rank, c.category, c.part)


def _language(bundle: Bundle) -> str:
    languages = {f.language for f in bundle.files}
    if len(languages) != 1:
        raise ParseError(f"{bundle.source_id}: files in several languages {sorted(languages)}; "
                         "the Wassenaar lists are English only")
    return languages.pop()


def _entry_stats(entries: tuple[ParsedEntry, ...]) -> dict[str, int]:
    stats: dict[str, int] = {"categories": 0, "groups": 0, "entries": 0, "items": 0, "notes": 0,
                             "not_used": 0}
    plural = {"category": "categories", "group": "groups", "entry": "entries", "item": "items"}
    for e in entries:
        stats[plural[e.kind]] += 1
        stats["notes"] += len(e.notes)
        if e.status == "not-used":
            stats["not_used"] += 1
        if e.kind == "entry":
            top = e.path[0]
            key = "entries_ml" if top == "ML" else f"entries_cat_{top}"
            stats[key] = stats.get(key, 0) + 1
    return stats


# ---------------------------------------------------------------------------------- edition date

def _edition(
    bundle: Bundle, classified: list[_Classified], warnings: list[str]
) -> tuple[dt.date, str]:
    """The edition date and list number (`(21) 1`), in order of preference:

    1. the date the table of contents prints (`22-12-2021`; antiword drops the running headers
       of the category files, so the contents file is the only place the date survives);
    2. the known publication date of the list number found in file names or the contents;
    3. `bundle.requested_date`.
    """
    contents_text = ""
    for c in classified:
        if c.cls == "contents":
            contents_text += _contents_text(c, bundle.source_id, warnings)
    list_id = _list_id(" ".join(c.name for c in classified) + " " + contents_text)
    m = _DATE.search(contents_text)
    if m is not None:
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))), list_id
        except ValueError:
            warnings.append(f"table of contents: {m.group(0)!r} is not a valid date")
    if list_id in KNOWN_EDITION_DATES:
        return KNOWN_EDITION_DATES[list_id], list_id
    if bundle.requested_date is not None:
        warnings.append(f"edition date not found (list {list_id or 'unknown'}); "
                        "using the requested date")
        return bundle.requested_date, list_id
    raise ParseError(f"{bundle.source_id}: no edition date in the files and no requested date")


def _list_id(text: str) -> str:
    m = _LIST_ID.search(text)
    if m is None:
        return ""
    corr = f" Corr. {m.group(3)}" if m.group(3) else ""
    return f"({m.group(1)}) {m.group(2)}{corr}"


def _contents_text(c: _Classified, source_id: str, warnings: list[str]) -> str:
    what = f"{source_id}: {c.name}"
    content = c.file.content
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        return doc_to_text(content, what=what)
    if content.startswith(b"PK"):
        return _docx_text(content, what, warnings)
    warnings.append(f"{c.name}: table of contents is neither .doc nor .docx; not read")
    return ""


_MAX_DOCX_PART = 5 * 1024 * 1024


def _docx_text(content: bytes, what: str, warnings: list[str]) -> str:
    """Text of a DOCX body, headers and footers (the date sits in a header of some editions)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            names = [n for n in z.namelist()
                     if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
            texts: list[str] = []
            for n in sorted(names):
                if z.getinfo(n).file_size > _MAX_DOCX_PART:
                    warnings.append(f"{what}: {n} too large; not read")
                    continue
                root = parse_xml(z.read(n), what=f"{what} {n}")
                paragraphs = root.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")
                for p in paragraphs:
                    texts.append("".join(t for t in p.itertext()))
    except zipfile.BadZipFile as exc:
        warnings.append(f"{what}: table of contents is not a readable DOCX ({exc}); not read")
        return ""
    return "\n".join(texts)


# ----------------------------------------------------------------------------- antiword layout
#
# antiword renders a paragraph's left indent as spaces and keeps the typed TABs, so a line is
# `<spaces><TABs><label>\t<text>`. The spaces mean nothing; the TABs give the label depth
# (TABs + 1), except where the source was typed carelessly (ML2.b.1 at no TAB, `a. Ammunition`
# with a space): such a label is placed where the sibling sequence expects it.

_LAYOUT = re.compile(r"^(?:_{5,}|-{5,}|\((?:continued|cont(?:d)?\.?)\))$", re.IGNORECASE)
_FOOTNOTE = re.compile(r"^\*\s*(?:\t|\s)\s*(?P<text>.+)$")
_SECTION = re.compile(r"^(?:ANNEX\b|TABLE\b|TECHNICAL NOTE\b|LIST OF\b)")
_PART_TITLE = re.compile(r"^(?P<part>Part\s+\d)\s*[-\u2013]\s*(?P<title>\S.*)$")
_PART_TOKEN = re.compile(r"^Part\s+\d\.?$")
_SPACED_LABEL = re.compile(r"^([a-z]{1,2}|\d{1,2})\.\s+(\S.*)$")
_LABEL_THEN_TEXT = re.compile(r"^([A-E]|[a-z]{1,2}|\d{1,2})\.\s+(\S.*)$")
_UPPER_HEADING = re.compile(r"[\"']?[A-Z][A-Z0-9 ,'\"()/&:\u2013-]*")
_MAX_LISTED = 12


def _is_upper_heading(body: str) -> bool:
    """`ACOUSTICS`, `TABLE - DEPOSITION TECHNIQUES`, `CRYPTOGRAPHIC "INFORMATION SECURITY"`;
    not `(CAS 55-63-0);`."""
    body = body.strip()
    return (len(body) <= 120 and bool(_UPPER_HEADING.fullmatch(body))
            and re.search(r"[A-Z]{3}", body) is not None)


def _announces_items(node: Node) -> bool:
    """`… as follows:`, `… any of the following:`: the node's items come next."""
    return bool(node.parts) and node.parts[-1].rstrip().endswith(":")


class LayoutParser:
    """Turns the antiword text of one category file (or the ML file) into nodes of `tree`.

    State: the open path (`stack[d-1]` is the node at depth d), the note being filled (it takes
    every following line that is not a tree line), a trailing section (`ANNEX`, `TABLE - …`,
    `TECHNICAL NOTE ON …`: everything up to the next full path) and subheadings (`ACOUSTICS`)
    waiting for the next node. Notes, sections and footnotes never become nodes.
    """

    def __init__(self, tree: Tree, scheme: Scheme, top: Node, file_name: str) -> None:
        self.tree = tree
        self.scheme = scheme
        self.top = top
        self.file = file_name
        self.stack: list[Node] = [top] if scheme.root is None else []
        self.note: NoteDraft | None = None
        self.note_lists = False  # the note announces a list of its own ("… following:")
        self.note_items: dict[int, str] = {}  # TABs -> last label of the note's own list
        self.opened: list[NoteDraft] = []  # notes of this file, for `Note 2 cont.`
        self.section: NoteDraft | None = None
        self.pending: list[str] = []
        self.relocated_codes: list[str] = []
        self.tree_lines = 0  # lines that opened a node: none means this is no list file
        self.line_no = 0

    @property
    def relocated(self) -> int:
        return len(self.relocated_codes)

    def run(self, text: str) -> None:
        for self.line_no, raw in enumerate(text.splitlines(), start=1):
            self._line(raw)
        if self.pending:
            self._warn(f"subheading(s) {self.pending!r} at the end of the file, before no entry")
        if self.relocated_codes:
            listed = ", ".join(self.relocated_codes[:_MAX_LISTED])
            more = len(self.relocated_codes) - _MAX_LISTED
            self.tree.warnings.append(
                f"{self.file}: {self.relocated} label(s) placed by their sibling sequence because "
                f"their TABs give another depth: {listed}{f' and {more} more' if more > 0 else ''}"
            )

    def _warn(self, message: str) -> None:
        self.tree.warnings.append(
            f"{self.file} line {self.line_no} (after {self._current().code}): {message}")

    def _current(self) -> Node:
        return self.stack[-1] if self.stack else self.top

    def _line(self, raw: str) -> None:
        s = raw.rstrip().lstrip(" \u00a0")
        if not s:
            return
        body = s.lstrip("\t")
        tabs = len(s) - len(body)
        if _LAYOUT.match(body):
            return
        footnote = _FOOTNOTE.match(body)
        if footnote is not None:
            self._footnote(footnote.group("text"))
            return
        tokens = body.split("\t")
        path = self._full_path(tokens) if tabs == 0 else None
        if path is not None:
            self._path(*path)
        elif self.section is not None:
            self._section_line(body)
        elif (header := match_note_header(body)) is not None:
            self._start_note(header, self._current())
        elif self._label_line(tabs, tokens, body):
            pass
        elif _is_upper_heading(body) or _PART_TITLE.match(body):
            self._heading(body)
        else:
            self._text(body)

    # -- full paths: `3.\tA.\t1.\ta.\t1.\tText`, `ML8.\ta.\t17.\tText`, `7.\tA. SYSTEMS…`

    def _full_path(self, tokens: list[str]) -> tuple[list[str], str] | None:
        labels: list[str] = []
        rest = ""
        for i, token in enumerate(tokens):
            label = split_label(token)
            if label is not None and self.scheme.label_ok(len(labels) + 1, label):
                labels.append(label)
                continue
            if self.scheme is DUAL_USE and len(labels) == 2 and _PART_TOKEN.match(token.strip()):
                continue  # `5.\tA.\tPart 2.\tSYSTEMS…`: the Part marker of Cat 5
            m = _LABEL_THEN_TEXT.match(token.strip())
            if m is not None and labels and self.scheme.label_ok(len(labels) + 1, m.group(1)):
                labels.append(m.group(1))
                rest = "\t".join([m.group(2), *tokens[i + 1:]])
            else:
                rest = "\t".join(tokens[i:])
            break
        if not labels:
            return None
        if self.scheme is DUAL_USE:
            if labels[0] != self.top.label:
                return None
            if len(labels) == 1 and not _is_upper_heading(rest):
                return None  # `1.\tMade from any of the following:` inside a note
        return labels, rest

    def _path(self, labels: list[str], rest: str) -> None:
        self._end_note_and_section()
        if self.scheme is DUAL_USE and len(labels) == 1:
            self.stack = [self.top]  # `4.\tCOMPUTERS`: the category title line
            return
        nodes = self.tree.path(self.scheme, labels, f"{self.file} line {self.line_no}")
        self.stack = nodes
        self.tree_lines += 1
        node = nodes[-1]
        header = match_note_header(rest)
        if header is not None:
            # `1.\tC.\tTechnical Note cont.`: the block restarts only to continue a note
            self._start_note(header, node)
            return
        if node.parts and rest.strip():
            # a restated node (5.A in both Cat 5 parts) is no duplicate unless its text differs
            if clean_text(rest) != node.text():
                self._warn(f"{node.code} restated with different text; texts joined")
                node.add_text(rest)
        else:
            node.add_text(rest)
        self._apply_pending(node)

    # -- bare labels: `\t\t\ta.\tText`

    def _label_line(self, tabs: int, tokens: list[str], body: str) -> bool:
        """Handle a line starting with a label; False if it is no tree line (then it is text)."""
        label = split_label(tokens[0]) if len(tokens) > 1 else None
        spaced = False
        if label is None:
            m = _SPACED_LABEL.match(body)
            if m is None:
                return False
            label, text, spaced = m.group(1), m.group(2), True
        else:
            text = "\t".join(tokens[1:])
        depth = tabs + 1
        f = self._fit_at(depth, label)
        if self.note is not None and self._note_takes(tabs, label, f):
            self.note.add(body)
            self.note_items[tabs] = label
            return True
        if f in ("first", "next") or (f == "gap" and not spaced):
            if f == "gap":
                self._warn(f"label {label!r} skips labels after "
                           f"{self.stack[depth - 2].last_child!r}")
            self._accept(depth, label, text)
            return True
        if self.note is not None and not self._note_leaves_to_tree():
            return False
        relocated = self._relocate(label)
        if relocated is not None:
            self._accept(relocated, label, text)
            self.relocated_codes.append(self.stack[-1].code)
            return True
        if not spaced:
            self._warn(f"label {label!r} at {tabs} TAB(s) fits no open level; kept as text")
        return False

    def _fit_at(self, depth: int, label: str) -> Fit | None:
        if depth < 2 or len(self.stack) < depth - 1 or not self.scheme.label_ok(depth, label):
            return None
        return fit(self.stack[depth - 2].last_child, label)

    def _relocate(self, label: str) -> int | None:
        """The deepest depth where `label` continues the open path, whatever its TABs say.

        A first child only where the parent announces items (`… as follows:`), so that a stray
        `1.` of a technical note does not become an item of a node that has none.
        """
        for depth in range(len(self.stack) + 1, 1, -1):
            f = self._fit_at(depth, label)
            if f == "next" or (f == "first" and _announces_items(self.stack[depth - 2])):
                return depth
        return None

    def _note_leaves_to_tree(self) -> bool:
        """A note that announced no list of its own (a one-line `N.B.`) lets a label with wrong
        TABs go to the tree (ML10.a after `N.B.\tFor guidance … see ML11.`)."""
        return self.note is not None and not self.note_lists and not self.note_items

    def _note_takes(self, tabs: int, label: str, f: Fit | None) -> bool:
        """Whether a labelled line inside a note belongs to the note's own list.

        Note bodies are numbered like items (`1.\t` under `Technical Notes`). A label goes back
        to the tree only where its TABs put it exactly where the tree expects the next sibling
        (and the note's list does not continue with it at the same TABs), or where it is the
        first item of a node announcing items.
        """
        if f is None or f == "gap":
            return not self._note_leaves_to_tree() or self._relocate(label) is None
        prev = self.note_items.get(tabs)
        continues = prev is not None and fit(prev, label) == "next"
        if f == "first":
            if continues:
                return True
            if _announces_items(self.stack[tabs - 1]):
                return False
            return self.note_lists or bool(self.note_items)
        return continues

    def _accept(self, depth: int, label: str, text: str) -> None:
        self._end_note_and_section()
        parent = self.stack[depth - 2]
        node, created = self.tree.child(self.scheme, parent, label, depth)
        if not created:
            self._warn(f"{node.code} occurs again; texts joined")
        self.stack = [*self.stack[: depth - 1], node]
        self.tree_lines += 1
        node.add_text(text)
        self._apply_pending(node)

    # -- notes, footnotes, sections, subheadings, text

    def _start_note(self, header: NoteHeader, target: Node) -> None:
        # a note inside a note's list (`Technical Note` under `Note 1 … a. … b.`) keeps the list
        # going: the labels after the inner note still belong to the notes, not to the tree
        in_list = self.note is not None and (self.note_lists or bool(self.note_items))
        self._end_note_and_section()
        draft: NoteDraft | None = None
        if header.continued:
            # `Note 2 cont.`, `Note 3 to 6.A.3.b.4.b. cont.`: more of the latest such note
            draft = next((d for d in reversed(self.opened) if base_label(d.label) == header.base),
                         None)
        if draft is None:
            draft = subject_node(self.tree, target, header.rest).note(header.kind, header.label)
            self.opened.append(draft)
        draft.add(header.rest)
        self.note = draft
        self.note_lists = (in_list or header.continued or header.rest.endswith(":")
                           or header.label.endswith("Notes"))

    def _footnote(self, text: str) -> None:
        # `* The Russian Federation and Ukraine view this list …`: the footnote of a star on
        # the list or category title, so it belongs to the top node
        self._end_note_and_section()
        self.note = self.top.note("other", "*")
        self.note.add(text)

    def _heading(self, body: str) -> None:
        heading = clean_text(body)
        part = _PART_TITLE.match(heading)
        if part is not None:
            # `Part 2 - "INFORMATION SECURITY"`: both Cat 5 files share category 5; the part
            # title marks where the second part's category notes begin
            self._end_note_and_section()
            self.top.note("other", part.group("part")).add(part.group("title"))
            return
        if self.scheme is MUNITIONS and not self.stack and "MUNITIONS" in heading:
            return  # the file's own title, which the ML node carries
        self._end_note_and_section()
        if _SECTION.match(heading):
            self._start_section(heading)
        else:
            self.pending.append(heading)

    def _start_section(self, heading: str) -> None:
        kind: NoteKind = "technical-note" if heading.startswith("TECHNICAL NOTE") else "other"
        self.section = self.top.note(kind, heading)

    def _section_line(self, body: str) -> None:
        assert self.section is not None
        if _is_upper_heading(body) and _SECTION.match(body):
            heading = clean_text(body)
            if heading != self.section.label:  # else the table's heading repeated on a new page
                self._start_section(heading)
            return
        self.section.add(body)

    def _apply_pending(self, node: Node) -> None:
        for heading in self.pending:
            node.note("other", "Subheading").add(heading)
        self.pending = []

    def _text(self, body: str) -> None:
        if self.note is not None:
            self.note.add(body)
            if body.endswith(":"):
                self.note_lists = True
            return
        self._current().add_text(body)

    def _end_note_and_section(self) -> None:
        self.note = None
        self.note_lists = False
        self.note_items = {}
        self.section = None
