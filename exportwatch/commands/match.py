"""Cross-jurisdiction matching: `equivalents`, `concordance`, `classify` (on the store) and `match`
(on two JSONL files alone). The engine is nlp.match; this module wires in the store, the
embedding cache, parameter extraction and output."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import numpy as np
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from exportwatch.cli import handle_errors
from exportwatch.errors import ExportWatchError, NotFoundError
from exportwatch.output import console, err_console, print_json
from exportwatch.service import Service
from indexer.embeddings import CachedEmbed, version_nodes
from nlp.embed.base import Embedder, Vectors, embed_batched
from nlp.embed.registry import get_embedder, model_for
from nlp.extract.model import Parameter
from nlp.match.concordance import Candidate, Concordance, Row, build_concordance
from nlp.match.documents import Node, matching_documents
from nlp.match.matcher import EmbedFn, Mode, match_texts, passages, top_k

LEVELS = ("entry", "item")


# --- wiring ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ListRef:
    """The current version(s) of one jurisdiction's list(s), in one language."""

    jurisdiction: str
    language: str
    nodes: list[Node]
    versions: list[dict[str, str]]

    @property
    def label(self) -> str:
        return self.jurisdiction if self.language == "en" else f"{self.jurisdiction}@{self.language}"


def _parse_target(spec: str) -> tuple[str, str | None]:
    jurisdiction, _, language = spec.strip().lower().partition("@")
    return jurisdiction, language or None


def list_ref(svc: Service, jurisdiction: str, language: str | None = None) -> ListRef:
    """Nodes of the current versions of every source of `jurisdiction`, in `language` (default:
    each source's primary language)."""
    sources = [s for s in svc.sources if s.jurisdiction == jurisdiction]
    if not sources:
        known = sorted({s.jurisdiction for s in svc.sources})
        raise NotFoundError(f"no source for jurisdiction {jurisdiction!r}; known: {', '.join(known)}")
    nodes: list[Node] = []
    versions = []
    lang = language
    for source in sources:
        version = svc.store.current_version(source.id)
        if version is None:
            continue
        want = language or source.languages[0]
        if want not in source.languages:
            raise NotFoundError(f"source {source.id} has no language {want!r}; it has {source.languages}")
        lang = lang or want
        nodes += version_nodes(svc.store, version.id, want)
        versions.append({"source": source.id, "version_date": version.version_date.isoformat()})
    if not versions:
        raise NotFoundError(f"jurisdiction {jurisdiction!r} has no stored version yet; run "
                            f"`exportwatch crawl` first")
    return ListRef(jurisdiction, lang or "en", nodes, versions)


@contextmanager
def embedding_progress() -> Iterator[tuple[Callable[[str, int], None], Callable[[int], None]]]:
    """A progress bar on stderr, shown only when something is actually embedded."""
    progress = Progress(TextColumn("embedding ({task.description})"), BarColumn(), MofNCompleteColumn(),
                        TimeRemainingColumn(), console=err_console, transient=True)
    task: list[Any] = []

    def plan(model: str, n: int) -> None:
        if n <= 0:
            return
        if not task:
            progress.start()
            task.append(progress.add_task(model, total=n))
        else:
            progress.update(task[0], description=model, total=n, completed=0)

    def advance(n: int) -> None:
        if task:
            progress.advance(task[0], n)

    try:
        yield plan, advance
    finally:
        progress.stop()


def store_embedder(svc: Service, languages: set[str], plan: Callable[[str, int], None],
                   advance: Callable[[int], None]) -> CachedEmbed:
    model = model_for(languages, svc.settings.embed_model_en)
    embedder = get_embedder(model, svc.settings.embed_threads)
    return CachedEmbed(svc.store, embedder, on_plan=plan, progress=advance)


def extractor() -> Callable[[str, str], list[Parameter]]:
    """Parameter extraction (nlp.extract), memoised per (text, language) for one command."""
    from nlp.extract import extract_parameters

    memo: dict[tuple[str, str], list[Parameter]] = {}

    def run(text: str, language: str) -> list[Parameter]:
        key = (text, language)
        if key not in memo:
            memo[key] = extract_parameters(text, language)
        return memo[key]

    return run


