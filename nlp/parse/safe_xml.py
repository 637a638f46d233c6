"""XML parsing with no entity expansion, no network and no DTD loading.

Regulators' XML never needs internal entities; a document that declares any is refused outright
(billion-laughs), and external entities are never resolved (XXE).
"""

from __future__ import annotations

import re

from lxml import etree

from exportwatch.errors import ParseError

MAX_XML_BYTES = 50 * 1024 * 1024
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


def parse_xml(data: bytes, *, what: str = "document") -> etree._Element:
    """Parse bytes into an lxml element tree root, refusing hostile or oversized input."""
    if len(data) > MAX_XML_BYTES:
        raise ParseError(f"{what}: XML is {len(data)} bytes, over the {MAX_XML_BYTES} limit")
    if _ENTITY_DECL.search(data[:65536]):
        raise ParseError(f"{what}: XML declares entities; refused (entity expansion is disabled)")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{what}: malformed XML: {exc}") from exc
    if root is None:
        raise ParseError(f"{what}: empty XML document")
    return root
