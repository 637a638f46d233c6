"""Federal Register API v1: pages of `documents.json` (JSON objects), followed by next_page_url."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider


class FederalRegisterSpider(SourceSpider):
    name = "federal-register-json"
    magic = (b"{",)