def _level_of(kind: str) -> str:
    if kind not in LEVELS:
        raise click.BadParameter(f"a {kind} is not matched: give an entry or a sub-item")
    return kind


# --- equivalents -------------------------------------------------------------------------------
def _targets(svc: Service, jurisdiction: str, language: str, to: Sequence[str]) -> list[tuple[str, str | None]]:
    if to:
        return [_parse_target(t) for t in to]
    out: list[tuple[str, str | None]] = []
    for j in sorted({s.jurisdiction for s in svc.sources}):
        if not any(svc.store.current_version(s.id) for s in svc.sources if s.jurisdiction == j):
            continue
        if j != jurisdiction:
            out.append((j, None))
            continue
        langs = {lang for s in svc.sources if s.jurisdiction == j for lang in s.languages}
        out += [(j, lang) for lang in sorted(langs - {language})]  # the same list in other languages
    return out


def equivalents_json(svc: Service, entry_id: str, to: Sequence[str], top: int) -> dict[str, Any]:
    try:
        entry, version = svc.store.entry(entry_id)
    except NotFoundError as exc:
        similar = svc.store.entry_ids_like(entry_id.rsplit(".", 1)[0])
        raise NotFoundError(f"{exc}" + (f"; similar: {', '.join(similar)}" if similar else "")) from None
    level = _level_of(entry.kind)
    jurisdiction = entry_id.split(":", 1)[0]
    head = {"entry_id": entry.entry_id, "kind": entry.kind, "language": entry.language, "status": entry.status,
            "text": entry.text or entry.heading,
            "source": {"id": version.source_id, "version_date": version.version_date.isoformat()}}
    if entry.status != "active":
        return head | {"targets": [], "note": f"{entry.entry_id} is {entry.status}: it controls nothing, so it "
                                               "has no equivalents"}
    left = list_ref(svc, jurisdiction, entry.language)
    extract = extractor()
    results = []
    with embedding_progress() as (plan, advance):
        for tj, tlang in _targets(svc, jurisdiction, entry.language, to):
            right = list_ref(svc, tj, tlang)
            if right.label == left.label:
                continue
            embed = store_embedder(svc, {entry.language, right.language}, plan, advance)
            conc = build_concordance(left.nodes, right.nodes, left_jurisdiction=jurisdiction,
                                     right_jurisdiction=tj, embed=embed, extract=extract,
                                     kinds=(level,), top_k=top, only={entry_id})
            row = conc.rows[0] if conc.rows else Row(entry_id, ())
            results.append({"jurisdiction": tj, "language": right.language, "versions": right.versions,
                            "model": embed.embedder.name, "aligned_as_ordered_lists": conc.ordered,
                            "unilateral": row.unilateral,
                            "candidates": [_candidate_json(svc, c) for c in row.candidates]})
    return head | {"targets": results}


def _candidate_json(svc: Service, cand: Candidate) -> dict[str, Any]:
    out = cand.as_json()
    try:
        row, _ = svc.store.entry(cand.right_id)
        out["text"] = row.text or row.heading
    except NotFoundError:
        out["text"] = ""
    return out


def _param_lines(params: list[dict[str, Any]]) -> str:
    lines = []
    for p in params:
        left = p["left"]["text"] if p["left"] else "-"
        right = p["right"]["text"] if p["right"] else "-"
        if p["status"] == "differs":
            lines.append(f"[red]≠ {escape(p['quantity'])}: {escape(left)} | {escape(right)}[/]")
        elif p["status"] == "same":
            lines.append(f"= {escape(p['quantity'])}: {escape(left)}")
        else:
            lines.append(f"[dim]{p['status']} {escape(p['quantity'])}: {escape(left)} | {escape(right)}[/]")
    return "\n".join(lines)


@click.command()
@click.argument("entry_id")
@click.option("--to", "to", multiple=True, metavar="J",
              help="Only this jurisdiction (repeatable); J@lang for a language version (ca@fr).")
@click.option("--top-k", "top", type=click.IntRange(1, 50), default=3, show_default=True,
              help="Candidates per jurisdiction.")
