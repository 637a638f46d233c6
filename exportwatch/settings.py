"""Settings, read from environment variables (documented in docs/configuration.md).

Every setting has a default that makes `exportwatch demo` work from a fresh checkout.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

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
        )
