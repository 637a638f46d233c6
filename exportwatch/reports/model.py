"""The report models: plain dataclasses holding every number and every row a report shows.

A report is built once from the store (exportwatch/reports/changes.py, divergence.py) and then
rendered by one renderer per format (html, pdf, docx, csv, xlsx). Renderers only lay out what the
model holds; every count they print comes from here (`summary()` and `tables()`), so the same
numbers appear in every format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from nlp.changes.model import CHANGE_KINDS

Cell = str | int | float | None
Side = Literal["left", "right"]


@dataclass(frozen=True)
class Document:
    url: str
    sha256: str
    language: str


@dataclass(frozen=True)
class Citation:
    """Where a row comes from: a stored version of a source and the exact documents (sha256) it was
    parsed from."""

    source_id: str
    version_id: int
    version_date: dt.date
    documents: tuple[Document, ...]

    @property
    def urls(self) -> str:
        return " ; ".join(d.url for d in self.documents)

    @property
    def sha256s(self) -> str:
        return " ; ".join(d.sha256 for d in self.documents)

    def text(self) -> str:
        docs = "; ".join(f"{d.url} (sha256 {d.sha256})" for d in self.documents) or "no document recorded"
        return f"{self.source_id}, version of {self.version_date.isoformat()}: {docs}"


@dataclass(frozen=True)
class Table:
    """The data behind one table of a report: what csv and xlsx write, and what the other formats
    lay out. `name` is the file stem (csv) or sheet name (xlsx)."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


CITATION_COLUMNS = ("cited_source", "version_date", "document_url", "document_sha256")


def citation_cells(c: Citation | None) -> tuple[Cell, ...]:
    if c is None:
        return ("", "", "", "")
    return (c.source_id, c.version_date.isoformat(), c.urls, c.sha256s)


# --- changes over a period -------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleRef:
    """A Federal Register rule whose effect shows in a CCL version (indexer/updates.py links)."""

    document_number: str
    title: str
    publication_date: dt.date
    effective_on: dt.date | None
    citation: str | None
    html_url: str | None
    mentions: tuple[str, ...] = ()  # codes of changed entries the rule's title or abstract names


@dataclass(frozen=True)
class EquivalentRef:
    """An equivalent of a changed entry in another jurisdiction (nlp.match)."""

    entry_id: str
    jurisdiction: str
    status: str  # equivalent | divergent (parameters differ) | code-only
    score: float
    code_aligned: bool
    parameter_differences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Span:
    op: Literal["equal", "insert", "delete"]
    text: str


@dataclass(frozen=True)
class ParamDelta:
    change: str  # changed | added | removed
    quantity: str
    where: str
    old: str
    new: str
    description: str


@dataclass(frozen=True)
class NoteDelta:
    change: str  # amended | added | removed
    label: str
    redline: tuple[Span, ...]


@dataclass(frozen=True)
class ChangeItem:
    id: str
    source_id: str
    jurisdiction: str
    entry_id: str
    old_entry_id: str | None
    kind: str
    significance: str
    summary: str
    from_date: dt.date
    to_date: dt.date
    category: str
    heading: str
    redline: tuple[Span, ...]
    parameters: tuple[ParamDelta, ...]
    notes: tuple[NoteDelta, ...]
    term: str | None
    used_by: tuple[str, ...]
    rules: tuple[RuleRef, ...]
    equivalents: tuple[EquivalentRef, ...]
    citation: Citation  # the version the change is seen in (the older one, for a removal)
    previous: Citation  # the version it is compared with


@dataclass(frozen=True)
class VersionPair:
    """One link of a source's version chain whose newer version falls in the period."""

    source_id: str
    jurisdiction: str
    from_date: dt.date
    to_date: dt.date
    counts: dict[str, int]
    total: int
    detected: bool  # False: change detection has not compared this pair (not counted as zero)
    rules: tuple[RuleRef, ...]
    citation: Citation