@click.option("--json", "as_json", is_flag=True, help="Print the equivalents as JSON.")
@handle_errors
def equivalents(entry_id: str, to: tuple[str, ...], top: int, as_json: bool) -> None:
    """Ranked equivalents of an entry in other jurisdictions (and other languages of its own list),
    with the evidence: code alignment, meaning, and parameters compared side by side."""
    with Service.open() as svc:
        data = equivalents_json(svc, entry_id, to, top)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{escape(data['entry_id'])}[/] ({data['kind']}, {data['language']}): "
                  f"{escape(data['text'][:200])}", highlight=False)
    if "note" in data:
        console.print(escape(data["note"]), highlight=False)
    for target in data["targets"]:
        where = target["jurisdiction"] + ("" if target["language"] == "en" else f"@{target['language']}")
        table = Table(title=f"→ {where}" + ("  (no counterpart: unilateral)" if target["unilateral"] else ""),
                      show_lines=True)
        for col in ("candidate", "score", "status", "code", "meaning", "parameters"):
            table.add_column(col, overflow="fold")
        for c in target["candidates"]:
            ev = c["evidence"]
            table.add_row(f"{escape(c['entry_id'])}\n[dim]{escape(c['text'][:120])}[/]", f"{c['score']:.2f}",
                          c["status"], "aligned" if ev["code_aligned"] else "-", f"{ev['meaning']:.2f}",
                          _param_lines(ev["parameters"]))
        console.print(table)


# --- concordance -------------------------------------------------------------------------------
CSV_FIELDS = ("left_id", "rank", "right_id", "score", "status", "code_aligned", "meaning",
              "parameter_differences", "left_unilateral")


def concordance_rows(conc: Concordance) -> Iterator[dict[str, Any]]:
    for row in conc.rows:
        if not row.candidates:
            yield {"left_id": row.left_id, "rank": "", "right_id": "", "score": "", "status": "unilateral",
                   "code_aligned": "", "meaning": "", "parameter_differences": "", "left_unilateral": True}
        for rank, c in enumerate(row.candidates, 1):
            diffs = "; ".join(d.describe() for d in c.parameters if d.status == "differs")
            yield {"left_id": row.left_id, "rank": rank, "right_id": c.right_id, "score": round(c.score, 4),
                   "status": c.status, "code_aligned": c.code_aligned, "meaning": round(c.meaning, 4),
                   "parameter_differences": diffs, "left_unilateral": row.unilateral}
    for rid in conc.unmatched_right:
        yield {"left_id": "", "rank": "", "right_id": rid, "score": "", "status": "unilateral",
               "code_aligned": "", "meaning": "", "parameter_differences": "", "left_unilateral": ""}


@click.command()
@click.option("--from", "from_", required=True, metavar="J", help="Left jurisdiction (J@lang for a language).")
@click.option("--to", "to", required=True, metavar="J", help="Right jurisdiction (J@lang for a language).")
@click.option("--level", type=click.Choice(LEVELS), default="entry", show_default=True,
              help="Match entries (3A001) or sub-items (3A001.b.1).")
@click.option("--top-k", "top", type=click.IntRange(1, 20), default=3, show_default=True,
              help="Candidates per left entry.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")
@handle_errors
def concordance(from_: str, to: str, level: str, top: int, fmt: str, out: Path | None) -> None:
    """Concordance of two jurisdictions' lists: each entry's ranked equivalents with evidence,
    divergences (equivalent entries whose parameters differ) and unilateral entries."""
    (lj, llang), (rj, rlang) = _parse_target(from_), _parse_target(to)
    with Service.open() as svc:
        left, right = list_ref(svc, lj, llang), list_ref(svc, rj, rlang)
        if left.label == right.label:
            raise click.BadParameter("--from and --to name the same list")
        with embedding_progress() as (plan, advance):
            embed = store_embedder(svc, {left.language, right.language}, plan, advance)
            conc = build_concordance(left.nodes, right.nodes, left_jurisdiction=lj, right_jurisdiction=rj,
                                     embed=embed, extract=extractor(), kinds=(level,), top_k=top)
    rows = list(concordance_rows(conc))
    if fmt == "json":
        text = json.dumps({"from": {"jurisdiction": lj, "language": left.language, "versions": left.versions},
                           "to": {"jurisdiction": rj, "language": right.language, "versions": right.versions},
                           "level": level, "model": embed.embedder.name, "aligned_as_ordered_lists": conc.ordered,
                           "rows": [{"left_id": r.left_id, "unilateral": r.unilateral, "divergent": r.divergent,
                                     "candidates": [c.as_json() for c in r.candidates]} for r in conc.rows],
                           "unilateral_right": conc.unmatched_right}, ensure_ascii=False, indent=2) + "\n"
    else:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
        text = buf.getvalue()
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
    equivalent = sum(1 for r in conc.rows if not r.unilateral)
    err_console.print(f"{len(conc.rows)} {lj} {level}s: {equivalent} with an equivalent in {rj} "
                      f"({sum(r.divergent for r in conc.rows)} with differing parameters), "
                      f"{sum(r.unilateral for r in conc.rows)} unilateral; "
                      f"{len(conc.unmatched_right)} {rj} {level}s without a {lj} counterpart"
                      + (f"; written to {out}" if out else ""), highlight=False)


