"""What an editor's Markdown may put on the site: words, links and images, never code.

The policy is checked on what the page will contain: the element tree Python-Markdown builds
(which carries attribute lists, links and images) and each piece of raw HTML the page holds, read
by an HTML tokenizer. Anything outside the allow-lists is reported with its line (and the build
stops). As a second line of defence the page's rendered content is passed through nh3 (the
maintained Rust sanitiser) with the product's allow-list, so nothing executable reaches the site
even if a check were missed.

Allowed raw HTML: <abbr title>, <br>, <sup>, <sub>, <kbd> (and the <pre>/<code> of code blocks).
Allowed link targets: https:, mailto:, tel: and pages or files of this site. Images: files of this
site only, each with alt text (an image marked `{: .decorative }` may have empty alt text).
Attribute lists may set an id, and a class from EDITOR_CLASSES.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import nh3

# Raw HTML an editor may write in Markdown, with its attributes.
RAW_TAGS: dict[str, set[str]] = {
    "abbr": {"title"},
    "br": set(),
    "sup": set(),
    "sub": set(),
    "kbd": set(),
    "pre": set(),
    "code": {"class"},
}
# Classes an editor may give with an attribute list.
EDITOR_CLASSES = {"decorative"}
# Elements Markdown and this product's extensions build, with the attributes they set.
TREE_TAGS: dict[str, set[str]] = {
    **{
        tag: set()
        for tag in (
            "p",
            "ul",
            "li",
            "em",
            "strong",
            "b",
            "i",
            "blockquote",
            "hr",
            "br",
            "dl",
            "dt",
            "dd",
            "sub",
            "kbd",
            "thead",
            "tbody",
            "summary",
            "pre",
            "code",
            "span",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "section",
        )
    },
    "ol": {"start"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "sup": set(),
    "div": set(),
    "details": {"open"},
    "table": {"role"},
    "tr": {"role"},
    "th": {"role"},
    "td": {"role"},
}
# Attributes the product's own extensions set (tables, references): not for editors, but not harmful.
PRODUCT_ATTRIBUTES = {"role", "aria-hidden", "data-search-exclude"}
PRODUCT_CLASSES = {
    "admonition",
    "admonition-title",
    "note",
    "info",
    "tip",
    "warning",
    "footnote",
    "footnote-ref",
    "footnote-backref",
    "headerlink",
    "faq",
    "faq__question",
    "faq__answer",
    "health-table",
    "health-table__heading",
    "health-table__cell--left",
    "health-table__cell--center",
    "health-table__cell--right",
    "health-visually-hidden",
    "decorative",
    "md-typeset",
    "arithmatex",
}
LINK_SCHEMES = {"https", "mailto", "tel"}
ADMONITION_TYPES = {"note", "info", "tip", "warning"}


@dataclass(frozen=True)
class PolicyProblem:
    """Something the page may not contain; `needle` is source text that locates the line."""

    needle: str
    message: str


# The attributes each element may keep: its own, the product's, an id and classes.
_ALLOWED_ATTRIBUTES = {tag: frozenset(own | PRODUCT_ATTRIBUTES | {"id", "class"}) for tag, own in TREE_TAGS.items()}


def _classes(element: Element) -> list[str]:
    return (element.get("class") or "").split()


def _callout_kind(element: Element) -> str | None:
    """The kind of an admonition (`!!! kind`) or collapsible callout (`??? kind`); None for anything else."""
    classes = _classes(element)
    if element.tag == "div" and "admonition" in classes:
        return next((c for c in classes if c != "admonition"), "")
    if element.tag == "details":
        summary = element.find("summary")
        if summary is not None and "faq__question" in _classes(summary):
            return None  # this product's own FAQ disclosure
        return next(iter(classes), "")
    return None


def check_url(url: str, *, image: bool) -> str | None:
    """Why a link or image address is not allowed, or None."""
    parts = urlsplit(url.strip())
    if image:
        if parts.scheme == "data":
            return "an image written into the page (data:) is not allowed; save the image in docs/ and link to the file"
        if parts.scheme or parts.netloc:
            return (
                f"the image '{url[:60]}' comes from another site; save the image in docs/ and link to the file "
                "(a picture from another site can track readers)"
            )
        return None
    if not parts.scheme and not parts.netloc:
        return None  # a page or file of this site, or an anchor
    if parts.scheme == "http":
        return f"the link '{url[:60]}' is not secure; use https://"
    if parts.scheme not in LINK_SCHEMES or (parts.netloc == "" and parts.scheme == "https"):
        return (
            f"the link '{url[:60]}' is not allowed; links may go to https:// pages, mailto: or tel: addresses, "
            "or pages of this site"
        )
    return None


def check_tree(root: Element) -> list[PolicyProblem]:
    """Check (and clean) the elements Markdown built; returns what had to be removed."""
    problems: list[PolicyProblem] = []
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        if element is root or not isinstance(element.tag, str):
            continue
        tag = element.tag
        if tag not in TREE_TAGS:
            problems.append(PolicyProblem(tag, f"<{tag}> is not allowed in a page"))
            parents[element].remove(element)
            continue
        if tag == "h1":
            text = "".join(element.itertext()).strip()
            problems.append(
                PolicyProblem(
                    "# " + text,
                    "a page has one title, from its front matter; start the "
                    "page's sections with ## (a level-2 heading)",
                )
            )
        callout = _callout_kind(element) if tag in ("div", "details") else None
        if callout is not None:
            kind = callout
            if kind not in ADMONITION_TYPES:
                message = (
                    "urgent advice goes in the page's when_to_get_help block (front matter), not in a callout"
                    if kind in ("urgent-advice", "immediate-action")
                    else f"a '{kind}' callout is not one of the allowed kinds: " + ", ".join(sorted(ADMONITION_TYPES))
                )
                problems.append(PolicyProblem(kind, message))
        allowed = _ALLOWED_ATTRIBUTES[tag]
        for name, value in list(element.attrib.items()):
            if name not in allowed:
                problems.append(
                    PolicyProblem(
                        name,
                        f"the attribute '{name}' is not allowed on <{tag}>; an "
                        "attribute list may set only an id and the classes " + ", ".join(sorted(EDITOR_CLASSES)),
                    )
                )
                del element.attrib[name]
            elif name == "class":
                known = PRODUCT_CLASSES | EDITOR_CLASSES | ({callout} if callout else set())
                unknown = [c for c in value.split() if c not in known and not c.startswith("language-")]
                if unknown:
                    problems.append(
                        PolicyProblem(
                            "." + unknown[0],
                            f"the class '{unknown[0]}' is not allowed; "
                            "classes an editor may set: " + ", ".join(sorted(EDITOR_CLASSES)),
                        )
                    )
                    element.set("class", " ".join(c for c in value.split() if c not in unknown))
            elif name in ("href", "src"):
                reason = check_url(value, image=name == "src")
                if reason:
                    problems.append(PolicyProblem(value, reason))
                    del element.attrib[name]
        if tag == "img" and not (element.get("alt") or "").strip() and "decorative" not in _classes(element):
            source = element.get("src") or ""
            name = source.rsplit("/", 1)[-1]  # as the editor wrote it: the engine may have made the address relative
            problems.append(
                PolicyProblem(
                    name,
                    f"the image '{name[:60]}' has no alt text; describe it for "
                    "readers who cannot see it: ![what it shows](file.png). Only a purely "
                    "decorative image may have none: ![](file.png){: .decorative }",
                )
            )
    return problems


class _RawHtmlChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.refused: set[str] = set()  # tags already reported, so that their end tags are not reported again

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in RAW_TAGS:
            self.refused.add(tag)
            self.problems.append(
                f"raw HTML <{tag}> is not allowed in a page; write Markdown instead (allowed HTML: "
                + ", ".join(f"<{t}>" for t in sorted(RAW_TAGS))
                + ")"
            )
            return
        for name, value in attrs:
            if name not in RAW_TAGS[tag]:
                self.problems.append(f"the attribute '{name}' is not allowed on <{tag}>")
            elif name == "class" and not re.fullmatch(r"language-[a-z0-9-]+", value or ""):
                self.problems.append(f"the class '{value}' is not allowed on <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in RAW_TAGS and tag not in self.refused:
            self.problems.append(f"raw HTML </{tag}> is not allowed in a page; write Markdown instead")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("an HTML declaration is not allowed in a page")

    def handle_pi(self, data: str) -> None:
        self.problems.append("an HTML processing instruction is not allowed in a page")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("an HTML declaration is not allowed in a page")


def check_raw_html(html: str) -> list[str]:
    """Why a piece of raw HTML is not allowed (empty when it is)."""
    checker = _RawHtmlChecker()
    checker.feed(html)
    checker.close()
    return checker.problems


# The second line: every element and attribute the content of a page may contain, from Markdown and from
# this product's extensions. Everything else is dropped; link addresses must be relative or use these schemes.
_SANITISER = nh3.Cleaner(
    tags=set(TREE_TAGS) | set(RAW_TAGS),
    attributes={
        "*": {"id", "class", "title", "role", "aria-hidden", "data-search-exclude"},
        **{tag: attrs - {"class"} for tag, attrs in TREE_TAGS.items() if attrs - {"class"}},
        "div": {"data-health-slot"},
    },
    strip_comments=True,
    link_rel=None,
    url_schemes=LINK_SCHEMES,
)


def sanitize(html: str) -> str:
    """The page's content with only the allowed elements, attributes and link schemes left."""
    return _SANITISER.clean(html)
