"""Embedded search backend: SQLite FTS5 (BM25 with field weights, snippets) and numpy nearest
neighbours (indexer.vectors) in one file beside the store, no server.

The index is a projection that `exportwatch reindex` can drop and rebuild at any time. Every write
is one transaction (WAL: readers see the old state until it commits) and changes the `token` in
`meta`, which names the vector cache of that state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import sqlite3
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from exportwatch.errors import QueryError, SearchError
from indexer import vectors
from indexer.base import (
    FACETS,
    Hit,
    IndexDoc,
    SearchQuery,
    SearchResult,
    count_facets,
    nearest_window,
    rank_nearest,
    sorted_facets,
)
from indexer.fusion import any_word, fuse
from indexer.query import ParsedQuery, Term, parse_query, spelling_variants

# Column weights for bm25(): a hit in the code or heading says more than one in a note. The
# headings above the entry (context) weigh little: they let a terse sub-item be found, but its
# ancestors' own entries should rank first (bench/relevance: context 1.5 -> 0.5 raised bm25
# recall@10 from 0.316 to 0.338; elastic.py uses the same weights as field boosts).
WEIGHTS = {"code": 10.0, "heading": 5.0, "text": 3.0, "notes": 0.5, "context": 0.5}
_WEIGHTS = WEIGHTS
_COLUMNS = list(_WEIGHTS)
# Score factor of an entry whose own heading or text holds the query's words as a phrase, in
# order: "frequency synthesizer" ranks the item headed 'Frequency synthesizer' above sub-items
# that say "synthesised frequency range" (bench/relevance: recall@10 of that query 0 -> 1; 4.0
# changed nothing more; same factor in elastic.py).
PHRASE_BOOST = 2.0
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY, entry_id TEXT UNIQUE NOT NULL, source_id TEXT NOT NULL,
    jurisdiction TEXT NOT NULL, code TEXT NOT NULL, kind TEXT NOT NULL, heading TEXT NOT NULL,
    language TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL,
    version_id INTEGER NOT NULL, version_date TEXT NOT NULL,
    change_kind TEXT NOT NULL DEFAULT 'unknown'
);
CREATE INDEX IF NOT EXISTS docs_source ON docs(source_id);
-- Case-insensitive code lookups and prefixes (code = ? COLLATE NOCASE, code LIKE 'p%') use it.
DROP INDEX IF EXISTS docs_code;
CREATE INDEX IF NOT EXISTS docs_code_nocase ON docs(code COLLATE NOCASE);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
    {", ".join(_COLUMNS)}, tokenize = 'porter unicode61 remove_diacritics 2'
);
-- One L2-normalised float32 vector per doc that has one (same rowid as docs).
CREATE TABLE IF NOT EXISTS vectors (
    rowid INTEGER PRIMARY KEY, model TEXT NOT NULL, dim INTEGER NOT NULL, vec BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"
SNIPPET_CHARS = 160
_BATCH = 1000  # documents per executemany
# SearchQuery filter attribute -> docs column (and vector-cache field).
_FILTERS = (("jurisdictions", "jurisdiction"), ("sources", "source_id"),
            ("languages", "language"), ("categories", "category"), ("kinds", "kind"),
            ("statuses", "status"), ("change_kinds", "change_kind"))
_FACET_COLUMNS = list(FACETS.values())  # Hit attributes that are docs columns too


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: vectors.VectorCache | None = None
        self._cache_token = ""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            # A projection, rebuilt from the store at will: WAL with NORMAL sync cannot corrupt,
            # and may lose only the last commit on power loss (the next crawl heals it).
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            self._migrate()
        except sqlite3.Error as exc:
            raise SearchError(f"cannot open search index {path}: {exc}") from exc

    def _migrate(self) -> None:
        """Bring an index written by an earlier release up to the schema (CREATE ... IF NOT
        EXISTS leaves an existing table as it was)."""
        columns = {r["name"] for r in self.db.execute("PRAGMA table_info(docs)")}
        if "change_kind" not in columns:
            # Its entries say "unknown" until `exportwatch reindex` (or the next new version of
            # their source) projects them again; the vector cache format changed with it.
            self.db.execute("ALTER TABLE docs ADD COLUMN change_kind TEXT NOT NULL DEFAULT 'unknown'")

    def close(self) -> None:
        self.db.close()

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM docs").fetchone()[0])

    # -- writing -----------------------------------------------------------------------------

    def replace_source(self, source_id: str, docs: Iterable[IndexDoc]) -> int:
        return self._write({source_id: docs}, everything=False, action=f"indexing {source_id}")

    def rebuild(self, docs_by_source: Mapping[str, Iterable[IndexDoc]]) -> int:
        """Replace everything in one transaction: readers see the old index until it commits,
        and keep it if anything fails."""
        return self._write(docs_by_source, everything=True, action="rebuilding the index")

    def _write(self, docs_by_source: Mapping[str, Iterable[IndexDoc]], *, everything: bool,
               action: str) -> int:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise SearchError(f"{action} failed: {exc}") from exc
        try:
            if everything:
                for table in ("docs", "docs_fts", "vectors"):
                    self.db.execute(f"DELETE FROM {table}")
            else:
                for source_id in docs_by_source:
                    self._delete_source(source_id)
            dim = self.db.execute("SELECT max(dim) FROM vectors").fetchone()[0]
            rowid = self.db.execute("SELECT coalesce(max(rowid), 0) FROM docs").fetchone()[0]
            n = 0
            batch: list[IndexDoc] = []
            for docs in docs_by_source.values():
                for doc in docs:
                    batch.append(doc)
                    if len(batch) == _BATCH:
                        dim = self._insert(batch, rowid + 1, dim)
                        rowid, n, batch = rowid + len(batch), n + len(batch), []
            dim = self._insert(batch, rowid + 1, dim)
            n += len(batch)
            self.db.execute("INSERT INTO meta(key, value) VALUES ('token', ?) ON CONFLICT(key)"
                            " DO UPDATE SET value=excluded.value", (uuid.uuid4().hex,))
            self.db.execute("COMMIT")
            return n
        except BaseException as exc:
            self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.IntegrityError) and "entry_id" in str(exc):
                raise SearchError(f"{action} failed: duplicate entry id ({exc})") from exc
            if isinstance(exc, sqlite3.Error):
                raise SearchError(f"{action} failed: {exc}") from exc
            raise

    def _delete_source(self, source_id: str) -> None:
        old = [(r[0],) for r in self.db.execute("SELECT rowid FROM docs WHERE source_id=?",
                                                (source_id,))]
        self.db.executemany("DELETE FROM docs_fts WHERE rowid=?", old)
        self.db.executemany("DELETE FROM vectors WHERE rowid=?", old)
        self.db.execute("DELETE FROM docs WHERE source_id=?", (source_id,))

    def _insert(self, docs: list[IndexDoc], first_rowid: int, dim: int | None) -> int | None:
        """Insert `docs` with rowids from `first_rowid` on (we hold the write lock); returns the
        vector dimension of the index."""
        rowids = range(first_rowid, first_rowid + len(docs))
        self.db.executemany(
            "INSERT INTO docs(rowid, entry_id, source_id, jurisdiction, code, kind, heading,"
            " language, category, status, version_id, version_date, change_kind) VALUES"
            " (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(r, d.entry_id, d.source_id, d.jurisdiction, d.code, d.kind, d.heading, d.language,
              d.category, d.status, d.version_id, d.version_date.isoformat(), d.change_kind)
             for r, d in zip(rowids, docs, strict=True)])
        self.db.executemany(
            "INSERT INTO docs_fts(rowid, code, heading, text, notes, context) VALUES (?,?,?,?,?,?)",
            [(r, code_tokens(d.code), d.heading, d.text, d.notes, d.context)
             for r, d in zip(rowids, docs, strict=True)])
        vectors: list[tuple[int, str, int, bytes]] = []
        for r, doc in zip(rowids, docs, strict=True):
            if doc.vector is None:
                continue
            vec = np.asarray(doc.vector, dtype=np.float32).reshape(-1)
            norm = float(np.linalg.norm(vec))
            if vec.size == 0 or not np.isfinite(norm) or norm == 0.0:
                raise SearchError(f"entry {doc.entry_id}: its vector is empty, zero or not finite")
            if dim is not None and vec.size != dim:
                raise SearchError(f"entry {doc.entry_id}: vector of {vec.size} dimensions, the "
                                  f"index holds {dim}: reindex everything with one embedding model")
            dim = int(vec.size)
            vectors.append((r, doc.vector_model, dim, (vec / norm).tobytes()))
        self.db.executemany("INSERT INTO vectors(rowid, model, dim, vec) VALUES (?,?,?,?)",
                            vectors)
        return dim

    # -- searching ---------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        parsed = parse_query(query.text)
        where, args = _filters(query)
        try:
            if parsed.code:
                return self._code_search(query, parsed.code, where, args)
            if query.mode == "bm25":
                return self._bm25_search(query, parsed, where, args)
            semantic = self._semantic(query, parsed)
            if query.mode == "semantic":
                ranked = semantic
            else:
                bm25, _ = self._bm25(any_word(parsed), where, args, query.depth, 0,
                                     snippets=False, phrase_of=parsed)
                ranked = fuse(bm25, semantic)
        except sqlite3.OperationalError as exc:
            raise QueryError(f"cannot run query {query.text!r}: {exc}") from exc
        page = self._with_snippets(ranked[query.offset:query.offset + query.limit], parsed)
        return SearchResult(query=query, total=len(ranked), hits=page,
                            facets=count_facets(ranked) if query.facets else {})

    def _bm25_search(self, query: SearchQuery, parsed: ParsedQuery, where: str,
                     args: list[str]) -> SearchResult:
        hits, match = self._bm25(parsed, where, args, query.limit, query.offset)
        base = f"FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid WHERE docs_fts MATCH ? {where}"
        if query.facets:
            facets = self._facets(base, [match, *args])
            total = sum(n for _, n in facets["jurisdiction"])
        else:
            facets = {}
            total = self.db.execute(f"SELECT count(*) {base}", (match, *args)).fetchone()[0]
        return SearchResult(query=query, total=int(total), hits=hits, facets=facets)

    def _bm25(self, parsed: ParsedQuery, where: str, args: list[str], limit: int, offset: int,
              *, snippets: bool = True, phrase_of: ParsedQuery | None = None
              ) -> tuple[list[Hit], str]:
        match = to_fts5(parsed)
        weights = ", ".join(str(w) for w in WEIGHTS.values())
        score = f"bm25(docs_fts, {weights})"
        boost_args: list[str] = []
        if phrase := phrase_fts5(phrase_of or parsed):
            # bm25() is negative (lower is better): a factor above 1 ranks the row higher.
            score = (f"{score} * (CASE WHEN docs_fts.rowid IN (SELECT rowid FROM docs_fts WHERE"
                     f" docs_fts MATCH ?) THEN {PHRASE_BOOST} ELSE 1.0 END)")
            boost_args = [phrase]
        # Rank first, then make snippets for the page only: SQLite would compute snippet() for
        # every matching row before sorting (3x the time on a common word).
        ranked = self.db.execute(
            f"SELECT docs_fts.rowid, {score} AS score FROM docs_fts JOIN docs d"
            f" ON d.rowid = docs_fts.rowid WHERE docs_fts MATCH ? {where}"
            f" ORDER BY score, d.entry_id LIMIT ? OFFSET ?",
            (*boost_args, match, *args, limit, offset)).fetchall()
        if not ranked:
            return [], match
        scores = {r[0]: -float(r[1]) for r in ranked}
        marks = ", ".join("?" * len(scores))
        if not snippets:  # a ranked list to fuse: snippets are made for the page only
            rows = {r["rowid"]: r for r in self.db.execute(
                f"SELECT d.* FROM docs d WHERE d.rowid IN ({marks})", list(scores))}
            return [_hit(rows[rid], score, "") for rid, score in scores.items()], match
        rows = {r["rowid"]: r for r in self.db.execute(
            f"SELECT d.*, snippet(docs_fts, -1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 24) AS snip"
            f" FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid WHERE docs_fts MATCH ?"
            f" AND docs_fts.rowid IN ({marks})", (match, *scores))}
        return [_hit(rows[rid], score, rows[rid]["snip"] or rows[rid]["heading"])
                for rid, score in scores.items()], match

    def _facets(self, base: str, args: list[Any]) -> dict[str, list[tuple[str, int]]]:
        cols = ", ".join(f"d.{c}" for c in _FACET_COLUMNS)
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for row in self.db.execute(f"SELECT {cols}, count(*) {base} GROUP BY {cols}", args):
            for i, name in enumerate(FACETS):
                counts[name][row[i]] = counts[name].get(row[i], 0) + row[-1]
        return sorted_facets(counts)

    def _semantic(self, query: SearchQuery, parsed: ParsedQuery) -> list[Hit]:
        """The query.depth nearest entries that pass the filters, nearest first."""
        cache = self._vector_cache()
        if cache is None:
            return []
        if query.vector_model and cache.vocab["model"] and (
                query.vector_model not in cache.vocab["model"]):
            raise QueryError(
                f"the query was embedded with {query.vector_model!r}, the index holds vectors of "
                f"{', '.join(sorted(cache.vocab['model']))}: run `exportwatch reindex` after "
                "embedding with one model")
        mask = cache.mask({col: list(getattr(query, attr)) for attr, col in _FILTERS}
                          | {"model": [query.vector_model] if query.vector_model else []})
        if query.code_prefixes:
            cond, cargs = code_prefix_sql(query.code_prefixes)
            rowids = [r[0] for r in self.db.execute(f"SELECT rowid FROM docs d WHERE {cond}",
                                                    cargs)]
            keep = cache.rows_in(np.asarray(rowids, dtype=np.int64))
            mask = keep if mask is None else mask & keep
        negative = [c[0] for c in parsed.clauses if c[0].negated]
        if negative:
            expr = " OR ".join(_term_fts(t) for t in negative)
            rowids = [r[0] for r in self.db.execute(
                "SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?", (expr,))]
            drop = cache.rows_in(np.asarray(rowids, dtype=np.int64))
            mask = ~drop if mask is None else mask & ~drop
        rowids_arr, cosines = cache.nearest(query.unit_vector(), mask,
                                            nearest_window(query.depth))
        if not rowids_arr.size:
            return []
        cos = dict(zip(rowids_arr.tolist(), cosines.tolist(), strict=True))
        rows = self.db.execute(
            f"SELECT d.* FROM docs d WHERE d.rowid IN ({', '.join('?' * len(cos))})",
            list(cos)).fetchall()
        return rank_nearest((_hit(r, cosine_score(cos[r["rowid"]]), "") for r in rows),
                            query.depth)

    def _vector_cache(self) -> vectors.VectorCache | None:
        row = self.db.execute("SELECT value FROM meta WHERE key='token'").fetchone()
        token = row[0] if row else ""
        if not token:
            return None
        if token != self._cache_token:
            self._cache = vectors.load_or_build(self.db, self.path, token)
            self._cache_token = token
        return self._cache

    def _with_snippets(self, hits: list[Hit], parsed: ParsedQuery) -> list[Hit]:
        """Snippets for hits found without a text match (semantic): the query's words marked
        where they occur, else the start of the entry's text."""
        missing = {h.entry_id for h in hits if not h.snippet}
        if not missing:
            return hits
        ids = list(missing)
        marks = ", ".join("?" * len(ids))
        found: dict[str, str] = {}
        positive = [t for c in parsed.clauses for t in c if not t.negated]
        if positive:
            expr = " OR ".join(_term_fts(t) for t in positive)
            for r in self.db.execute(
                    f"SELECT d.entry_id, snippet(docs_fts, -1, '{MARK_OPEN}', '{MARK_CLOSE}',"
                    f" '…', 24) FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid"
                    f" WHERE docs_fts MATCH ? AND d.entry_id IN ({marks})", (expr, *ids)):
                found[r[0]] = r[1]
        rest = [i for i in ids if i not in found]
        if rest:
            for r in self.db.execute(
                    f"SELECT d.entry_id, f.text, f.heading FROM docs d JOIN docs_fts f ON"
                    f" f.rowid = d.rowid WHERE d.entry_id IN ({', '.join('?' * len(rest))})", rest):
                found[r[0]] = lead(r[1] or r[2])
        return [h if h.snippet else _replace_snippet(h, found.get(h.entry_id, h.heading))
                for h in hits]

    def _code_search(self, query: SearchQuery, code: str, where: str, args: list[str]
                     ) -> SearchResult:
        codes = code_variants(code)
        cond = " OR ".join(["d.code = ? COLLATE NOCASE OR d.code LIKE ? OR d.code LIKE ?"] * len(codes))
        code_args = [a for c in codes for a in (c, f"{c}.%", f"{c}(%")]
        base = f"FROM docs d WHERE ({cond}) {where}"
        total = self.db.execute(f"SELECT count(*) {base}", (*code_args, *args)).fetchone()[0]
        rows = self.db.execute(
            f"SELECT d.*, d.heading AS snip {base} ORDER BY length(d.code), d.jurisdiction, d.code,"
            " d.entry_id LIMIT ? OFFSET ?", (*code_args, *args, query.limit, query.offset)).fetchall()
        hits = [_hit(r, code_score(r["code"], code), r["snip"]) for r in rows]
        facets = self._facets(base, [*code_args, *args]) if query.facets else {}
        return SearchResult(query=query, total=int(total), hits=hits, facets=facets)


