"""Canada (Justice Laws XML): the definitions sections of a regulation or act, the terms defined
inline elsewhere (in a provision, in an item's notes), and the terms the schedule defines by
reference (FORMATS.md 1).

`<Body>` › `<Section>` › `<Definition><Text><DefinedTermEn>Guide</DefinedTermEn> means … .
(<DefinedTermFr>Guide</DefinedTermFr>)</Text>`: in the English file the English term opens the
text and the French one closes it in parentheses, the other way round in the French file. Both
languages' definitions carry the English term's key as `id_key`, which pairs them
(`ca:def:wassenaar arrangement` and `ca:def:wassenaar arrangement@fr`).

Scope: the lead-in of a definitions section says where its definitions apply. "In this Act," /
"The following definitions apply in this List." (the whole instrument) gives scope "";
"In section 5," gives `section 5`; "The following definitions apply in this section." in section
5.4 gives `section 5.4`, "… in this section and section 6.4." in 6.3 `sections 6.3 and 6.4`; the
French file says the same in its words (`article 5`, `articles 6.3 et 6.4`).

Inline definitions: a `<DefinedTermEn>`/`<DefinedTermFr>` in a `<Text>` that is not a
`<Definition>` ("In this section, <DefinedTermEn>originating goods</DefinedTermEn> means …",
E-19 s. 6.1; "In subparagraph (ii), <DefinedTermEn>physical qubit</DefinedTermEn> means …", a note
of ECL item 5506). The text is the whole `<Text>` as printed, term and lead-in included. In the
body the scope comes from the lead-in as above; in the schedule it is the provision the note
belongs to (`item 5506(2)(c)(ii)`) and, as for the terms defined by reference, the key is
qualified by the item (`physical qubit (item 5506)`). The other language's term is not printed
beside it: the two files' inline definitions are paired by their place in the tree (item, labels,
n-th term of the n-th text), which is the same in both languages, and the French one takes the
English key as `id_key`.

The Export Control List defines few terms itself; its items borrow them: "In this item,
<DefinitionRef>technology</DefinitionRef> … have the same meaning as in the Guide …" (5504,
5506), "<DefinitionRef>antique firearms</DefinitionRef> as defined in subsection 84(1) of the
Criminal Code" (Group 2). Each such term becomes a definition by reference, qualified by where it
applies (`technology (item 5504)`), its text the provision that says so. French terms differ
(`technologie`) and are keyed by their own words.

Keys stay unique within a bundle: a term key or id key taken already in the same language is
qualified by the instrument when another file took it (the Act and a permit both defining
`Guide`), otherwise by the definition's scope, the id key with the scope in English words so
that both languages stay paired (`surge (section 5)`, `ca:def:surge (section 5)@fr`). Keys that
no earlier definition took are left as they are, so that adding a scope changes no stored id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lxml import etree

from exportwatch.errors import ParseError
from nlp.definitions.keys import clean_term, term_key
from nlp.definitions.model import Definition, DefinitionNote, Extracted
from nlp.parse import FetchedFile
from nlp.parse.justice_laws_xml.render import render_inline
from nlp.parse.safe_xml import parse_xml

__all__ = ["extract", "extract_root", "provision_scope"]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_BOM = b"\xef\xbb\xbf"
_NOT_IN_FORCE = "NifProvs"
_ROOTS = frozenset({"Regulation", "Statute"})
_GROUP = re.compile(r"^GROUPE?\s+(\d+)$", re.IGNORECASE)
_OTHER = {"en": "fr", "fr": "en"}
_LOCATION = {"en": ("item", "Group"), "fr": ("article", "groupe")}
_TERM_TAG = {"en": "DefinedTermEn", "fr": "DefinedTermFr"}
_SKIPPED_CONTAINERS = frozenset({"HistoricalNote", "Footnote", "MarginalNote"})


@dataclass(frozen=True)
class _Found:
    """A definition and what the bundle needs to pair and qualify it: its kind, its place in the
    tree when nothing printed pairs it with the other language, its scope in English words."""

    definition: Definition
    kind: str  # "section" (a definitions section), "inline", "reference"
    place: tuple[str, ...] = ()
    scope_en: str = ""


def extract(files: tuple[FetchedFile, ...], source_id: str) -> Extracted:
    """All files' definitions; a bundle may hold several instruments (the Act and a permit), whose
    terms can coincide: a repeated key is qualified by the instrument (`guide (sor/2015-200)`), or
    by the scope within one instrument (`minister (section 5.4)`). Inline definitions are paired
    across the two languages' files here."""
    found: list[tuple[str, _Found]] = []
    warnings: list[str] = []
    documents: list[str] = []
    for f in files:
        what = f"{source_id} {f.url}"
        root = parse_xml(f.content.removeprefix(_BOM), what=what)
        if root.tag not in _ROOTS:
            raise ParseError(f"{what}: root element is <{root.tag}>, expected <Regulation> or <Statute>")
        instrument = _instrument(root).casefold()
        language = (root.get(_XML_LANG) or f.language).lower()
        here = _find_all(root, language, what, warnings)
        found += [(instrument, x) for x in here]
        if here:
            documents.append(f.url)
    if not found:
        raise ParseError(f"{source_id}: no definitions in any file's <Body> or schedule")
    definitions = _unique(_pair_by_place(found))
    kinds = [x.kind for _, x in found]
    return Extracted(tuple(_renumber(d, i) for i, d in enumerate(definitions)), tuple(warnings), tuple(documents),
                     {"definitions": len(definitions), "by_reference": kinds.count("reference"),
                      "inline": kinds.count("inline"),
                      "limited": sum(1 for _, x in found if x.kind != "reference" and x.definition.scope)})


