"""The product's Python-Markdown extension: list `healthpages.extension` under `markdown_extensions`.

It runs inside any engine that converts Markdown with Python-Markdown (MkDocs, Zensical), and does
everything the body of a page needs: the FAQ disclosures, responsive tables, the reference list
kept out of search, the content policy, readability, and two empty slots (top and end of the
content) where the finishing step puts the page's blocks. What it learns about the page travels
in the page's HTML to the finishing step (see `page_data`).
"""

from __future__ import annotations

import copy
import html as html_module
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import nh3
from markdown import Extension, Markdown
from markdown.extensions.toc import run_postprocessors
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from healthpages import content_policy, readability
from healthpages.faq import FaqSection, element_text, find_faq
from healthpages.page_data import DATA_ATTRIBUTE, BodyProblem, ConversionData, FaqEntry, Heading
from healthpages.references import ReferencesTreeprocessor
from healthpages.tables import ResponsiveTablesTreeprocessor

# Tags that search engines accept in an FAQ answer; other tags are dropped and their text kept.
ANSWER_TAGS = {"p", "br", "ol", "ul", "li", "a", "b", "strong", "i", "em", "h3", "h4", "h5", "h6", "div"}


@dataclass
class _Conversion:
    """What one conversion has found so far (a fresh one per page)."""

    lines: list[str]
    faq: FaqSection | None = None
    problems: list[BodyProblem] = field(default_factory=list)

    def line_of(self, needle: str, occurrence: int = 1) -> int:
        """The body line (1-based) of the n-th line that holds `needle`; the first line when none does."""
        needle = " ".join(needle.split())
        if needle:
            seen = 0
            for number, line in enumerate(self.lines, start=1):
                if needle in " ".join(line.split()):
                    seen += 1
                    if seen == occurrence:
                        return number
        return 1

    def report(self, needle: str, message: str, field_name: str, occurrence: int = 1) -> None:
        self.problems.append(BodyProblem(self.line_of(needle, occurrence), message, field_name))


def _state(md: Markdown) -> _Conversion:
    state = getattr(md, "health_conversion", None)
    assert isinstance(state, _Conversion), "the health extension's preprocessor did not run"
    return state


class _SourceLines(Preprocessor):
    """First of all: keep the body as the editor wrote it, to name the line of any problem."""

    def run(self, lines: list[str]) -> list[str]:
        self.md.health_conversion = _Conversion(list(lines))  # type: ignore[attr-defined]
        return lines


class _FaqTreeprocessor(Treeprocessor):
    def run(self, root: Element) -> None:
        state = _state(self.md)
        state.faq, problems = find_faq(root)
        for problem in problems:
            state.report(problem.needle, problem.message, "FAQ", problem.occurrence)


class _PageTreeprocessor(Treeprocessor):
    """Last of all, when the tree is final: enforce the content policy, measure, and hand the page's data on."""

    def run(self, root: Element) -> None:
        state = _state(self.md)
        for problem in content_policy.check_tree(root):
            state.report(problem.needle, problem.message, "content")
        for raw in self.md.htmlStash.rawHtmlBlocks:
            if isinstance(raw, str):
                for message in content_policy.check_raw_html(raw):
                    state.report(raw.strip().splitlines()[0] if raw.strip() else raw, message, "content")
        text = readability.prose(root)
        score = readability.measure(text)
        faq = state.faq
        data = ConversionData(
            faq_heading=faq.heading if faq else "",
            faq_anchor=faq.anchor if faq else "",
            faq=tuple(
                FaqEntry(self._visible_text(q.heading), q.anchor, self._answer_html(q.answer)) for q in faq.questions
            )
            if faq
            else (),
            headings=tuple(
                Heading(int(e.tag[1]), element_text(e), e.get("id") or "") for e in root.iter() if e.tag in ("h2", "h3")
            ),
            problems=tuple(state.problems),
            words=score.words,
            flesch_reading_ease=score.flesch_reading_ease,
            reading_age=score.reading_age,
            images=tuple(img.get("src") or "" for img in root.iter("img")),
            source_lines=len(state.lines),
        )
        root.insert(0, Element("div", {"data-health-slot": "top"}))
        root.append(Element("div", {"data-health-slot": "end"}))
        root.append(Element("div", {DATA_ATTRIBUTE: data.to_json()}))

    def _final_html(self, element: Element) -> str:
        """An element's content as it will appear in the page, raw HTML and entities restored."""
        copied = copy.copy(element)
        copied.tail = None
        whole = self.md.serializer(copied)  # the serializer escapes text as the page's own HTML does
        inner = whole[whole.index(">") + 1 : whole.rindex("</")] if whole.endswith(">") and "</" in whole else ""
        return run_postprocessors(inner, self.md)

    def _visible_text(self, element: Element) -> str:
        """The text a reader sees in an element (as a browser reads its final HTML)."""
        copied = copy.deepcopy(element)
        for parent in list(copied.iter()):
            for child in list(parent):
                if "headerlink" in (child.get("class") or ""):
                    parent.remove(child)
        text = nh3.clean(self._final_html(copied), tags=set())
        return " ".join(html_module.unescape(text).split())

    def _answer_html(self, answer: Element) -> str:
        """The answer as it is shown, in the tags search engines accept, without reference numbers."""
        copied = copy.deepcopy(answer)
        for parent in list(copied.iter()):
            for child in list(parent):
                if child.tag == "sup" and (child.get("id") or "").startswith("fnref"):
                    tail = child.tail or ""
                    index = list(parent).index(child)
                    parent.remove(child)
                    if index > 0:
                        parent[index - 1].tail = (parent[index - 1].tail or "") + tail
                    else:
                        parent.text = (parent.text or "") + tail
        html = self._final_html(copied)
        cleaned = nh3.clean(
            html, tags=ANSWER_TAGS, attributes={"a": {"href"}}, link_rel=None, url_schemes=content_policy.LINK_SCHEMES
        )
        return " ".join(cleaned.split())


class HealthExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API name
        md.preprocessors.register(_SourceLines(md), "health_source", 1000)
        md.treeprocessors.register(ResponsiveTablesTreeprocessor(md), "health_tables", 6)
        # After `toc` (5) has given the questions their ids.
        md.treeprocessors.register(_FaqTreeprocessor(md), "health_faq", 4)
        # After the footnotes extension has appended its list (50).
        md.treeprocessors.register(ReferencesTreeprocessor(md), "health_references", 3)
        # After everything else, MkDocs' link rewriting (0) included.
        md.treeprocessors.register(_PageTreeprocessor(md), "health_page", -100)


def makeExtension(**kwargs: object) -> HealthExtension:  # noqa: N802 - Python-Markdown's API name
    return HealthExtension(**kwargs)