@dataclass
class ChangesReport:
    generated_at: str
    date_from: dt.date
    date_to: dt.date
    jurisdictions: list[str]  # the jurisdictions reported (asked for, or every one with sources)
    counts: dict[str, dict[str, int]]  # jurisdiction -> kind -> number of changes
    editorial: dict[str, int]  # jurisdiction -> of which editorial (letter case, punctuation only)
    months: list[str]  # YYYY-MM, every month of the period
    monthly: dict[str, dict[str, int]]  # jurisdiction -> month -> number of changes
    pairs: list[VersionPair]
    changes: list[ChangeItem]
    rules_published: list[RuleRef]  # Federal Register rules published in the period
    equivalents_mode: str
    notes: list[str] = field(default_factory=list)
    kinds: tuple[str, ...] = CHANGE_KINDS

    @property
    def title(self) -> str:
        return f"Changes {self.date_from.isoformat()} to {self.date_to.isoformat()}"

    def total(self, jurisdiction: str | None = None) -> int:
        rows = [self.counts[jurisdiction]] if jurisdiction else list(self.counts.values())
        return sum(sum(r.values()) for r in rows)

    def summary(self) -> Table:
        rows: list[tuple[Cell, ...]] = []
        for j in self.jurisdictions:
            c = self.counts[j]
            rows.append((j, *(c[k] for k in self.kinds), self.total(j), self.editorial[j]))
        rows.append(("all", *(sum(self.counts[j][k] for j in self.jurisdictions) for k in self.kinds),
                     self.total(), sum(self.editorial.values())))
        return Table("summary", "Changes by jurisdiction and kind", ("jurisdiction", *self.kinds, "total", "editorial"),
                     rows)

    def monthly_table(self) -> Table:
        rows: list[tuple[Cell, ...]] = [(m, *(self.monthly[j][m] for j in self.jurisdictions),
                                         sum(self.monthly[j][m] for j in self.jurisdictions)) for m in self.months]
        return Table("monthly", "Changes per month (by the date of the version they appear in)",
                     ("month", *self.jurisdictions, "total"), rows)

    def pairs_table(self) -> Table:
        rows: list[tuple[Cell, ...]] = []
        for p in self.pairs:
            rows.append((p.source_id, p.jurisdiction, p.from_date.isoformat(), p.to_date.isoformat(),
                         *(p.counts.get(k, 0) if p.detected else None for k in self.kinds),
                         p.total if p.detected else None, "yes" if p.detected else "no",
                         " ; ".join(r.document_number for r in p.rules), *citation_cells(p.citation)))
        return Table("versions", "Version pairs compared",
                     ("source", "jurisdiction", "from", "to", *self.kinds, "total", "detected", "linked_rules",
                      *CITATION_COLUMNS), rows)

    def changes_table(self) -> Table:
        rows: list[tuple[Cell, ...]] = []
        for c in self.changes:
            rows.append((c.id, c.jurisdiction, c.source_id, c.from_date.isoformat(), c.to_date.isoformat(), c.kind,
                         c.significance, c.entry_id, c.old_entry_id or "", c.category, c.summary,
                         redline_markup(c.redline), " ; ".join(p.description for p in c.parameters),
                         " ; ".join(r.document_number for r in c.rules),
                         " ; ".join(f"{e.entry_id} ({e.status} {e.score:.2f})" for e in c.equivalents),
                         *citation_cells(c.citation)))
        return Table("changes", "Changes",
                     ("id", "jurisdiction", "source", "from", "to", "kind", "significance", "entry_id",
                      "old_entry_id", "category", "summary", "redline", "parameter_deltas", "linked_rules",
                      "equivalents", *CITATION_COLUMNS), rows)

    def rules_table(self) -> Table:
        rows: list[tuple[Cell, ...]] = [
            (r.document_number, r.publication_date.isoformat(), r.effective_on.isoformat() if r.effective_on else "",
             r.citation or "", r.title, r.html_url or "") for r in self.rules_published]
        return Table("rules", "Federal Register rules published in the period",
                     ("document_number", "publication_date", "effective_on", "citation", "title", "url"), rows)

    def tables(self) -> list[Table]:
        return [self.summary(), self.monthly_table(), self.pairs_table(), self.changes_table(), self.rules_table()]


def redline_markup(spans: tuple[Span, ...]) -> str:
    """`[-struck-]{+added+}`: the redline in plain text (csv, xlsx)."""
    out = []
    for s in spans:
        if s.op == "equal":
            out.append(s.text)
            continue
        body = s.text.lstrip()  # the space before a changed word stays outside the brackets
        lead = s.text[:len(s.text) - len(body)]
        out.append(lead + (f"[-{body}-]" if s.op == "delete" else f"{{+{body}+}}"))
    return "".join(out)


# --- divergence between two jurisdictions -----------------------------------------------------------
@dataclass(frozen=True)
class EntryRef:
    entry_id: str
    code: str
    category: str
    text: str
    citation: Citation


@dataclass(frozen=True)
class Unilateral:
    side: Side
    entry: EntryRef
    nearest: str | None  # the closest entry on the other side, not held equivalent
    nearest_score: float | None


@dataclass(frozen=True)
class ParamPair:
    quantity: str
    status: str  # differs | same | only-left | only-right
    left: str
    right: str


@dataclass(frozen=True)
class DivergentPair:
    left: EntryRef
    right: EntryRef
    score: float
    code_aligned: bool
    parameters: tuple[ParamPair, ...]  # the differing ones first

    @property
    def differing(self) -> tuple[ParamPair, ...]:
        return tuple(p for p in self.parameters if p.status == "differs")


@dataclass(frozen=True)
class DefinitionDiff:
    term: str
    left_term: str
    right_term: str
    similarity: float
    left_text: str
    right_text: str
    ops: tuple[tuple[str, str, str], ...]  # (tag, left words, right words), nlp.definitions.compare
    only_left: tuple[str, ...]
    only_right: tuple[str, ...]
    left: Citation
    right: Citation


@dataclass(frozen=True)
class DefinitionOnly:
    side: Side
    term: str
    text: str
    citation: Citation


