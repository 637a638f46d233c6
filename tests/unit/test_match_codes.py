"""Code alignment across numbering schemes (nlp.match.codes) and code masking (nlp.match.text)."""

from __future__ import annotations

import pytest

from nlp.match.codes import canonical_code
from nlp.match.text import mask_codes, numbers


@pytest.mark.parametrize(("jurisdiction", "code", "key"), [
    ("eu", "3A001.b.1", "3A001.b.1"),
    ("us", "3A001.b.1", "3A001.b.1"),
    ("au", "3A001.b.1", "3A001.b.1"),
    ("wa", "3.A.1.b.1", "3A001.b.1"),
    ("wa", "1.C.10.c", "1C010.c"),
    ("uk", "9A001b", "9A001.b"),
    ("ch", "0B001b7", "0B001.b.7"),
    ("wa", "ML8.a", "ML8.a"),
    ("au", "ML8.a", "ML8.a"),
    ("eu", "3A001.b.1@fr", "3A001.b.1"),
])
def test_codes_align_across_schemes(jurisdiction: str, code: str, key: str) -> None:
    assert canonical_code(jurisdiction, code) == key


@pytest.mark.parametrize(("jurisdiction", "code"), [
    ("us", "9A515.a"),  # US 515/600 series: national
    ("us", "0A501"),
    ("au", "ML901"),  # Australia's national munitions items
    ("ca", "5504(2)(d)"),  # Canada's own numbering
    ("eu", "3A"),  # a group, not an entry
])
def test_national_codes_do_not_align(jurisdiction: str, code: str) -> None:
    assert canonical_code(jurisdiction, code) is None


def test_mask_codes_removes_every_scheme_and_keeps_the_words() -> None:
    text = ("Equipment specified in 3A001.b.1. or 1C009.b., see 3.A.1.b.1. and ML8.a; items 1-7.A.5. "
            "of the Guide; 9A001b; item 5504 exceeding 10 GHz")
    masked = mask_codes(text, extra=["5504"])
    for code in ("3A001", "1C009", "3.A.1", "ML8", "1-7.A.5", "9A001", "5504"):
        assert code not in masked
    assert masked.startswith("Equipment specified in")
    assert "exceeding 10 GHz" in masked


def test_numbers_read_decimal_commas_as_points() -> None:
    assert numbers("exceeding 2,5 m or 2.50 m or 1000 W") == ["2.5", "2.5", "1000"]
