"""What a definitions extractor yields: the defined terms of one version of one source.

Small frozen dataclasses, like `nlp/model.py`, so that the store, the processor and the CLI can
share them without depending on any extractor.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DefinitionNote:
    """A note printed with a definition: `N.B.`, `Note 1:`, `Technical Notes`, …"""

    label: str  # as printed, without the trailing colon ("Note 1", "Technical Notes", "N.B.")
    text: str


@dataclass(frozen=True)
class Definition:
    """One defined term as one list defines it.

    `term` is the term as printed, without its quotation marks (qualifiers kept:
    `Bias (accelerometer)`); `term_key` its casefolded, punctuation-normalised form
    (`nlp.definitions.keys.term_key`). `scope` is the list's category reference as printed
    (`Cat 2, 3, 6, 7, 8`, `(1 6 7 9 ML8 ML10 ML14)`, `(Cat 5P2)`), "" when it prints none.
    `id_key` is the key the definition id is built from: the term_key, except for a secondary
    language definition paired with a primary-language one (Canada's French `Accord de
    Wassenaar` carries the key of `Wassenaar Arrangement`).
    """

    term: str
    term_key: str
    language: str
    scope: str
    text: str
    notes: tuple[DefinitionNote, ...] = ()
    position: int = 0
    id_key: str = ""

    def __post_init__(self) -> None:
        if not self.term_key or self.term_key != self.term_key.strip():
            raise ValueError(f"bad term key {self.term_key!r} for {self.term!r}")
        if not self.text.strip():
            raise ValueError(f"definition of {self.term!r} has no text")

    @property
    def key_for_id(self) -> str:
        return self.id_key or self.term_key


@dataclass(frozen=True)
class Extracted:
    """An extractor's result: the definitions in document order, what it could not place, and
    which fetched files they came from (URLs, for citations)."""

    definitions: tuple[Definition, ...]
    warnings: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)