def cosine_score(cosine: float) -> float:
    """Elasticsearch's score for cosine similarity, (1 + cos) / 2: the same number from both."""
    return round((1.0 + cosine) / 2.0, 4)


def lead(text: str) -> str:
    """The start of a text, cut at a word."""
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    return text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"


def code_score(hit_code: str, query_code: str) -> float:
    """Closer to the code asked for scores higher (the entry over its sub-items).

    Clamped at 0: a Wassenaar query can be longer than the EU code it finds ("1.C.10" finds
    "1C010"), which made the unclamped formula divide by zero.
    """
    return 1.0 / (1 + max(0, len(hit_code) - len(query_code)))


def code_variants(code: str) -> list[str]:
    """The same control code in EU/US and Wassenaar notation: 3A001.b <-> 3.A.1.b."""
    out = [code]
    if m := re.fullmatch(r"(\d)([A-Ea-e])(\d{3})(.*)", code):
        out.append(f"{m.group(1)}.{m.group(2).upper()}.{int(m.group(3))}{m.group(4)}")
    elif m := re.fullmatch(r"(\d)\.([A-Ea-e])\.(\d{1,3})(.*)", code):
        out.append(f"{m.group(1)}{m.group(2).upper()}{int(m.group(3)):03d}{m.group(4)}")
    return out


