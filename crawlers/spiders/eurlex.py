"""EUR-Lex consolidated acts as PDF, discovered from the act's ALL page."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider


class EurLexPdfSpider(SourceSpider):
    name = "eurlex-pdf"
    magic = (b"%PDF-",)
