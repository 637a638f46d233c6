"""Cross-references: codes governed by a phrase that points at another control.

"N.B. SEE ALSO 1A202, 9A010 and 9A110" -> three see-also references; "controlled by 5A002",
"specified in 1C010.a.", "referred to in item 1-7.A.5 of the Guide"; "1A002 does not control",
"not controlled by 3A001", "except 0A501.y" -> excluded. A code is a reference only when such a
phrase governs it: "(see List of Items Controlled)" names no code, and a bare code in a licence
table ("NS applies to 3A001.b.2") is a mention, kept in `codes`, not a reference.
"""

from __future__ import annotations

import re

from nlp.extract.codes import CodeMention
from nlp.extract.model import Reference, ReferenceKind

_TRIGGERS: dict[ReferenceKind, list[str]] = {
    "excluded": [
        r"(?:does|do|shall) not (?:control|apply to|cover|include)",
        r"not (?:controlled|specified|described|covered|included|listed|enumerated|identified) (?:by|in|under)",
        r"except(?: for| as provided in)?", r"excluding", r"other than", r"excluded from",
        r"(?:other than|except|excluding|but not) (?:those |that |the |items |equipment |ones )?(?:specified|"
        r"controlled|described|enumerated|listed|covered|identified) (?:in|by|under)",
        r"exempt(?:ed)? from", r"excepting", r"with the exception of",
        r"ne vise pas", r"ne visent pas", r"ne s['’]applique pas (?:à|aux?)", r"à l['’]exclusion (?:de|des|du)",
        r"sauf", r"autres? que", r"non visée?s? (?:à|aux?|par)", r"erfasst nicht", r"ausgenommen", r"nicht erfasst",
        r"außer", r"ausser",
    ],
    "see-also": [
        r"see also", r"also see", r"see", r"voir aussi", r"voir également", r"voir", r"siehe auch", r"siehe",
        r"vgl\.",
    ],
    "controlled-by": [
        r"controlled (?:by|in|under|as)", r"classified (?:under|in|as)", r"subject to the controls (?:of|in)",
        r"(?:is|are) controlled by", r"visée?s? par", r"contrôlée?s? (?:par|à|aux?|sous)", r"erfasst (?:von|durch)",
        r"kontrolliert (?:von|durch)",
    ],
    "specified-in": [
        r"specified (?:in|by|under)", r"described (?:in|by|under)", r"enumerated (?:in|by)", r"identified in",
        r"listed (?:in|under)", r"defined in", r"referred to in", r"mentioned in", r"covered by",
        r"(?:technical )?parameters (?:in|of)", r"meeting (?:the )?(?:criteria|characteristics) (?:in|of)",
        r"visée?s? (?:à|aux?|dans)", r"mentionnée?s? (?:à|aux?|dans)", r"spécifiée?s? (?:à|aux?|dans|par)",
        r"décrite?s? (?:à|aux?|dans)", r"figurant (?:à|aux?|dans)", r"énumérée?s? (?:à|aux?|dans)",
        r"genannt (?:in|unter)", r"erfasst (?:in|unter)", r"beschrieben (?:in|unter)", r"aufgeführt (?:in|unter)",
    ],
}
# Words allowed between a trigger and the first code: "see ECCNs 9A004.h", "referred to in item 1-7.A.5".
_FILLER = (r"(?:(?:ECCNs?|[Ee]ntry|[Ee]ntries|[Ii]tems?|[Ss]ub-?items?|[Ss]ubparagraphs?|[Pp]aragraphs?|the|also|"
           r"[Pp]aragraphes?|[Aa]linéas?|[Ss]ous-alinéas?|"
           r"[Cc]ategory|[Aa]rticles?|l['’]article|les articles|aux articles|l['’]alinéa|le paragraphe|les paragraphes|"
           r"aux paragraphes|au paragraphe|à l['’]article|Nummern?|Unternummern?|Positionen|Position|Ziffern?|"
           r"items? in|those in|that in|those|ECCN|No\.|Nos\.)[ \u00a0]+)*")