def prefix_variants(prefix: str) -> list[str]:
    """A code prefix in both notations, including a bare category and group: 3A <-> 3.A."""
    out = code_variants(prefix)
    if m := re.fullmatch(r"(\d)([A-Ea-e])", prefix):
        out.append(f"{m.group(1)}.{m.group(2).upper()}")
    elif m := re.fullmatch(r"(\d)\.([A-Ea-e])\.?", prefix):
        out.append(f"{m.group(1)}{m.group(2).upper()}")
    return out


def code_prefix_sql(prefixes: Iterable[str]) -> tuple[str, list[str]]:
    """SQL for "the code starts with one of `prefixes`", a number never cut in two ("ML1" is not
    a prefix of "ML10")."""
    conds: list[str] = []
    args: list[str] = []
    for p in {v for prefix in prefixes for v in prefix_variants(prefix.strip())}:
        like = p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if p[-1:].isdigit():
            conds.append(f"(d.code LIKE ? ESCAPE '\\' AND substr(d.code, {len(p) + 1}, 1)"
                         " NOT GLOB '[0-9]')")
        else:
            conds.append("d.code LIKE ? ESCAPE '\\'")
        args.append(like)
    return "(" + " OR ".join(conds) + ")", args


def code_tokens(code: str) -> str:
    # "3A001.b.1" -> "3A001.b.1 3A001 b 1": lets a word search for "3A001" find the entry too.
    return f"{code} {' '.join(re.split(r'[.()]+', code))}".strip()


