"""A minimal XLSX reader (shared strings + inline values), enough for the UK 2018 control-list
workbook: openpyxl is not a project dependency and a benchmark should not add one."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _col_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref)
    n = 0
    for ch in letters.group(0) if letters else "A":
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_sheets(path: Path) -> dict[str, list[list[str]]]:
    """Every sheet as rows of cell strings (missing cells are "")."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    with zipfile.ZipFile(path) as z:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = etree.fromstring(z.read("xl/sharedStrings.xml"), parser)
            for si in root.findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
        book = etree.fromstring(z.read("xl/workbook.xml"), parser)
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"), parser)
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{REL_NS}Relationship")}
        out: dict[str, list[list[str]]] = {}
        for sheet in book.find("m:sheets", NS):
            rid = sheet.get(f"{{{NS['r']}}}id")
            target = targets[rid].lstrip("/")
            name = target if target.startswith("xl/") else f"xl/{target}"
            root = etree.fromstring(z.read(name), parser)
            rows: list[list[str]] = []
            for row in root.iter(f"{{{NS['m']}}}row"):
                cells: dict[int, str] = {}
                for c in row.findall("m:c", NS):
                    kind = c.get("t")
                    v = c.find("m:v", NS)
                    if kind == "s" and v is not None:
                        val = shared[int(v.text or 0)]
                    elif kind == "inlineStr":
                        val = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
                    else:
                        val = v.text or "" if v is not None else ""
                    cells[_col_index(c.get("r", "A1"))] = val
                width = max(cells) + 1 if cells else 0
                rows.append([cells.get(i, "") for i in range(width)])
            out[sheet.get("name")] = rows
    return out
