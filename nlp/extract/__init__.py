"""Extraction from entry text: technical parameters, cross-references, code mentions and the
defined terms an entry uses. See nlp/extract/model.py for the data passed on.

spaCy takes seconds to import, and almost every command imports something that imports this
package (the data model, for one): the functions below load it on first use only.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.extract.model import Extraction, Parameter, Reference
from nlp.extract.numbers import detect_decimal_comma

# Bumped whenever the rules change what is extracted: stored annotations carry it, so a reprocess
# adds rows from the new rules next to the old ones (indexer/sql/20_annotations.sql).
EXTRACTOR_VERSION = 2  # 2: counts in words, effective grams, gapped reference lists (2026-11-28)

__all__ = ["EXTRACTOR_VERSION", "Extraction", "Parameter", "Reference", "detect_decimal_comma", "extract",
           "extract_many", "extract_parameters"]


def extract(text: str, language: str = "en", *, decimal_comma: bool | None = None) -> Extraction:
    """Parameters, references, codes and defined terms of one entry text (or one note).

    `language` selects comparator phrases and the tokenizer ("en", "fr", "de"). `decimal_comma`
    says how the source writes numbers (True for the EU list and French text: "2,5 m", "1 000 kg");
    None decides from the text itself, which cannot tell "1,000 mV" apart in a text with no other
    decimal: pass it when the source is known (see `detect_decimal_comma` for a whole version).
    Offsets in the result are character offsets into `text`.
    """
    from nlp.extract import api

    return api.extract(text, language, decimal_comma=decimal_comma)


def extract_many(texts: Sequence[str], language: str = "en", *,
                 decimal_comma: bool | None = None) -> list[Extraction]:
    """`extract` over many texts of one language and convention, batched through spaCy."""
    from nlp.extract import api

    return api.extract_many(texts, language, decimal_comma=decimal_comma)


def extract_parameters(text: str, language: str = "en", *, decimal_comma: bool | None = None) -> list[Parameter]:
    """Only the technical parameters of `text` (see `extract`)."""
    from nlp.extract import api

    return api.extract_parameters(text, language, decimal_comma=decimal_comma)
