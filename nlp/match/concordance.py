"""Concordance between two lists: for each left entry its ranked equivalents on the right, with
the evidence behind each (code alignment, meaning, parameter comparison), divergences (equivalent
entries whose parameters differ) and unilateral entries (no counterpart).

Pure: takes nodes, an embedding function and a parameter extractor; the CLI wires in the store.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from nlp.extract.model import Parameter
from nlp.match.codes import canonical_code
from nlp.match.documents import Node, subtree_documents
from nlp.match.matcher import EmbedFn, match_texts
from nlp.match.parameters import ParameterDiff, compare_parameters, diverges
from nlp.match.text import mask_codes

ExtractFn = Callable[[str, str], list[Parameter]]
Status = Literal["equivalent", "divergent", "code-only", "related"]

# A meaning score (0-1) at or above which two entries without aligned codes are held equivalent:
# for two ordered lists (scores compete one-to-one) and for unordered ones (a logistic of the
# standardised similarity: 0.85 is about 4.7 standard deviations above the candidates' mean).
EQUIVALENT_MEANING = 0.5
EQUIVALENT_MEANING_ALONE = 0.85
# Below this meaning score, an aligned code is reported as "code-only": same number, other text.
CODE_ONLY_MEANING = 0.02
CODE_WEIGHT = 0.6
# A candidate that is neither code-aligned nor at least this likely is not shown: in ordered
# lists, one-to-one competition leaves every entry but the counterpart near 0, and the order
# among those near-zero scores says nothing ("related" to an entry of another category).
MIN_RELATED = 0.01
PARAMETER_TEXT_LIMIT = 100_000


@dataclass(frozen=True)
class Candidate:
    right_id: str
    score: float  # 0-1, ranks the candidates
    status: Status
    code_aligned: bool
    meaning: float  # 0-1, from nlp.match.matcher
    embedding: float | None  # cosine, for the record
    parameters: tuple[ParameterDiff, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {"entry_id": self.right_id, "score": round(self.score, 4), "status": self.status,
                "evidence": {"code_aligned": self.code_aligned, "meaning": round(self.meaning, 4),
                             "embedding_cosine": None if self.embedding is None else round(self.embedding, 4),
                             "parameters": [d.as_json() for d in self.parameters]}}


@dataclass(frozen=True)
class Row:
    left_id: str
    candidates: tuple[Candidate, ...]

    @property
    def unilateral(self) -> bool:
        return not any(c.status in ("equivalent", "divergent") for c in self.candidates)

    @property
    def divergent(self) -> bool:
        return any(c.status == "divergent" for c in self.candidates)


@dataclass
class Concordance:
    rows: list[Row]
    unmatched_right: list[str]  # right entries that are nobody's equivalent
    ordered: bool  # the lists were aligned as two ordered lists
    notes: list[str] = field(default_factory=list)


def build_concordance(left: Sequence[Node], right: Sequence[Node], *, left_jurisdiction: str,
                      right_jurisdiction: str, embed: EmbedFn | None, extract: ExtractFn | None,
                      kinds: Collection[str] = ("entry",), top_k: int = 3,
                      only: Collection[str] | None = None) -> Concordance:
    """Concordance of `left` against `right` at the given node kinds.

    `only` limits the rows returned (and the parameter extraction) to these left ids; the
    matching itself always sees both whole lists, so order and competition still apply."""
    ldocs = {k: mask_codes(v) for k, v in subtree_documents(left, kinds=kinds).items()}
    rdocs = {k: mask_codes(v) for k, v in subtree_documents(right, kinds=kinds).items()}
    # Parameters come from the whole entry (all sub-items, codes and all), not from the capped
    # document used for meaning: two identical entries cut at different points would "differ".
    lfull = subtree_documents(left, kinds=kinds, limit=PARAMETER_TEXT_LIMIT)
    rfull = subtree_documents(right, kinds=kinds, limit=PARAMETER_TEXT_LIMIT)
    # a reserved or withdrawn entry ("CAMERAS - None", "Not used since 2014") controls nothing: it
    # has no equivalent and is nobody's (it would otherwise fill a gap of the list alignment)
    lnodes = [n for n in left if n.id in ldocs and n.status == "active"]
    rnodes = [n for n in right if n.id in rdocs and n.status == "active"]
    if not lnodes or not rnodes:
        return Concordance([], [n.id for n in rnodes], False, ["nothing to compare"])
    languages = {n.language for n in lnodes} | {n.language for n in rnodes}
    result = match_texts([ldocs[n.id] for n in lnodes], [rdocs[n.id] for n in rnodes],
                         languages=languages, embed=embed)
    scores = result.scores
    emb = result.signals.embedding
    same_jurisdiction = left_jurisdiction == right_jurisdiction
    rkey: dict[str, int] = {}
    for j, n in enumerate(rnodes):
        key = n.code if same_jurisdiction else canonical_code(right_jurisdiction, n.code)
        if key is not None:
            rkey.setdefault(key, j)

    rows: list[Row] = []
    matched_right: set[int] = set()
    for i, node in enumerate(lnodes):
        key = node.code if same_jurisdiction else canonical_code(left_jurisdiction, node.code)
        aligned = rkey.get(key) if key is not None else None
        row = scores[i]
        order = [int(j) for j in np.argsort(-result.ranking[i], kind="stable")[:top_k]]
        if aligned is not None and aligned not in order:
            order.insert(0, aligned)
        cands = []
        for j in order:
            meaning = float(row[j])
            is_aligned = bool(aligned is not None and int(j) == aligned)
            score = meaning + (1 - meaning) * CODE_WEIGHT if is_aligned else meaning
            if is_aligned:
                status: Status = "equivalent" if meaning >= CODE_ONLY_MEANING else "code-only"
            else:
                threshold = EQUIVALENT_MEANING if result.ordered else EQUIVALENT_MEANING_ALONE
                status = "equivalent" if meaning >= threshold and aligned is None else "related"
            cands.append((score, int(j), status, is_aligned, meaning))
        cands.sort(key=lambda c: -c[0])
        cands = [c for k, c in enumerate(cands) if k == 0 or c[3] or c[4] >= MIN_RELATED]
        if any(c[2] == "equivalent" for c in cands):
            matched_right.update(c[1] for c in cands if c[2] == "equivalent")
        if only is not None and node.id not in only:
            continue
        out = []
        for score, j, status, is_aligned, meaning in cands:
            diffs: tuple[ParameterDiff, ...] = ()
            if status == "equivalent" and extract is not None:
                # parameters from the full texts (codes and all): extraction needs no masking
                diffs = tuple(compare_parameters(extract(lfull[node.id], node.language),
                                                 extract(rfull[rnodes[j].id], rnodes[j].language)))
                if diverges(diffs):
                    status = "divergent"
            out.append(Candidate(rnodes[j].id, score, status, is_aligned, meaning,
                                 None if emb is None else float(emb[i, j]), diffs))
        rows.append(Row(node.id, tuple(out)))
    unmatched = [n.id for j, n in enumerate(rnodes) if j not in matched_right]
    return Concordance(rows, unmatched, result.ordered)
