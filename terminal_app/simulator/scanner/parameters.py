"""reqScannerParameters' answer: the catalog as TWS's `ScanParameterResponse` XML document.

Same element structure as TWS's (InstrumentList, LocationTree, ScanTypeList, FilterList), cut
down to what the simulator serves; TWS's own document also lists bonds, options, foreign
markets and about 760 scan codes.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET

from terminal_app.simulator.scanner.catalog import (
    FILTERS,
    INSTRUMENT_TYPES,
    LOCATIONS,
    SCAN_CODES,
    Location,
)
from terminal_app.simulator.scanner.ranking import MAX_ROWS


def _text(parent: ET.Element, tag: str, value: object) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = str(value).lower() if isinstance(value, bool) else str(value)
    return child


def _instruments(root: ET.Element, var_name: str, full: bool) -> None:
    node = ET.SubElement(root, "InstrumentList", varName=var_name)
    for kind in INSTRUMENT_TYPES:
        inst = ET.SubElement(node, "Instrument")
        _text(inst, "name", kind.name)
        _text(inst, "type", kind.code)
        _text(inst, "filters", ",".join(kind.filters))
        if full:
            _text(inst, "group", kind.code.split(".")[0])
            _text(inst, "shortName", kind.name)
            _text(inst, "cloudScanNotSupported", False)


def _location(parent: ET.Element, loc: Location) -> None:
    node = ET.SubElement(parent, "Location")
    _text(node, "displayName", loc.name)
    _text(node, "locationCode", loc.code)
    _text(node, "instruments", loc.instrument)
    _text(node, "routeExchange", loc.route)
    _text(node, "delayedOnly", False)
    _text(node, "access", "unrestricted")
    if loc.children:
        tree = ET.SubElement(node, "LocationTree", varName="locationTree")
        for child in loc.children:
            _location(tree, child)


def _scan_types(root: ET.Element) -> None:
    node = ET.SubElement(root, "ScanTypeList", varName="scanTypeList")
    for scan in SCAN_CODES:
        item = ET.SubElement(node, "ScanType")
        _text(item, "displayName", scan.name)
        _text(item, "scanCode", scan.code)
        _text(item, "instruments", ",".join(scan.instruments))
        _text(item, "absoluteColumns", False)
        columns = ET.SubElement(item, "Columns", varName="columns")
        column = ET.SubElement(columns, "Column")
        _text(column, "name", scan.column)
        _text(column, "display", True)
        _text(column, "displayType", "DATA")
        _text(item, "supportsSorting", True)
        _text(item, "respSizeLimit", MAX_ROWS)
        _text(item, "snapshotSizeLimit", MAX_ROWS)
        _text(item, "searchDefault", scan.code == "TOP_PERC_GAIN")
        _text(item, "access", "unrestricted")


def _filters(root: ET.Element) -> None:
    node = ET.SubElement(root, "FilterList", varName="filterList")
    for f in FILTERS:
        item = ET.SubElement(node, "RangeFilter")
        _text(item, "id", f.id)
        _text(item, "category", f.category)
        _text(item, "histogram", False)
        _text(item, "access", "unrestricted")
        for code, word in ((f.above, "above"), (f.below, "below")):
            field = ET.SubElement(item, "AbstractField", type="DoubleField")
            _text(field, "code", code)
            _text(field, "displayName", f"{f.label} {word}")
            _text(field, "abbrev", f"{f.label} {word}")
            _text(field, "acceptNegatives", f.id == "CHANGEPERC")
            _text(field, "dontAllowClearAll", False)
            _text(field, "skipNotEditableField", False)


@functools.cache
def scanner_parameters_xml() -> str:
    root = ET.Element("ScanParameterResponse")
    _instruments(root, "instrumentList", full=False)
    _instruments(root, "fullInstrumentList", full=True)
    tree = ET.SubElement(root, "LocationTree", varName="locationTree")
    for loc in LOCATIONS:
        _location(tree, loc)
    _scan_types(root)
    _filters(root)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
