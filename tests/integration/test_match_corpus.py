"""Matching on real documents (small): the Canadian Export Control List in English and French,
parsed by the project's parser, codes masked, matched by meaning only; then the concordance on
the same lists with codes, and the embedding processor's cache on a stored version."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.embeddings import CachedEmbed, embed_cached
from indexer.store import Store, entry_id_for
from nlp.embed.registry import get_embedder
from nlp.match.concordance import MIN_RELATED, build_concordance
from nlp.match.documents import Node, matching_documents
from nlp.match.matcher import match_texts
from nlp.model import ParsedDocument
from nlp.parse import Bundle, FetchedFile
from nlp.parse.justice_laws_xml import parse

pytestmark = pytest.mark.corpus

VERSIONS = "raw/canada-export-control-list-sor-89-202-justicecanada/versions"
EN_URL = "https://laws-lois.justice.gc.ca/eng/XML/SOR-89-202.xml"
FR_URL = "https://laws-lois.justice.gc.ca/fra/XML/DORS-89-202.xml"


@pytest.fixture(scope="module")
def ecl(corpus_dir: Path) -> ParsedDocument:
    d = corpus_dir / VERSIONS
    en = (d / "SOR-89-202_current-2025-07-24_commit-c9cac9129b.xml").read_bytes()
    fr = (d / "DORS-89-202_current-2025-07-24_commit-c9cac9129b.xml").read_bytes()
    files = (FetchedFile(EN_URL, en, language="en"), FetchedFile(FR_URL, fr, language="fr"))
    return parse(Bundle("ca-ecl", "ca", files))


def _nodes(doc: ParsedDocument, language: str) -> list[Node]:
    out = []
    for e in doc.entries:
        if e.language == language:
            pid = entry_id_for("ca", e.parent, language, "en") if e.parent else None
            eid = entry_id_for("ca", e.code, language, "en")
            out.append(Node(eid, e.code, pid, e.kind, e.text, language, e.position))
    return out


def test_english_and_french_items_pair_by_meaning_alone(ecl: ParsedDocument, tmp_path: Path) -> None:
    en, fr = _nodes(ecl, "en"), _nodes(ecl, "fr")
    items = ("entry", "item")
    four_digit = {n.code[:4] for n in en if n.code[:4].isdigit()}
    from nlp.match.text import mask_codes

    edocs = {k: mask_codes(v, four_digit) for k, v in matching_documents(en, items).items() if v}
    fdocs = {k: mask_codes(v, four_digit) for k, v in matching_documents(fr, items).items() if v}
    left = [k for k in edocs if f"{k}@fr" in fdocs]
    right = list(fdocs)
    assert len(left) > 200  # FORMATS.md: same label paths except 5504's nesting
    with Store(tmp_path / "s.sqlite") as store:
        embed = CachedEmbed(store, get_embedder("use-multilingual-v3", threads=1))
        res = match_texts([edocs[k] for k in left], [fdocs[k] for k in right], languages={"en", "fr"}, embed=embed)
    assert res.ordered  # detected from the data: both follow the schedule's order
    best = res.scores.argmax(axis=1)
    hits = sum(right[j] == f"{k}@fr" for k, j in zip(left, best, strict=True))
    assert hits / len(left) >= 0.95


def test_concordance_pairs_translations_by_code_and_flags_5504_nesting(ecl: ParsedDocument, tmp_path: Path) -> None:
    en, fr = _nodes(ecl, "en"), _nodes(ecl, "fr")
    with Store(tmp_path / "s.sqlite") as store:
        embed = CachedEmbed(store, get_embedder("use-multilingual-v3", threads=1))
        conc = build_concordance(fr, en, left_jurisdiction="ca", right_jurisdiction="ca", embed=embed,
                                 extract=None, kinds=("entry", "item"), top_k=2)
    rows = {r.left_id: r for r in conc.rows}
    assert rows["ca:5101@fr"].candidates[0].right_id == "ca:5101"
    assert rows["ca:5101@fr"].candidates[0].code_aligned
    # French nests 5504's (d) directly under the item, English under (2): no code to align,
    # meaning finds it
    top = rows["ca:5504(d)@fr"].candidates[0]
    assert top.right_id == "ca:5504(2)(d)" and not top.code_aligned and top.status == "equivalent"
    # ordered lists compete one-to-one: besides the counterpart, only candidates that keep some
    # likelihood are listed, not whichever entries happen to be least unlikely
    for row in conc.rows:
        assert all(c.code_aligned or c.meaning >= MIN_RELATED for c in row.candidates[1:])
    assert any(len(r.candidates) == 1 for r in conc.rows)


def test_cache_makes_a_second_version_free(ecl: ParsedDocument, tmp_path: Path) -> None:
    docs = [d for d in matching_documents(_nodes(ecl, "en")).values() if d]
    with Store(tmp_path / "s.sqlite") as store:
        emb = get_embedder("use-multilingual-v3", threads=1)
        first, s1 = embed_cached(store, emb, docs)
        second, s2 = embed_cached(store, emb, docs)
    assert s1.embedded == len(set(docs)) and s2.embedded == 0
    assert np.array_equal(first, second)
