"""No text from an editor can break out of the JSON-LD script or into live markup."""

from __future__ import annotations

import json
import string
from dataclasses import replace
from pathlib import Path

import lxml.html
import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthpages.library import Library
from healthpages.page_data import take_page_data
from healthpages.render import finish_content, render_block
from sitebuild import FIXTURES, build_site, jsonld_blocks, read_and_convert, read_html, reader_text

HOSTILE = "</script><script>alert(1)</script>"

# Text an editor might paste: markup, quotes, ampersands, emoji, right-to-left text, odd whitespace.
hostile_text = (
    st.lists(
        st.sampled_from(
            [*string.printable.strip(), "</script>", "<!--", "&amp;", "שלום", "🩺", "'", '"', "é", " ", "\u2028"]
        ),
        min_size=1,
        max_size=25,
    )
    .map(lambda parts: " ".join("".join(parts).split()))
    .filter(bool)
)


@pytest.fixture(scope="module")
def library() -> Library:
    text = (FIXTURES / "site/docs/conditions/draft.md").read_text()
    builder, _ = read_and_convert(
        text, "conditions/draft.md", pages=frozenset({"conditions/draft.md", "conditions/reviewed.md", "experts.md"})
    )
    return builder.complete()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=hostile_text, answer=hostile_text)
def test_json_ld_script_survives_any_text(title: str, answer: str, library: Library) -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [{"@type": "WebPage", "name": title}, {"@type": "Answer", "text": answer}],
    }
    result = replace(library.results["conditions/draft.md"], jsonld=graph)
    html = render_block("head", library, result)
    document = lxml.html.fromstring(f"<html><head>{html}</head><body></body></html>")
    scripts = document.xpath("//script")
    assert len(scripts) == 1 and scripts[0].get("type") == "application/ld+json"
    assert json.loads(scripts[0].text) == graph


EXTENSIONS = ["toc", "attr_list", "footnotes", "healthpages.extension"]


def faq_markdown(question: str, answer: str) -> str:
    # The words lead each line so the hostile text stays text, not a new Markdown block.
    return f"## Frequently asked questions\n\n### Is {question}?\n\nAnswer: {answer}\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=hostile_text, answer=hostile_text)
def test_faq_data_equals_what_readers_see(question: str, answer: str) -> None:
    html, data = take_page_data(markdown.markdown(faq_markdown(question, answer), extensions=EXTENSIONS))
    html = finish_content(html)  # what readers get: the content after the sanitiser
    assert data is not None
    (item,) = data.faq
    document = lxml.html.fragment_fromstring(html, create_parent="div")
    (details,) = document.xpath("//details[@class='faq']")
    assert item.question == reader_text(details.xpath("./summary")[0])
    answer_html = lxml.html.fragment_fromstring(item.answer_html, create_parent="div")
    assert reader_text(answer_html) == reader_text(details.xpath("./div")[0])


# Columns: what the title holds, the exact problem (the title is line 2 of the fixture page).
REFUSED_TITLES = [
    ("a script element", HOSTILE, "'<' is not allowed here: this text is shown as plain text; write it as words"),
    (
        "double quotes",
        'The "weak" cervix',
        "'\"' is not allowed here: this text is shown as plain text; use curly quotes “ ” instead",
    ),
    (
        "an HTML entity",
        "Cervix &amp; womb",
        "'&amp;' is not allowed here: this text is shown as plain text; write it as words",
    ),
]


@pytest.mark.parametrize(("case", "title", "message"), REFUSED_TITLES, ids=[c[0] for c in REFUSED_TITLES])
def test_markup_in_a_title_is_refused_with_its_line(case: str, title: str, message: str) -> None:
    text = (FIXTURES / "site/docs/conditions/draft.md").read_text()
    builder, _ = read_and_convert(
        text.replace("title: Draft condition", f"title: {json.dumps(title)}"),
        "conditions/draft.md",
        pages=frozenset({"conditions/draft.md", "conditions/reviewed.md"}),
    )
    assert [str(p) for p in builder.problems] == [f"tests/fixtures/site/docs/conditions/draft.md:2: title: {message}"]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(title=hostile_text.filter(lambda t: not any(c in t for c in '<>"&')))
def test_other_titles_build_into_inert_text(
    title: str, fixture_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = fixture_site / "docs/conditions/draft.md"
    original = page.read_text()
    expected = f"{title} (test)"
    page.write_text(original.replace("title: Draft condition", f"title: {json.dumps(expected, ensure_ascii=False)}"))
    try:
        site = build_site(fixture_site / "mkdocs.yml", tmp_path_factory.mktemp("hostile"))
    finally:
        page.write_text(original)
    draft = read_html(site / "conditions/draft/index.html")
    assert " ".join(draft.xpath("//h1")[0].text_content().split()) == " ".join(expected.split())
    (graph,) = jsonld_blocks(draft)
    page_node = next(n for n in graph["@graph"] if n["@type"] == "MedicalWebPage")
    assert page_node["name"] == expected
    # The navigation shows the title as text on every page, never as markup.
    home = read_html(site / "index.html")
    assert any(" ".join(a.text_content().split()) == " ".join(expected.split()) for a in home.xpath("//nav//a"))
