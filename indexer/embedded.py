"""Embedded search backend: SQLite FTS5 (BM25 with field weights, snippets), no server.

The index lives in its own SQLite file beside the store: a projection that `exportwatch reindex`
can drop and rebuild at any time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from exportwatch.errors import QueryError, SearchError
from indexer.base import Hit, IndexDoc, SearchQuery, SearchResult
from indexer.query import ParsedQuery, Term, parse_query, spelling_variants

# Column weights for bm25(): a hit in the code or heading says more than one in a note.
_WEIGHTS = {"code": 10.0, "heading": 5.0, "text": 3.0, "notes": 0.5, "context": 1.5}
_COLUMNS = list(_WEIGHTS)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY, entry_id TEXT UNIQUE NOT NULL, source_id TEXT NOT NULL,
    jurisdiction TEXT NOT NULL, code TEXT NOT NULL, kind TEXT NOT NULL, heading TEXT NOT NULL,
    language TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL,
    version_id INTEGER NOT NULL, version_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_source ON docs(source_id);
CREATE INDEX IF NOT EXISTS docs_code ON docs(code);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
    {", ".join(_COLUMNS)}, tokenize = 'porter unicode61 remove_diacritics 2'
);
"""
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise SearchError(f"cannot open search index {path}: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def replace_source(self, source_id: str, docs: Iterable[IndexDoc]) -> int:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            old = [r[0] for r in self.db.execute("SELECT rowid FROM docs WHERE source_id=?", (source_id,))]
            self.db.executemany("DELETE FROM docs_fts WHERE rowid=?", [(r,) for r in old])
            self.db.execute("DELETE FROM docs WHERE source_id=?", (source_id,))
            n = 0
            for doc in docs:
                cur = self.db.execute(
                    "INSERT INTO docs(entry_id, source_id, jurisdiction, code, kind, heading, language,"
                    " category, status, version_id, version_date) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.entry_id, doc.source_id, doc.jurisdiction, doc.code, doc.kind, doc.heading,
                     doc.language, doc.category, doc.status, doc.version_id, doc.version_date.isoformat()),
                )
                self.db.execute(
                    "INSERT INTO docs_fts(rowid, code, heading, text, notes, context) VALUES (?,?,?,?,?,?)",
                    (cur.lastrowid, _code_tokens(doc.code), doc.heading, doc.text, doc.notes, doc.context),
                )
                n += 1
            self.db.execute("COMMIT")
            return n
        except sqlite3.Error as exc:
            self.db.execute("ROLLBACK")
            raise SearchError(f"indexing {source_id} failed: {exc}") from exc

    def search(self, query: SearchQuery) -> SearchResult:
        parsed = parse_query(query.text)
        where, args = _filters(query)
        try:
            if parsed.code:
                return self._code_search(query, parsed.code, where, args)
            match = to_fts5(parsed)
            total = self.db.execute(
                f"SELECT count(*) FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid"
                f" WHERE docs_fts MATCH ? {where}", (match, *args)).fetchone()[0]
            weights = ", ".join(str(w) for w in _WEIGHTS.values())
            rows = self.db.execute(
                f"SELECT d.*, bm25(docs_fts, {weights}) AS score,"
                f" snippet(docs_fts, -1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 24) AS snip"
                f" FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid"
                f" WHERE docs_fts MATCH ? {where} ORDER BY score, d.entry_id LIMIT ? OFFSET ?",
                (match, *args, query.limit, query.offset)).fetchall()
        except sqlite3.OperationalError as exc:
            raise QueryError(f"cannot run query {query.text!r}: {exc}") from exc
        hits = [_hit(r, -float(r["score"]), r["snip"]) for r in rows]
        return SearchResult(query=query, total=int(total), hits=hits)

    def _code_search(self, query: SearchQuery, code: str, where: str, args: list[str]) -> SearchResult:
        codes = code_variants(code)
        cond = " OR ".join(["d.code = ? COLLATE NOCASE OR d.code LIKE ? OR d.code LIKE ?"] * len(codes))
        code_args = [a for c in codes for a in (c, f"{c}.%", f"{c}(%")]
        base = f"FROM docs d WHERE ({cond}) {where}"
        total = self.db.execute(f"SELECT count(*) {base}", (*code_args, *args)).fetchone()[0]
        rows = self.db.execute(
            f"SELECT d.*, d.heading AS snip {base} ORDER BY length(d.code), d.jurisdiction, d.code,"
            " d.entry_id LIMIT ? OFFSET ?", (*code_args, *args, query.limit, query.offset)).fetchall()
        hits = [_hit(r, code_score(r["code"], code), r["snip"]) for r in rows]
        return SearchResult(query=query, total=int(total), hits=hits)


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


def _code_tokens(code: str) -> str:
    # "3A001.b.1" -> "3A001.b.1 3A001 b 1": lets a word search for "3A001" find the entry too.
    return f"{code} {' '.join(re.split(r'[.()]+', code))}".strip()


def _filters(query: SearchQuery) -> tuple[str, list[str]]:
    clauses: list[str] = []
    args: list[str] = []
    for column, values in (("jurisdiction", query.jurisdictions), ("source_id", query.sources),
                           ("language", query.languages)):
        if values:
            clauses.append(f"d.{column} IN ({', '.join('?' * len(values))})")
            args.extend(v.lower() for v in values)
    return ("AND " + " AND ".join(clauses)) if clauses else "", args


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


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


def _hit(row: sqlite3.Row, score: float, snippet: str) -> Hit:
    return Hit(
        entry_id=row["entry_id"], source_id=row["source_id"], jurisdiction=row["jurisdiction"],
        code=row["code"], kind=row["kind"], heading=row["heading"], snippet=snippet or row["heading"],
        language=row["language"], version_date=dt.date.fromisoformat(row["version_date"]),
        score=round(score, 4),
    )
