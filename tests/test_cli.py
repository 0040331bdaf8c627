"""The editor commands: `check` messages, GitHub annotations and exit codes; `new`; `sign`."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

import pytest

from healthpages.cli import main
from healthpages.front_matter import split_page
from healthpages.page_model import SITE_PAGE_TYPES
from healthpages.review import content_fingerprint
from sitebuild import FIXTURES, ROOT, build_site, read_html


def run_cli(site: Path, *args: str, github: bool = False) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HEALTHPAGES_TODAY": "2026-11-21"}
    if github:
        env["GITHUB_ACTIONS"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "healthpages", *args], cwd=site, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_passes_on_a_good_site(fixture_site: Path) -> None:
    result = run_cli(fixture_site, "check")
    assert result.returncode == 0, result.stdout
    assert "docs/conditions/reviewed.md: readability:" in result.stdout
    assert "6 pages checked, 0 problems" in result.stderr


def test_check_reports_path_line_and_exits_non_zero(fixture_site: Path) -> None:
    page = fixture_site / "docs" / "conditions" / "draft.md"
    page.write_text(
        page.read_text()
        .replace("updated: 2026-10-01", "updated: yesterday")
        .replace("Draft text.", "See [missing](gone.md) and [anchor](reviewed.md#nowhere).")
    )
    result = run_cli(fixture_site, "check", "--quiet")
    assert result.returncode == 1
    # The front matter's problem and the links' (MkDocs' own validation, given the line): all at once.
    assert result.stdout.splitlines() == [
        "docs/conditions/draft.md:4: updated: 'yesterday' is not a date; use YYYY-MM-DD, for example 2026-11-21",
        "docs/conditions/draft.md:20: link: link 'gone.md': there is no such page in docs/; link to the .md file "
        "of a page",
        "docs/conditions/draft.md:20: link: link 'reviewed.md#nowhere': the page has no heading with the anchor "
        "#nowhere",
    ]


def test_check_prints_github_annotations_in_actions(fixture_site: Path) -> None:
    page = fixture_site / "docs" / "conditions" / "draft.md"
    page.write_text(
        page.read_text().replace("status: draft", "status: reviewed\n  reviewer: nobody\n  reviewed: 2026-01-01")
    )
    result = run_cli(fixture_site, "check", "--quiet", github=True)
    assert result.returncode == 1
    assert (
        "::error file=docs/conditions/draft.md,line=13::review.reviewer: unknown reviewer 'nobody'; use an id "
        "from data/reviewers.yml: test-doctor, test-gynaecologist"
    ) in result.stdout.splitlines()


def test_check_release_fails_on_drafts_and_overdue_pages(fixture_site: Path) -> None:
    (fixture_site / "docs/conditions/overdue.md").write_text((FIXTURES / "pages/overdue.md").read_text())
    config = fixture_site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      - conditions/draft.md\n", "      - conditions/draft.md\n      - conditions/overdue.md\n"
        )
    )
    result = run_cli(fixture_site, "check", "--release", "--quiet")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "docs/conditions/draft.md:12: review.status: is a draft: a release needs a clinical sign-off (see "
        "`healthpages sign`)",
        "docs/conditions/overdue.md:16: review.next_review: overdue for review since 2026-01-01: a clinician must "
        "review the page again and sign it",
    ]
    # Without --release a draft is fine, and an overdue page is a warning, which fails the strict build too.
    result = run_cli(fixture_site, "check", "--quiet")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "docs/conditions/overdue.md:16: review.next_review: overdue for review: next review was due 1 January 2026"
    ]


def test_check_reports_bad_data_files(fixture_site: Path) -> None:
    data = fixture_site.parent / "data" / "practice.yml"
    data.write_text(data.read_text().replace("phone: 01225 123456", "phone: 01225 12"))
    result = run_cli(fixture_site, "check", "--quiet")
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    assert line.endswith(
        "data/practice.yml:24: clinics[2].phone: '01225 12' is not a valid UK phone number; "
        "write it as 0117 440 4224 or +44 117 440 4224"
    )
    assert "Traceback" not in result.stderr


def test_new_scaffolds_a_page_that_only_needs_filling_in(fixture_site: Path) -> None:
    result = run_cli(fixture_site, "new", "Vulval pain (vulvodynia)")
    assert result.returncode == 0, result.stderr
    created = fixture_site / "docs/conditions/vulval-pain-vulvodynia.md"
    text = created.read_text()
    assert 'title: "Vulval pain (vulvodynia)"' in text and "status: draft" in text
    assert "{{" not in text  # every stand-in of the template filled, the kinds of site page among them
    assert f"use {', '.join(SITE_PAGE_TYPES[:-1])} or {SITE_PAGE_TYPES[-1]}." in text
    for field in (
        "description",
        "page_type",
        "updated",
        "key_points",
        "condition",
        "disclaimer",
        "clinic",
        "related",
        "review",
    ):
        assert f"\n{field}:" in text, field
    # Every field has a comment above it.
    lines = text.splitlines()
    for index, line in enumerate(lines[1 : lines.index("---", 1)], start=1):
        if line and not line.startswith((" ", "#")):
            assert lines[index - 1].startswith("#"), line
    # The scaffold is valid YAML: `check` names fields to fill in, never a syntax error.
    check = run_cli(fixture_site, "check", "--quiet")
    assert "YAML syntax error" not in check.stdout and "vulval-pain-vulvodynia.md" in check.stdout
    # Left unfilled (and listed in the navigation), it fails `check` and the strict build alike, with the
    # file and line of each stand-in text.
    config = fixture_site / "mkdocs.yml"
    nav_line = "      - conditions/draft.md\n"
    config.write_text(config.read_text().replace(nav_line, nav_line + "      - conditions/vulval-pain-vulvodynia.md\n"))
    check = run_cli(fixture_site, "check", "--quiet")
    unfilled = [line for line in check.stdout.splitlines() if "still holds the text from the page template" in line]
    assert check.returncode == 1 and unfilled, check.stdout
    assert all(line.startswith("docs/conditions/vulval-pain-vulvodynia.md:") for line in unfilled), unfilled
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(fixture_site / "out")],
        cwd=fixture_site,
        env={"PATH": "/usr/bin:/bin", "HEALTHPAGES_TODAY": "2026-11-21", "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode != 0
    for line in unfilled:
        assert line in build.stderr, (line, build.stderr)
    # A second `new` refuses to overwrite the editor's work.
    assert run_cli(fixture_site, "new", "Vulval pain (vulvodynia)").returncode == 1


SIGNABLE = """\
---
# A comment the editor wrote.
title: Draft condition
description: A topic page that is still waiting for a clinical review, used by the tests.
published: 2026-09-01
updated: 2026-10-01   # keep this comment
audience: Anyone with period pain.
when_to_get_help:
  call_999: [you collapse]
