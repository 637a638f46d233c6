"""A fixed-seed sample of 50 extracted definitions, printed beside the source text they came from,
for checking by hand (issue 3: definitions; the sheet is bench/definitions_check.md).

    .venv/bin/python -m bench.definitions_sample [--seed 777] [--no-recall]

Runs the project's definitions extractors (`nlp.definitions.extract_definitions`, as the
`definitions` processor does, without the sandbox) on the corpus files of one version per source
(config/mirror.yml; the corpus is read in place, never copied). For each sampled definition it
prints the term, key, scope, the full text, the notes, and the stretch of source text from the
term's head to the next term's head. The source text is read here independently of the
extractors (pdftotext -layout, the DOCX paragraphs with their styles, the XML elements'
`itertext`), so page headers, line breaks and hyphens show as printed. With recall on, it also
prints three seeded stretches of each definitions section and which extracted terms start there.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
from dataclasses import dataclass

from lxml import etree

from bench.matching.corpus import corpus_files
from exportwatch.settings import Settings
from nlp.definitions import extract_definitions
from nlp.definitions.model import Definition
from nlp.parse import FetchedFile
from nlp.parse.dsgl_docx.container import read_blocks
from nlp.parse.tools import pdf_to_layout_text
from nlp.parse.wassenaar_pdf_layout import read_layout


@dataclass(frozen=True)
class Stratum:
    label: str
    source_id: str
    date: str
    language: str
    k: int


STRATA = (
    Stratum("eu", "eu-annex-i", "2022-05-05", "en", 8),
    Stratum("eu-reg", "eu-reg", "2025-11-15", "en", 2),
    Stratum("wa", "wa-dual-use", "2026-01-15", "en", 10),
    Stratum("au", "au-dsgl", "2024-08-14", "en", 10),
    Stratum("us", "us-ear", "2026-09-01", "en", 10),
    Stratum("ca-ecl en", "ca-ecl", "2025-07-24", "en", 3),
    Stratum("ca-eipa en", "ca-eipa", "2026-06-14", "en", 2),
    Stratum("ca-ecl fr", "ca-ecl", "2025-07-24", "fr", 3),
    Stratum("ca-eipa fr", "ca-eipa", "2026-06-14", "fr", 2),
)
# Lines (or paragraphs, elements) per recall stretch, by source.
STRETCH = {"eu-annex-i": 50, "eu-reg": 4, "wa-dual-use": 50, "au-dsgl": 12, "us-ear": 12, "ca-ecl": 8,
           "ca-eipa": 8}
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": '"', "\u2019": '"', "\u00a0": " ",
                         "\u00ab": '"', "\u00bb": '"'})
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class Version:
    source_id: str
    date: str
    fmt: str
    files: tuple[FetchedFile, ...]
    definitions: tuple[Definition, ...]
    lines: list[str]  # the source text of the definitions, one printed line / paragraph / element each
    heads: list[int]  # per definition, the index in `lines` where its head was found (-1: not found)


def load_version(settings: Settings, source_id: str, date: str) -> Version:
    source, files = corpus_files(settings, source_id, date)
    result = extract_definitions(source.format, files, source_id)
    lines = source_lines(source.format, files)
    return Version(source_id, date, source.format, files, result.definitions, lines,
                   locate(source.format, result.definitions, lines))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).casefold()


def _xml_text(el: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _provision_path(prov: etree._Element) -> str:
    """`5504(1)`, `9-8(2)(d)`, `(a)`: the labels of the nested provisions, outermost first."""
    labels: list[str] = []
    node: etree._Element | None = prov
    while node is not None and node.tag == "Provision":
        labels.insert(0, (node.findtext("Label") or "").strip())
        node = node.getparent()
    return "".join(label if i == 0 and label[:1].isdigit() else f"({label.strip('()')})"
                   for i, label in enumerate(labels) if label)


def source_lines(fmt: str, files: tuple[FetchedFile, ...]) -> list[str]:
    """The definitions part of the source as a reader sees it (not as the extractor reads it)."""
    if fmt == "eurlex-pdf":
        out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-l", "120", "-", "-"],
                             input=files[0].content, capture_output=True, check=True).stdout.decode()
        pdf_lines = out.split("\n")
        start = next(i for i, s in enumerate(pdf_lines) if s.strip() == "DEFINITIONS OF TERMS USED IN THIS ANNEX")
        end = next(i for i in range(start, len(pdf_lines)) if pdf_lines[i].replace("\f", "").strip() == "PART II")
        return [s.rstrip().replace("\f", "<page break>") for s in pdf_lines[start:end]]
    if fmt == "wassenaar":
        text = pdf_to_layout_text(files[0].content)
        defs = [line.lineno for line in read_layout(text).lines if line.section == "defs"]
        plain = text.split("\n")
        return [s.rstrip().replace("\f", "<page break>") for s in plain[min(defs) - 1:max(defs)]]
    if fmt == "dsgl-docx":
        blocks = read_blocks(files[0].content, "dsgl")
        start = next(i for i, b in enumerate(blocks) if b.style.startswith("ActHead")
                     and b.text.replace("\u00a0", " ").startswith("Division 4"))
        end = next(i for i in range(start + 1, len(blocks)) if blocks[i].style.startswith("ActHead"))
        return [f"[{b.style}] {b.auto_label + ' ' if b.auto_label else ''}{b.text}" for b in blocks[start:end]]
    if fmt == "ecfr-ear":
        f = next(f for f in files if "772.1" in f.url)
        root = etree.fromstring(f.content)
        section = root if root.get("N") == "772.1" else next(d for d in root.iter("DIV8") if d.get("N") == "772.1")
        return [f"<{el.tag}> {_xml_text(el)}" for el in section if isinstance(el.tag, str)]
    if fmt in ("justice-laws-xml", "justice-laws-provisions"):
        lines: list[str] = []
        for f in files:
            root = etree.fromstring(f.content.removeprefix(b"\xef\xbb\xbf"))
            lang = (root.get(_XML_LANG) or f.language).lower()
            number = _xml_text(root.find("Identification")[0]) if root.find("Identification") is not None else ""
            body = root.find("Body")
            for d in body.iter("Definition") if body is not None else ():
                lines.append(f"[{lang} {number[:30]} Body] {_xml_text(d)}")
            for schedule in root.findall("Schedule"):
                if schedule.get("id") == "NifProvs":
                    continue
                for prov in schedule.iter("Provision"):
                    text = prov.find("Text")
                    if text is not None:
                        lines.append(f"[{lang} schedule {_provision_path(prov)}] {_xml_text(text)}")
        return lines
    if fmt == "eu-annex-json":
        data = json.loads(files[0].content)
        text = next(d["verbatim_text"] for d in data["docs"] if d.get("doc_type") == "definitions")
        return [s for s in re.split(r"(?=\(\d{1,2}\) [\u2018'])", text) if s.strip()]
    raise ValueError(fmt)


def _is_head(fmt: str, line: str, needle: str, d: Definition) -> bool:
    norm = _norm(line)
    if fmt in ("justice-laws-xml", "justice-laws-provisions"):
        if not line.startswith(f"[{d.language} "):
            return False
        text = norm.split("] ", 1)[1] if "] " in norm else ""
        if d.scope:  # a term defined by reference, in the provision its scope names
            return f"schedule {_norm(d.scope.split()[-1])}]" in norm and needle in text
        return text.startswith(needle)
    if fmt in ("eurlex-pdf", "wassenaar", "dsgl-docx", "eu-annex-json"):
        return f'"{needle}' in norm
    if fmt == "ecfr-ear":
        return norm.replace('"', "").startswith(f"<p> {needle}")
    return needle in norm


def locate(fmt: str, definitions: tuple[Definition, ...], lines: list[str]) -> list[int]:
    """Where each definition's head is printed, searching forward in document order."""
    heads: list[int] = []
    cursor = 0
    language = ""
    for d in definitions:
        if d.language != language:  # each language's file is searched from its own start
            language, cursor = d.language, 0
        base = _norm(d.term.split(" (")[0])
        needle = base[:25]
        short = " ".join(needle.split()[:2])  # `"Spread spectrum" radar`: the term's first words
        # the whole term in its quotes first (`"broker"`, not the `"broker` of `"brokering services"`)
        found = next((i for n in (f'{base}"', needle, short) for i in range(cursor, len(lines))
                      if _is_head(fmt, lines[i], n, d)), None)
        if found is None:
            found = next((i for i in range(len(lines)) if _is_head(fmt, lines[i], needle, d)), -1)
        else:
            cursor = found
        heads.append(found)
    return heads


