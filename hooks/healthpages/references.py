"""The numbered reference list: kept out of the search index, where it would only add noise and bytes."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from markdown.treeprocessors import Treeprocessor


class ReferencesTreeprocessor(Treeprocessor):
    def run(self, root: Element) -> None:
        for element in root:
            is_heading = element.tag == "h2" and "".join(element.itertext()).strip().lower().startswith("references")
            if is_heading or "footnote" in (element.get("class") or "").split():
                # Material's search plugin skips elements (and a heading's section) marked like this.
                element.set("data-search-exclude", "")
