"""Description sets in languages other than English: short German / Italian descriptions -> US ECCNs.

The corpus holds no non-English product catalogue, so the proxy is built from public list text:
* Swiss sub-items -> US ECCN (`ch-subitems-de-us2026`): the Swiss GKV Annex 2 (2021) German CSV
  (bench/matching/swiss.py for how rows and E-codes are recovered) prints each lettered paragraph of
  an entry ("b) Metallbehälter oder wichtige vorgefertigte Teile hierfür, ...") as a short German
  description of a kind of goods. Query = the text of one first-level lettered sub-item (its own
  paragraph: continuation lines joined, hyphenation undone, the "b)" label removed, the list
  introducer "wie folgt:" / "mit einer der folgenden Eigenschaften:" at its end removed, codes
  masked); gold = the US ECCN with the same 5-character code as its parent entry (canonical_code,
  as in sets.py); pool = every US ECCN.
  Which paragraph is a first-level sub-item: from category 2 on the CSV gives no code per line and
  letters recur at every depth (2B001.b.4.a, .b.4.b, then .c) and in notes ("Anmerkung 2: ...
  erfasst keine ... a) Kurbelwellen ..." lists goods that are *not* controlled). The paragraphs of
  an entry are read as an outline: a label is taken as a new deeper level (a / 1) or the next label
  at some open level, and kept only if that label path exists in the EU Annex I (2022, parsed) under
  the same entry (the Swiss list transposes the same Wassenaar/regime text); deeper interpretations
  are tried first. Paragraphs of a note ("Anmerkung", "Technische Anmerkung", in the text or in
  column 0) and the labelled items of a list a note opens (note ending with ":") are skipped; a note
  ends at the first label that does not continue its own list, or after its list's first-level item
  that ends with ".". Entries whose own text introduces a list of properties ("... mit allen
  folgenden Eigenschaften:") are skipped: their sub-items are parameters of one kind of goods
  ("Durchmesser der Bohrung zwischen 12 mm und 50 mm"), not goods.
  Kept only sub-items that read as a description of goods on their own: at least 4 words; at most
  300 characters (descriptions are short); not defined by reference (no control code and no
  "Nummer"/"Unternummer" in the text); not starting with a qualifier that only completes its parent
  ("mit ...", "die ...", "für ...", "ausgenommen ...", "bestehend aus ...", "entwickelt für ...",
  "andere ...", ...; kept where a German attribute precedes its noun: "mit Seltenerdmetall
  dotierte Doppelmantelfasern"); deduplicated (case-folded); and the gold US ECCN has text of its own (not an
  ITAR stub or [Reserved], `_stub` in sets.py; the US CCL has no 0A001/0B001, nuclear items being
  controlled by the NRC, so most of category 0 has no gold). At most 3 sub-items per ECCN (random,
  fixed seed) so that long entries (3A001, 5A002 ...) do not dominate; query order shuffled (fixed
  seed): a catalogue is not sorted by control code.
  Caveats: the gold is the parent's ECCN by code, so a Swiss/EU sub-item whose US counterpart was
  moved elsewhere (600-series, ITAR, another ECCN) or reworded since 2021 is scored against the
  code's current US entry; a sub-item naming a part of something ("Teile hierfür" resolved only
  through its parent) can be vague on its own.
* Italian (`ch-subitems-it-us2026`): the same Annex 2 in Italian (it.pdf, read with `pdftotext
  -layout` at run time). Its layout gives the depth directly: a first-level item starts with "a. "
  exactly at the entry-text column (column 27; notes' lists and deeper levels are indented further),
  continuation lines are indented deeper, an item runs to the next blank line (across a page break
  when it ends mid-sentence; footer "Ordinanza sul controllo ..." and header "2B001 a. (segue)"
  skipped). Kept when the label is a first-level label of the entry in the EU 2022 outline and comes
  after the previous one, and the entry is not a list of properties ("aventi tutte le caratteristiche
  seguenti:"). Same filters with the Italian introducers ("come segue:", "... seguenti:"),
  qualifiers ("aventi", "progettati", "con", "per", "non", articles, ...) and references ("cfr.",
  "specificati in"). The Italian and German sets translate the same sub-items, so they are two
  languages of one set of goods, not independent samples.

Both sets were built after the matcher was developed, then used once to set one thing: no BM25
coverage term across languages (nlp/match/matcher.py, CROSS_LANGUAGE), which both needed. There
is no held-out non-English description set.

Not built (checked): Canada's French ECL (Justice Laws XML) carries Group 1 (the Wassenaar dual-use
list) only by reference to the Guide ("Les marchandises et technologies visées au groupe 1 du
Guide"); its French item texts are Canada-only groups (5, 9 ...: logs, firearms, ...) with no US
ECCN by code.
"""

