"""The change engine on small entry sets modelled on real amendments (9A012 in 91 FR 46261, a
Wassenaar renumbering, notes that parsers attach to the last item)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.changes import EntryText, diff_versions
from nlp.changes.definitions import Definition, diff_definitions
from nlp.changes.redline import render_plain
from nlp.extract.model import Parameter
from nlp.model import Note

_PARAM = re.compile(r"(?P<cmp>greater than or equal to|less than|exceeding|of)\s+(?P<v>\d+(?:\.\d+)?)\s*"
                    r"(?P<u>hours?|minutes|GHz)(?P<ge> or greater)?")


def fake_parameters(text: str, language: str) -> list[Parameter]:
    """A stand-in for nlp.extract.extract_parameters: hours, minutes and GHz thresholds."""
    out = []
    for m in _PARAM.finditer(text):
        comparator = {"less than": "<", "exceeding": ">", "greater than or equal to": ">="}.get(
            m["cmp"], ">=" if m["ge"] else "=")
        unit = m["u"]
        value = float(m["v"])
        si, si_unit, quantity = ((value * 1e9, "Hz", "frequency") if unit == "GHz" else
                                 (value * (60 if unit == "minutes" else 3600), "s", "time"))
        out.append(Parameter(quantity, comparator, value, unit, si, si_unit, m.group(), m.start(), m.end()))  # type: ignore[arg-type]
    return out


def e(entry_id: str, text: str, *, notes: Sequence[Note] = (), parent: str | None = None, kind: str = "item",
      status: str = "active", heading: str | None = None) -> EntryText:
    code = entry_id.split(":", 1)[1].split("@")[0]
    return EntryText(entry_id=entry_id, code=code, heading=text if heading is None else heading, text=text,
                     notes=tuple(notes), parent_id=parent, kind=kind, status=status,
                     language="fr" if entry_id.endswith("@fr") else "en")


TECH = Note("technical-note", "Technical Notes", "1. For the purposes of 9A012.a, 'operator' is a person who "
            "initiates or commands the UAV flight. 2. 'Endurance' is to be calculated for ISA conditions.")

OLD_9A012 = [
    e("us:9A012", "9A012 Non-military \u201cUnmanned Aerial Vehicles,\u201d (\u201cUAVs\u201d)", kind="entry",
      heading="Non-military \u201cUnmanned Aerial Vehicles,\u201d (\u201cUAVs\u201d)"),
    e("us:9A012.a", "\u201cUAVs\u201d designed to have controlled flight and having any of the following:",
      parent="us:9A012"),
    e("us:9A012.a.1", "Having all of the following:", parent="us:9A012.a"),
    e("us:9A012.a.1.a", "A maximum 'endurance' greater than or equal to 30 minutes but less than 1 hour; and",
      parent="us:9A012.a.1"),
    e("us:9A012.a.2", "A maximum 'endurance' of 1 hour or greater;", parent="us:9A012.a", notes=[TECH]),
    e("us:9A012.b.3", "Equipment \u201cspecially designed\u201d to convert a manned \u201caircraft\u201d to a UAV;",
      parent="us:9A012"),
]
NEW_9A012 = [
    e("us:9A012", "9A012 \u201cUnmanned Aerial Vehicles,\u201d (\u201cUAVs\u201d)", kind="entry",
      heading="\u201cUnmanned Aerial Vehicles,\u201d (\u201cUAVs\u201d)"),
    e("us:9A012.a", "\u201cUAVs\u201d designed to have controlled flight and having any of the following:",
      parent="us:9A012"),
    e("us:9A012.a.1", "A maximum 'endurance' less than 3 hours;", parent="us:9A012.a"),
    e("us:9A012.a.2", "A maximum 'endurance' of 3 hours or greater;", parent="us:9A012.a"),
    e("us:9A012.a.3", "\u201cUAVs\u201d incorporating items specified in ECCN 6A005; or", parent="us:9A012.a",
      notes=[TECH]),
    e("us:9A012.b.3", "Equipment \u201cspecially designed\u201d to convert a manned \u201caircraft\u201d to a UAV;",
      parent="us:9A012"),
]


def by_id(changes: Sequence[object]) -> dict[str, object]:
    return {c.entry_id: c for c in changes}  # type: ignore[attr-defined]


def test_identical_versions_have_no_change() -> None:
    assert diff_versions(OLD_9A012, OLD_9A012, extractor=fake_parameters).changes == []


def test_a_reflowed_retyped_copy_has_no_change() -> None:
    """The same entries as another extraction would give them: wrapped lines, straight quotes,
    hyphenated line ends, a running header inside a long text."""
    def retype(x: EntryText) -> EntryText:
        text = x.text.replace("\u201c", '"').replace("\u201d", '"').replace(" designed ", " desig-\nned ")
        text = text.replace(" and ", "\n  and ").replace(" the ", " 02021R0821 \u2014 EN \u2014 07.01.2022 \u2014 "
                                                        "001.002 \u2014 67 the ", 1)
        notes = tuple(Note(n.kind, n.label.replace("Notes", "Note"), n.text.replace(". ", ".\n")) for n in x.notes)
        return EntryText(x.entry_id, x.code, x.heading.replace("\u201c", '"'), text, notes, x.parent_id, x.kind,
                         x.status, x.language, x.position)

    assert diff_versions(OLD_9A012, [retype(x) for x in OLD_9A012], extractor=fake_parameters).changes == []


def test_9a012_amendment_kinds_redline_and_parameters() -> None:
    result = diff_versions(OLD_9A012, NEW_9A012, extractor=fake_parameters)
    changes = by_id(result.changes)
    assert {k: c.kind for k, c in changes.items()} == {  # type: ignore[attr-defined]
        "us:9A012": "amended", "us:9A012.a.1": "amended", "us:9A012.a.1.a": "removed",
        "us:9A012.a.2": "amended", "us:9A012.a.3": "added"}
    a2 = changes["us:9A012.a.2"]
    assert render_plain(a2.redline) == "A maximum 'endurance' of [-1 hour-] {+3 hours+} or greater;"  # type: ignore[attr-defined]
    [delta] = a2.parameters  # type: ignore[attr-defined]
    assert (delta.change, delta.quantity, delta.old.comparator, delta.old.value, delta.old.unit,
            delta.new.comparator, delta.new.value, delta.new.unit) == ("changed", "time", ">=", 1.0, "hour",
                                                                       ">=", 3.0, "hours")
    assert "time: >= 1 hour -> >= 3 hours" in a2.summary  # type: ignore[attr-defined]
    # The Technical Notes now print after a.3: the parser hangs them there. Same family (9A012),
    # same text: not a change of a.2, and a.3 is simply added with them.
    assert a2.notes == () and a2.fields == ("text",)  # type: ignore[attr-defined]
    heading = changes["us:9A012"]
    assert render_plain(heading.redline).startswith("[-Non-military-]")  # type: ignore[attr-defined]
    removed = changes["us:9A012.a.1.a"]
    assert {(p.change, p.quantity, p.old.comparator) for p in removed.parameters} == {  # type: ignore[attr-defined]
        ("removed", "time", ">="), ("removed", "time", "<")}
    assert all(c.old is not None or c.kind == "added" for c in result.changes)


def test_renumbering_is_reported_as_moves_not_rewrites() -> None:
    """A new b. inserted before b. and c.: they become c. and d. (same text, new code)."""
    old = [e("wa:1.A.1", "Components made from fluorinated compounds, as follows:", kind="entry"),
           e("wa:1.A.1.a", "Seals and gaskets specially designed for aircraft use;", parent="wa:1.A.1"),
           e("wa:1.A.1.b", "Piezoelectric polymers and copolymers made from vinylidene fluoride;", parent="wa:1.A.1"),
           e("wa:1.A.1.c", "Fluorinated silicone seals and gaskets for aerospace use;", parent="wa:1.A.1")]
    new = [old[0], old[1],
           e("wa:1.A.1.b", "Not used since 2025", parent="wa:1.A.1", status="not-used"),
           e("wa:1.A.1.c", old[2].text, parent="wa:1.A.1"),
           e("wa:1.A.1.d", old[3].text, parent="wa:1.A.1")]
    changes = diff_versions(old, new, extractor=None).changes
    assert [(c.kind, c.old_entry_id, c.entry_id) for c in changes] == [
        ("added", None, "wa:1.A.1.b"), ("moved", "wa:1.A.1.b", "wa:1.A.1.c"), ("moved", "wa:1.A.1.c", "wa:1.A.1.d")]


def test_a_renumbered_and_edited_entry_is_one_move_with_a_redline() -> None:
    text = ("under the Treaty on the Non-Proliferation of Nuclear Weapons that came into force for Canada"
            " on March 5, 1970")
    old = [e("ca:group-3(a)", text + "; and")]
    new = [e("ca:3-01(1)(a)", text + "; or")]
    [change] = diff_versions(old, new, extractor=None).changes
    assert (change.kind, change.old_entry_id, change.fields) == ("moved", "ca:group-3(a)", ("code", "text"))
    assert render_plain(change.redline).endswith("1970; [-and-] {+or+}")


def test_generic_texts_do_not_move() -> None:
    old = [e("us:1A001.a", "[Reserved]", status="reserved"), e("us:1A001.b", "Having any of the following:")]
    new = [e("us:1A002.a", "[Reserved]", status="reserved"), e("us:1A002.b", "Having any of the following:")]
    kinds = sorted(c.kind for c in diff_versions(old, new, extractor=None).changes)
    assert kinds == ["added", "added", "removed", "removed"]


def test_a_control_emptied_into_a_placeholder_is_a_removal() -> None:
    old = [e("us:0A018.b", "\u201cSpecially designed\u201d components and parts for ammunition;")]
    new = [e("us:0A018.b", "No items currently are in this ECCN. See ECCN 0A505.", status="not-used")]
    [change] = diff_versions(old, new, extractor=None).changes
    assert (change.kind, change.fields, change.extra["status"]) == (
        "removed", ("text", "status"), {"old": "active", "new": "not-used"})
    [back] = diff_versions(new, old, extractor=None).changes
    assert back.kind == "added"


def test_notes_amended_added_removed_and_renumbered() -> None:
    old = [e("eu:1A002", "Composite structures or laminates", kind="entry", notes=[
        Note("note", "Note", "1A002 does not control composite structures for sporting goods."),
        Note("technical-note", "Technical Note", "'Specific modulus' is Young's modulus divided by weight.")])]
    new = [e("eu:1A002", "Composite structures or laminates", kind="entry", notes=[
        Note("note", "Note 1", "1A002 does not control composite structures for sporting goods."),
        Note("note", "Note 2", "1A002 does not apply to semi-finished items."),
        Note("nb", "N.B.", "See also 1C010.")])]
    [change] = diff_versions(old, new, extractor=None).changes
    # "Note" renumbered "Note 1" with the same text is not a change.
    assert sorted((n.change, n.label) for n in change.notes) == [
        ("added", "N.B."), ("added", "Note 2"), ("removed", "Technical Note")]
    assert change.fields == ("notes",)


def test_a_note_moved_to_a_sibling_and_edited_is_one_amended_note() -> None:
    note = "For the purposes of 6.A.8, 'average side lobe level' is measured over the whole array."
    old = [e("wa:6.A.8", "Radar systems, as follows:", kind="entry"),
           e("wa:6.A.8.a", "Radar operating at 2.5 GHz or higher;", parent="wa:6.A.8",
             notes=[Note("technical-note", "Technical Note", note)])]
    new = [old[0], e("wa:6.A.8.a", "Radar operating at 2.5 GHz or higher;", parent="wa:6.A.8"),
           e("wa:6.A.8.b", "Radar having a 'fractional bandwidth' of 10% or more;", parent="wa:6.A.8",
             notes=[Note("technical-note", "Technical Note", note.replace("whole array", "entire array"))])]
    changes = diff_versions(old, new, extractor=None).changes
    assert [(c.kind, c.entry_id) for c in changes] == [("added", "wa:6.A.8.b")]


def test_case_or_punctuation_only_is_editorial() -> None:
    old = [e("us:9E003", "See Supplement No. 1 to part 740 of the EAR")]
    new = [e("us:9E003", "See supplement no. 1 to part 740 of the EAR.")]
    [change] = diff_versions(old, new, extractor=None).changes
    assert (change.kind, change.significance) == ("amended", "editorial")


def test_missing_extractor_is_a_warning_not_an_error() -> None:
    result = diff_versions(OLD_9A012, NEW_9A012, extractor=None)
    assert result.warnings and all(c.parameters == () for c in result.changes)


def test_languages_are_compared_separately() -> None:
    old = [e("ca:5101", "Logs of all species of wood."), e("ca:5101@fr", "Billes de toutes les essences de bois.")]
    new = [e("ca:5101", "Logs of all species of wood."), e("ca:5101@fr", "Billes de toutes essences de bois.")]
    [change] = diff_versions(old, new, extractor=None).changes
    assert (change.entry_id, change.language) == ("ca:5101@fr", "fr")


def test_definition_changes_list_the_entries_using_the_term() -> None:
    def d(term: str, text: str) -> Definition:
        key = term.casefold()
        return Definition(f"wa:def:{key}", term, key, "en", "1 2 3", text)

    old_defs = [d("Laser", "An item that produces spatially and temporally coherent light."),
                d("Aircraft", "A fixed wing or rotary wing airborne vehicle.")]
    new_defs = [d("Laser", "An item that produces spatially and temporally coherent light through stimulated "
                           "emission of radiation."), d("Aircraft", old_defs[1].text),
                d("Drone", "An unmanned aircraft.")]
    entries = [e("wa:6.A.5", "\"Lasers\", other than those specified in 0.B.1.g.5."),
               e("wa:6.A.5.a", "Non-\"tunable\" continuous wave \"lasers\" having an output power exceeding 1 W;"),
               e("wa:9.A.12", "\"Unmanned aerial vehicles\" and related equipment;")]
    changes = diff_definitions(old_defs, new_defs, old_entries=entries, new_entries=entries)
    assert [(c.kind, c.entry_id, c.extra["change"]) for c in changes] == [
        ("definition", "wa:def:laser", "amended"), ("definition", "wa:def:drone", "added")]
    laser = changes[0]
    assert laser.used_by == ("wa:6.A.5", "wa:6.A.5.a")
    assert render_plain(laser.redline).endswith("coherent light {+through stimulated emission of radiation+}.")
    assert changes[1].used_by == ()


def test_a_note_moved_up_to_the_group_is_not_a_change() -> None:
    note = Note("note", "Note", "9.E.1. does not apply to technology for the repair of certified engines.")
    old = [e("wa:9.E", "TECHNOLOGY", kind="group"),
           e("wa:9.E.2", "Technology for the production of equipment specified in 9.A.4.", parent="wa:9.E",
             kind="entry", notes=[note])]
    new = [e("wa:9.E", "TECHNOLOGY", kind="group", notes=[note]),
           e("wa:9.E.2", "Technology for the production of equipment specified in 9.A.4.", parent="wa:9.E",
             kind="entry")]
    assert diff_versions(old, new, extractor=None).changes == []
