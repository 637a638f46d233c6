"""eCFR versioner API: one part of a CFR title as XML at a date (latest issue date by default)."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider


class EcfrSpider(SourceSpider):
    name = "ecfr-xml"
    magic = (b"<?xml", b"<DIV5", b"<DIV8")