_code_tokens = code_tokens  # the name elastic.py imported before


def _filters(query: SearchQuery) -> tuple[str, list[str]]:
    clauses: list[str] = []
    args: list[str] = []
    for attr, column in _FILTERS:
        values = list(getattr(query, attr))
        if values:
            clauses.append(f"d.{column} COLLATE NOCASE IN ({', '.join('?' * len(values))})")
            args.extend(values)
    if query.code_prefixes:
        cond, cargs = code_prefix_sql(query.code_prefixes)
        clauses.append(cond)
        args.extend(cargs)
    return ("AND " + " AND ".join(clauses)) if clauses else "", args


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def phrase_forms(parsed: ParsedQuery) -> list[str]:
    """The query's words as one phrase, in each spelling (at most 6), when the query is two or
    more plain words (no OR, prefix or phrase of its own); else []."""
    positive = [c for c in parsed.clauses if not c[0].negated]
    if len(positive) < 2 or any(len(c) > 1 or c[0].prefix or len(c[0].words) > 1
                                for c in positive):
        return []
    words = [(c[0].words[0], *c[0].variants) for c in positive]
    return [" ".join(o) for o in itertools.islice(itertools.product(*words), 6)]


def phrase_fts5(parsed: ParsedQuery) -> str:
    forms = phrase_forms(parsed)
    return "{heading text} : (" + " OR ".join(_quote(f) for f in forms) + ")" if forms else ""