def _instrument(root: etree._Element) -> str:
    """`SOR/2015-200` (French `DORS/…` written the English way, so that languages pair) or `E-19`."""
    number = (root.findtext("Identification/InstrumentNumber") or "").strip()
    if number:
        return re.sub(r"^DORS/", "SOR/", number)
    return (root.findtext("Identification/Chapter/ConsolidatedNumber") or "").strip()


def _renumber(d: Definition, position: int) -> Definition:
    return replace(d, position=position)


def extract_root(root: etree._Element, *, language: str, what: str) -> Extracted:
    """One file's definitions (inline ones unpaired: pairing needs both files, see `extract`)."""
    warnings: list[str] = []
    out = [x.definition for x in _find_all(root, language, what, warnings)]
    return Extracted(tuple(_renumber(d, i) for i, d in enumerate(out)), tuple(warnings))


def _find_all(root: etree._Element, language: str, what: str, warnings: list[str]) -> list[_Found]:
    return [*_body_definitions(root, language, what, warnings), *_body_inline(root, language, what, warnings),
            *_schedules(root, language, what, warnings)]


def _pair_by_place(found: list[tuple[str, _Found]]) -> list[tuple[str, _Found]]:
    """Inline definitions print no other-language term: the one at the same place in the other
    language's file of the same instrument is the twin, and the English key becomes the French
    definition's `id_key`."""
    english = {(instrument, x.place): x.definition.term_key for instrument, x in found
               if x.place and x.definition.language == "en"}
    out: list[tuple[str, _Found]] = []
    for instrument, x in found:
        d = x.definition
        if x.place and d.language != "en":
            twin = english.get((instrument, x.place))
            x = replace(x, definition=replace(d, id_key=twin or ""))
        out.append((instrument, x))
    return out


