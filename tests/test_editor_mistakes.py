"""Editors' mistakes, each made on a copy of the fixture site and run through `healthpages check` and
`mkdocs build --strict` (both as subprocesses, as an editor runs them).

Every mistake is either understood as the editor meant it (the site builds and shows what was meant)
or refused with the file, the line and the fix, in the same words by both commands; the two agree on
the verdict, and neither prints a traceback. The safe forms are in the page template
(hooks/healthpages/templates/topic_page.md) and CONTRIBUTING.md.

The cases run side by side (a few at a time) once per test session; each case is then its own test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest

from sitebuild import copy_fixture_site

DRAFT = "docs/conditions/draft.md"
_FIXTURE_CONFIG = (Path(__file__).parent / "fixtures" / "site" / "mkdocs.yml").read_text(encoding="utf-8").splitlines()


def config_line(text: str) -> int:
    """The line (1-based) of the fixture's mkdocs.yml that reads `text`, so cases survive edits to the fixture."""
    return _FIXTURE_CONFIG.index(text) + 1


DRAFT_NAV = config_line("      - conditions/draft.md")
EXPERTS_NAV = config_line("  - experts.md")


@dataclass(frozen=True)
class Case:
    name: str
    # (file relative to the site, text to find, text to put instead); "" finds nothing and writes the file.
    edits: tuple[tuple[str, str, str | bytes], ...]
    # A line both commands print (check: as it is; build: after MkDocs' level); None: the site must build.
    expected: str | None
    # When MkDocs stops on mkdocs.yml before the product's code runs: what its own message says instead.
    build_says: str | None = None
    # For a mistake that is understood: what the built site must show, given the built site's folder.
    shows: Callable[[Path], None] | None = None
    extra_files: dict[str, bytes] = field(default_factory=dict)


def _faq_shown(site: Path) -> None:
    page = lxml.html.parse(str(site / "conditions/draft/index.html")).getroot()
    assert [" ".join(s.text_content().split()) for s in page.xpath("//details[@class='faq']/summary")] == [
        "Does it hurt?"
    ]
    # The draft's FAQ reaches crawlers only once the page is published (see test_structured_data).


def _draft_titled(site: Path) -> None:
    page = lxml.html.parse(str(site / "conditions/draft/index.html")).getroot()
    assert page.xpath("string(//h1)").strip() == "Draft condition"
    assert "\ufeff" not in page.xpath("string(//article)")


def _decorative_image(site: Path) -> None:
    page = lxml.html.parse(str(site / "conditions/draft/index.html")).getroot()
    (image,) = page.xpath("//article//img")
    assert image.get("alt") == "" and "decorative" in image.get("class", "")


FRONT_END = "  call_999: [you collapse or cannot breathe]\n---\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

