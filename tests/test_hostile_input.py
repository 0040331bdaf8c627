"""No text from an editor can break out of the JSON-LD script or into live markup."""

from __future__ import annotations

import json
import string
from pathlib import Path

import lxml.html
import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader

from healthpages.faq import FaqExtension, read_rendered_faq

from sitebuild import ROOT, build_site, jsonld_blocks, read_html, reader_text

HOSTILE = "</script><script>alert(1)</script>"

# Text an editor might paste: markup, quotes, ampersands, emoji, right-to-left text, odd whitespace.
hostile_text = st.lists(
    st.sampled_from(list(string.printable.strip()) + ["</script>", "<!--", "&amp;", "\u202e", "שלום",
                                                      "🩺", "\u2028", "'", '"', "é", " "]),
    min_size=1, max_size=25,
).map(lambda parts: " ".join("".join(parts).split())).filter(bool)


def structured_data_template():
    env = Environment(loader=FileSystemLoader(str(ROOT / "overrides")))
    return env.get_template("partials/structured_data.html")


@settings(max_examples=200, deadline=None)
@given(title=hostile_text, answer=hostile_text)
def test_json_ld_script_survives_any_text(title: str, answer: str) -> None:
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": title},
                                                          {"@type": "Answer", "text": answer}]}

    class Health:
        jsonld = graph

    html = structured_data_template().render(page={"meta": {"health": Health()}})
    document = lxml.html.fromstring(f"<html><head>{html}</head><body></body></html>")
    scripts = document.xpath("//script")
    assert len(scripts) == 1 and scripts[0].get("type") == "application/ld+json"
    assert json.loads(scripts[0].text) == graph


def faq_markdown(question: str, answer: str) -> str:
    # The words lead each line so the hostile text stays text, not a new Markdown block.
    return f"## Frequently asked questions\n\n### Is {question}?\n\nAnswer: {answer}\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=hostile_text, answer=hostile_text)
def test_faq_answer_read_back_equals_what_readers_see(question: str, answer: str) -> None:
    html = markdown.markdown(faq_markdown(question, answer), extensions=["toc", "attr_list", FaqExtension()])
    (item,) = read_rendered_faq(html, "https://example.org/page/")
    document = lxml.html.fragment_fromstring(html, create_parent="div")
    (details,) = document.xpath("//details[@class='faq']")
    assert item.question == reader_text(details.xpath("./summary")[0])
    assert item.answer_text == reader_text(details.xpath("./div")[0])
    parsed = lxml.html.fragment_fromstring(item.answer_html, create_parent="div") if item.answer_html else None
    assert (reader_text(parsed) if parsed is not None else "") == item.answer_text


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(title=hostile_text)
def test_hostile_titles_build_into_inert_text(title: str, fixture_site: Path, tmp_path_factory) -> None:
    page = fixture_site / "docs/conditions/draft.md"
    original = page.read_text()
    quoted = json.dumps(f"{title} {HOSTILE}", ensure_ascii=False)  # JSON strings are valid YAML strings
    page.write_text(original.replace("title: Draft condition", f"title: {quoted}"))
    try:
        site = build_site(fixture_site / "mkdocs.yml", tmp_path_factory.mktemp("hostile"))
    finally:
        page.write_text(original)
    expected = f"{title} {HOSTILE}"
    for path in sorted(site.rglob("*.html")):
        document = read_html(path)
        for script in document.xpath("//script"):
            assert "alert(1)" not in (script.text or "") or script.get("type") == "application/ld+json", path
        assert not document.xpath("//script[not(@src) and contains(., 'alert(1)') "
                                  "and not(@type='application/ld+json')]"), path
    draft = read_html(site / "conditions/draft/index.html")
    assert " ".join(draft.xpath("//h1")[0].text_content().split()) == " ".join(expected.split())
    (graph,) = jsonld_blocks(draft)
    page_node = next(n for n in graph["@graph"] if n["@type"] == "MedicalWebPage")
    assert page_node["name"] == expected
    # The navigation shows the title as text on every page, never as markup.
    home = read_html(site / "index.html")
    assert any(" ".join(a.text_content().split()) == " ".join(expected.split()) for a in home.xpath("//nav//a"))


def test_script_title_is_text_in_head_and_body(fixture_site: Path, tmp_path: Path) -> None:
    page = fixture_site / "docs/conditions/draft.md"
    page.write_text(page.read_text().replace("title: Draft condition", f"title: '{HOSTILE}'"))
    site = build_site(fixture_site / "mkdocs.yml", tmp_path / "out")
    document = read_html(site / "conditions/draft/index.html")
    assert document.xpath("//title")[0].text == f"{HOSTILE} - Test library"
    assert document.xpath("//h1")[0].text_content() == HOSTILE
    assert not document.xpath("//script[contains(., 'alert(1)') and not(@type='application/ld+json')]")
    raw = (site / "conditions/draft/index.html").read_text()
    assert "<script>alert(1)" not in raw