def _compile() -> tuple[re.Pattern[str], list[ReferenceKind]]:
    pairs = sorted(((p, kind) for kind, phrases in _TRIGGERS.items() for p in phrases),
                   key=lambda pk: len(pk[0]), reverse=True)
    alternation = "|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(pairs))
    pattern = re.compile(rf"(?<![\w-])(?:{alternation})[ \u00a0]*,?[ \u00a0]+{_FILLER}\(?$", re.IGNORECASE)
    return pattern, [kind for _, kind in pairs]


_BEFORE, _KINDS = _compile()
_SUBJECT_EXCLUDES = re.compile(
    r"\.?[ \u00a0]*(?:(?:does|do|shall) not (?:control|apply to|cover|include)|ne vise pas|ne visent pas|"
    r"ne s['’]applique pas|erfasst nicht)", re.IGNORECASE)
# Between two codes of one list: "1A202, 9A010 and 9A110", "9A004.a through .f", "ECCNs 7D005 and 7E001".
# A parenthesis without digits may sit between them: "1E001 (“development” and “production”) and 1E201".
_LIST_GAP = re.compile(r"\.?(?:[ \u00a0]?\([^()\d]{1,60}\))?[ \u00a0]*(?:,|;)?[ \u00a0]*"
                       r"(?:(?:and|or|and/or|to|through|et|ou|à|und|oder|bis|as well as)"
                       r"[ \u00a0]+)?" + _FILLER + r"$", re.IGNORECASE)


# One verb governing a second list after a short noun phrase (gapping): "amplifiers described in
# 3A001.b.2 and discrete microwave transistors in 3A001.b.3" (us:3A001.z.1.a).
_GAPPED = re.compile(r"[ \u00a0]*,?[ \u00a0]+(?:and|or|et|ou|und|oder)[ \u00a0]+[^;:.()\d\"“”]{1,60}?[ \u00a0]+"
                     r"(?:in|by|under|dans|à|aux?|par|unter)[ \u00a0]+" + _FILLER + r"$", re.IGNORECASE)


_NEGATION = re.compile(r"\b(?:not|nor|ne|nicht)\b", re.IGNORECASE)


def find_references(text: str, codes: list[CodeMention]) -> list[Reference]:
    """The references among `codes` (as found in `text`), each with the phrase that makes it one."""
    out: list[Reference] = []
    for group in _lists(text, codes):
        first, last = group[0], group[-1]
        trigger = _trigger_before(text, first.start)
        gapped = _GAPPED.match(text[out[-1].end:first.start]) if trigger is None and out else None
        if gapped is not None:
            # "controlled under ECCN 1C992 and not under ECCN 1C608.m": a negation excludes
            trigger = ("excluded" if _NEGATION.search(gapped.group()) else out[-1].kind), out[-1].start
        if trigger is not None:
            kind, start = trigger
            out += [Reference(kind, c.code, text[start:c.end], start, c.end) for c in group]
            continue
        subject = _SUBJECT_EXCLUDES.match(text, last.end)
        if subject is not None:
            out += [Reference("excluded", c.code, text[c.start:subject.end()], c.start, subject.end())
                    for c in group]
    return out


def _lists(text: str, codes: list[CodeMention]) -> list[list[CodeMention]]:
    groups: list[list[CodeMention]] = []
    for code in codes:
        if groups and _LIST_GAP.match(text[groups[-1][-1].end:code.start]):
            groups[-1].append(code)
        else:
            groups.append([code])
    return groups


def _trigger_before(text: str, start: int) -> tuple[ReferenceKind, int] | None:
    window_start = max(0, start - 100)
    match = _BEFORE.search(text[window_start:start])
    if match is None or match.lastgroup is None:
        return None
    return _KINDS[int(match.lastgroup[1:])], window_start + match.start()