def _unique(found: list[tuple[str, _Found]]) -> list[Definition]:
    """Qualify a (language, term key) or (language, id key) already taken: by the instrument when
    another instrument took it, else by the scope. Id keys are settled English first, with the
    English scope, and a French twin (same instrument, English key and English scope) takes what
    its English definition got, so that a qualified pair stays a pair."""
    keys: dict[tuple[str, str], str] = {}
    qualified: list[Definition] = []
    for instrument, x in found:
        d = x.definition
        owner = keys.get((d.language, d.term_key))
        if owner is not None:
            qualifier = _qualifier(owner, instrument, d.scope)
            if qualifier:
                d = replace(d, term_key=f"{d.term_key} ({qualifier})")
        keys.setdefault((d.language, d.term_key), instrument)
        qualified.append(d)
    ids: dict[tuple[str, str], str] = {(d.language, d.term_key): instrument
                                       for (instrument, _), d in zip(found, qualified, strict=True) if not d.id_key}
    twins: dict[tuple[str, str, str], str] = {}
    order = sorted(range(len(found)), key=lambda i: qualified[i].language != "en")
    for i in order:
        instrument, x = found[i]
        d = qualified[i]
        if not d.id_key:
            continue
        twin = (instrument, d.id_key, x.scope_en)
        id_key = twins.get(twin, "") if d.language != "en" else ""
        if not id_key:
            id_key = d.id_key
            owner = ids.get((d.language, id_key))
            if owner is not None:
                qualifier = _qualifier(owner, instrument, x.scope_en or d.scope)
                if qualifier:
                    id_key = f"{id_key} ({qualifier})"
            if d.language == "en":
                twins.setdefault(twin, id_key)
        ids.setdefault((d.language, id_key), instrument)
        qualified[i] = replace(d, id_key=id_key)
    return qualified


def _qualifier(owner: str, instrument: str, scope: str) -> str:
    """`sor/2015-200` when another instrument took the key, else the scope's key (`section 5.4`)."""
    if owner != instrument and instrument:
        return instrument
    return term_key(scope) if scope.strip() else ""


def _term_el(definition: etree._Element, language: str) -> tuple[etree._Element | None, etree._Element | None]:
    own = "DefinedTermEn" if language == "en" else "DefinedTermFr"
    other = "DefinedTermFr" if language == "en" else "DefinedTermEn"
    return definition.find(f".//{own}"), definition.find(f".//{other}")


def _body_definitions(root: etree._Element, language: str, what: str, warnings: list[str]) -> list[_Found]:
    out: list[_Found] = []
    body = root.find("Body")
    if body is None:
        return out
    scopes: dict[etree._Element, tuple[str, str]] = {}
    for n, definition in enumerate(body.iter("Definition"), start=1):
        where = f"{what} <Body> definition {n}"
        text_el = definition.find("Text")
        if text_el is None:
            warnings.append(f"{where}: no <Text>; skipped")
            continue
        own, other = _term_el(definition, language)
        if own is None:
            warnings.append(f"{where}: no defined term in {language!r}; skipped")
            continue
        term = clean_term(render_inline(own, warnings, where))
        other_term = clean_term(render_inline(other, warnings, where)) if other is not None else ""
        full = _render_definition(definition, warnings, where)
        body_text = _strip_terms(full, term, other_term)
        if not body_text:
            warnings.append(f"{where}: {term!r} has no wording; skipped")
            continue
        repealed = text_el.find("Repealed")
        if repealed is not None and body_text == render_inline(repealed, warnings, where).strip():
            continue  # `Free Trade Agreement [Repealed, 1997, c. 14, s. 70]`: no longer a defined term
        container = definition.getparent()
        if container is not None and container not in scopes:
            scopes[container] = _section_scope(container, language, warnings, where)
        scope, scope_en = scopes.get(container, ("", "")) if container is not None else ("", "")
        notes = (DefinitionNote(f"Equivalent term ({_OTHER.get(language, '?')})", other_term),) if other_term else ()
        en_term = term if language == "en" else other_term
        out.append(_Found(Definition(term, term_key(term), language, scope, body_text, notes, len(out),
                                     id_key=term_key(en_term) if en_term else ""), "section", (), scope_en))
    return out


def _section_scope(container: etree._Element, language: str, warnings: list[str], where: str) -> tuple[str, str]:
    """The scope a definitions section's lead-in prints (`In section 5,`), from the `<Text>` of the
    `<Subsection>`/`<Section>` that holds the definitions; ("", "") for the whole instrument."""
    lead = container.find("Text")
    if lead is None:
        return "", ""
    text = render_inline(lead, warnings, where)
    section, subsection = _own_numbers(container)
    scope = provision_scope(text, language, section, subsection)
    if scope is None:
        warnings.append(f"{where}: lead-in {text!r} names no scope that is understood; scope left empty")
        return "", ""
    return scope