# Columns: name, edits, the line both commands print (None: understood), MkDocs' own words for mkdocs.yml
# mistakes it stops on first, what the built site shows when the mistake is understood.
CASES = [
    # -- understood as the editor meant it --
    Case("FAQ heading 'FAQs'", ((DRAFT, "## Frequently asked questions", "## FAQs"),), None, shows=_faq_shown),
    Case("FAQ heading with a colon", ((DRAFT, "## Frequently asked questions", "## FAQ:"),), None, shows=_faq_shown),
    Case("byte-order mark", ((DRAFT, "", b"\xef\xbb\xbf"),), None, shows=_draft_titled),
    Case("Windows line endings", ((DRAFT, "\n", "\r\n"),), None, shows=_draft_titled),
    Case(
        "decorative image without alt text",
        ((DRAFT, "Draft text.", "Draft text.\n\n![](picture.png){: .decorative }"),),
        None,
        shows=_decorative_image,
        extra_files={"docs/conditions/picture.png": PNG},
    ),
    # -- front matter: what YAML reads differently from what the editor meant --
    Case(
        "key point indented four spaces",
        ((DRAFT, "  - Second key point.", "      - Second key point."),),
        f"{DRAFT}:8: key_points[1]: this line starts a list item, but it is indented further than the item above, "
        "so it is read as more of that item's text; start its '-' in the same column as the one above",
    ),
    Case(
        "comma inside a [ ] list",
        ((DRAFT, "[you collapse or cannot breathe]", "[you collapse, or cannot breathe]"),),
        f"{DRAFT}:15: when_to_get_help.call_999[2]: the comma between 'you collapse' and 'or cannot breathe' splits "
        "one item in two (inside [ ] a comma separates items); put that item in double quotes, or write the list "
        "one item per line, each starting with '- '",
    ),
    Case(
        "' #' cutting a key point short",
        ((DRAFT, "  - Second key point.", "  - Take the tablets #2 and #3 each day."),),
        f"{DRAFT}:8: key_points[2]: the text after ' #' ('2 and #3 each day.') is left out, because YAML reads ' #' "
        "as the start of a comment; put the whole text in double quotes",
    ),
    Case(
        "closing --- missing",
        ((DRAFT, FRONT_END, FRONT_END.removesuffix("---\n")),),
        f"{DRAFT}:1: the front matter is never closed; add a line of three dashes (---) after its last field",
    ),
    Case(
        "closing --- missing, a rule later in the text",
        ((DRAFT, FRONT_END, FRONT_END.removesuffix("---\n")), (DRAFT, "Draft text.", "Draft text.\n\n---\n\nMore.")),
        f"{DRAFT}:1: the front matter is never closed, so the page's text is read as front matter; add a line of "
        "three dashes (---) after its last field, before the text (line 17)",
    ),
    Case(
        "tab in the front matter",
        ((DRAFT, "  - First key point.", "\t- First key point."),),
        f"{DRAFT}:7: a tab character; YAML needs spaces for indenting: replace the tab with spaces",
    ),
    Case(
        "colon in a title",
        ((DRAFT, "title: Draft condition", "title: Periods: what is normal"),),
        f"{DRAFT}:2: a colon followed by a space inside a value; put the whole value in quotes, for example "
        'title: "Periods: what is normal"',
    ),
    Case(
        "quote not closed",
        ((DRAFT, "title: Draft condition", 'title: "Draft condition'),),
        f"{DRAFT}:2: a quote is not closed; add the closing quote at the end of the value",
    ),
    Case(
        "title left empty",
        ((DRAFT, "title: Draft condition", "title:"),),
        f"{DRAFT}:2: title: must be text, not an empty value",
    ),
    Case(
        "misspelt field",
        ((DRAFT, "description:", "descripton:"),),
        f"{DRAFT}:3: descripton: is not a known field; did you mean 'description'? allowed fields: audience, author, "
        "clinic, condition, description, disclaimer, hide, key_points, page_type, pregnancy, pregnancy_weeks, "
        "published, related, review, search, short_title, title, updated, when_to_get_help",
    ),
    Case(
        "field written twice",
        ((DRAFT, "published: 2026-09-01", "published: 2026-09-01\nupdated: 2026-10-02"),),
        f"{DRAFT}:14: the field 'updated' is written twice (first on line 4); keep one",
    ),
    Case(
        "date written the British way",
        ((DRAFT, "updated: 2026-10-01", "updated: 01/10/2026"),),
        f"{DRAFT}:4: updated: '01/10/2026' is not a date; use YYYY-MM-DD, for example 2026-11-21",
    ),
    Case(
        "unknown reviewer",
        ((DRAFT, "  status: draft", "  status: reviewed\n  reviewer: dr-who\n  reviewed: 2026-06-01"),),
        f"{DRAFT}:13: review.reviewer: unknown reviewer 'dr-who'; use an id from data/reviewers.yml: test-doctor, "
        "test-gynaecologist",
    ),
    # -- the files themselves --
    Case(
        "Latin-1 byte in a page",
        ((DRAFT, "Draft text.", b"Draft text about caf\xe9s."),),
        f"{DRAFT}:20: the file is not saved as UTF-8 (byte 0xe9 on this line); save it with the UTF-8 encoding in "
        "your editor",
    ),
    Case(
        "invisible character in a page",
        ((DRAFT, "Draft text.", "Draft\u200b text."),),
        f"{DRAFT}:20: the invisible character U+200B (zero width space) is not allowed: it can hide or reorder "
        "text; delete it",
    ),
    Case(
        "Latin-1 byte in a data file",
        (("../data/reviewers.yml", "reviewers:", b"# Reviewers' caf\xe9\nreviewers:"),),
        "../data/reviewers.yml:1: the file is not saved as UTF-8 (byte 0xe9 on this line); save it with the UTF-8 "
        "encoding in your editor",
    ),
    Case(
        "tab in a data file",
        (("../data/reviewers.yml", "  - id: test-gynaecologist", "\t- id: test-gynaecologist"),),
        "../data/reviewers.yml:7: a tab character; YAML needs spaces for indenting: replace the tab with spaces",
    ),
    # -- the body --
    Case(
        "image without alt text",
        ((DRAFT, "Draft text.", "Draft text.\n\n![](picture.png)"),),
        f"{DRAFT}:22: content: the image 'picture.png' has no alt text; describe it for readers who cannot see it: "
        "![what it shows](file.png). Only a purely decorative image may have none: ![](file.png){: .decorative }",
        extra_files={"docs/conditions/picture.png": PNG},
    ),
    Case(
        "image from another site",
        ((DRAFT, "Draft text.", "![A scan](https://images.example/scan.png)"),),
        f"{DRAFT}:20: content: the image 'https://images.example/scan.png' comes from another site; save the "
        "image in docs/ and link to the file (a picture from another site can track readers)",
    ),
    Case(
        "a second title in the body",
        ((DRAFT, "## What is it?", "# What is it?"),),
        f"{DRAFT}:18: content: a page has one title, from its front matter; start the page's sections with ## "
        "(a level-2 heading)",
    ),
    Case(
        "urgent advice as a callout",
        ((DRAFT, "Draft text.", '!!! urgent-advice "Get help"\n    Call NHS 111.'),),
        f"{DRAFT}:20: content: urgent advice goes in the page's when_to_get_help block (front matter), not in a "
        "callout",
    ),
    Case(
        "FAQ question without a question mark",
        ((DRAFT, "### Does it hurt?", "### Does it hurt"),),
        f"{DRAFT}:24: FAQ: 'Does it hurt' is not a question; end it with a question mark",
    ),
    Case(
        "FAQ question as a level-2 heading",
        ((DRAFT, "### Does it hurt?", "## Does it hurt?"),),
        f"{DRAFT}:24: FAQ: 'Does it hurt?' is a level-2 heading, so it ends the FAQ section; write each question "
        "as a level-3 heading: ### Does it hurt?",
    ),
    Case(
        "link to a page that does not exist",
        ((DRAFT, "Draft text.", "See [the reviewed page](reviewd.md)."),),
        f"{DRAFT}:20: link: link 'reviewd.md': there is no such page in docs/; did you mean 'reviewed.md'?",
    ),
    Case(
        "American spelling",
        ((DRAFT, "Draft text.", "Draft text about the color of the blood."),),
        f"{DRAFT}:20: spelling: 'color' is American spelling; write 'colour' (the site uses British spelling)",
    ),
    Case(
        "misspelt word",
        ((DRAFT, "Draft text.", "You will recieve a letter."),),
        f"{DRAFT}:20: spelling: 'recieve' looks misspelt; did you mean 'receive'? If 'recieve' is right, add it to "
        "../data/spelling-words.txt",
    ),
    Case(
        "American spelling in a key point",
        ((DRAFT, "  - Second key point.", "  - Anemia makes you tired."),),
        f"{DRAFT}:8: key_points[2]: 'Anemia' is American spelling; write 'Anaemia' (the site uses British spelling)",
    ),
    # -- mkdocs.yml and the navigation --
    Case(
        "page left out of the navigation",
        (("docs/conditions/new-topic.md", "", ""),),
        "docs/conditions/new-topic.md:1: nav: the page is not in the site's navigation; add this line to mkdocs.yml "
        f"after line {DRAFT_NAV}: '      - conditions/new-topic.md'",
    ),
    Case(
        "nav entry indented too far",
        (("mkdocs.yml", "      - conditions/draft.md", "        - conditions/draft.md"),),
        f"mkdocs.yml:{DRAFT_NAV}: nav: this entry is indented further than the entry above it, so it is read as "
        "part of that entry; start its '-' in the same column as the '-' of the entry above",
    ),
    Case(
        "nav entry indented too little",
        (("mkdocs.yml", "      - conditions/draft.md", "     - conditions/draft.md"),),
        f"mkdocs.yml:{DRAFT_NAV}: this line does not line up with the lines above it; indent fields and list items "
        "with spaces so that items of the same list start in the same column",
        build_says=f'mkdocs.yml", line {DRAFT_NAV}',
    ),
    Case(
        "nav entry with a colon and nothing after it",
        (("mkdocs.yml", "  - experts.md", "  - Experts:"),),
        f"mkdocs.yml:{EXPERTS_NAV}: nav: 'Experts' has nothing after its colon; give its page (- Experts: page.md), "
        "or list the section's pages on the next lines, indented two more spaces than its '-'",
        build_says="Config value 'nav'",
    ),
    Case(
        "nav entry misspelt",
        (("mkdocs.yml", "      - conditions/draft.md", "      - conditions/drafts.md"),),
        f"mkdocs.yml:{DRAFT_NAV}: nav: the navigation lists 'conditions/drafts.md', which is not a page in docs/; "
        "check the spelling, or remove the line",
    ),
    Case(
        "nav entry to no page, with ' - ' in its name",
        (
            (
                "mkdocs.yml",
                "      - conditions/draft.md",
                "      - conditions/draft.md\n      - conditions/heavy - periods.md",
            ),
        ),
        f"mkdocs.yml:{DRAFT_NAV + 1}: nav: the navigation lists 'conditions/heavy - periods.md', which is not a page "
        "in docs/; check the spelling, or remove the line",
    ),
    Case(
        "mkdocs.yml setting misspelt",
        (("mkdocs.yml", "site_url:", "siteurl:"),),
        "mkdocs.yml:2: siteurl: Unrecognised configuration name: siteurl; check this setting's spelling and "
        "indentation against the lines around it",
        build_says="Unrecognised configuration name: siteurl",
    ),
    Case(
        "mkdocs.yml saved as Latin-1",
        (("mkdocs.yml", "site_name: Test library", b"site_name: Test library caf\xe9"),),
        "mkdocs.yml:1: the file is not saved as UTF-8 (byte 0xe9 on this line); save it with the UTF-8 encoding in "
        "your editor",
        build_says="mkdocs.yml",
    ),
]


