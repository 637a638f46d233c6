"""One thin spider per format, looked up by the format name in config/sources.yml."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider
from crawlers.spiders.dsgl import DsglDocxSpider
from crawlers.spiders.ecfr import EcfrSpider
from crawlers.spiders.eurlex import EurLexPdfSpider
from crawlers.spiders.federal_register import FederalRegisterSpider
from crawlers.spiders.justice_laws import JusticeLawsSpider
from crawlers.spiders.provisions import PROVISION_SPIDERS
from crawlers.spiders.wassenaar import WassenaarSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    cls.name: cls
    for cls in (JusticeLawsSpider, EcfrSpider, EurLexPdfSpider, WassenaarSpider, DsglDocxSpider,
                FederalRegisterSpider)
}

SPIDERS.update({cls.name: cls for cls in PROVISION_SPIDERS})


def spider_for(fmt: str) -> type[SourceSpider]:
    """The format's own spider, or the generic one for formats that need no checks."""
    return SPIDERS.get(fmt, SourceSpider)
