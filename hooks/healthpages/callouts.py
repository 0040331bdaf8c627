"""Callout titles as headings: a screen-reader user can find a callout by its title, as a sighted reader does.

Python-Markdown's admonition extension writes a callout's title (`!!! note "Before your scan"`) as a
paragraph. Here it becomes a heading one level below the section the callout sits in (a level-2
heading before the first section), so that the page's outline stays in order. The headings are made
after the table of contents is built, so callouts never crowd it.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def title_headings(root: Element) -> None:
    level = 1  # the page's title is the level-1 heading
    for element in root.iter():  # in document order
        if element.tag in HEADINGS:
            level = int(element.tag[1])
        elif element.tag == "p" and "admonition-title" in (element.get("class") or "").split():
            element.tag = f"h{min(level + 1, 6)}"