def context(v: Version, index: int) -> tuple[int, list[str]]:
    head = v.heads[index]
    if head < 0:
        return -1, ["(term not found in the source text)"]
    after = [h for h in v.heads[index + 1:] if h > head]
    end = min(after[0] + 2 if after else head + 8, head + 80, len(v.lines))
    start = max(0, head - 2)
    return start, v.lines[start:end]


def show_definition(n: int, stratum: Stratum, v: Version, index: int) -> None:
    d = v.definitions[index]
    print(f"\n## {n}. [{stratum.label}] {v.source_id} {v.date} definition #{index + 1} of {len(v.definitions)}")
    print(f"term: {d.term!r}   key: {d.term_key!r}   id_key: {d.id_key!r}   language: {d.language}")
    print(f"scope: {d.scope!r}")
    print(f"text: {d.text}")
    for note in d.notes:
        print(f"note [{note.label}]: {note.text}")
    start, lines = context(v, index)
    print(f"--- source (lines {start + 1}-{start + len(lines)} of the definitions part) ---")
    for i, line in enumerate(lines):
        print(f"{start + i + 1:5d} | {line}")


def show_recall(rng: random.Random, v: Version, language: str | None) -> None:
    indices = [i for i, line in enumerate(v.lines)
               if language is None or line.startswith((f"[{language} ", f"[{language}\t"))]
    size = STRETCH[v.source_id]
    for _ in range(3):
        first = rng.randrange(0, max(1, len(indices) - size))
        span = indices[first:first + size]
        lo, hi = span[0], span[-1]
        found = [d.term for d, h in zip(v.definitions, v.heads, strict=True)
                 if lo <= h <= hi and (language is None or d.language == language)]
        print(f"\n### recall: {v.source_id}{' ' + language if language else ''} lines {lo + 1}-{hi + 1}")
        for i in span:
            print(f"{i + 1:5d} | {v.lines[i]}")
        print(f"extracted heads in this stretch ({len(found)}): {found}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=777)
    parser.add_argument("--no-recall", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env()
    rng = random.Random(args.seed)
    versions: dict[str, Version] = {}
    picked: list[tuple[Stratum, Version, int]] = []
    for stratum in STRATA:
        if stratum.source_id not in versions:
            versions[stratum.source_id] = load_version(settings, stratum.source_id, stratum.date)
        v = versions[stratum.source_id]
        pool = [i for i, d in enumerate(v.definitions) if d.language == stratum.language]
        picked += [(stratum, v, i) for i in sorted(rng.sample(pool, stratum.k))]
    print(f"# Definitions sample, seed {args.seed}, corpus {settings.corpus}")
    for sid, v in versions.items():
        missing = sum(1 for h in v.heads if h < 0)
        print(f"- {sid} {v.date} ({v.fmt}): {len(v.definitions)} definitions, {len(v.lines)} source lines, "
              f"{missing} heads not located")
    for n, (stratum, v, i) in enumerate(picked, start=1):
        show_definition(n, stratum, v, i)
    if not args.no_recall:
        print("\n# Recall stretches (3 per source; count the definitions a reader sees)")
        for sid, v in versions.items():
            for language in (("en", "fr") if sid.startswith("ca-") else (None,)):
                show_recall(rng, v, language)


if __name__ == "__main__":
    main()
