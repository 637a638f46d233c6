"""The spaCy pipeline: a blank tokenizer per language plus four rule components.

No trained model: what is extracted is regular (codes, numbers with units, comparator phrases,
quoted terms), and the trained pipelines available for spaCy 3.8 (`spacy download` cannot run
here; the one English pipeline on PyPI has a poor NER on regulations) know none of it. Each
component finds its matches on the entry text (an entry is already one unit: sentence splitting
would break enumerated items "a.", "1.") and stores them twice: as spaCy span groups
(`doc.spans["ew_parameters"]`, ...) for other components, and as the extraction dataclasses in
`doc.user_data["ew"]` (a `Found`) with their exact character offsets.

Components are registered with `@Language.factory`, so another stage (e.g. definitions) can add
its own component to the same pipeline: `nlp_for("en").add_pipe("my_component")`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.extract.codes import CodeMention, find_codes
from nlp.extract.model import Parameter, Reference
from nlp.extract.parameters import find_parameters
from nlp.extract.references import find_references
from nlp.extract.terms import TermMention, find_terms


@dataclass
class Found:
    """What the components found in one doc, kept in `doc.user_data["ew"]` (where `doc._` custom
    attributes live too; `doc._` builds an accessor object per access, which costs more than a
    rule component's own work)."""

    text: str
    decimal_comma: bool | None = None
    codes: list[CodeMention] | None = None
    parameters: list[Parameter] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    terms: list[TermMention] = field(default_factory=list)


COMPONENTS = ("ew_codes", "ew_parameters", "ew_references", "ew_terms")
# Languages with a blank spaCy tokenizer used as is; any other falls back to the multi-language one.
_BLANK = {"en", "fr", "de", "it", "nl", "es", "nb", "sv", "da", "pt", "pl", "ja", "zh", "ko"}


def found(doc: Doc) -> Found:
    """The doc's results holder (created on first use for docs not made by `make_doc`)."""
    holder = doc.user_data.get("ew")
    if holder is None:
        holder = doc.user_data["ew"] = Found(doc.text)
    return cast(Found, holder)


def _spans(doc: Doc, key: str, offsets: Iterable[tuple[int, int]], label: str) -> None:
    spans: list[Span] = []
    for start, end in offsets:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[key] = spans


class _Codes:
    def __call__(self, doc: Doc) -> Doc:
        f = found(doc)
        f.codes = find_codes(f.text)
        _spans(doc, "ew_codes", ((c.start, c.end) for c in f.codes), "CODE")
        return doc


class _Parameters:
    def __call__(self, doc: Doc) -> Doc:
        f = found(doc)
        f.parameters = find_parameters(f.text, doc.lang_, f.decimal_comma)
        _spans(doc, "ew_parameters", ((p.start, p.end) for p in f.parameters), "PARAMETER")
        return doc


class _References:
    def __call__(self, doc: Doc) -> Doc:
        f = found(doc)
        f.references = find_references(f.text, f.codes if f.codes is not None else find_codes(f.text))
        _spans(doc, "ew_references", ((r.start, r.end) for r in f.references), "REFERENCE")
        return doc


class _Terms:
    def __call__(self, doc: Doc) -> Doc:
        f = found(doc)
        f.terms = find_terms(f.text)
        _spans(doc, "ew_terms", ((t.start, t.end) for t in f.terms), "TERM")
        return doc


@Language.factory("ew_codes")
def make_codes(nlp: Language, name: str) -> _Codes:
    return _Codes()


@Language.factory("ew_parameters")
def make_parameters(nlp: Language, name: str) -> _Parameters:
    return _Parameters()


@Language.factory("ew_references")
def make_references(nlp: Language, name: str) -> _References:
    return _References()


@Language.factory("ew_terms")
def make_terms(nlp: Language, name: str) -> _Terms:
    return _Terms()


@lru_cache(maxsize=16)
def nlp_for(language: str) -> Language:
    """The pipeline for a language ("en", "fr", "de", ...), built once per process."""
    lang = language.split("-")[0].lower()
    nlp = spacy.blank(lang if lang in _BLANK else "xx")
    for component in COMPONENTS:
        nlp.add_pipe(component)
    return nlp


def make_doc(text: str, language: str, decimal_comma: bool | None = None) -> Doc:
    doc = nlp_for(language).make_doc(text)
    doc.user_data["ew"] = Found(text, decimal_comma)
    return doc


def run(texts: Sequence[str], language: str, decimal_comma: bool | None = None,
        batch_size: int = 256, disable: Sequence[str] = ()) -> list[Doc]:
    """Run the pipeline over many texts of one language (faster than one call per text)."""
    nlp = nlp_for(language)
    docs = [make_doc(t, language, decimal_comma) for t in texts]
    kwargs: dict[str, Any] = {"batch_size": batch_size}
    if disable:
        kwargs["disable"] = list(disable)
    return list(nlp.pipe(docs, **kwargs))
