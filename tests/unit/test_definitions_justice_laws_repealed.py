"""Canada `<Body>` definitions: a repealed definition is no defined term, and a comma after the
term belongs to the head (found by the hand check, bench/definitions_check.md)."""

from __future__ import annotations

from nlp.definitions import extract_definitions
from nlp.parse import FetchedFile

_ACT = """<?xml version="1.0" encoding="UTF-8"?>
<Statute xml:lang="en"><Identification><Chapter><ConsolidatedNumber>X-1</ConsolidatedNumber></Chapter>
</Identification><Body><Section><Label>2</Label><Subsection><Label>(1)</Label><Text>In this Act,</Text>
<Definition><Text><DefinedTermEn>Free Trade Agreement</DefinedTermEn>
<Repealed>[Repealed, 1997, c. 14, s. 70]</Repealed></Text></Definition>
<Definition><Text><DefinedTermEn>foreign country</DefinedTermEn> means a country other than Canada;
(<DefinedTermFr>pays étranger</DefinedTermFr>)</Text></Definition>
<Definition><Text><DefinedTermEn>surge</DefinedTermEn>, in respect of goods imported from</Text>
<Paragraph><Label>(a)</Label><Text>a CUSMA country, means a significant increase in imports, and</Text></Paragraph>
<Paragraph><Label>(b)</Label><Text>Chile, has the meaning given by Article F-05;
(<DefinedTermFr>augmentation subite</DefinedTermFr>)</Text></Paragraph>
</Definition></Subsection></Section></Body></Statute>
"""


def test_repealed_definition_is_skipped_and_comma_after_term_dropped() -> None:
    files = (FetchedFile("https://laws.test/eng/XML/X-1.xml", _ACT.encode(), language="en"),)
    result = extract_definitions("justice-laws-provisions", files, "ca-test")
    assert [d.term for d in result.definitions] == ["foreign country", "surge"]
    assert result.warnings == ()
    surge = result.definitions[1]
    assert surge.text == ("in respect of goods imported from (a) a CUSMA country, means a significant increase in "
                          "imports, and (b) Chile, has the meaning given by Article F-05")
    assert result.definitions[0].text == "means a country other than Canada"
