"""Federal Register of Legislation (Australia): the DSGL instrument as DOCX."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider


class DsglDocxSpider(SourceSpider):
    name = "dsgl-docx"
    magic = (b"PK\x03\x04",)