@dataclass(frozen=True)
class HeatRow:
    category: str
    unilateral_left: int
    unilateral_right: int
    equivalent: int  # equivalent pairs whose parameters agree
    divergent: int  # equivalent pairs whose parameters differ


HEAT_COLUMNS = ("unilateral_left", "unilateral_right", "equivalent", "divergent")


@dataclass
class DivergenceReport:
    generated_at: str
    left: str
    right: str
    category: str | None
    level: str
    meaning: str
    left_versions: list[Citation]
    right_versions: list[Citation]
    left_count: int  # entries compared on each side
    right_count: int
    equivalent_pairs: int  # all pairs held equivalent (divergent ones included)
    unilateral: list[Unilateral]
    divergent: list[DivergentPair]
    definitions: list[DefinitionDiff]
    definitions_only: list[DefinitionOnly]
    definitions_same: int
    heat: list[HeatRow]
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        cat = f", category {self.category}" if self.category else ""
        return f"Divergence {self.left.upper()} / {self.right.upper()}{cat}"

    def unilateral_count(self, side: Side) -> int:
        return sum(1 for u in self.unilateral if u.side == side)

    def summary(self) -> Table:
        L, R = self.left, self.right
        rows: list[tuple[Cell, ...]] = [
            (f"{L} {self.level}s compared", self.left_count),
            (f"{R} {self.level}s compared", self.right_count),
            ("equivalent pairs", self.equivalent_pairs),
            ("equivalent pairs whose parameters differ", len(self.divergent)),
            (f"unilateral in {L} (no {R} counterpart)", self.unilateral_count("left")),
            (f"unilateral in {R} (no {L} counterpart)", self.unilateral_count("right")),
            ("terms defined in both, wording differs", len(self.definitions)),
            ("terms defined in both, same wording", self.definitions_same),
            (f"terms defined only in {L}", sum(1 for d in self.definitions_only if d.side == "left")),
            (f"terms defined only in {R}", sum(1 for d in self.definitions_only if d.side == "right")),
        ]
        return Table("summary", "Summary", ("measure", "count"), rows)

    def heat_table(self) -> Table:
        rows: list[tuple[Cell, ...]] = [(h.category, h.unilateral_left, h.unilateral_right, h.equivalent,
                                         h.divergent) for h in self.heat]
        return Table("heatmap", "Divergence by category",
                     ("category", f"unilateral_{self.left}", f"unilateral_{self.right}", "equivalent_same_parameters",
                      "parameters_differ"), rows)

    def unilateral_table(self) -> Table:
        rows: list[tuple[Cell, ...]] = [
            (self.left if u.side == "left" else self.right, u.entry.entry_id, u.entry.category, u.entry.text,
             u.nearest or "", None if u.nearest_score is None else round(u.nearest_score, 4),
             *citation_cells(u.entry.citation)) for u in self.unilateral]
        return Table("unilateral", "Unilateral entries (no counterpart on the other side)",
                     ("jurisdiction", "entry_id", "category", "text", "nearest_other_side", "nearest_score",
                      *CITATION_COLUMNS), rows)

    def divergent_table(self) -> Table:
        rows: list[tuple[Cell, ...]] = []
        for pair in self.divergent:
            for p in pair.differing:
                rows.append((pair.left.entry_id, pair.right.entry_id, pair.left.category, p.quantity, p.left,
                             p.right, round(pair.score, 4), "yes" if pair.code_aligned else "no",
                             *citation_cells(pair.left.citation), *citation_cells(pair.right.citation)))
        return Table("parameters", "Equivalent entries whose parameters differ (one row per parameter)",
                     (f"{self.left}_entry", f"{self.right}_entry", "category", "quantity", f"{self.left}_value",
                      f"{self.right}_value", "match_score", "code_aligned",
                      *(f"{self.left}_{c}" for c in CITATION_COLUMNS),
                      *(f"{self.right}_{c}" for c in CITATION_COLUMNS)), rows)

    def definitions_table(self) -> Table:
        rows: list[tuple[Cell, ...]] = []
        for d in self.definitions:
            rows.append((d.term, round(d.similarity, 3), d.left_text, d.right_text, " ".join(d.only_left),
                         " ".join(d.only_right), *citation_cells(d.left), *citation_cells(d.right)))
        for o in self.definitions_only:
            left, right = (o, None) if o.side == "left" else (None, o)
            rows.append((o.term, None, left.text if left else "", right.text if right else "", "", "",
                         *citation_cells(left.citation if left else None),
                         *citation_cells(right.citation if right else None)))
        return Table("definitions", "Definitions that differ",
                     ("term", "similarity", f"{self.left}_text", f"{self.right}_text", f"words_only_{self.left}",
                      f"words_only_{self.right}", *(f"{self.left}_{c}" for c in CITATION_COLUMNS),
                      *(f"{self.right}_{c}" for c in CITATION_COLUMNS)), rows)

    def tables(self) -> list[Table]:
        return [self.summary(), self.heat_table(), self.unilateral_table(), self.divergent_table(),
                self.definitions_table()]


Report = ChangesReport | DivergenceReport