from __future__ import annotations

import random
import re
import subprocess
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.matching.sets import EvalSet, Item, _by_key, _stub
from bench.matching.swiss import Row, join_lines, swiss_rows
from exportwatch.settings import Settings
from nlp.match.codes import canonical_code
from nlp.match.text import mask_codes
from nlp.model import ParsedDocument

SEED = 20260901
PER_ECCN = 3
MAX_CHARS = 300
MIN_WORDS = 4

_LABEL = re.compile(r"([a-z])\)\s+|(\d{1,2})\.\s+")
_CELL_LABEL = re.compile(r"[a-z]\)|\d{1,2}\.")
_NOTE = re.compile(r"(?:Technische\s+)?Anmerkung(?:en)?\b|N\.\s?B\.", re.IGNORECASE)
_HEADER = re.compile(r".*\(Fortsetzung\)")
# the end of a paragraph that only introduces its sub-list ("..., mit einer der folgenden Eigenschaften:")
_INTRODUCER = re.compile(
    r"[,;]?\s*(?:(?:mit|die|der|das|und|aus|für|von)\s+)?(?:(?:einer|einem|allen|beiden|eine|eines|jede[rm]?)\s+)?"
    r"(?:der\s+)?[Ff]olgende[nrs]?\b[^,;:]{0,50}:$|[,;]?\s*wie\s+folgt\s*:$")
_TRAILING = re.compile(r"(?:[\s,;:.]|\b(?:oder|und|von|für|aus|mit)\b|,\s*(?:die|der|das|welche)\b)+$")
# words that start a phrase completing its parent rather than naming goods
_QUALIFIER = re.compile(
    r"(mit|ohne|die|der|das|den|dem|des|für|zur|zum|zu|von|vom|in|im|aus|auf|bei|nach|unter|über|als|"
    r"welche[rs]?|deren|dessen|einschliesslich|ausgenommen|ausser|bestehend|entwickelt|konstruiert|"
    r"besonders|geeignet|hergestellt|ausgelegt|ausgerüstet|verwendet|enthaltend|andere[rsn]?|sonstige[rsn]?|"
    r"jede[rsn]?|eine[rsnm]?|ein|oder|und|sowie|wenn|soweit|sofern|dass|nur|ausschliesslich|zugehörige[rsn]?|"
    r"grösser|kleiner|mehr|weniger|gleich|höher|niedriger|maximal|mindestens)\b",
    re.IGNORECASE)
# "mit Seltenerdmetall dotierte Doppelmantelfasern": a German attribute before its noun, not a qualifier
_ATTRIBUTE = re.compile(r"(?:mit|aus|in|von)\s[^,;]*?\b[a-zäöüß][\w-]*(?:te|ter|tes|ten|bare|baren|ende|enden)"
                        r"\s+(?:[a-zäöüß]\w*\s+)?[„‚\"']?[A-ZÄÖÜ]")
_PROPERTIES = re.compile(r"\bfolgenden\s+(?:Eigenschaften|Merkmale|Kennwerte|Parameter|Anforderungen|"
                         r"Bedingungen|Voraussetzungen|Kriterien)\b")
_REFERENCE = re.compile(r"\b(?:Unter)?[Nn]ummer[n]?\b|\bUnternummer|\bSIEHE\b")


@dataclass(frozen=True)
class Paragraph:
    code: str  # the entry (5-character code as recovered)
    text: str
    note: bool  # a note's paragraph ("Anmerkung", "Technische Anmerkung")


@dataclass(frozen=True)
class SubItem:
    code: str
    path: tuple[str, ...]  # ("b",), ("b", "4", "a")
    text: str  # as printed, label included


def _join(lines: list[str]) -> str:
    return " ".join(join_lines(lines).split())


