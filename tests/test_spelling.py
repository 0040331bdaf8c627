"""British spelling: what is flagged, what is suggested, and what is right in British English although an
American list has it (the check on a built page is in tests/test_editor_mistakes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthpages.spelling import WORD_LIST, load_word_list, misspellings, problems_in


# Columns: text, the words flagged with their suggestion and whether they are American spellings.
@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("The color of the blood.", [("color", "colour", True)]),
        ("Anemia makes you tired.", [("Anemia", "Anaemia", True)]),
        ("A hemorrhage after birth.", [("hemorrhage", "haemorrhage", True)]),
        (
            "Your gynecologist will organize a scan.",
            [("gynecologist", "gynaecologist", True), ("organize", "organise", True)],
        ),
        ("You will recieve a letter.", [("recieve", "receive", False)]),
        ("Seperate appointments.", [("Seperate", "Separate", False)]),
        # Right in British English too: the noun, the verb, medicine names, software.
        ("Your GP practice is licensed to prescribe magnesium sulfate.", []),
        ("A medical specialty; a computer program; a focused scan.", []),
        # British spellings, and capitals (names of organisations) are never flagged.
        ("The colour of anaemia; NICE and RCOG guidance; the centre.", []),
        ("Colour, color, color.", [("color", "colour", True)]),  # each word once
    ],
)
def test_misspellings_and_american_spellings(text: str, flagged: list[tuple[str, str, bool]]) -> None:
    assert [(m.word, m.suggestion, m.american) for m in misspellings(text)] == flagged


def test_the_site_word_list_accepts_its_words(tmp_path: Path) -> None:
    (tmp_path / WORD_LIST).write_text("# comment\nWee   # the everyday word\n\ndiscreet\n", encoding="utf-8")
    accepted = load_word_list(tmp_path, WORD_LIST)
    assert accepted == frozenset({"wee", "discreet"})
    problems = problems_in(
        "You may need a wee. Use discreet pads. The color.", "page.md", 7, "key_points[1]", accepted, WORD_LIST
    )
    assert [str(p) for p in problems] == [
        "page.md:7: key_points[1]: 'color' is American spelling; write 'colour' (the site uses British spelling)"
    ]


def test_the_shipped_word_list_exists_and_is_read(tmp_path: Path) -> None:
    assert load_word_list(tmp_path, WORD_LIST) == frozenset()  # a site without a list
    shipped = load_word_list(Path(__file__).resolve().parent.parent / "data", WORD_LIST)
    assert {"wee", "discreet"} <= shipped
