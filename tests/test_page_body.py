"""What the Markdown extension makes of a page's body for readers of every kind: references a screen reader
can name and a keyboard need not wade through, callout titles that are headings, headings without
permalink marks, and tables whose every column is named. Converted with the shipped site's own Markdown
configuration and read with lxml."""

from __future__ import annotations

import markdown
import pytest
from lxml import html as lxml_html
from mkdocs.config import load_config

from healthpages.page_data import take_page_data
from sitebuild import ROOT, read_and_convert
from test_page_model import VALID

P = "tests/fixtures/site/docs/conditions/page.md"


def convert(body: str) -> lxml_html.HtmlElement:
    """The body as the shipped site converts it (mkdocs.yml's extensions and their settings)."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
    content, _ = take_page_data(md.convert(body))
    return lxml_html.fragment_fromstring(content, create_parent="div")


def names(elements: list[lxml_html.HtmlElement]) -> list[str]:
    """What a screen reader reads for each element: its text, without what is hidden from it."""
    read = []
    for element in elements:
        copy = lxml_html.fromstring(lxml_html.tostring(element))
        for hidden in copy.xpath(".//*[@aria-hidden='true']"):
            hidden.drop_tree()
        read.append(" ".join(copy.text_content().split()))
    return read


REFERENCED = """\
## Symptoms

Pain is common[^a]. Bleeding is common too[^a] [^b].

## Treatment

Rest helps[^a].

## References

[^a]: First guideline. 2020.
[^b]: Second guideline. 2021.
"""


def test_each_reference_has_one_named_way_back_and_each_citation_a_name() -> None:
    body = convert(REFERENCED)
    citations = body.xpath("//sup[starts-with(@id, 'fnref')]")
    assert names([c.find("a") for c in citations]) == ["Reference 1", "Reference 1", "Reference 2", "Reference 1"]
    # Reference numbers are left out of the search index.
    assert all(c.get("data-search-exclude") == "" for c in citations)
    back = body.xpath("//a[contains(@class, 'footnote-backref')]")
    # One back-link per reference (the footnotes extension makes one per citation: 3 for the first).
    assert names(back) == ["Back to reference 1 in the text", "Back to reference 2 in the text"]
    assert [a.get("href") for a in back] == ["#fnref:a", "#fnref:b"]
    # The arrow is shown, not read.
    assert [a.xpath("string(.//*[@aria-hidden='true'])") for a in back] == ["\u21a9", "\u21a9"]


def test_headings_carry_no_permalink_mark() -> None:
    body = convert(REFERENCED)
    assert body.xpath("//a[contains(@class, 'headerlink')]") == []
    assert [" ".join(h.text_content().split()) for h in body.xpath("//h2")] == ["Symptoms", "Treatment", "References"]
    assert [h.get("id") for h in body.xpath("//h2")] == ["symptoms", "treatment", "references"]


# Columns: where the callout is, the Markdown, the tag its title becomes.
CALLOUTS = [
    ("before any section", '!!! note "Before your scan"\n    Drink water.\n', "h2"),
    ("in a section", '## Tests\n\n!!! tip "Before your scan"\n    Drink water.\n', "h3"),
    ("in a subsection", '## Tests\n\n### Scans\n\n!!! info "Before your scan"\n    Drink water.\n', "h4"),
    (
        "after a subsection's callout",
        '## Tests\n\n### Scans\n\n!!! info "A"\n    x\n\n!!! info "Before your scan"\n    y\n',
        "h4",
    ),
]


@pytest.mark.parametrize(("case", "markdown_text", "tag"), CALLOUTS, ids=[c[0] for c in CALLOUTS])
def test_a_callout_title_is_a_heading_below_its_section(case: str, markdown_text: str, tag: str) -> None:
    body = convert(markdown_text)
    (title,) = [t for t in body.xpath("//*[contains(@class, 'admonition-title')]") if "scan" in t.text_content()]
    assert title.tag == tag
    assert title.text_content().strip() == "Before your scan"
    # The table of contents lists the page's sections, not its callouts.
    assert title.get("id") is None


TABLE_WITHOUT_A_HEADING = """
## Compare

| | Adenomyosis | Endometriosis |
|---|---|---|
| Where | In the womb's wall | Outside the womb |
"""


def test_a_table_column_without_a_heading_is_a_problem_at_its_line() -> None:
    builder, _ = read_and_convert(VALID + TABLE_WITHOUT_A_HEADING)
    builder.complete()
    assert [str(p) for p in builder.problems if p.field == "table"] == [
        f"{P}:32: table: column 1 of this table has no heading; name every column in the first row (for example "
        "| What | Adenomyosis | Endometriosis |), so that screen readers can announce it and phones can show it on "
        "each stacked row"
    ]


def test_a_table_with_every_column_named_is_fine_and_reflows() -> None:
    builder, _ = read_and_convert(VALID + TABLE_WITHOUT_A_HEADING.replace("| | Aden", "| What | Aden"))
    builder.complete()
    assert [p for p in builder.problems if p.field == "table"] == []
    body = convert(TABLE_WITHOUT_A_HEADING.replace("| | Aden", "| What | Aden"))
    labels = body.xpath("//td/span[@class='health-table__heading']")
    assert [(s.text, s.get("aria-hidden")) for s in labels] == [
        ("What", "true"),
        ("Adenomyosis", "true"),
        ("Endometriosis", "true"),
    ]
