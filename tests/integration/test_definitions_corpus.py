"""Definitions extractors on the real documents (corpus, read-only): counts per source and
version checked against FORMATS.md's counting methods, re-implemented here on the raw text.

- EU 2022 PDFs: FORMATS 4a counts ~176 term starts (`^\\s{4,8}"[^"]+"\\s*\\(`); two heads escape that
  pattern (a term wrapped over two lines, `"Circulation-controlled … control` / `systems" (7)`, and
  `"Spread spectrum" radar (6) - see …`), so 178. The two consolidations do not differ in Annex I.
- annex.json (2025): 174 `"Term" (` lines + the `radar - see` line = 175; Article 2 has points (1)-(22).
- Wassenaar .doc: FORMATS 5a counts lines ending `\\t"Term"` (≈145 in 2021); terms with a qualifier
  (`"Bias" (gyro)`, `"Circular Error Probable" ("CEP")`) are counted by a second pattern here.
- Wassenaar 2025 PDF: the parser's own definitions count (146) misses three terms separated from
  their reference by a single space (`Cat 1, ML7 "Biological agents"`): 149.
- DSGL: 192 `Definition` paragraphs, one of which is the body of a Technical Note (FORMATS 6): 191.
- § 772.1: 324 `P` opening with `<I>` + 10 opening with a curly-quoted term = 334 (FORMATS 2).
- Canada: two `<Body>` definitions per language (FORMATS 1), both rewritten on 2021-07-26; item
  5506's notes define 9 terms per language from 2024-07-23, 16 from 2025-05-05 (`<DefinedTermEn>`/
  `<DefinedTermFr>` in a note's `<Text>`; one French note keeps the English term). E-19: definitions
  sections 4.2, 5.4 and 6.3 (and inline 6.1, 23) apply to some sections only.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from nlp.definitions import extract_definitions
from nlp.definitions.compare import compare
from nlp.definitions.eu_annex_json import annex_i_definitions
from nlp.definitions.model import Definition, Extracted
from nlp.parse import FetchedFile
from nlp.parse.dsgl_docx.container import read_blocks
from nlp.parse.tools import doc_to_text, pdf_to_layout_text

pytestmark = pytest.mark.corpus

EU_DIR = "raw/km-stat-export-control-code-lists/eu dual use lists"
EU_PDFS = ("2022-01-07 CELEX_02021R0821-20220107_EN_TXT.pdf", "2022-05-05 CELEX_02021R0821-20220505_EN_TXT.pdf")
ANNEX_JSON = "raw/eu-2021-821-annex-i-rikiosso/annex.json"
WA_DIR = "raw/km-stat-export-control-code-lists/wassenaar-lists"
WA_2025 = "raw/wassenaar-2025-india-scomet-2024-ecfr-jaepaly/wassenaar_2025.pdf"
DSGL = "raw/australia-dsgl-2024-defence-parser/F2024L01024.docx"
EAR_772 = "raw/us-ear-ecfr-xml-2026-09-01-caddy/title-15-section-772.1.xml"
CANADA = "raw/canada-export-control-list-sor-89-202-justicecanada/versions"
# Terms per Wassenaar edition (folder), measured by this extractor and checked below against the
# two line patterns; the editions 2017-2021 dropped about thirty terms of 2015-2016.
WA_COUNTS = {"2015 15 1": 184, "2016 1 Corr 1": 185, "2017 17 1": 154, "2018-12-06 18 1": 156,
             "2019 19 1": 159, "2021-12-22 21 1": 159}


def _file(corpus: Path, rel: str, url: str = "", language: str = "en") -> FetchedFile:
    return FetchedFile(url=url or f"https://corpus.test/{rel}", content=(corpus / rel).read_bytes(), language=language)


def _keys(result: Extracted) -> dict[str, Definition]:
    return {d.term_key: d for d in result.definitions}


@cache
def _eu(corpus: str, name: str) -> Extracted:
    return extract_definitions("eurlex-pdf", (_file(Path(corpus), f"{EU_DIR}/{name}"),), "eu-annex-i")


@cache
def _wa_doc(corpus: str, folder: str) -> Extracted:
    paths = sorted((Path(corpus) / WA_DIR / folder).glob("*.doc"))
    files = tuple(_file(Path(corpus), str(p.relative_to(corpus))) for p in paths)
    return extract_definitions("wassenaar", files, "wa-dual-use")


def test_eu_pdf_definitions_match_the_formats_count(corpus_dir: Path) -> None:
    text = pdf_to_layout_text((corpus_dir / EU_DIR / EU_PDFS[0]).read_bytes())
    region = text.split("DEFINITIONS OF TERMS USED IN THIS ANNEX", 1)[1].split("PART II", 1)[0]
    starts = [m.group(1) for m in re.finditer(r'(?m)^ {4,8}"([^"\n]+)"[ \t]*\(', region)]
    assert len(starts) == 176
    result = _eu(str(corpus_dir), EU_PDFS[0])
    keys = _keys(result)
    assert len(keys) == 178 and result.warnings == ()
    assert all(any(k == s.casefold() or k.startswith(s.casefold() + " (") for k in keys) for s in starts)
    assert {"spread spectrum radar",
            "circulation-controlled anti-torque or circulation controlled direction control systems"} <= set(keys)
    tech = keys["technology"]
    assert tech.scope == "(GTN NTN All)" and [n.label for n in tech.notes] == ["N.B.1.", "N.B.2."]
    assert keys["bias (accelerometer)"].scope == keys["bias (gyro)"].scope == "(7)"


def test_eu_pdf_consolidations_define_the_same(corpus_dir: Path) -> None:
    first, second = (_eu(str(corpus_dir), name).definitions for name in EU_PDFS)
    assert first == second


def test_annex_json_article_2_and_cross_check_of_annex_i(corpus_dir: Path) -> None:
    result = extract_definitions("eu-annex-json", (_file(corpus_dir, ANNEX_JSON),), "eu-reg")
    assert [d.scope for d in result.definitions] == [f"Article 2({n})" for n in range(1, 23)]
    keys = _keys(result)
    assert {"dual-use items", "export", "exporter", "technical assistance", "cyber-surveillance items",
            "internal compliance programme or icp", "essentially identical transaction"} <= set(keys)
    assert [n.label for n in keys["exporter"].notes] == ["Footnote"]
    assert "2015/2446Commission" not in keys["exporter"].text
    # Annex I as annex.json has it (2025) against the 2022 PDF: the same terms bar the 2023-2025
    # amendments, the same wording for nearly all of them.
    annex = _keys(annex_i_definitions(json.loads((corpus_dir / ANNEX_JSON).read_bytes())))
    assert len(annex) == 175
    pdf = _keys(_eu(str(corpus_dir), EU_PDFS[0]))
    common = set(annex) & set(pdf)
    assert len(common) == 161
    same = [k for k in common if compare(pdf[k].text, annex[k].text).identical]
    assert len(same) >= 140
    assert compare(pdf["spacecraft"].text, annex["spacecraft"].text).similarity < 0.3  # rewritten by 2025


def _formats_wa_lines(text: str) -> tuple[int, int]:
    """(lines ending `\\t"Term"`, term lines with a qualifier), both after a blank line."""
    plain = qualified = 0
    previous = ""
    for line in text.split("\n"):
        if not previous.strip() and "\t" in line:
            right = line.split("\t", 1)[1].strip("\t ")
            if re.fullmatch(r'"[^"\t]+"\s*', right):
                plain += 1
            elif re.fullmatch(r'"[^"]+"(?:\s*\([^)]*\))+(?:\s+\w+)?\s*|"[^"]+"\s+\w+\s+-\s+see\s+"[^"]+"\s*', right):
                qualified += 1
        previous = line
    return plain, qualified


@pytest.mark.parametrize("folder", sorted(WA_COUNTS))
def test_wassenaar_doc_editions(corpus_dir: Path, folder: str) -> None:
    (def_file,) = (corpus_dir / WA_DIR / folder).glob("*DEF.doc")
    plain, qualified = _formats_wa_lines(doc_to_text(def_file.read_bytes()))
    result = _wa_doc(str(corpus_dir), folder)
    assert len(result.definitions) == WA_COUNTS[folder] == plain + qualified
    assert result.warnings == ()
    assert result.documents == (f"https://corpus.test/{def_file.relative_to(corpus_dir)}",)


def test_wassenaar_2021_terms(corpus_dir: Path) -> None:
    keys = _keys(_wa_doc(str(corpus_dir), "2021-12-22 21 1"))
    assert {k for k in keys if "(" in keys[k].term} >= {
        "bias (accelerometer)", "bias (gyro)", "camming (axial displacement)", "circular error probable (cep)",
        "data-based referenced navigation (dbrn) systems", "library (parametric technical database)",
        "operations, administration or maintenance (oam)", "run-out (out-of-true running)",
        "scale factor (gyro or accelerometer)", "super high power laser (shpl)", "unmanned aerial vehicle (uav)"}
    assert keys["accuracy"].scope == "Cat 2, 3, 6, 7, 8"
    assert keys["aircraft"].scope == "Cat 1, 6, 7, 9, ML8, 10, 14"
    assert keys["intrusion software"].scope == "Cat 4, 5P2"
    assert [n.label for n in keys["intrusion software"].notes] == ["Notes", "Technical Notes"]


def test_wassenaar_2025_pdf_and_the_changes_since_2021(corpus_dir: Path) -> None:
    text = pdf_to_layout_text((corpus_dir / WA_2025).read_bytes())
    pdf = extract_definitions("wassenaar", (_file(corpus_dir, WA_2025),), "wa-dual-use")
    keys = _keys(pdf)
    assert len(keys) == 149 and pdf.warnings == ()
    assert {"biological agents", "civil aircraft", "laser"} <= set(keys)
    assert keys["laser"].scope == "Cat 1, 2, 3, 5P1, 6, 7, 8, 9, ML9, 13, 17, 19"
    assert "ACRONYMS" not in " ".join(d.text for d in pdf.definitions)
    assert text.count('"Symmetric algorithm"') == 0  # made a local term by 2025 ...
    older = _keys(_wa_doc(str(corpus_dir), "2021-12-22 21 1"))
    assert "symmetric algorithm" in older and "symmetric algorithm" not in keys  # ... so it left the list
    change = compare(older["technology"].notes[0].text, keys["technology"].notes[0].text)
    assert change.only_right == ("algorithms",) and change.only_left == ()


def test_dsgl_division_4(corpus_dir: Path) -> None:
    content = (corpus_dir / DSGL).read_bytes()
    styled = [b.text.strip(" \u00a0") for b in read_blocks(content, "dsgl") if b.style == "Definition"]
    assert len(styled) == 192
    with_term = [t for t in styled if t.startswith("\u201c")]
    result = extract_definitions("dsgl-docx", (FetchedFile(url="https://x/dsgl.docx", content=content),), "au-dsgl")
    assert len(result.definitions) == len(with_term) == 191 and result.warnings == ()
    keys = _keys(result)
    assert keys["aircraft"].scope == "(1 6 7 9 ML8 ML10 ML14)"
    assert keys["stability"].notes[0].text.startswith("For gyroscopes and accelerometers")
    assert keys["tip shroud"].scope == "(9)"


def test_ecfr_772_1(corpus_dir: Path) -> None:
    root = etree.parse(str(corpus_dir / EAR_772)).getroot()
    paragraphs = [p for p in root if p.tag == "P"]
    italic = [p for p in paragraphs if len(p) and p[0].tag == "I" and not (p.text or "").strip()]
    quoted = [p for p in paragraphs if (p.text or "").lstrip().startswith("\u201c")]
    assert (len(italic), len(quoted)) == (324, 10)
    url = "https://www.ecfr.gov/api/versioner/v1/full/2026-09-01/title-15.xml?section=772.1"
    result = extract_definitions("ecfr-ear", (_file(corpus_dir, EAR_772, url),), "us-ear")
    keys = _keys(result)
    assert len(keys) == 334 == len(italic) + len(quoted) and result.warnings == ()
    assert {"bias (accelerometer)", "bias (gyro)", "repeatability", "repeatability (mtcr context only)",
            "range", "range (mtcr context)"} <= set(keys)
    assert sum(len(d.notes) for d in result.definitions) == len(root.findall("NOTE")) == 69
    assert keys["technology"].text.startswith("Technology means: Information necessary for")
    assert keys["accuracy"].scope == "(Cat 2, 3, 6, 7 and 8)"


def _canada(corpus: Path, date: str) -> Extracted:
    files = tuple(FetchedFile(url=p.name, content=p.read_bytes(), language="fr" if p.name.startswith("DORS") else "en")
                  for p in sorted((corpus / CANADA).glob(f"*_current-{date}_*.xml")))
    assert len(files) == 2
    return extract_definitions("justice-laws-xml", files, "ca-ecl")


def test_canada_definitions_and_the_2021_rewrite(corpus_dir: Path) -> None:
    before, after = _canada(corpus_dir, "2021-04-05"), _canada(corpus_dir, "2021-07-26")
    for result in (before, after):
        body = [(d.language, d.key_for_id) for d in result.definitions if not d.scope]
        assert sorted(body) == [("en", "guide"), ("en", "wassenaar arrangement"), ("fr", "guide"),
                                ("fr", "wassenaar arrangement")]
        in_5504 = {d.term for d in result.definitions if d.scope == "item 5504(1)"}
        assert in_5504 == {"development", "production", "software", "spacecraft", "technology", "use"}
    old = {(d.language, d.key_for_id): d.text for d in before.definitions if not d.scope}
    new = {(d.language, d.key_for_id): d.text for d in after.definitions if not d.scope}
    assert all(not compare(old[k], new[k]).identical for k in old)  # both rewritten, in both languages
    assert "December 2018" in old[("en", "guide")] and "as amended from time to time" in new[("en", "guide")]
    assert _canada(corpus_dir, "2025-05-05").definitions == _canada(corpus_dir, "2025-07-24").definitions


CANADA_DIR = "raw/canada-export-control-list-sor-89-202-justicecanada"
# Definitions sections of E-19 limited to some sections (bench/definitions_check.md): English key -> scope
E19_LIMITED = {
    "contribute importantly": ("section 5", "article 5"), "principal cause": ("section 5", "article 5"),
    "serious injury": ("section 5", "article 5"), "surge": ("section 5", "article 5"),
    "threat of serious injury": ("section 5", "article 5"),
    "action": ("section 5.4", "article 5.4"), "market disruption": ("section 5.4", "article 5.4"),
    "significant cause": ("section 5.4", "article 5.4"), "wto member": ("section 5.4", "article 5.4"),
    "bc coast": ("sections 6.3 and 6.4", "articles 6.3 et 6.4"),
    "bc interior": ("sections 6.3 and 6.4", "articles 6.3 et 6.4"),
    "region": ("sections 6.3 and 6.4", "articles 6.3 et 6.4"),
    "originating goods": ("section 6.1", "article 6.1"),  # inline: "In this section, originating goods means"
}
ITEM_5506_NOTES = {"physical qubit", "supporting", "fully controlled", "connected", "working", "c-not error",
                   "process recipe", "coating system", "graphic design system ii (gdsii)",
                   "parametric signal amplifier", "radical", "in-process monitoring", "coaxial configuration",
                   "paraxial configuration", "pellicle", "extreme ultraviolet"}


def _unique_ids(result: Extracted) -> bool:
    ids = [(d.language, d.key_for_id) for d in result.definitions]
    return len(ids) == len(set(ids))


def test_canada_act_section_limited_definitions_carry_their_section(corpus_dir: Path) -> None:
    files = tuple(_file(corpus_dir, f"{CANADA_DIR}/{name}", f"https://laws.test/{name}", language)
                  for name, language in (("eng_acts_E-19.xml", "en"), ("fra_lois_E-19.xml", "fr"),
                                         ("eng_regulations_SOR-2015-200.xml", "en")))
    result = extract_definitions("justice-laws-provisions", files, "ca-eipa")
    assert result.warnings == () and _unique_ids(result)
    by_lang = {lang: {d.key_for_id: d for d in result.definitions if d.language == lang} for lang in ("en", "fr")}
    for key, (scope_en, scope_fr) in E19_LIMITED.items():
        assert (by_lang["en"][key].scope, by_lang["fr"][key].scope) == (scope_en, scope_fr), key
    assert by_lang["en"]["shipping document"].scope == "section 23"  # "…, in this section called a …"
    # everything else is Act-wide (s. 2 "In this Act,") or permit-wide (GEP 41 "… apply in this Permit.")
    limited = {lang: {k for k, d in defs.items() if d.scope} for lang, defs in by_lang.items()}
    assert limited == {"en": {*E19_LIMITED, "shipping document"}, "fr": set(E19_LIMITED)}
    assert by_lang["en"]["minister"].scope == "" and by_lang["fr"]["minister"].term == "ministre"
    # the English and French scopes of every pair name the same provisions
    for key, fr in by_lang["fr"].items():
        en = by_lang["en"][key]
        assert re.findall(r"[\d.]+\d", en.scope) == re.findall(r"[\d.]+\d", fr.scope), key
    assert (len(by_lang["en"]), len(by_lang["fr"])) == (62, 52)  # E-19 51 + 2 inline, GEP 41 3 + 6; E-19 51 + 1


@pytest.mark.parametrize(("date", "notes"), [("2021-07-26", 0), ("2024-07-23", 9), ("2025-07-24", 16)])
def test_canada_item_5506_notes_define_terms_in_both_languages(corpus_dir: Path, date: str, notes: int) -> None:
    result = _canada(corpus_dir, date)
    assert result.warnings == () and _unique_ids(result)
    in_notes = [d for d in result.definitions if re.match(r"(?:item|article) 5506\(2\)", d.scope)]
    en = {d.key_for_id.removesuffix(" (item 5506)"): d for d in in_notes if d.language == "en"}
    fr = {d.key_for_id.removesuffix(" (item 5506)"): d for d in in_notes if d.language == "fr"}
    assert len(en) == len(fr) == notes and set(en) == set(fr)  # every French term paired with its English one
    if date == "2025-07-24":
        assert set(en) == ITEM_5506_NOTES
        qubit, qubit_fr = en["physical qubit"], fr["physical qubit"]
        assert (qubit.term, qubit.scope) == ("physical qubit", "item 5506(2)(c)(ii)")
        assert (qubit_fr.term, qubit_fr.scope) == ("qubit physique", "article 5506(2)(c)(ii)")
        assert qubit.text.startswith("In subparagraph (ii), physical qubit means a two-level quantum system")
        assert fr["pellicle"].term == "pellicule" and fr["c-not error"].term == "erreur C-NOT"
        assert fr["graphic design system ii (gdsii)"].term == "Graphic Design System II (GDSII)"  # left in English
        assert all(en[k].scope.replace("item", "article") == fr[k].scope for k in en)
