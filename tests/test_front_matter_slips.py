"""Front matter that YAML reads differently from what the editor meant: found where it is evident, and the
safe forms (and ordinary comments) never flagged. Each case is one edit of the fixture's draft page."""

from __future__ import annotations

import pytest

from sitebuild import FIXTURES, read_and_convert

DRAFT = (FIXTURES / "site" / "docs" / "conditions" / "draft.md").read_text(encoding="utf-8")
PAGES = frozenset({"conditions/page.md", "conditions/reviewed.md", "experts.md"})
P = "tests/fixtures/site/docs/conditions/page.md"


# Columns: case, text replaced, replacement, the problems expected (file:line: field: start of the message).
@pytest.mark.parametrize(
    ("case", "old", "new", "expected"),
    [
        (
            "item indented further than the one above",
            "  - Third key point.",
            "      - Third key point.",
            [
                f"{P}:6: key_points: needs at least 3 items (it has 2)",  # what follows from it
                f"{P}:9: key_points[2]: this line starts a list item, but it is indented further",
            ],
        ),
        (
            "continuation line that is not an item",
            "  - Third key point.",
            "  - Third key point, written\n    over two lines.",
            [],
        ),
        (
            "text cut at ' #'",
            "audience: Anyone who wants to read about the test condition.",
            "audience: Anyone with stage #3 endometriosis.",
            [f"{P}:5: audience: the text after ' #' ('3 endometriosis.') is left out"],
        ),
        (
            "' #' inside quotes",
            "audience: Anyone who wants to read about the test condition.",
            'audience: "Anyone with stage #3 endometriosis."',
            [],
        ),
        (
            "a comment after a setting that is not text",
            "review:\n  status: draft",
            "review:  # signed later\n  status: draft",
            [],
        ),
        (
            "comma splitting a sentence in [ ]",
            "call_999: [you collapse or cannot breathe]",
            "call_999: [you collapse, especially after a fall]",
            [f"{P}:15: when_to_get_help.call_999[2]: the comma between 'you collapse' and 'especially after a fall'"],
        ),
        (
            "comma splitting a number in [ ]",
            "call_999: [you collapse or cannot breathe]",
            "call_999: [you lose more than 1,000 ml of blood]",
            [f"{P}:15: when_to_get_help.call_999[2]: the comma between 'you lose more than 1' and '000 ml of blood'"],
        ),
        (
            "a [ ] list of separate items",
            "call_999: [you collapse or cannot breathe]",
            "call_999: [you collapse, you cannot breathe]",
            [],
        ),
        (
            "comma inside a quoted item",
            "call_999: [you collapse or cannot breathe]",
            'call_999: ["you collapse, especially after a fall"]',
            [],
        ),
    ],
)
def test_yaml_slips_are_found_where_evident(case: str, old: str, new: str, expected: list[str]) -> None:
    assert old in DRAFT, case
    builder, _ = read_and_convert(DRAFT.replace(old, new), pages=PAGES)
    found = sorted(str(p) for p in builder.problems)
    assert len(found) == len(expected), found
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start), line