def paragraphs(rows: Iterable[Row]) -> Iterator[Paragraph]:
    """The paragraphs of every entry, in order. A paragraph ends at a blank row, a new entry, a page
    header ("2B001,a) (Fortsetzung)") or a row that starts a label or a note; an unlabelled paragraph
    right after a page header continues the paragraph before it if that one ends mid-sentence."""
    out: list[Paragraph] = []
    lines: list[str] = []
    code: str | None = None
    note = False
    pending_header = False  # a page header since the last paragraph
    continues = False  # the paragraph being read started right after a page header

    def flush() -> None:
        nonlocal lines
        if lines and code is not None:
            text = _join(lines)
            if (continues and out and out[-1].code == code and not out[-1].note and not note
                    and not _LABEL.match(text) and out[-1].text[-1:] not in ".:;"):
                out[-1] = Paragraph(code, _join([out[-1].text, text]), False)
            else:
                out.append(Paragraph(code, text, note))
        lines = []

    for row in rows:
        line = row.line
        if _CELL_LABEL.fullmatch(row.cell) and line:  # "a),jede Art von ..." (label in column 0)
            line = f"{row.cell} {line}"
        if row.code is None:
            flush()
            code, pending_header = None, False
            continue
        if _HEADER.fullmatch(line):
            flush()
            pending_header = True
            continue
        if not line:
            flush()
            continue
        cell_note = "anmerkung" in row.cell.lower()
        new_code = row.code != code
        starts = (new_code or cell_note or bool(row.cell and not _CELL_LABEL.fullmatch(row.cell))
                  or _LABEL.match(line) is not None or _NOTE.match(line) is not None)
        if starts or not lines:
            flush()
            continues = pending_header and not new_code
            pending_header = False
            code = row.code
            note = cell_note or _NOTE.match(line) is not None
        lines.append(line)
    flush()
    yield from out


def _label(text: str) -> str | None:
    m = _LABEL.match(text)
    if m is None:
        return None
    return m.group(1) or m.group(2)


def _next(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)


def _first(depth: int) -> str:
    return "a" if depth % 2 == 0 else "1"


def outline(entry: list[Paragraph], tree: set[str]) -> Iterator[SubItem]:
    """The main-text labelled paragraphs of one entry with their label paths (see the module
    docstring). `tree` holds the relative label paths the entry has in the reference list
    ("a", "b.4.a")."""
    stack: list[str] = []
    in_note = False
    note_stack: list[str] | None = None  # labels of the list a note opened (None: no labelled list)
    for p in entry:
        if p.note:
            in_note = True
            note_stack = [] if p.text.rstrip().endswith(":") else None
            continue
        label = _label(p.text)
        if label is None:
            if in_note and note_stack == []:
                note_stack = None  # the note's list is unlabelled ("— zivile Fahrzeug-Radarsysteme,")
            continue
        if in_note:
            if note_stack is not None and _continues(note_stack, label):
                note_stack = _extend(note_stack, label)
                if len(note_stack) == 1 and p.text.rstrip().endswith("."):
                    in_note, note_stack = False, None  # the last item of the note's list
                continue
            in_note, note_stack = False, None
        chosen = next((c for c in _candidates(stack, label) if ".".join(c) in tree), None)
        if chosen is None:
            continue
        stack = chosen
        yield SubItem(p.code, tuple(stack), p.text)


def _candidates(stack: list[str], label: str) -> list[list[str]]:
    """Readings of a label after the outline position `stack`, deepest first."""
    out = []
    if label == _first(len(stack)):
        out.append([*stack, label])
    for k in range(len(stack) - 1, -1, -1):
        if stack[k].isdigit() == label.isdigit() and label == _next(stack[k]):
            out.append([*stack[:k], label])
    return out


def _continues(stack: list[str], label: str) -> bool:
    """Whether a label goes on with a note's list (leniently: notes skip numbers, "3 Ein Signal")."""
    if not stack:
        return label in ("a", "1")
    if label == _first(len(stack)):  # opens a deeper level of the note's list
        return True
    return any(s.isdigit() == label.isdigit() and 0 < _rank(label) - _rank(s) <= 2 for s in stack)


def _rank(label: str) -> int:
    return int(label) if label.isdigit() else ord(label) - ord("a") + 1


def _extend(stack: list[str], label: str) -> list[str]:
    if not stack:
        return [label]
    cands = _candidates(stack, label)
    if cands:
        return cands[0]
    k = max(i for i, s in enumerate(stack) if s.isdigit() == label.isdigit())
    return [*stack[:k], label]


def swiss_subitems(path: Path, reference: dict[str, set[str]]) -> list[SubItem]:
    """Every first-level lettered sub-item of the Swiss CSV; `reference`: entry code -> the label
    paths of that entry in the reference list (EU Annex I)."""
    by_entry: dict[str, list[Paragraph]] = defaultdict(list)
    for p in paragraphs(swiss_rows(path)):
        by_entry[p.code].append(p)
    out = []
    for code, entry in by_entry.items():
        heading = next((p.text for p in entry if not p.note), "")
        if _PROPERTIES.search(heading):
            continue  # the entry's sub-items are properties of one kind of goods, not goods
        out += [s for s in outline(entry, reference.get(code, set())) if len(s.path) == 1]
    return out


