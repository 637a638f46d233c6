"""Entry documents: the text that stands for an entry when it is compared by meaning.

An entry's own text is often only a lead-in ("Electronic items as follows:"); its sub-items say
what is controlled. So an entry's document is its own text followed by its sub-items' texts, in
list order, capped; a sub-item's document starts with the lead-in of the entry it belongs to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlp.match.text import entry_document

DOCUMENT_LIMIT = 2000
CONTEXT_LIMIT = 160


@dataclass(frozen=True)
class Node:
    """The fields of a stored or parsed entry that matching needs."""

    id: str
    code: str
    parent: str | None  # id of the parent node
    kind: str  # category | group | entry | item
    text: str
    language: str
    position: int = 0
    # "active", or an entry that controls nothing ("reserved", "not-used", "repealed"): kept in
    # documents (a parent's text), never matched (nlp.match.concordance)
    status: str = "active"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def subtree_documents(nodes: Sequence[Node], kinds: Iterable[str] = ("entry", "item"),
                      limit: int = DOCUMENT_LIMIT, only: Iterable[str] | None = None) -> dict[str, str]:
    """Document text per node id, for nodes of the given kinds (and ids, if `only` is given)."""
    wanted_ids = set(only) if only is not None else None
    wanted = set(kinds)
    by_id = {n.id: n for n in nodes}
    children: dict[str, list[Node]] = {}
    for n in sorted(nodes, key=lambda n: n.position):
        if n.parent is not None:
            children.setdefault(n.parent, []).append(n)

    def texts(node: Node, budget: int) -> list[str]:
        out = [node.text]
        size = len(node.text)
        stack = list(reversed(children.get(node.id, [])))
        while stack and size < budget:
            child = stack.pop()
            out.append(child.text)
            size += len(child.text) + 1
            stack.extend(reversed(children.get(child.id, [])))
        return out

    docs: dict[str, str] = {}
    for node in nodes:
        if node.kind not in wanted or (wanted_ids is not None and node.id not in wanted_ids):
            continue
        parts = texts(node, limit)
        if node.kind == "item":
            entry = _entry_ancestor(node, by_id)
            if entry is not None and entry.text:
                parts.insert(0, entry.text[:CONTEXT_LIMIT])
        docs[node.id] = entry_document(parts, limit)
    return docs


def _entry_ancestor(node: Node, by_id: dict[str, Node]) -> Node | None:
    seen = 0
    current = by_id.get(node.parent) if node.parent else None
    while current is not None and seen < 20:
        if current.kind == "entry":
            return current
        current = by_id.get(current.parent) if current.parent else None
        seen += 1
    return None


def matching_documents(nodes: Sequence[Node], kinds: Iterable[str] = ("entry", "item")) -> dict[str, str]:
    """The texts compared by meaning (and embedded and cached): entry documents with control
    codes masked, so that meaning evidence stays independent of code evidence."""
    from nlp.match.text import mask_codes

    return {nid: mask_codes(doc) for nid, doc in subtree_documents(nodes, kinds=kinds).items()}