# --- classify ----------------------------------------------------------------------------------
def classify_json(svc: Service, description: str, jurisdictions: Sequence[str], language: str,
                  top: int) -> dict[str, Any]:
    wanted = [_parse_target(j) for j in jurisdictions] or [
        (j, None) for j in sorted({s.jurisdiction for s in svc.sources})
        if any(svc.store.current_version(s.id) for s in svc.sources if s.jurisdiction == j)]
    refs = [list_ref(svc, j, lang) for j, lang in wanted]
    pool: list[Node] = []
    docs: list[str] = []
    for ref in refs:
        entries = matching_documents(ref.nodes, kinds=("entry",))
        for node in ref.nodes:
            if entries.get(node.id) and node.status == "active":
                pool.append(node)
                docs.append(entries[node.id])
    if not pool:
        raise NotFoundError("no entries to classify against")
    languages = {language} | {ref.language for ref in refs}
    with embedding_progress() as (plan, advance):
        embed = store_embedder(svc, languages, plan, advance)
        result = match_texts([description], docs, languages=languages, embed=embed, mode="independent")
    ranked = top_k(result.scores, top, result.ranking)[0]
    hits = []
    for j, score in ranked:
        best = max(passages(docs[j]), key=lambda p: _overlap(description, p))
        hits.append({"entry_id": pool[j].id, "jurisdiction": pool[j].id.split(":", 1)[0],
                     "score": round(score, 4), "text": pool[j].text, "best_passage": best})
    return {"description": description, "language": language, "model": embed.embedder.name,
            "jurisdictions": [r.label for r in refs], "candidates": hits}


def _overlap(a: str, b: str) -> int:
    from nlp.match.text import words

    return len(set(words(a)) & set(words(b)))


@click.command()
@click.argument("description")
@click.option("--jurisdiction", "-j", "jurisdictions", multiple=True, metavar="J",
              help="Only this jurisdiction (repeatable; J@lang for a language version). Default: all.")