def reference_paths(codes: Iterable[str], jurisdiction: str = "eu") -> dict[str, set[str]]:
    """Entry code -> relative label paths, from the codes of a parsed list (`2B001.b.4.a`)."""
    out: dict[str, set[str]] = defaultdict(set)
    for code in codes:
        key = canonical_code(jurisdiction, code)
        if key is not None and "." in key:
            entry, rest = key.split(".", 1)
            out[entry].add(rest)
    return dict(out)


def query_text(item: SubItem) -> str | None:
    """The sub-item as a short description, or None where it does not read as one on its own."""
    raw = _LABEL.sub("", item.text, count=1).strip()
    if _REFERENCE.search(raw) or mask_codes(raw) != " ".join(raw.split()):
        return None  # defined by reference: says nothing once codes are masked
    text = _INTRODUCER.sub("", raw)
    text = _TRAILING.sub("", text).strip()
    bare = text.lstrip("„‚\"'")
    qualifier = _QUALIFIER.match(bare) is not None and _ATTRIBUTE.match(bare) is None
    if len(text.split()) < MIN_WORDS or len(text) > MAX_CHARS or qualifier:
        return None
    return text


def swiss_description_set(path: Path, reference: dict[str, set[str]], us: list[Item]) -> EvalSet:
    """The `ch-subitems-de-us2026` set (module docstring): German Swiss sub-items -> US ECCNs."""
    return _description_set("ch-subitems-de-us2026", "Swiss GKV Annex 2 2021 first-level sub-items as short German "
                            "descriptions (CSV)", swiss_subitems(path, reference), query_text, "de", us)