def _own_numbers(el: etree._Element) -> tuple[str, str]:
    """The number of the `<Section>` holding `el` (`5.4`) and of its `<Subsection>` (`(1)`)."""
    section = subsection = ""
    node: etree._Element | None = el
    while node is not None:
        if node.tag == "Subsection" and not subsection:
            subsection = (node.findtext("Label") or "").strip()
        if node.tag == "Section":
            section = (node.findtext("Label") or "").strip()
            break
        node = node.getparent()
    return section, subsection


_NUMBER = re.compile(r"\d+(?:\.\d+)*(?:\(\d+(?:\.\d+)?\))*")
# Where a lead-in says its definitions apply. English: "In section 5," / "The following definitions
# apply in this section and section 6.4."; French: "À l'article 5," / "Les définitions qui suivent
# s'appliquent au présent article."  A period followed by a digit is a section number's (`6.4`).
_END = r"\s*(?:[,:;]|\.(?!\d)|$)"
_LEAD_IN = {
    "en": re.compile(rf"^(?:the following definitions apply in|in)\s+(?P<where>.+?){_END}", re.IGNORECASE),
    "fr": re.compile(rf"^(?:les définitions qui suivent s[’']appliquent\s+)?(?P<where>(?:à|au|aux)\s.+?){_END}",
                     re.IGNORECASE),
}
_WHOLE = {
    "en": re.compile(r"^(?:this|these)\s+(?:act|regulations?|list|permit|order|rules)\b", re.IGNORECASE),
    "fr": re.compile(r"^(?:à\s+la\s+présente|au\s+présent)\s+"
                     r"(?:loi|liste|licence|règlement|décret|permis|ordonnance)\b", re.IGNORECASE),
}
# The provision the text is in, named as the text names it; resolved to its number.
_OWN = {
    "en": (re.compile(r"\bthis\s+subsection\b", re.IGNORECASE), re.compile(r"\bthis\s+section\b", re.IGNORECASE)),
    "fr": (re.compile(r"\bprésent\s+paragraphe\b", re.IGNORECASE), re.compile(r"\bprésent\s+article\b", re.IGNORECASE)),
}
_KIND_WORDS = {"section": "section", "sections": "section", "subsection": "subsection", "subsections": "subsection",
               "article": "section", "articles": "section", "paragraphe": "subsection", "paragraphes": "subsection"}
_KIND_NAMES = {"en": {"section": ("section", "sections"), "subsection": ("subsection", "subsections")},
               "fr": {"section": ("article", "articles"), "subsection": ("paragraphe", "paragraphes")}}
_AND = {"en": "and", "fr": "et"}
_TO = {"en": "to", "fr": "à"}
_FILLER = frozenset({"in", "au", "aux", "à", "du", "des", "de"})


def provision_scope(text: str, language: str, section: str, subsection: str = "") -> tuple[str, str] | None:
    """The scope a Canadian lead-in or inline definition prints, normalised so that it can be cited,
    in the text's language and in English: `("article 5", "section 5")`. ("", "") for the whole
    instrument ("In this Act,"), None when no scope is recognised.

    `section`/`subsection` resolve "this section" (`5.4`) and "this subsection" (`(1)`). Provision
    numbers are read from the lead-in ("In section 5,", "The following definitions apply in this
    section and section 6.4."); failing that, a "this section" anywhere in the text ("…, in this
    section called a shipping document, …") gives the text's own section. A lead-in that names
    something else ("In this Part,") is kept as printed, with "this section" resolved.
    """
    lang = language if language in _LEAD_IN else "en"
    lead = _LEAD_IN[lang].match(text.strip())
    if lead is not None:
        where = lead.group("where").strip()
        if _WHOLE[lang].match(where):
            return "", ""
        resolved = _resolve_own(where, lang, section, subsection)
        parsed = _parse_provisions(resolved, lang)
        if parsed is not None:
            return _render_provisions(*parsed, lang), _render_provisions(*parsed, "en")
        if lang == "fr" or re.search(r"\b(?:this|these|section|subsection|part|schedule)\b", where, re.IGNORECASE):
            return resolved, resolved
    sub_own, own = _OWN[lang]
    if sub_own.search(text) and section and subsection:
        number = f"{section}{subsection}"
        return _render_provisions("subsection", [(number,)], lang), _render_provisions("subsection", [(number,)], "en")
    if own.search(text) and section:
        return _render_provisions("section", [(section,)], lang), _render_provisions("section", [(section,)], "en")
    return None