@click.option("--language", default="en", show_default=True, help="Language of the description.")
@click.option("--top-k", "top", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the candidates as JSON.")
@handle_errors
def classify(description: str, jurisdictions: tuple[str, ...], language: str, top: int, as_json: bool) -> None:
    """Ranked candidate entries for a product description (by meaning: a starting point for a
    classification, not a classification)."""
    with Service.open() as svc:
        data = classify_json(svc, description, jurisdictions, language, top)
    if as_json:
        print_json(data)
        return
    table = Table(title=f"candidates for: {escape(description[:100])}")
    for col in ("entry", "score", "text", "best-fitting passage"):
        table.add_column(col, overflow="fold")
    for hit in data["candidates"]:
        table.add_row(hit["entry_id"], f"{hit['score']:.2f}", escape(hit["text"][:100]),
                      escape(hit["best_passage"][:160]))
    console.print(table)


# --- match (files only) ------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    id: str
    jurisdiction: str
    text: str
    language: str


def read_jsonl(path: Path) -> list[Line]:
    """Validate and read `{"id", "jurisdiction", "text", "language"}` lines; errors name the line."""
    out: list[Line] = []
    seen: set[str] = set()
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path}: {exc}") from exc
    with handle:
        for n, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise click.BadParameter(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise click.BadParameter(f"{path}:{n}: expected an object")
            for key in ("id", "text"):
                if not isinstance(obj.get(key), str) or not obj[key].strip():
                    raise click.BadParameter(f"{path}:{n}: field {key!r} must be a non-empty string")
            for key in ("jurisdiction", "language"):
                if key in obj and not isinstance(obj[key], str):
                    raise click.BadParameter(f"{path}:{n}: field {key!r} must be a string")
            if obj["id"] in seen:
                raise click.BadParameter(f"{path}:{n}: duplicate id {obj['id']!r}")
            seen.add(obj["id"])
            out.append(Line(obj["id"], obj.get("jurisdiction", ""), obj["text"], obj.get("language") or "en"))
    if not out:
        raise click.BadParameter(f"{path}: no lines")
    return out


class DirectEmbed:
    """An `EmbedFn` without a store: `match` works on its inputs alone."""

    def __init__(self, embedder: Embedder, plan: Callable[[str, int], None], advance: Callable[[int], None]) -> None:
        self.embedder, self.plan, self.advance = embedder, plan, advance

    def __call__(self, left: Sequence[str], right: Sequence[str]) -> tuple[Vectors, Vectors]:
        texts = list(dict.fromkeys([*left, *right]))
        self.plan(self.embedder.name, len(texts))
        vectors = embed_batched(self.embedder, texts, 64, self.advance)
        index = {t: i for i, t in enumerate(texts)}
        return (vectors[[index[t] for t in left]] if left else np.zeros((0, self.embedder.dim), np.float32),
                vectors[[index[t] for t in right]] if right else np.zeros((0, self.embedder.dim), np.float32))


def match_lines(left: Sequence[Line], right: Sequence[Line], k: int, mode: Mode, model: str | None,
                threads: int, english_model: str) -> Iterator[dict[str, Any]]:
    languages = {x.language for x in left} | {x.language for x in right}
    name = model or model_for(languages, english_model)
    with embedding_progress() as (plan, advance):
        embed: EmbedFn | None = DirectEmbed(get_embedder(name, threads), plan, advance)
        result = match_texts([x.text for x in left], [x.text for x in right], languages=languages,
                             embed=embed, mode=mode)
    for line, ranked in zip(left, top_k(result.scores, k, result.ranking), strict=True):
        yield {"left_id": line.id,
               "candidates": [{"right_id": right[j].id, "score": round(score, 6)} for j, score in ranked]}


@click.command()
@click.option("--left", "left_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSONL, one {"id", "jurisdiction", "text", "language"} per line.')
@click.option("--right", "right_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSONL, same shape: the candidates.")
@click.option("--top-k", "k", type=click.IntRange(1, 1000), default=5, show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help='Output JSONL: {"left_id", "candidates": [{"right_id", "score"}, ...]} best first.')
@click.option("--mode", type=click.Choice(["auto", "lists", "independent"]), default="auto", show_default=True,
              help="lists: both files are control lists in their own order (order and one-to-one "
                   "competition help); independent: each left line stands alone (a catalogue); "
                   "auto: lists if the data show a shared order.")
@click.option("--model", type=click.Choice(["minilm-l6-v2", "use-multilingual-v3"]), default=None,
              help="Embedding model (default: by the languages of the inputs).")
@handle_errors
def match(left_path: Path, right_path: Path, k: int, out: Path, mode: Mode, model: str | None) -> None:
    """Match any two lists by meaning (control lists, a product catalogue, ...), offline, on the
    two files alone: for each left line the k best right lines with a score in [0, 1]."""
    from exportwatch.settings import Settings

    settings = Settings.from_env()
    left, right = read_jsonl(left_path), read_jsonl(right_path)
    try:
        with out.open("w", encoding="utf-8") as fh:
            for record in match_lines(left, right, k, mode, model, settings.embed_threads, settings.embed_model_en):
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise ExportWatchError(f"cannot write {out}: {exc}") from exc
    err_console.print(f"matched {len(left)} x {len(right)} lines; written to {out}", highlight=False)


COMMANDS = [equivalents, concordance, classify, match]
