"""The extraction functions proper (they load spaCy). Import them from `nlp.extract`, which loads
this module only when one is first called."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from nlp.extract.model import Extraction, Parameter, Reference
from nlp.extract.numbers import detect_decimal_comma
from nlp.extract.pipeline import found, make_doc, nlp_for, run

__all__ = ["Extraction", "Parameter", "Reference", "detect_decimal_comma", "extract", "extract_many",
           "extract_parameters", "to_extraction"]


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def to_extraction(doc: Doc) -> Extraction:
    f = found(doc)
    return Extraction(
        parameters=tuple(f.parameters),
        references=tuple(f.references),
        codes=_unique([c.code for c in f.codes or ()]),
        terms=_unique([t.term for t in f.terms]),
    )


def extract(text: str, language: str = "en", *, decimal_comma: bool | None = None) -> Extraction:
    """Parameters, references, codes and defined terms of one entry text (or one note).

    `language` selects comparator phrases and the tokenizer ("en", "fr", "de"). `decimal_comma`
    says how the source writes numbers (True for the EU list and French text: "2,5 m", "1 000 kg");
    None decides from the text itself, which cannot tell "1,000 mV" apart in a text with no other
    decimal: pass it when the source is known (see `detect_decimal_comma` for a whole version).
    Offsets in the result are character offsets into `text`.
    """
    return to_extraction(nlp_for(language)(make_doc(text, language, decimal_comma)))


def extract_many(texts: Sequence[str], language: str = "en", *,
                 decimal_comma: bool | None = None) -> list[Extraction]:
    """`extract` over many texts of one language and convention, batched through spaCy."""
    return [to_extraction(doc) for doc in run(texts, language, decimal_comma)]


def extract_parameters(text: str, language: str = "en", *, decimal_comma: bool | None = None) -> list[Parameter]:
    """Only the technical parameters of `text` (see `extract`)."""
    doc = make_doc(text, language, decimal_comma)
    doc = nlp_for(language).get_pipe("ew_parameters")(doc)
    return list(found(doc).parameters)
