"""Which model embeds what. One instance per model and process (loading MiniLM takes seconds).

The choice per language was measured (bench/matching/RESULTS.md): for English-only matching,
MiniLM alone ranks slightly better than USE alone, but inside the combined matcher the two score
the same on every list-to-list set and within 0.02 acc@1 on descriptions, while USE embeds about
8x faster on CPU (what makes 2,000 x 2,000 lines fit in two minutes). So USE is the default for
English too (EXPORTWATCH_EMBED_MODEL_EN selects MiniLM). Any pair that involves another language
must use the multilingual model so that both sides live in one vector space.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable

from nlp.embed.base import Embedder, EmbeddingError

DEFAULT_THREADS = 2
_lock = threading.Lock()
_loaded: dict[str, Embedder] = {}


def _minilm(threads: int) -> Embedder:
    from nlp.embed.minilm import MiniLMEmbedder

    return MiniLMEmbedder(threads=threads)


def _use(threads: int) -> Embedder:
    from nlp.embed.use import USEEmbedder

    return USEEmbedder(threads=threads)


MODELS: dict[str, Callable[[int], Embedder]] = {
    "minilm-l6-v2": _minilm,
    "use-multilingual-v3": _use,
}
ENGLISH = "use-multilingual-v3"
MULTILINGUAL = "use-multilingual-v3"


def threads_from_env() -> int:
    raw = os.environ.get("EXPORTWATCH_EMBED_THREADS", "")
    try:
        return max(1, int(raw)) if raw else DEFAULT_THREADS
    except ValueError:
        raise EmbeddingError(f"EXPORTWATCH_EMBED_THREADS={raw!r}: expected a whole number") from None


def get_embedder(name: str, threads: int | None = None) -> Embedder:
    if name not in MODELS:
        raise EmbeddingError(f"unknown embedding model {name!r}; known: {', '.join(sorted(MODELS))}")
    with _lock:
        if name not in _loaded:
            _loaded[name] = MODELS[name](threads or threads_from_env())
        return _loaded[name]


def model_for(languages: Iterable[str], english: str = ENGLISH) -> str:
    """The model for texts in these languages (all sides of one comparison together)."""
    langs = {lang.split("-")[0].lower() for lang in languages} or {"en"}
    return english if langs == {"en"} else MULTILINGUAL
