"""What both reports read from the store: citations (version files), which sources are control
lists, entry categories."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Collection, Sequence
from urllib.parse import unquote

from crawlers.registry import Source
from exportwatch.errors import NotFoundError
from exportwatch.reports.errors import ReportRequestError
from exportwatch.reports.model import Citation, Document
from indexer.store import Store, VersionRow


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def update_feeds(store: Store) -> set[str]:
    """Sources whose versions carry regulation-update records (us-fr-bis): their entries are rules,
    reported as rules, not as list entries."""
    try:
        rows = store.db.execute("SELECT DISTINCT v.source_id FROM updates u JOIN versions v ON v.id = u.version_id")
        return {r[0] for r in rows}
    except sqlite3.OperationalError:  # no updates table (the feature is absent): no feeds
        return set()


def jurisdiction_sources(sources: Sequence[Source], store: Store, jurisdictions: Sequence[str]) -> dict[str, str]:
    """source id -> jurisdiction for the asked jurisdictions (all when empty), update feeds left out.
    An unknown jurisdiction is an error that names the known ones."""
    known = sorted({s.jurisdiction for s in sources})
    for j in jurisdictions:
        if j not in known:
            raise NotFoundError(f"no source for jurisdiction {j!r}; known: {', '.join(known)}")
    feeds = update_feeds(store)
    return {s.id: s.jurisdiction for s in sources
            if (not jurisdictions or s.jurisdiction in jurisdictions) and s.id not in feeds}


def check_period(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise ReportRequestError(f"--to {date_to} is before --from {date_from}")


_CAT = re.compile(r"(?:^|[^A-Za-z])Cat\s*(\d)(?:P\d)?(?:\D|$)")


class Citations:
    """Citations per (version, language), read once per version. A version parsed from several
    documents (Wassenaar 2015-2021: one .doc per category) is cited by the document of the entry's
    category when exactly that can be told from the file names, otherwise by all of them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._files: dict[int, list[tuple[str, str, str]]] = {}
        self._versions: dict[int, VersionRow] = {}

    def _version(self, version_id: int) -> VersionRow:
        if version_id not in self._versions:
            row = self.store.db.execute("SELECT source_id FROM versions WHERE id=?", (version_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no version {version_id}")
            for v in self.store.versions(row[0]):
                self._versions[v.id] = v
        return self._versions[version_id]

    def _all_files(self, version_id: int) -> list[tuple[str, str, str]]:
        if version_id not in self._files:
            self._files[version_id] = [(r[0], r[1], r[2]) for r in self.store.db.execute(
                "SELECT url, sha256, language FROM version_files WHERE version_id=? ORDER BY url", (version_id,))]
        return self._files[version_id]

    def cite(self, version_id: int, language: str | None = None, category: str | None = None,
             urls: Collection[str] = ()) -> Citation:
        """`urls`: the documents the cited rows were read from, when known (definitions record them)."""
        v = self._version(version_id)
        files = self._all_files(version_id)
        if urls:
            files = [f for f in files if f[0] in urls] or files
        if language is not None:
            files = [f for f in files if f[2] == language] or files
        if category and len(files) > 1 and category.isdigit():
            by_cat = [f for f in files if (m := _CAT.search(unquote(f[0]))) and m.group(1) == category]
            files = by_cat or files
        return Citation(v.source_id, v.id, v.version_date, tuple(Document(u, s, lang) for u, s, lang in files))


def category_of(path: Sequence[str], code: str) -> str:
    """The entry's category as search facets it (the first element of its path)."""
    return path[0] if path else code.split(".", 1)[0]
