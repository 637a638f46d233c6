"""Wassenaar Arrangement control lists: per-category Word files or one PDF, from the lists page."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider


class WassenaarSpider(SourceSpider):
    name = "wassenaar"
    # Legacy Word (OLE2), DOCX (zip) or PDF: the Secretariat has published all three.
    magic = (b"\xd0\xcf\x11\xe0", b"PK\x03\x04", b"%PDF-")
