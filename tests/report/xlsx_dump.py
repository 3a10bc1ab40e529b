#!/usr/bin/python3
"""Reads an .xlsx workbook with nothing but Python's standard library (zipfile + ElementTree) and
prints what a report test checks, as JSON: the sheets, the first sheet's cells (type, value,
number format, bold, border), merged ranges, column widths, page setup and print titles.

A reader independent of libxlsxwriter: it parses the Office Open XML parts themselves.
Usage: xlsx_dump.py FILE.xlsx
"""
import json
import posixpath
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = "{%s}id" % NS["r"]
BUILTIN_NUM_FMTS = {0: "General", 1: "0", 3: "#,##0"}


ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def text_of(node):
    """The text of a <si> or <is>: plain <t>, or the runs' <t> joined; "_xHHHH_" escapes (how
    OOXML writes characters XML cannot hold, ECMA-376 ST_Xstring) decoded as Excel does."""
    raw = "".join(t.text or "" for t in node.iter("{%s}t" % NS["m"]))
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw)


def main(path):
    z = zipfile.ZipFile(path)
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
    sheets = wb.findall("m:sheets/m:sheet", NS)
    first = sheets[0]
    target = targets[first.get(R_ID)]
    sheet_path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)

    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
        shared = [text_of(si) for si in sst.findall("m:si", NS)]

    styles = ET.fromstring(z.read("xl/styles.xml"))
    num_fmts = dict(BUILTIN_NUM_FMTS)
    for nf in styles.findall("m:numFmts/m:numFmt", NS):
        num_fmts[int(nf.get("numFmtId"))] = nf.get("formatCode")
    fonts = styles.findall("m:fonts/m:font", NS)
    borders = styles.findall("m:borders/m:border", NS)
    xfs = styles.findall("m:cellXfs/m:xf", NS)

    def style(index):
        xf = xfs[index]
        font = fonts[int(xf.get("fontId", "0"))]
        border = borders[int(xf.get("borderId", "0"))]
        sides = {}
        for side in ("left", "right", "top", "bottom"):
            node = border.find("m:" + side, NS)
            sides[side] = node.get("style") if node is not None else None
        return {
            "num_format": num_fmts.get(int(xf.get("numFmtId", "0")), "?"),
            "bold": font.find("m:b", NS) is not None,
            "font": (font.find("m:name", NS).get("val") if font.find("m:name", NS) is not None
                     else None),
            "border": sides,
        }

    ws = ET.fromstring(z.read(sheet_path))
    cells = {}
    for c in ws.iter("{%s}c" % NS["m"]):
        t = c.get("t", "n")
        v = c.find("m:v", NS)
        if t == "s":
            value = shared[int(v.text)]
        elif t == "inlineStr":
            value = text_of(c.find("m:is", NS))
        elif t == "str":
            value = v.text if v is not None else ""
        elif v is None:
            value = None
            t = "blank"
        else:
            value = float(v.text)
        entry = {"t": t, "v": value}
        entry.update(style(int(c.get("s", "0"))))
        cells[c.get("r")] = entry

    merges = [m.get("ref") for m in ws.findall("m:mergeCells/m:mergeCell", NS)]
    cols = [{"min": int(c.get("min")), "max": int(c.get("max")), "width": float(c.get("width"))}
            for c in ws.findall("m:cols/m:col", NS)]
    page = ws.find("m:pageSetup", NS)
    page_setup = dict(page.attrib) if page is not None else {}
    setup_pr = ws.find("m:sheetPr/m:pageSetUpPr", NS)
    print_options = ws.find("m:printOptions", NS)
    defined = {d.get("name"): d.text for d in wb.findall("m:definedNames/m:definedName", NS)}
    json.dump({
        "sheets": [s.get("name") for s in sheets],
        "cells": cells,
        "merges": merges,
        "cols": cols,
        "page_setup": page_setup,
        "fit_to_page": setup_pr is not None and setup_pr.get("fitToPage") == "1",
        "print_options": dict(print_options.attrib) if print_options is not None else {},
        "defined_names": defined,
    }, sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
