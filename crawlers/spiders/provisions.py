"""Spiders for regulation texts read as provisions and for licensing data files: each only says
what a valid document of its format starts with, so an error page is caught at fetch time."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider


class EcfrEarSpider(SourceSpider):
    """eCFR versioner API: EAR parts and sections (734, 738, § 772.1) as XML."""

    name = "ecfr-ear"
    magic = (b"<?xml", b"<DIV5", b"<DIV8")


class JusticeLawsProvisionsSpider(SourceSpider):
    """Justice Laws Website (Canada): Acts and regulations as XML."""

    name = "justice-laws-provisions"
    magic = (b"<?xml", b"<Statute", b"<Regulation")


class EuAnnexJsonSpider(SourceSpider):
    """A JSON parse of consolidated Regulation (EU) 2021/821."""

    name = "eu-annex-json"
    magic = (b"{",)


class CountryGroupsJsonSpider(SourceSpider):
    """A JSON extract of the EAR Country Groups (Supplement No. 1 to Part 740)."""

    name = "country-groups-json"
    magic = (b"{",)


PROVISION_SPIDERS: tuple[type[SourceSpider], ...] = (
    EcfrEarSpider, JusticeLawsProvisionsSpider, EuAnnexJsonSpider, CountryGroupsJsonSpider,
)
