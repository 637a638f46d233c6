"""Fixtures of the search contract: the same tests run against every search backend.

The Elasticsearch backend runs against a REAL node: scripts/elasticsearch.sh installs the pinned
distribution (cached outside the repo) and starts a node on a free port for this session, then
stops and purges it at the end. If it cannot start, the Elasticsearch tests fail: a contract that
is never checked is not a contract. Set EXPORTWATCH_TEST_ES_URL to use a node you already run
(faster while iterating); the session then neither starts nor stops anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from elasticsearch import Elasticsearch

import indexer.elastic
from indexer.base import IndexDoc, SearchBackend, Vector
from indexer.elastic import ElasticBackend
from indexer.embedded import EmbeddedBackend

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "elasticsearch.sh"
RUN_ID = uuid.uuid4().hex[:8]
BACKENDS = ["embedded", "elasticsearch"]
# The Elasticsearch half is marked slow (its node takes ~10 s to start), so `make test-fast` runs
# the embedded half; `make test` runs both and fails if the node cannot start.
_PARAMS = ["embedded", pytest.param("elasticsearch", marks=pytest.mark.slow)]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents and {"es_url", "es_client", "elastic", "both"} & set(
                getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _script(command: list[str], env: dict[str, str], timeout: float) -> None:
    try:
        proc = subprocess.run([str(SCRIPT), *command], env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"scripts/elasticsearch.sh {' '.join(command)} timed out after {timeout}s: "
                    f"{exc.stdout!r} {exc.stderr!r}")
    if proc.returncode != 0:
        pytest.fail(f"scripts/elasticsearch.sh {' '.join(command)} failed "
                    f"(exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    existing = os.environ.get("EXPORTWATCH_TEST_ES_URL")
    if existing:
        yield existing
        return
    # A free port per session: two sessions at once (two engineers, CI) each get their own node,
    # and neither stops the other's.
    port = _free_port()
    env = {**os.environ, "EXPORTWATCH_ES_PORT": str(port)}
    _script(["install"], env, timeout=900)
    t0 = time.monotonic()
    _script(["start"], env, timeout=300)
    print(f"\nelasticsearch test node on port {port} started in {time.monotonic() - t0:.1f}s")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run([str(SCRIPT), "stop", "--purge"], env=env, capture_output=True,
                       timeout=120, check=False)


@pytest.fixture(scope="session")
def es_client(es_url: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(es_url, request_timeout=30)
    yield client
    # Whatever a test left behind (an index of an aborted test) goes with the session.
    names = list(client.indices.get(index=f"ewtest-{RUN_ID}-*", expand_wildcards="all").body)
    if names:
        client.indices.delete(index=",".join(names), ignore_unavailable=True)
    client.close()


_counter = iter(range(1_000_000))


def make_elastic(es_url: str, **kwargs: Any) -> ElasticBackend:
    """A backend with an index prefix no other test or session uses."""
    return ElasticBackend(es_url, f"ewtest-{RUN_ID}-{next(_counter)}-", **kwargs)


def make_backend(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> SearchBackend:
    if name == "embedded":
        return EmbeddedBackend(tmp_path / f"search-{next(_counter)}.sqlite")
    request.getfixturevalue("es_client")  # sweeps leftovers at session end
    return make_elastic(request.getfixturevalue("es_url"))


def dispose(backend: SearchBackend) -> None:
    if isinstance(backend, ElasticBackend):
        backend.delete_all()
    backend.close()


@pytest.fixture(params=_PARAMS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    b = make_backend(request.param, request, tmp_path)
    yield b
    dispose(b)


@pytest.fixture
def elastic(es_url: str, es_client: Elasticsearch) -> Iterator[ElasticBackend]:
    b = make_elastic(es_url, initial_backoff=0.01, max_backoff=0.05)
    yield b
    dispose(b)


# -- vectors: deterministic stand-ins for sentence embeddings -----------------------------------

VECTOR_DIM = 96
VECTOR_MODEL = "test-bag-of-words"


def bow_vector(text: str, dim: int = VECTOR_DIM) -> Vector:
    """A hashed bag of words, L2-normalised: texts sharing words are near. Both backends get the
    same floats, so semantic results can be compared exactly; the expected ranking is computed
    here with numpy, independently of either backend."""
    v = np.zeros(dim, dtype=np.float32)
    for word in re.findall(r"\w+", text.lower()):
        word = word.removesuffix("s")  # crude plural folding: "amplifiers" near "amplifier"
        h = hashlib.blake2b(word.encode(), digest_size=8).digest()
        v[int.from_bytes(h[:4], "little") % dim] += 1.0 if h[4] & 1 else -1.0
    norm = float(np.linalg.norm(v))
    out: Vector = v / norm if norm else v
    return out


# -- the documents: short texts written for these tests, in the style of the real lists ---------
# Change kinds (what the indexed version did to the entry): EU and US amended, added, moved and
# unchanged entries; Wassenaar a first version; AU one entry of an index without change detection
# and one withdrawn (reserved) by its version.

def doc(entry_id: str, code: str, heading: str, text: str, *, notes: str = "", context: str = "",
        language: str = "en", kind: str = "item", version_id: int = 1, status: str = "active",
        vector: bool = True, change_kind: str = "unchanged") -> IndexDoc:
    jurisdiction = entry_id.split(":", 1)[0]
    source = {"eu": "eu-annex-i", "us": "us-ecfr-ccl", "wa": "wa-dual-use", "ca": "ca-ecl",
              "au": "au-dsgl"}
    return IndexDoc(
        entry_id=entry_id, source_id=source[jurisdiction], jurisdiction=jurisdiction, code=code,
        kind=kind, heading=heading, text=text, notes=notes, context=context, language=language,
        category="ML" if code.startswith("ML") else code[0], status=status,
        version_id=version_id,
        version_date=dt.date(2024, 9, 1) if jurisdiction != "us" else dt.date(2025, 1, 15),
        vector=bow_vector(f"{heading} {text}") if vector else None,
        vector_model=VECTOR_MODEL if vector else "", change_kind=change_kind)


EU = [
    doc("eu:3A001", "3A001", "Electronic items", "Electronic items as follows:", kind="entry"),
    doc("eu:3A001.b", "3A001.b", "Frequency synthesisers",
        "Frequency synthesisers and electronic assemblies having a frequency switching time from "
        "one selected frequency to another of less than 312 ps.",
        context="Electronic items", notes="Note: see also 3A001.b.2 for amplifiers.",
        change_kind="amended"),
    doc("eu:3A001.b.2", "3A001.b.2", "Microwave amplifiers",
        "Microwave solid state amplifiers rated for operation at frequencies above 2.7 GHz, "
        "including those designed for military radar.",
        context="Electronic items; Frequency synthesisers", change_kind="added"),
    doc("eu:1C010", "1C010", "Fibrous or filamentary materials",
        "Carbon fibre and aramid fibre materials having a specific modulus exceeding 10.15 Mm.",
        kind="entry", notes="Note: 1C010 does not control fabrics for civil aircraft repair."),
]
US = [
    doc("us:3A001.b", "3A001.b", "Frequency synthesizer",
        "Frequency synthesizer electronic assemblies having a frequency switching time of less "
        "than 312 ps.", context="Electronic items", change_kind="moved"),
    doc("us:3A001.b.2", "3A001.b.2", "Microwave power amplifiers",
        "Microwave power amplifiers for military and space applications.",
        context="Electronic items", change_kind="amended"),
    doc("us:1C010", "1C010", "Fibrous or filamentary materials",
        "Carbon fiber materials of high specific tensile strength.", kind="entry"),
]
WA = [
    doc("wa:3.A.1.b", "3.A.1.b", "Frequency synthesizers",
        "Frequency synthesizers with a settling time of less than 1 ms to within 1 Hz.",
        context="Electronic items", change_kind="initial"),
    doc("wa:1.C.10", "1.C.10", "Fibrous or filamentary materials",
        "Fibrous materials, such as carbon fibre, for composite structures.", kind="entry",
        change_kind="initial"),
]
CA = [
    doc("ca:1-3.A.1.b@fr", "1-3.A.1.b", "Synthétiseurs de fréquences",
        "Synthétiseurs de fréquences ayant un temps de commutation inférieur à 312 ps.",
        language="fr"),
]
AU = [
    doc("au:ML1.a", "ML1.a", "Rifles and combination guns",
        "Rifles and combination guns, handguns, machine, sub-machine and volley guns.",
        context="Smooth-bore weapons with a calibre of less than 20 mm", change_kind="unknown"),
    doc("au:ML10.a", "ML10.a", "Reserved", "Reserved for future use.", status="reserved",
        vector=False, change_kind="removed"),
]
ALL_DOCS = [*EU, *US, *WA, *CA, *AU]


def load(backend: SearchBackend, docs: list[IndexDoc] = ALL_DOCS) -> None:
    by_source: dict[str, list[IndexDoc]] = {}
    for d in docs:
        by_source.setdefault(d.source_id, []).append(d)
    for source_id, items in by_source.items():
        assert backend.replace_source(source_id, items) == len(items)


@pytest.fixture(scope="module", params=_PARAMS)
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[SearchBackend]:
    """Every document, indexed once per module and shared by the tests that only read (an index
    per test would double the suite's time). Tests that write use `backend`."""
    b = make_backend(request.param, request, tmp_path_factory.mktemp("search"))
    load(b)
    yield b
    dispose(b)


@pytest.fixture(scope="module")
def both(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[list[SearchBackend]]:
    """Every document in each backend, side by side: for tests that compare their answers."""
    backends = [make_backend(name, request, tmp_path_factory.mktemp("both")) for name in BACKENDS]
    for b in backends:
        load(b)
    yield backends
    for b in backends:
        dispose(b)


def refuse_in_strict_mapping(monkeypatch: pytest.MonkeyPatch, entry_id: str) -> None:
    """Make the node refuse one document: its source gets a field the strict mapping forbids, so
    its bulk item fails while the others succeed."""
    real = indexer.elastic.to_source

    def violating(d: IndexDoc, batch: str) -> dict[str, Any]:
        source = real(d, batch)
        if d.entry_id == entry_id:
            source["unexpected_field"] = "refused by the strict mapping"
        return source

    monkeypatch.setattr(indexer.elastic, "to_source", violating)