def _resolve_own(where: str, lang: str, section: str, subsection: str) -> str:
    sub_own, own = _OWN[lang]
    kind_sub, kind = _KIND_NAMES[lang]["subsection"][0], _KIND_NAMES[lang]["section"][0]
    if section and subsection:
        where = sub_own.sub(f"{kind_sub} {section}{subsection}", where)
    if section:
        where = own.sub(f"{kind} {section}", where)
    return where


def _parse_provisions(where: str, lang: str) -> tuple[str, list[tuple[str, ...]]] | None:
    """`section 6.3 and section 6.4` -> ("section", [("6.3",), ("6.4",)]); `articles 5 à 7` ->
    ("section", [("5", "7")]); None if anything else is said."""
    words = re.sub(r"\bl[’']", "", where).replace(",", " , ").split()
    kind = ""
    entries: list[tuple[str, ...]] = []
    i = 0
    while i < len(words):
        word = words[i].casefold()
        if word in _KIND_WORDS:
            if kind and _KIND_WORDS[word] != kind:
                return None
            kind = _KIND_WORDS[word]
        elif _NUMBER.fullmatch(word):
            entries.append((word,))
        elif word == _TO[lang] and entries and len(entries[-1]) == 1 and i + 1 < len(words) \
                and _NUMBER.fullmatch(words[i + 1]):
            entries[-1] = (entries[-1][0], words[i + 1])
            i += 1
        elif word not in (",", _AND[lang]) and word not in _FILLER:
            return None
        i += 1
    if not kind or not entries:
        return None
    return kind, entries


def _render_provisions(kind: str, entries: list[tuple[str, ...]], lang: str) -> str:
    singular, plural = _KIND_NAMES[lang][kind]
    numbers = [f" {_TO[lang]} ".join(e) for e in entries]
    if len(numbers) == 1 and len(entries[0]) == 1:
        return f"{singular} {numbers[0]}"
    listed = numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} {_AND[lang]} {numbers[-1]}"
    return f"{plural} {listed}"


def _render_definition(el: etree._Element, warnings: list[str], where: str) -> str:
    """The definition's text with its paragraphs (`(a) a CUSMA country, (a.1) …`), in order;
    amendment notes dropped."""
    parts: list[str] = []
    for child in el:
        if child.tag == "Text":
            parts.append(render_inline(child, warnings, where))
        elif child.tag == "Label":
            label = (child.text or "").strip()
            parts.append(label if label.startswith("(") else f"({label.rstrip(')')})")
        elif child.tag in ("Paragraph", "Subparagraph", "Clause", "Subclause", "ContinuedParagraph",
                           "ContinuedSubparagraph", "ContinuedDefinition"):
            parts.append(_render_definition(child, warnings, where))
        elif child.tag not in _SKIPPED_CONTAINERS:
            warnings.append(f"{where}: <{child.tag}> inside a definition; its text is kept")
            parts.append(render_inline(child, warnings, where))
    return " ".join(p for p in parts if p)


def _strip_terms(full: str, term: str, other_term: str) -> str:
    """`Guide means … time. (Guide)` -> `means … time.`: the term opens the text and the other
    language's term closes it in parentheses. A comma right after the term goes with it
    (`surge, in respect of goods …` -> `in respect of goods …`)."""
    text = full
    if text.startswith(term):
        text = text[len(term):].strip().removeprefix(",").strip()
    if other_term:
        text = re.sub(rf"\s*\(\s*{re.escape(other_term)}\s*\)\s*$", "", text)
    return text.strip().rstrip(";").strip()


