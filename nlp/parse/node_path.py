"""The code path of a node in a parser's working tree (each parser keeps its own node class)."""

from __future__ import annotations

from typing import Protocol


class LinkedNode(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def parent(self) -> LinkedNode | None: ...


def code_path(node: LinkedNode) -> tuple[str, ...]:
    """The codes from the root down to `node` (ParsedEntry.path)."""
    codes: list[str] = []
    current: LinkedNode | None = node
    while current is not None:
        codes.append(current.code)
        current = current.parent
    return tuple(reversed(codes))