key_points:
  - First key point.
  - Second key point.
  - Third key point.
review:
  status: draft
  # awaiting Dr Example
related: [reviewed.md]
---

Body text stays as it is.
"""


def test_sign_changes_only_the_review_fields(fixture_site: Path) -> None:
    page = fixture_site / "docs/conditions/draft.md"
    page.write_text(SIGNABLE)
    assert (
        main(
            [
                "-f",
                str(fixture_site / "mkdocs.yml"),
                "sign",
                str(page),
                "--reviewer",
                "test-doctor",
                "--date",
                "2026-11-20",
            ]
        )
        == 0
    )
    after = page.read_text()
    changed = [
        line
        for line in difflib.unified_diff(SIGNABLE.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    # The fingerprint is of the clinical content the reviewer saw: the same before and after signing.
    fingerprint = content_fingerprint(split_page(SIGNABLE, "page"))
    assert changed == [
        "-  status: draft",
        "+  status: reviewed",
        "+  reviewer: test-doctor",
        "+  reviewed: 2026-11-20",
        "+  next_review: 2029-11-20",
        f"+  fingerprint: {fingerprint}",
    ]
    assert "  # awaiting Dr Example\n" in after  # comments stay
    assert run_cli(fixture_site, "check", "--quiet").returncode == 0


def test_sign_keeps_windows_line_endings(fixture_site: Path) -> None:
    page = fixture_site / "docs/conditions/draft.md"
    page.write_bytes(SIGNABLE.replace("\n", "\r\n").encode())
    assert (
        main(
            [
                "-f",
                str(fixture_site / "mkdocs.yml"),
                "sign",
                str(page),
                "--reviewer",
                "test-doctor",
                "--date",
                "2026-11-20",
            ]
        )
        == 0
    )
    data = page.read_bytes()
    assert b"\r\n  reviewer: test-doctor\r\n" in data and data.count(b"\n") == data.count(b"\r\n")


def test_sign_refuses_an_unknown_reviewer_and_writes_nothing(
    fixture_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = fixture_site / "docs/conditions/draft.md"
    before = page.read_bytes()
    assert main(["-f", str(fixture_site / "mkdocs.yml"), "sign", str(page), "--reviewer", "nobody"]) == 1
    assert "review.reviewer: unknown reviewer 'nobody'" in capsys.readouterr().out
    assert page.read_bytes() == before


def test_shipped_site_passes_check() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "healthpages", "check", "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout


def test_a_page_changed_after_sign_off_says_so_until_signed_again(fixture_site: Path, tmp_path: Path) -> None:
    page = fixture_site / "docs/conditions/draft.md"
    page.write_text(SIGNABLE)
    sign = [
        "-f",
        str(fixture_site / "mkdocs.yml"),
        "sign",
        str(page),
        "--reviewer",
        "test-doctor",
        "--date",
        "2026-11-20",
    ]
    assert main(sign) == 0
    assert run_cli(fixture_site, "check", "--release", "--quiet").returncode == 0
    # Re-wrapping a paragraph of the signed page is not a change.
    signed = page.read_text()
    page.write_text(signed.replace("Body text stays as it is.", "Body text\nstays as it is."))
    assert run_cli(fixture_site, "check", "--release", "--quiet").returncode == 0
    page.write_text(signed)
    # An editor changes a sentence of the signed page.
    page.write_text(page.read_text().replace("Body text stays as it is.", "Body text has changed."))
    result = run_cli(fixture_site, "check", "--release", "--quiet")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "docs/conditions/draft.md:20: review: the page has changed since its last review: a clinician must check "
        "the changes and sign it again (see `healthpages sign`)"
    ]
    built = build_site(fixture_site / "mkdocs.yml", tmp_path / "changed")
    document = read_html(built / "conditions/draft/index.html")
    notice = " ".join(document.xpath("string(//*[contains(@class, 'health-notice--changed')])").split())
    assert notice.startswith("This page has changed since its last clinical review on 20 November 2026.")
    assert "Clinically reviewed by" not in document.text_content()
    # A real change stays a change however it is wrapped; re-signing clears it.
    page.write_text(page.read_text().replace("Body text has changed.", "Body text\nhas changed."))
    assert "has changed since its last review" in run_cli(fixture_site, "check", "--release", "--quiet").stdout
    assert main(sign) == 0
    assert run_cli(fixture_site, "check", "--release", "--quiet").returncode == 0
    document = read_html(build_site(fixture_site / "mkdocs.yml", tmp_path / "signed") / "conditions/draft/index.html")
    assert not document.xpath("//*[contains(@class, 'health-notice--changed')]")
    assert "Clinically reviewed by Dr Ada Example, 20 November 2026" in " ".join(document.text_content().split())


def _git(site: Path, *args: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org"}
    env |= {"GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org", "HOME": str(site)}
    subprocess.run(["git", *args], cwd=site.parent, env=env, check=True, capture_output=True, timeout=60)


@pytest.mark.parametrize(
    "from_the_repository_root", [False, True], ids=["in-the-site-folder", "from-the-repository-root"]
)
def test_review_status_of_a_pull_request_lists_changed_pages_status_and_problems(
    fixture_site: Path, from_the_repository_root: bool
) -> None:
    # The site's folder is inside the repository: run there, or from the repository's root with --config-file.
    where, options = fixture_site, []
    if from_the_repository_root:
        where, options = fixture_site.parent, ["--config-file", f"{fixture_site.name}/mkdocs.yml"]
    shown = f"{fixture_site.name}/" if from_the_repository_root else ""
    _git(fixture_site, "init", "-q", "-b", "main")
    _git(fixture_site, "add", "-A")
    _git(fixture_site, "commit", "-q", "-m", "base")
    draft = fixture_site / "docs" / "conditions" / "draft.md"
    draft.write_text(draft.read_text().replace("Draft text.", "Draft text about the color of blood."))
    contact = fixture_site / "docs" / "contact.md"
    contact.write_text(contact.read_text() + "\nAnother line.\n")
    _git(fixture_site, "commit", "-q", "-am", "change two pages")
    result = run_cli(
        where, *options, "review-status", "--format", "markdown", "--changed-since", "HEAD~1", "--with-check"
    )
    assert result.returncode == 0, result.stderr
    contact_title = split_page(contact.read_text(), "contact.md").front_matter
    assert result.stdout.splitlines() == [
        "### Medical pages changed by this pull request",
        "",
        "| Page | Status | Reviewer | Last reviewed | Next review due | Problems |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| `{shown}docs/conditions/draft.md` (Draft condition) | draft, awaiting clinical review |  |  |  | "
        "1 (listed below) |",
        "",
        "Other pages changed (no clinical review needed):",
        "",
        f"- `{shown}docs/contact.md` ({contact_title.data['title']}): no problems",
        "",
        "Problems to fix before a clinician reviews these pages:",
        "",
        f"- `{shown}docs/conditions/draft.md:20: spelling: 'color' is American spelling; write 'colour' (the site uses "
        "British spelling)`",
    ]
