"""Parser for the EAR Country Groups (Supp. No. 1 to Part 740) as a third-party JSON extract.

One "section" node "Country Groups" and one "paragraph" node per group ("Country Group A:5"),
whose text lists the member countries. The version date is the eCFR issue date the extract was
made from (`ecfrIssueDate`). The extract is not the regulation: see nlp/licensing/groups.py and
the source's notes in config/sources.yml.
"""

from __future__ import annotations

from exportwatch.errors import ParseError
from nlp.licensing.groups import parse_groups_json
from nlp.model import Note, ParsedDocument, ParsedEntry
from nlp.parse import Bundle

__all__ = ["parse"]

ROOT = "Country Groups"


def parse(bundle: Bundle) -> ParsedDocument:
    if len(bundle.files) != 1:
        raise ParseError(f"{bundle.source_id}: expected one country-groups file, got {len(bundle.files)}")
    fetched = bundle.files[0]
    groups = parse_groups_json(fetched.content, what=f"{bundle.source_id} ({fetched.url})")
    notes = tuple(Note("other", key, text) for key, text in sorted(groups.notes.items()))
    provenance = Note("other", "Source", f"Third-party extract of 15 CFR part 740, Supplement No. 1, "
                                         f"made from {groups.source_url or 'the eCFR'} "
                                         f"(issue date {groups.issue_date}); not the regulation's text")
    entries = [ParsedEntry(code=ROOT, parent=None, path=(ROOT,), kind="section",
                           heading="Country Groups (Supplement No. 1 to part 740)", text="",
                           language=fetched.language, notes=(provenance, *notes), position=0)]
    for group, members in sorted(groups.members.items()):
        code = f"Country Group {group}"
        entries.append(ParsedEntry(
            code=code, parent=ROOT, path=(ROOT, code), kind="paragraph",
            heading=f"Country Group {group}: {groups.labels.get(group, '')}".rstrip(": "),
            text=", ".join(members), language=fetched.language, position=len(entries)))
    return ParsedDocument(version_date=groups.issue_date,
                          title="EAR Country Groups (15 CFR 740 Supp. No. 1), third-party extract",
                          entries=tuple(entries), warnings=groups.warnings,
                          stats={"groups": len(groups.members),
                                 "memberships": sum(len(m) for m in groups.members.values())})
