"""FAQ sections: written as ordinary Markdown, checked with line numbers, rendered as disclosures.

Editors write::

    ## Frequently asked questions

    ### Can I exercise with endometriosis?

    The answer, in paragraphs, lists or links.

`scan_faq` checks that shape in the Markdown source (so problems carry a line). `FaqExtension`
turns each question and its answer into a `<details>` disclosure in the rendered page, and
`read_rendered_faq` reads the questions and answers back from that HTML, so the structured data
is exactly what readers see.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from healthpages.problems import Problem

FAQ_HEADING = "frequently asked questions"
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
HEADING_RE = re.compile(r"^(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
ATTR_LIST_RE = re.compile(r"\s*\{[^}]*\}\s*$")


def heading_text(raw: str) -> str:
    return ATTR_LIST_RE.sub("", raw).strip()


@dataclass(frozen=True)
class SourceQuestion:
    question: str
    line: int
    answer_markdown: str


def headings(body: str, first_line: int):
    """(level, text, file line) of each Markdown heading outside fenced code."""
    fence = None
    for offset, line in enumerate(body.splitlines()):
        match = FENCE_RE.match(line)
        if match:
            marker = match.group(1)[0]
            fence = None if fence == marker else (fence or marker)
            continue
        if fence:
            continue
        heading = HEADING_RE.match(line)
        if heading:
            yield len(heading.group(1)), heading_text(heading.group(2) or ""), first_line + offset


def scan_faq(body: str, first_line: int, path: str) -> tuple[list[SourceQuestion], list[Problem]]:
    """Find the FAQ section and check its shape; returns its questions and any problems."""
    lines = body.splitlines()
    found = list(headings(body, first_line))
    sections = [(i, h) for i, h in enumerate(found) if h[0] == 2 and h[1].lower() == FAQ_HEADING]
    problems: list[Problem] = []
    if not sections:
        return [], problems
    for _, extra in sections[1:]:
        problems.append(Problem(path, extra[2], "a page has one FAQ section; merge the questions into the "
                                "first '## Frequently asked questions'", "FAQ"))
    index, (_, _, section_line) = sections[0]
    end_line = next((h[2] for h in found[index + 1:] if h[0] <= 2), first_line + len(lines))
    inside = [h for h in found[index + 1:] if h[2] < end_line]
    questions: list[SourceQuestion] = []
    seen: dict[str, int] = {}
    for position, (level, text, line) in enumerate(inside):
        if level != 3:
            continue
        next_line = next((h[2] for h in inside[position + 1:] if h[0] <= 3), end_line)
        answer = "\n".join(lines[line - first_line + 1:next_line - first_line]).strip()
        answer = re.sub(r"(?m)^\[\^[^\]]+\]:.*$", "", answer).strip()  # footnote definitions are not answers
        if not text.endswith("?"):
            problems.append(Problem(path, line, f"'{text}' is not a question; end it with a question mark", "FAQ"))
        if not answer:
            problems.append(Problem(path, line, f"the question '{text}' has no answer; write it below the "
                                    "### heading", "FAQ"))
        key = " ".join(text.lower().split())
        if key in seen:
            problems.append(Problem(path, line, f"the question '{text}' is asked twice (first on line "
                                    f"{seen[key]}); keep one", "FAQ"))
        seen.setdefault(key, line)
        questions.append(SourceQuestion(text, line, answer))
    if not questions:
        problems.append(Problem(path, section_line, "the FAQ section is empty; add at least one "
                                "'### Question?' heading with its answer below", "FAQ"))
    return questions, problems


class _FaqTreeprocessor(Treeprocessor):
    """Wrap each FAQ question and its answer in a <details class="faq"> disclosure."""

    def run(self, root: etree.Element) -> None:
        children = list(root)
        start = next((i for i, el in enumerate(children)
                      if el.tag == "h2" and _text(el).lower() == FAQ_HEADING), None)
        if start is None:
            return
        end = next((i for i in range(start + 1, len(children))
                    if children[i].tag in ("h1", "h2") or "footnote" in children[i].get("class", "")),
                   len(children))
        position = start + 1
        details = None
        for element in children[start + 1:end]:
            if element.tag == "h3":
                for anchor in element.findall("a"):
                    if "headerlink" in anchor.get("class", ""):
                        element.remove(anchor)
                details = etree.Element("details", {"class": "faq"})
                summary = etree.SubElement(details, "summary", {"class": "faq__question"})
                summary.append(element)
                answer = etree.SubElement(details, "div", {"class": "faq__answer"})
                root.remove(element)
                root.insert(position, details)
                position += 1
            elif details is not None:
                root.remove(element)
                answer.append(element)
            else:
                position += 1


def _text(element: etree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if "headerlink" not in child.get("class", ""):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


class FaqExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API name
        # After `toc` (priority 5) has given the questions their ids, before title extraction (1).
        md.treeprocessors.register(_FaqTreeprocessor(md), "health_faq", 4)


@dataclass(frozen=True)
class RenderedQuestion:
    question: str
    anchor: str
    answer_html: str
    answer_text: str


# Tags that Google accepts in an FAQ answer; other tags are dropped and their text kept.
ANSWER_TAGS = {"p", "br", "ol", "ul", "li", "a", "b", "strong", "i", "em", "h3", "h4", "h5", "h6", "div"}


def _is_reference_marker(element: lxml.html.HtmlElement) -> bool:
    return element.tag == "sup" and element.get("id", "").startswith("fnref")


def visible_text(element: lxml.html.HtmlElement) -> str:
    """Text a reader sees, without reference markers, with whitespace collapsed."""
    parts: list[str] = []

    def collect(node: lxml.html.HtmlElement) -> None:
        if isinstance(node.tag, str):
            parts.append(node.text or "")
            for child in node:
                if not _is_reference_marker(child):
                    collect(child)
                parts.append(child.tail or "")

    collect(element)
    return " ".join("".join(parts).split())


def read_rendered_faq(content_html: str, page_url: str) -> list[RenderedQuestion]:
    """The FAQ as rendered in the page's HTML: each question's text, anchor and answer."""
    start = content_html.find('<details class="faq">')
    if start < 0:
        return []
    # Parse only the FAQ's own HTML: the disclosures are consecutive siblings.
    end = content_html.rfind("</details>") + len("</details>")
    tree = lxml.html.fragment_fromstring(content_html[start:end], create_parent="div")
    questions = []
    for details in tree.xpath(".//details[@class='faq']"):
        heading = details.xpath("./summary/*[1]")[0]
        answer = details.xpath("./div[@class='faq__answer']")[0]
        questions.append(RenderedQuestion(
            question=visible_text(heading),
            anchor=heading.get("id", ""),
            answer_html=_answer_html(answer, page_url),
            answer_text=visible_text(answer),
        ))
    return questions


def _answer_html(answer: lxml.html.HtmlElement, page_url: str) -> str:
    copy = lxml.html.fromstring(lxml.html.tostring(answer, encoding="unicode", with_tail=False))
    for marker in [e for e in copy.iter("sup") if _is_reference_marker(e)]:
        marker.drop_tree()
    for element in copy.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "a":
            href = element.get("href", "")
            element.attrib.clear()
            if href:
                element.set("href", urljoin(page_url, href))
        else:
            element.attrib.clear()
    for element in list(copy.iter()):
        if isinstance(element.tag, str) and element.tag not in ANSWER_TAGS and element is not copy:
            element.drop_tag()
    inner = (copy.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in copy)
    return " ".join(inner.split())
