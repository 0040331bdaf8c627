"""Tables that reflow on a phone: each cell carries its column's heading, shown when rows stack.

The NHS responsive-table pattern: explicit ARIA roles keep the table's meaning for screen readers
when CSS turns rows into stacked cards, and each cell starts with its column heading (hidden from
assistive technology, which already announces the header cell). A column's alignment becomes a
class: the site's Content-Security-Policy allows no inline style.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from markdown.treeprocessors import Treeprocessor

ALIGNMENT = re.compile(r"text-align: (left|right|center);?")
ROLES = {"table": "table", "thead": "rowgroup", "tbody": "rowgroup", "tr": "row", "th": "columnheader", "td": "cell"}


def _text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


class ResponsiveTablesTreeprocessor(Treeprocessor):
    def run(self, root: Element) -> None:
        for table in list(root.iter("table")):
            table.set("class", " ".join(filter(None, [table.get("class"), "health-table"])))
            headings = [_text(th) for th in table.findall("./thead/tr/th")]
            for element in table.iter():
                if element.tag in ROLES:
                    element.set("role", ROLES[element.tag])
                alignment = ALIGNMENT.fullmatch(element.get("style") or "") if element.tag in ("th", "td") else None
                if alignment:
                    del element.attrib["style"]
                    classes = [element.get("class"), f"health-table__cell--{alignment.group(1)}"]
                    element.set("class", " ".join(filter(None, classes)))
            for row in table.findall("./tbody/tr"):
                for heading, cell in zip(headings, row.findall("./td"), strict=False):
                    if not heading:
                        continue
                    label = Element("span", {"class": "health-table__heading", "aria-hidden": "true"})
                    label.text = heading
                    label.tail = cell.text
                    cell.text = None
                    cell.insert(0, label)
