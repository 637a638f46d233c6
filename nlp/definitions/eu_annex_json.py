"""EU Regulation 2021/821, Article 2 "Definitions", from `annex.json` (FORMATS.md 4b: a third-party
parse of EUR-Lex, `docs[]` with `doc_type`, `title`, `verbatim_text`).

Article 2's text is one run: `Article 2For the purposes of this Regulation, the following
definitions apply: (1) ‘dual-use items’ means …; (2) ‘export’ means: (a) …; … (22) ‘essentially
identical transaction’ means ….` Each numbered point opens with a term in single quotes (two for
`‘internal compliance programme’ or ‘ICP’`). A footnote's text is glued into the run right after
its reference (`… 2015/2446Commission Delegated Regulation (EU) 2015/2446 of 28 July 2015 …
(OJ L 343, 29.12.2015, p. 1). ;`): it is taken out into a note.

The same file's `definitions_annex` doc repeats Annex I's definitions as of its version; it is
read by `annex_i_definitions` only to cross-check the consolidated PDF, not stored (the PDF is
the document of record).
"""

from __future__ import annotations

import json
import re
from typing import Any

from exportwatch.errors import ParseError
from nlp.definitions.heads import NOTE_LABEL, DefinitionBuilder, parse_quoted_head
from nlp.definitions.keys import clean_term, term_key
from nlp.definitions.model import Definition, DefinitionNote, Extracted
from nlp.definitions.scopes import is_eu_scope
from nlp.parse import FetchedFile
from nlp.parse.text import clean_text

__all__ = ["annex_i_definitions", "article_2", "extract"]

_POINT = re.compile(r"\((\d{1,2})\)\s+(?=[\u2018'])")
_QUOTED = r"[\u2018'][^\u2019']+[\u2019']"
_TERMS = re.compile(rf"^(?P<terms>{_QUOTED}(?:\s+or\s+{_QUOTED})*)\s*(?P<rest>.*)$", re.DOTALL)
_FOOTNOTE = re.compile(r"(?<=[\d)])(?P<note>[A-Z][^;]*?\(OJ [^)]*\)\.)\s*")


def _load(files: tuple[FetchedFile, ...], source_id: str) -> tuple[FetchedFile, dict[str, Any]]:
    for f in files:
        if f.content.lstrip()[:1] != b"{":
            continue
        try:
            data = json.loads(f.content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ParseError(f"{source_id} {f.url}: not valid UTF-8 JSON: {exc}") from exc
        if isinstance(data, dict) and isinstance(data.get("docs"), list):
            return f, data
    raise ParseError(f"{source_id}: no annex.json (a JSON object with `docs`) among the fetched files")


def _doc(data: dict[str, Any], doc_type: str, what: str) -> str:
    docs = [d for d in data["docs"] if isinstance(d, dict) and d.get("doc_type") == doc_type]
    if len(docs) != 1 or not isinstance(docs[0].get("verbatim_text"), str):
        raise ParseError(f"{what}: expected one `{doc_type}` doc with a verbatim_text, found {len(docs)}")
    text: str = docs[0]["verbatim_text"]
    return text


def extract(files: tuple[FetchedFile, ...], source_id: str) -> Extracted:
    f, data = _load(files, source_id)
    what = f"{source_id} {f.url}"
    result = article_2(_doc(data, "definitions", what), language=f.language, what=what)
    return Extracted(result.definitions, result.warnings, (f.url,), result.stats)


def article_2(text: str, *, language: str = "en", what: str = "Article 2") -> Extracted:
    warnings: list[str] = []
    points = list(_POINT.finditer(text))
    # Keep only the numbered run 1, 2, 3…: "(11)" inside "point (11) of this Article" is no point.
    run: list[re.Match[str]] = []
    for m in points:
        if int(m.group(1)) == len(run) + 1:
            run.append(m)
    if not run:
        raise ParseError(f"{what}: no numbered definitions `(1) ‘term’ means …` in Article 2")
    out: list[Definition] = []
    for i, m in enumerate(run):
        end = run[i + 1].start() if i + 1 < len(run) else len(text)
        body = text[m.end():end].strip()
        head = _TERMS.match(body)
        if head is None:
            warnings.append(f"{what}: point ({m.group(1)}) does not open with a quoted term; skipped")
            continue
        notes: list[DefinitionNote] = []
        rest = head.group("rest")
        for fn in _FOOTNOTE.finditer(rest):
            notes.append(DefinitionNote("Footnote", clean_text(fn.group("note"))))
        rest = _FOOTNOTE.sub(" ", rest)
        if "(OJ " in rest:
            warnings.append(f"{what}: point ({m.group(1)}) cites the Official Journal in a way not "
                            "recognised as a footnote; kept in the text")
        term = clean_term(re.sub(r"[\u2018\u2019']", "", head.group("terms")))
        rest = clean_text(rest).rstrip(";").rstrip()
        out.append(Definition(term, term_key(term), language, f"Article 2({m.group(1)})", rest,
                              tuple(notes), len(out)))
    return Extracted(tuple(out), tuple(warnings), (), {"definitions": len(out)})


def annex_i_definitions(data: dict[str, Any], *, language: str = "en",
                        what: str = "annex.json") -> Extracted:
    """Annex I's definitions as the file's `definitions_annex` doc gives them: one line per term
    (`"Accuracy" (2 3 6 7), usually … means …`), notes as `N.B. …` lines, sub-items `a …` lines."""
    builder = DefinitionBuilder(language)
    for n, line in enumerate(_doc(data, "definitions_annex", what).split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        head = parse_quoted_head(line, is_eu_scope) if line.startswith('"') else None
        if head is not None and (head.scope or re.match(r"^[-–—]\s*see\b", head.rest)):
            builder.start(head.term, head.scope, head.rest, where=f"{what} line {n}")
        elif builder.open and (note := NOTE_LABEL.match(line)):
            builder.note(note.group("label"), note.group("rest"))
        elif builder.open:
            builder.text(line)
    definitions = builder.finish()
    return Extracted(tuple(definitions), tuple(builder.warnings), (), {"definitions": len(definitions)})
