"""The bundled models load offline from their packages and behave as sentence encoders.

The multilingual USE model loads in well under a second (numpy); MiniLM needs torch and takes
seconds, so its test is marked slow. One instance per model per session (nlp.embed.registry)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from nlp.embed.registry import get_embedder, model_for


def test_model_choice_by_language() -> None:
    assert model_for({"en"}) == "use-multilingual-v3"
    assert model_for({"en"}, english="minilm-l6-v2") == "minilm-l6-v2"
    assert model_for({"en", "fr"}, english="minilm-l6-v2") == "use-multilingual-v3"
    assert model_for({"de"}) == "use-multilingual-v3"


def _check(model: str, texts: list[str]) -> np.ndarray:
    emb = get_embedder(model, threads=1)
    vecs = emb.embed(texts)
    assert vecs.shape == (len(texts), emb.dim) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    return vecs


def test_use_pairs_translations() -> None:
    v = _check("use-multilingual-v3", ["Nuclear reactors and specially designed components",
                                       "Kernreaktoren und besonders konstruierte Bestandteile",
                                       "Réacteurs nucléaires et composants spécialement conçus",
                                       "Fromage et produits laitiers"])
    sims = v @ v.T
    assert sims[0, 1] > sims[0, 3] + 0.2 and sims[0, 2] > sims[0, 3] + 0.2


@pytest.mark.slow
def test_minilm_loads_offline_and_ranks_by_meaning() -> None:
    v = _check("minilm-l6-v2", ["frequency synthesizer for radar", "signal generator producing microwave frequencies",
                                "logs of all species of wood"])
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