def _inline_terms(text_el: etree._Element, language: str) -> list[tuple[etree._Element, etree._Element | None]]:
    """The terms a `<Text>` defines, each with its other-language twin when the text prints both
    in equal number (`… (<DefinedTermFr>…</DefinedTermFr>)`). A text that defines terms only in
    the other language's markup (the French file's `<DefinedTermEn>Graphic Design System II
    (GDSII)</DefinedTermEn>`, a term left in English) defines them in its own language."""
    own_tag = _TERM_TAG.get(language, "DefinedTermEn")
    other_tag = _TERM_TAG[_OTHER.get(language, "fr")]
    own = [el for el in text_el.iter(own_tag) if el is not text_el]
    other = [el for el in text_el.iter(other_tag) if el is not text_el]
    if not own:
        return [(el, None) for el in other]
    if len(other) == len(own):
        return list(zip(own, other, strict=True))
    return [(el, None) for el in own]


def _place(text_el: etree._Element) -> tuple[str, ...]:
    """Where a `<Text>` is, the same way in both languages: each enclosing element's label without
    its parentheses (`(a)`, `a)` -> `a`), or its tag and rank among like siblings."""
    steps: list[str] = []
    node: etree._Element | None = text_el
    while node is not None and node.getparent() is not None:
        parent = node.getparent()
        assert parent is not None
        label = (node.findtext("Label") or "").strip().strip("()").rstrip(")") if node.tag != "Text" else ""
        if label:
            steps.append(f"{node.tag}:{label}")
        else:
            siblings = [s for s in parent if s.tag == node.tag]
            steps.append(f"{node.tag}#{siblings.index(node)}")
        node = parent
    steps.reverse()
    return tuple(steps)


def _inline(text_el: etree._Element, language: str, scope: str, scope_en: str, qualifier: str,
            what: str, warnings: list[str]) -> list[_Found]:
    terms = _inline_terms(text_el, language)
    if not terms:
        return []
    where = f"{what} {scope or 'inline definition'}"
    text = render_inline(text_el, warnings, where)
    place = _place(text_el)
    out: list[_Found] = []
    for n, (own, other) in enumerate(terms):
        term = clean_term(render_inline(own, warnings, where))
        if not term:
            continue
        key = f"{term_key(term)} ({qualifier})" if qualifier else term_key(term)
        other_term = clean_term(render_inline(other, warnings, where)) if other is not None else ""
        notes = (DefinitionNote(f"Equivalent term ({_OTHER.get(language, '?')})", other_term),) if other_term else ()
        if other_term:  # paired by the text itself, like a definitions section's
            en_key = key if language == "en" else (f"{term_key(other_term)} ({qualifier})" if qualifier
                                                   else term_key(other_term))
            out.append(_Found(Definition(term, key, language, scope, text, notes, 0, id_key=en_key), "inline", (),
                              scope_en))
        else:
            out.append(_Found(Definition(term, key, language, scope, text, notes, 0,
                                         id_key=key if language == "en" else ""), "inline", (*place, f"term#{n}"),
                              scope_en))
    return out


def _body_inline(root: etree._Element, language: str, what: str, warnings: list[str]) -> list[_Found]:
    """Terms defined in a provision's own text, outside the definitions sections: "In this
    section, <DefinedTermEn>originating goods</DefinedTermEn> means …"."""
    out: list[_Found] = []
    body = root.find("Body")
    if body is None:
        return out
    for text_el in body.iter("Text"):
        if any(a.tag in ("Definition", *_SKIPPED_CONTAINERS) for a in text_el.iterancestors()):
            continue
        if not _inline_terms(text_el, language):
            continue
        section, subsection = _own_numbers(text_el)
        rendered = render_inline(text_el, warnings, what)
        scope_pair = provision_scope(rendered, language, section, subsection)
        if scope_pair is None:
            warnings.append(f"{what} section {section}: {rendered[:60]!r} defines a term but names no scope that "
                            f"is understood; scope left empty")
            scope_pair = ("", "")
        out += _inline(text_el, language, *scope_pair, "", what, warnings)
    return out