def _term_fts(term: Term) -> str:
    if term.prefix:
        return _quote(term.words[0]) + "*"
    if len(term.words) > 1:
        options = [tuple(v) for v in itertools.islice(
            itertools.product(*[(w, *spelling_variants(w)) for w in term.words]), 6)]
        return "(" + " OR ".join(_quote(" ".join(o)) for o in options) + ")"
    alts = [term.words[0], *term.variants]
    return "(" + " OR ".join(_quote(a) for a in alts) + ")" if len(alts) > 1 else _quote(alts[0])


def to_fts5(parsed: ParsedQuery) -> str:
    """Translate a parsed user query into an FTS5 MATCH expression (every token quoted)."""
    positive = [c for c in parsed.clauses if not c[0].negated]
    negative = [c[0] for c in parsed.clauses if c[0].negated]
    expr = " AND ".join("(" + " OR ".join(_term_fts(t) for t in clause) + ")" for clause in positive)
    if negative:
        expr += " NOT (" + " OR ".join(_term_fts(t) for t in negative) + ")"
    return expr


def _replace_snippet(hit: Hit, snippet: str) -> Hit:
    return dataclasses.replace(hit, snippet=snippet)


def _hit(row: sqlite3.Row, score: float, snippet: str) -> Hit:
    return Hit(
        entry_id=row["entry_id"], source_id=row["source_id"], jurisdiction=row["jurisdiction"],
        code=row["code"], kind=row["kind"], heading=row["heading"], snippet=snippet,
        language=row["language"], version_date=dt.date.fromisoformat(row["version_date"]),
        score=round(score, 4), category=row["category"], status=row["status"],
        change_kind=row["change_kind"],
    )