def italian_description_set(path: Path, reference: dict[str, set[str]], us: list[Item]) -> EvalSet:
    """The `ch-subitems-it-us2026` set: the same from the Italian PDF (pdftotext -layout at run time)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    return _description_set("ch-subitems-it-us2026", "Swiss GKV Annex 2 2021 first-level sub-items as short Italian "
                            "descriptions (PDF)", italian_subitems(text.decode("utf-8").splitlines(), reference),
                            italian_query_text, "it", us)


def _description_set(name: str, description: str, subitems: list[SubItem],
                     query: Callable[[SubItem], str | None], language: str, us: list[Item]) -> EvalSet:
    us_by_key = _by_key(us, "us")
    us_text = {i.id: i.text for i in us}
    by_eccn: dict[str, list[Item]] = defaultdict(list)
    seen: set[str] = set()
    for sub in subitems:
        key = canonical_code("ch", sub.code)
        target = us_by_key.get(key) if key is not None else None
        text = query(sub)
        if target is None or text is None or text.casefold() in seen or _stub(us_text[target]):
            continue
        seen.add(text.casefold())
        by_eccn[target].append(Item(f"ch-sub-{language}:{sub.code}.{'.'.join(sub.path)}", "ch", text, language))
    rng = random.Random(SEED)
    left: list[Item] = []
    gold: dict[str, set[str]] = {}
    for target, items in sorted(by_eccn.items()):
        for item in rng.sample(items, min(PER_ECCN, len(items))):
            left.append(item)
            gold[item.id] = {target}
    rng.shuffle(left)
    return EvalSet(name, "description", f"{description} (>= {MIN_WORDS} words, <= {MAX_CHARS} characters, at most "
                   f"{PER_ECCN} per ECCN) -> US CCL ECCNs (EN)", left, us, gold,
                   # not held out: the matcher's cross-language weights were last set on these two
                   heldout=False)


def description_sets(settings: Settings, eu_doc: ParsedDocument, us: list[Item]) -> list[EvalSet]:
    """The non-English description sets; `eu_doc`: the parsed EU Annex I 2022 (the outline reference)."""
    folder = settings.corpus / "raw/km-stat-export-control-code-lists/gkg/anhang 1+2/2021"
    reference = reference_paths(e.code for e in eu_doc.entries)
    return [swiss_description_set(folder / "de.csv", reference, us),
            italian_description_set(folder / "it.pdf", reference, us)]


# --- Italian: the same Annex 2 as a PDF (it.pdf), read with `pdftotext -layout` ---------------------

_IT_ENTRY = re.compile(r" {8,16}(\d[A-E]\d{3})\s{2,}(\S.*)")  # code column, then the entry's text
_IT_L1 = " " * 27  # the column of an entry's text: first-level items start here; notes' lists deeper
_IT_ITEM = re.compile(r" {27}([a-z])\.\s+(\S.*)")
_IT_ANY_LABEL = re.compile(r"\s*(?:[a-z]|\d{1,2})\.\s")
_IT_PAGE = re.compile(r"Ordinanza sul controllo dei beni|\s*(?:\d[A-E]\d{3}\s+)?(?:[a-z0-9]+\.\s*)*\(segue\)\s*$")
_IT_PROPERTIES = re.compile(r"caratteristiche seguenti|seguenti caratteristiche")
_IT_INTRODUCER = re.compile(r"[,;]?\s*(?:come segue|(?:\S+\s+){0,4}seguent[ie](?:\s+\S+){0,2})\s*:$")
_IT_TRAILING = re.compile(r"(?:[\s,;:.]|\b(?:o|e|oppure|di|per|da|a|con|del|della|dei|degli|delle|un|uno|una|il|"
                          r"lo|la|le|i|gli|che|aventi|avente)\b)+$")
_IT_QUALIFIER = re.compile(
    r"(aventi|avente|con|per|progettat\w*|appositamente|specificamente|che|di|da|del|della|dei|degli|delle|"
    r"in|nel|nella|non|esclus\w*|eccetto|tranne|diversi|altri|altre|uguale|superiore|inferiore|contenent\w*|"
    r"costituit\w*|utilizzant\w*|dotat\w*|munit\w*|impiegant\w*|o|e|nonché|il|lo|la|i|gli|le|un|uno|una|"
    r"tutt\w*|ogni|qualsiasi|quando|se|ove|sottopost\w*|basat\w*|realizzat\w*|fabbricat\w*|ottenut\w*|"
    r"costruit\w*|associat\w*|a)\b", re.IGNORECASE)
_IT_REFERENCE = re.compile(r"\bcfr\b|\bspecificat[oaie] (?:in|nel|al)|sottopost[oaie] ad autorizzazione", re.I)


def italian_subitems(lines: Iterable[str], reference: dict[str, set[str]]) -> list[SubItem]:
    """First-level lettered items of the Italian Annex 2 text (pdftotext -layout): a line starting
    "a. " exactly at the entry-text column (column 27; notes and deeper levels are indented further),
    joined with its continuation lines (deeper indentation, up to the next blank line; across a page
    break when the item ends mid-sentence), kept when the label is an entry's first-level label in
    the reference outline, the next one in order, and the entry is not a list of properties."""
    out: list[SubItem] = []
    code: str | None = None
    heading: list[str] | None = None  # the entry's own text while it is being read
    skip_entry = False
    last = ""
    item: list[str] | None = None
    page_break = False

    def close() -> None:
        nonlocal item
        if item is not None and code is not None:
            out.append(SubItem(code, (last,), " ".join(_join(item).split())))
        item = None

    for raw in lines:
        line = raw.rstrip()
        if _IT_PAGE.match(line):
            page_break = True
            continue
        if not line.strip():
            if heading is not None:
                skip_entry, heading = bool(_IT_PROPERTIES.search(" ".join(heading))), None
            if item is not None and not page_break:
                close()
            continue
        if m := _IT_ENTRY.fullmatch(line):
            close()
            code, heading, skip_entry, last, page_break = m.group(1), [m.group(2)], False, "", False
            continue
        indent = len(line) - len(line.lstrip())
        if item is not None and page_break:
            page_break = False
            if indent > len(_IT_L1) and not _IT_ANY_LABEL.match(line) and item[-1][-1:] not in ".:;":
                item.append(line.strip())
                continue
            close()
        page_break = False
        if heading is not None and indent >= len(_IT_L1):
            heading.append(line.strip())
            continue
        if m := _IT_ITEM.fullmatch(line):
            close()
            label = m.group(1)
            if (code is not None and not skip_entry and label in reference.get(code, set())
                    and label > last):
                last, item = label, [m.group(2)]
            continue
        if item is not None and indent > len(_IT_L1) and not _IT_ANY_LABEL.match(line):
            item.append(line.strip())
        else:
            close()
    close()
    return out


def italian_query_text(item: SubItem) -> str | None:
    """As query_text, with the Italian list introducers, qualifiers and references."""
    raw = item.text
    if _IT_REFERENCE.search(raw) or mask_codes(raw) != " ".join(raw.split()):
        return None
    text = _IT_TRAILING.sub("", _IT_INTRODUCER.sub("", raw)).strip()
    bare = text.lstrip("\"'‘“")
    if len(text.split()) < MIN_WORDS or len(text) > MAX_CHARS or _IT_QUALIFIER.match(bare):
        return None
    return text
