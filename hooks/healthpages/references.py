"""The numbered references: named for screen readers, one way back to the text each, kept out of search.

Python-Markdown's footnotes extension writes a superscript link named only by its number ("2") at each
citation, and one back-link named "↩" per citation in the reference list (33 of them for a guideline
cited 33 times), each a Tab stop. Here each citation link is named "Reference 2", each reference keeps
one back-link, to where it is first cited, named "Back to reference 2 in the text" (the arrow is shown,
not read), and the numbers and the list are kept out of the search index, where they would only add
noise and bytes.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement

from markdown.treeprocessors import Treeprocessor

# Text for screen readers only (health.css hides it on screen, not from assistive technology).
VISUALLY_HIDDEN = "health-visually-hidden"
BACK_ARROW = "\u21a9"


def _hidden_text(parent: Element, text: str, *, first: bool) -> None:
    span = Element("span", {"class": VISUALLY_HIDDEN})
    span.text = text
    if first:
        span.tail, parent.text = parent.text, None
        parent.insert(0, span)
    else:
        parent.append(span)


def _name_citations(root: Element) -> None:
    for sup in root.iter("sup"):
        if not (sup.get("id") or "").startswith("fnref"):
            continue
        sup.set("data-search-exclude", "")  # reference numbers are noise in search results
        for link in sup.iter("a"):
            if "footnote-ref" in (link.get("class") or "").split() and not len(link):
                _hidden_text(link, "Reference ", first=True)


def _one_back_link(item: Element, number: int) -> None:
    """Keep the first back-link of a reference (to its first citation) and name it."""
    back_links = [
        (parent, link)
        for parent in item.iter()
        for link in parent
        if link.tag == "a" and "footnote-backref" in (link.get("class") or "").split()
    ]
    for parent, link in back_links[1:]:
        parent.remove(link)
    if back_links:
        link = back_links[0][1]
        link.attrib.pop("title", None)
        link.text = None
        for child in list(link):
            link.remove(child)
        arrow = SubElement(link, "span", {"aria-hidden": "true"})
        arrow.text = BACK_ARROW
        _hidden_text(link, f"Back to reference {number} in the text", first=False)


class ReferencesTreeprocessor(Treeprocessor):
    def run(self, root: Element) -> None:
        _name_citations(root)
        for element in root:
            is_heading = element.tag == "h2" and "".join(element.itertext()).strip().lower().startswith("references")
            if "footnote" in (element.get("class") or "").split():
                items = element.find("ol")
                for number, item in enumerate(items if items is not None else [], start=1):
                    _one_back_link(item, number)
            if is_heading or "footnote" in (element.get("class") or "").split():
                # Material's search plugin skips elements (and a heading's section) marked like this.
                element.set("data-search-exclude", "")