@dataclass(frozen=True)
class Outcome:
    check: subprocess.CompletedProcess[str]
    build: subprocess.CompletedProcess[str]
    site: Path


def _apply(site: Path, case: Case) -> None:
    for name, data in case.extra_files.items():
        (site / name).write_bytes(data)
    for name, old, new in case.edits:
        path = site / name
        if name.endswith("new-topic.md"):
            text = (site / DRAFT).read_text(encoding="utf-8").replace("Draft condition", "New topic")
            path.write_text(text, encoding="utf-8")
            continue
        data = path.read_bytes() if path.exists() else b""
        replacement = new if isinstance(new, bytes) else new.encode("utf-8")
        if old == "":
            path.write_bytes(replacement + data)
        else:
            assert old.encode() in data, f"{case.name}: '{old}' is not in {name}"
            path.write_bytes(data.replace(old.encode(), replacement))


def _run(case: Case, directory: Path) -> Outcome:
    site = copy_fixture_site(directory)
    _apply(site, case)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_MKDOCS_2_WARNING": "1", "LANG": "C.UTF-8"}
    commands = {
        "check": [sys.executable, "-m", "healthpages", "check", "--quiet"],
        "build": [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(directory / "out")],
    }
    processes = {
        name: subprocess.Popen(command, cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name, command in commands.items()
    }
    done = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=300)
        done[name] = subprocess.CompletedProcess(commands[name], process.returncode, stdout, stderr)
    return Outcome(done["check"], done["build"], directory / "out")


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case run once, three at a time (each runs its two commands side by side)."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {case.name: pool.submit(_run, case, tmp_path_factory.mktemp("mistake")) for case in CASES}
        return {name: future.result() for name, future in futures.items()}


def test_there_are_at_least_25_mistakes() -> None:
    assert len(CASES) >= 25
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_and_the_build_agree_and_name_the_file_and_line(case: Case, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[case.name]
    check, build = outcome.check, outcome.build
    for result in (check, build):
        assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    # The same verdict from both commands.
    assert (check.returncode == 0) == (build.returncode == 0), (check.stdout, build.stderr)
    if case.expected is None:
        assert check.returncode == 0, check.stdout
        assert check.stdout.strip() == "", check.stdout
        assert case.shows is not None
        case.shows(outcome.site)
        return
    assert check.returncode == 1
    # check prints one problem a line: the expected one is among them, exactly.
    assert case.expected in check.stdout.splitlines(), check.stdout
    if case.build_says is None:
        # The build prints the same problem (after its level: "ERROR    -  " or "WARNING  -  ").
        assert any(line.endswith(case.expected) for line in build.stderr.splitlines()), build.stderr
    else:
        assert case.build_says in build.stderr, build.stderr
