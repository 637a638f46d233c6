"""Settings, read from environment variables (documented in docs/configuration.md).

Every setting has a default that makes `exportwatch demo` work from a fresh checkout.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alerts.config import ALERT_SETTINGS
from exportwatch.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent

# name -> (default, help). The docs test checks that each is documented.
SETTINGS: dict[str, tuple[str, str]] = {
    "EXPORTWATCH_HOME": ("var", "Directory for the store and the search index."),
    "EXPORTWATCH_SOURCES": ("config/sources.yml", "The sources file."),
    "EXPORTWATCH_MIRROR_CONFIG": ("config/mirror.yml", "Which corpus file the replay mirror serves for which URL."),
    "EXPORTWATCH_CORPUS": ("../shared/corpus", "The real-document corpus the mirror, tests and demo read."),
    "EXPORTWATCH_SEARCH_BACKEND": ("embedded", "Search backend: 'embedded' (SQLite FTS5) or "
                                   "'elasticsearch' (a node at EXPORTWATCH_ES_URL)."),
    "EXPORTWATCH_ES_URL": ("http://127.0.0.1:9200", "Elasticsearch URL, when the backend is "
                           "'elasticsearch' (scripts/elasticsearch.sh starts a local node)."),
    "EXPORTWATCH_ES_INDEX_PREFIX": ("exportwatch-", "Prefix of the Elasticsearch alias "
                                    "({prefix}entries) and its versioned indices."),
    "EXPORTWATCH_PARSE_TIMEOUT": ("300", "Seconds a parser may run on one document bundle."),
    "EXPORTWATCH_PARSE_MEMORY_MB": ("4096", "Memory limit of the parser process, in MiB."),
    "EXPORTWATCH_EMBED_THREADS": ("2", "CPU threads for computing sentence embeddings (torch and numpy)."),
    "EXPORTWATCH_EMBED_ON_INGEST": ("false", "'true' embeds each new version's entries after it is stored "
                                    "(processor 'embeddings'); 'false' embeds on first use by equivalents/"
                                    "concordance/classify. Either way vectors are cached in the store."),
    "EXPORTWATCH_EMBED_MODEL_EN": ("use-multilingual-v3", "Embedding model for English-only matching: "
                                   "'minilm-l6-v2' or 'use-multilingual-v3'. Other languages always use "
                                   "'use-multilingual-v3'."),
    "EXPORTWATCH_PUBLIC_DATA": ("false", "HTTP API and web UI: 'true' serves regulatory data (sources, "
                                "entries, search) without an API key; 'false' requires a key for it."),
    # Alert delivery and scheduler settings, kept beside their code (alerts/config.py).
    **ALERT_SETTINGS,
}


def _path(value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else (REPO_ROOT / p).resolve()


@dataclass(frozen=True)
class Settings:
    home: Path
    sources_file: Path
    mirror_config: Path
    corpus: Path
    search_backend: str
    parse_timeout_s: float
    parse_memory_bytes: int
    es_url: str = SETTINGS["EXPORTWATCH_ES_URL"][0]
    es_index_prefix: str = SETTINGS["EXPORTWATCH_ES_INDEX_PREFIX"][0]
    embed_threads: int = 2
    embed_on_ingest: bool = False
    embed_model_en: str = SETTINGS["EXPORTWATCH_EMBED_MODEL_EN"][0]
    public_data: bool = False

    @property
    def store_path(self) -> Path:
        return self.home / "store.sqlite"

    @property
    def search_path(self) -> Path:
        return self.home / "search.sqlite"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)

        def get(name: str) -> str:
            return env.get(name) or SETTINGS[name][0]

        backend = get("EXPORTWATCH_SEARCH_BACKEND")
        if backend not in ("embedded", "elasticsearch"):
            raise ConfigError(f"EXPORTWATCH_SEARCH_BACKEND={backend!r}: use 'embedded' or "
                              "'elasticsearch'")
        es_url = get("EXPORTWATCH_ES_URL")
        if not re.fullmatch(r"https?://\S+", es_url):
            raise ConfigError(f"EXPORTWATCH_ES_URL={es_url!r}: expected http(s)://host:port")
        prefix = get("EXPORTWATCH_ES_INDEX_PREFIX")
        # ES index names: lower case, no leading '-', '_' or '+', none of \/*?"<>| , # or space.
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", prefix):
            raise ConfigError(f"EXPORTWATCH_ES_INDEX_PREFIX={prefix!r}: use lower-case letters, "
                              "digits, '.', '_' or '-', starting with a letter or digit")
        try:
            timeout = float(get("EXPORTWATCH_PARSE_TIMEOUT"))
            memory = int(get("EXPORTWATCH_PARSE_MEMORY_MB")) * 1024 * 1024
        except ValueError as exc:
            raise ConfigError(f"invalid number in settings: {exc}") from exc
        public = get("EXPORTWATCH_PUBLIC_DATA").lower()
        if public not in ("true", "false"):
            raise ConfigError(f"EXPORTWATCH_PUBLIC_DATA={public!r}: use 'true' or 'false'")
        embed_threads, embed_on_ingest, embed_model_en = _embed_settings(get)
        return cls(
            home=_path(get("EXPORTWATCH_HOME")),
            sources_file=_path(get("EXPORTWATCH_SOURCES")),
            mirror_config=_path(get("EXPORTWATCH_MIRROR_CONFIG")),
            corpus=_path(get("EXPORTWATCH_CORPUS")),
            search_backend=backend,
            parse_timeout_s=timeout,
            parse_memory_bytes=memory,
            es_url=es_url,
            es_index_prefix=prefix,
            embed_threads=embed_threads,
            embed_on_ingest=embed_on_ingest,
            embed_model_en=embed_model_en,
            public_data=public == "true",
        )


def _embed_settings(get: Callable[[str], str]) -> tuple[int, bool, str]:
    raw = get("EXPORTWATCH_EMBED_THREADS")
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"EXPORTWATCH_EMBED_THREADS={raw!r}: expected a whole number >= 1")
    on_ingest = get("EXPORTWATCH_EMBED_ON_INGEST").lower()
    if on_ingest not in ("true", "false"):
        raise ConfigError(f"EXPORTWATCH_EMBED_ON_INGEST={on_ingest!r}: use 'true' or 'false'")
    model = get("EXPORTWATCH_EMBED_MODEL_EN")
    if model not in ("minilm-l6-v2", "use-multilingual-v3"):
        raise ConfigError(f"EXPORTWATCH_EMBED_MODEL_EN={model!r}: use 'minilm-l6-v2' or 'use-multilingual-v3'")
    return int(raw), on_ingest == "true", model
