"""Justice Laws Website (Canada) consolidated regulations as XML."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider


class JusticeLawsSpider(SourceSpider):
    name = "justice-laws-xml"
    magic = (b"<?xml", b"<Regulation", b"<Statute")