@dataclass
class _Where:
    group: str = ""
    item: str = ""


def _schedules(root: etree._Element, language: str, what: str, warnings: list[str]) -> list[_Found]:
    """Terms defined by reference in the schedule's items, and terms defined in their notes."""
    out: list[_Found] = []
    seen: set[str] = set()
    for schedule in root.findall("Schedule"):
        if schedule.get("id") == _NOT_IN_FORCE:
            continue  # amendments not yet in force
        where = _Where()
        for child in schedule:
            if child.tag == "Heading" and child.get("level") == "1":
                label = (child.findtext("Label") or "").strip()
                m = _GROUP.match(label)
                where.group = m.group(1) if m else label
            elif child.tag == "Provision":
                where.item = (child.findtext("Label") or "").strip()
                for text_el in child.iter("Text"):
                    _references_in(text_el, where, language, what, warnings, out, seen)
                    out += _notes_in(text_el, where, language, what, warnings)
    return out


def _path(text_el: etree._Element, *, stop_at_unlabelled: bool = False) -> str:
    """`5504(1)`, `(a)`: the labels of the provisions enclosing a `<Text>`, outermost first; French
    paragraph labels `a)` are written `(a)` as in the entry codes. With `stop_at_unlabelled`, the
    path ends above the first unlabelled provision (a `NOTE` block and its numbered notes)."""
    labels: list[str] = []
    node = text_el.getparent()
    while node is not None and node.tag == "Provision":
        label = (node.findtext("Label") or "").strip()
        if label:
            labels.append(label)
        elif stop_at_unlabelled:
            labels = []
        node = node.getparent()
    labels.reverse()
    return "".join(label if i == 0 and label[0].isdigit() else f"({label.strip('()')})"
                   for i, label in enumerate(labels))


def _anchor(where: _Where, language: str) -> tuple[str, str]:
    """(`item 5506`, `item`) for an item, (`Group 2`, `Group`) for a group's text."""
    item_word, group_word = _LOCATION.get(language, ("item", "Group"))
    return (f"{item_word} {where.item}", item_word) if where.item else (f"{group_word} {where.group}", group_word)


def _notes_in(text_el: etree._Element, where: _Where, language: str, what: str,
              warnings: list[str]) -> list[_Found]:
    """Terms an item's notes define: "In subparagraph (ii), <DefinedTermEn>physical
    qubit</DefinedTermEn> means …" (item 5506); scope the provision the notes belong to."""
    if not _inline_terms(text_el, language):
        return []
    anchor, _ = _anchor(where, language)
    anchor_en, _ = _anchor(where, "en")
    path = _path(text_el, stop_at_unlabelled=True)
    if where.item:
        item_word = anchor.split(" ", 1)[0]
        scope, scope_en = f"{item_word} {path or where.item}", f"item {path or where.item}"
    else:
        scope, scope_en = f"{anchor} {path}".strip(), f"{anchor_en} {path}".strip()
    return _inline(text_el, language, scope, scope_en, anchor.casefold(), what, warnings)


def _references_in(text_el: etree._Element, where: _Where, language: str, what: str,
                   warnings: list[str], out: list[_Found], seen: set[str]) -> None:
    refs = text_el.findall("DefinitionRef")
    if not refs:
        return
    anchor, item_word = _anchor(where, language)
    path = _path(text_el)
    scope = f"{item_word} {path}" if where.item else f"{anchor} {path}".strip()
    sentence = render_inline(text_el, warnings, f"{what} {scope}")
    for ref in refs:
        term = clean_term(render_inline(ref, warnings, f"{what} {scope}"))
        if not term:
            continue
        key = f"{term_key(term)} ({anchor.casefold()})"
        if key in seen:
            continue  # the same term referred to again in the same item or group
        seen.add(key)
        out.append(_Found(Definition(term, key, language, scope, sentence, (), len(out)), "reference"))
