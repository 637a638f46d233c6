"""Items with cumulative labels ("a.1.a." -> "3A001.a.1.a"), reserved ranges, skipped levels."""

from __future__ import annotations

from nlp.model import EntryStatus
from nlp.parse.ecfr_xml import labels
from nlp.parse.ecfr_xml.state import State
from nlp.parse.ecfr_xml.tree import Node, first_sentence


class Items(State):
    """Turns cumulative labels into item nodes under the current ECCN."""

    def _label_of(self, text: str) -> str | None:
        assert self.eccn is not None
        if m := labels.ITEM_RANGE.match(text):
            return m.group("first")
        label = labels.item_label(text)
        if label is None and (loose := labels.item_label(text, strict=False)) is not None:
            parent = loose.rpartition(".")[0]
            label = loose if parent and f"{self.eccn.code}.{parent}" in self.tree else None
        return label

    def _item(self, text: str, label: str) -> None:
        self.section = "items"
        if m := labels.ITEM_RANGE.match(text):
            expanded = labels.expand_range(m.group("first"), m.group("last"), m.group("op"))
            if expanded is not None:
                for label in expanded:
                    self._add_item(label, m.group("rest"))
                self.stats["range_items"] += len(expanded)
                return
            self._warn(f"item range not understood: {text[:80]!r}")
        body = labels.ITEM.sub("", text, count=1).strip()
        self._add_item(label, body)

    def _add_item(self, label: str, body: str) -> None:
        assert self.eccn is not None
        code = f"{self.eccn.code}.{label}"
        parent = self._item_parent(label)
        status: EntryStatus = "reserved" if labels.RESERVED.match(body) else "active"
        if code in self.tree:
            node = self.tree.get(code)
            if code in self.synthetic:
                self.synthetic.discard(code)
                node.heading, node.status = first_sentence(body), status
            else:
                self._warn(f"item {code} occurs twice; second text appended")
            node.add_text(body)
        else:
            node = self.tree.add(Node(code, parent, "item", first_sentence(body), [], status))
            node.add_text(body)
            self.stats["reserved_items"] += status == "reserved"
        self.item = node
        self.last_note = None

    def _item_parent(self, label: str) -> str:
        assert self.eccn is not None
        parent_label = label.rpartition(".")[0]
        if not parent_label:
            return self.eccn.code
        parent = f"{self.eccn.code}.{parent_label}"
        if parent not in self.tree:
            # The document skips a level ("z.1" with no "z."): keep the tree whole, but say so.
            grand = self._item_parent(parent_label)
            self.tree.add(Node(parent, grand, "item", "", []))
            self.synthetic.add(parent)
            self.stats["synthesised_items"] += 1
            self.warnings.append(f"{self.eccn.code}: item {parent} missing; created for {label}")
        return parent
