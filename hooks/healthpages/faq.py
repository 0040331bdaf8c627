"""FAQ sections: recognised once, in the Markdown tree, then rendered as disclosures and as structured data.

Editors write::

    ## Frequently asked questions

    ### Can I exercise with endometriosis?

    The answer, in paragraphs, lists or links.

`find_faq` reads that shape from the element tree Python-Markdown builds (so headings written with
`###` and questions in any Markdown form are seen exactly as they will be shown), reports what is
wrong with it, and turns each question and its answer into a `<details>` disclosure. The same
`FaqSection` then gives the page's FAQPage data, so crawlers read exactly what readers see.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement

# Headings editors use for the section, compared without case and a trailing colon.
FAQ_HEADINGS = ("frequently asked questions", "faqs", "faq", "common questions", "questions and answers")


def element_text(element: Element) -> str:
    """The text a reader sees in an element: no permalink marks or reference numbers, spaces collapsed."""
    parts: list[str] = [element.text or ""]
    for child in element:
        classes = (child.get("class") or "").split()
        if "headerlink" not in classes and not (child.tag == "sup" and (child.get("id") or "").startswith("fnref")):
            parts.append(element_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def is_faq_heading(element: Element) -> bool:
    return element.tag == "h2" and element_text(element).lower().rstrip(": ") in FAQ_HEADINGS


@dataclass(frozen=True)
class FaqQuestion:
    question: str  # the question's text in the tree (before raw HTML and entities are restored)
    anchor: str  # the id of its heading
    heading: Element  # the question's heading and the answer's element in the page: their final HTML
    answer: Element  # is read once the tree is complete


@dataclass(frozen=True)
class FaqSection:
    heading: str
    anchor: str
    questions: tuple[FaqQuestion, ...]


@dataclass(frozen=True)
class FaqShapeProblem:
    """A problem with the section's shape; `needle` is source text that locates the line."""

    needle: str
    message: str
    occurrence: int = 1  # which line holding the needle (the second, for a question asked twice)


def find_faq(root: Element) -> tuple[FaqSection | None, list[FaqShapeProblem]]:
    """Recognise the page's FAQ section, render its disclosures in place and report what is wrong with it."""
    problems: list[FaqShapeProblem] = []
    children = list(root)
    starts = [i for i, element in enumerate(children) if is_faq_heading(element)]
    if not starts:
        return None, problems
    for extra in starts[1:]:
        problems.append(
            FaqShapeProblem(
                element_text(children[extra]), "a page has one FAQ section; merge these questions into the first"
            )
        )
    start = starts[0]
    heading = children[start]
    end = next(
        (
            i
            for i in range(start + 1, len(children))
            if children[i].tag in ("h1", "h2") or "footnote" in (children[i].get("class") or "").split()
        ),
        len(children),
    )
    if end < len(children) and children[end].tag == "h2" and element_text(children[end]).endswith("?"):
        text = element_text(children[end])
        problems.append(
            FaqShapeProblem(
                text,
                f"'{text}' is a level-2 heading, so it ends the FAQ section; write "
                "each question as a level-3 heading: ### " + text,
            )
        )
    questions: list[FaqQuestion] = []
    seen: set[str] = set()
    position = start + 1
    answer: Element | None = None
    for element in children[start + 1 : end]:
        if element.tag == "h3":
            question = element_text(element)
            for permalink in [a for a in element.findall("a") if "headerlink" in (a.get("class") or "")]:
                element.remove(permalink)  # a link inside the disclosure's summary would not work
            details = Element("details", {"class": "faq"})
            summary = SubElement(details, "summary", {"class": "faq__question"})
            root.remove(element)
            summary.append(element)
            element.tail = None
            answer = SubElement(details, "div", {"class": "faq__answer"})
            root.insert(position, details)
            position += 1
            if not question.endswith("?"):
                problems.append(
                    FaqShapeProblem(question, f"'{question}' is not a question; end it with a question mark")
                )
            key = " ".join(question.lower().split())
            if key in seen:
                problems.append(FaqShapeProblem(question, f"the question '{question}' is asked twice; keep one", 2))
            seen.add(key)
            questions.append(FaqQuestion(question, element.get("id") or "", element, answer))
        elif answer is not None:
            root.remove(element)
            answer.append(element)
        else:
            position += 1
            if (
                element.tag == "p"
                and len(element) == 1
                and element[0].tag in ("strong", "b")
                and not (element.text or "").strip()
                and not (element[0].tail or "").strip()
                and element_text(element).endswith("?")
            ):
                text = element_text(element)
                problems.append(
                    FaqShapeProblem(
                        text,
                        f"'{text}' looks like a question written in bold; write it "
                        "as a heading so readers can open it: ### " + text,
                    )
                )
    for item in questions:
        if len(item.answer) == 0:
            problems.append(
                FaqShapeProblem(
                    item.question, f"the question '{item.question}' has no answer; write it below the ### heading"
                )
            )
        for paragraph in item.answer.iter("p"):
            if (
                len(paragraph) == 1
                and paragraph[0].tag in ("strong", "b")
                and element_text(paragraph).endswith("?")
                and not (paragraph.text or "").strip()
                and not (paragraph[0].tail or "").strip()
            ):
                text = element_text(paragraph)
                problems.append(
                    FaqShapeProblem(
                        text,
                        f"'{text}' looks like a question written in bold; write it "
                        "as a heading so readers can open it: ### " + text,
                    )
                )
    if not questions:
        problems.append(
            FaqShapeProblem(
                element_text(heading),
                "the FAQ section is empty; add at least one '### Question?' heading with its answer below",
            )
        )
        return None, problems
    return FaqSection(element_text(heading), heading.get("id") or "", tuple(questions)), problems
