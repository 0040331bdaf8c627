"""The one reader of YAML in this product: page front matter and the data files.

Parsing is safe by construction: the YAML is composed into nodes first, and anchors and aliases
(which let a few lines expand into gigabytes), duplicate keys (where the last one silently wins),
explicit tags, very deep nesting and very large documents are refused with their line before any
value is built. Parser errors are translated into what to change, in plain words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from healthpages.problems import Problem, ProblemsFound, excerpt, field_name
from healthpages.text_source import character_problem

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is in the pinned PyYAML wheels
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 12
MAX_NODES = 5_000
MAX_SCALAR = 5_000  # characters in one value

# A page starts with a line of three dashes and its front matter ends at the next such line (or ...).
_OPENING = re.compile(r"\A---[ \t]*\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)

# The types a page or data file may hold; anything else (!ENV, !!python/..., !!binary) is refused.
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}

# The YAML parser's words, and what an editor should change instead.
_PARSER_WORDS = [
    (
        "found character '\\t' that cannot start any token",
        "a tab character; YAML needs spaces for indenting: replace the tab with spaces",
    ),
    ("found a tab character", "a tab character; YAML needs spaces for indenting: replace the tab with spaces"),
    (
        "mapping values are not allowed",
        "a colon followed by a space inside a value; put the whole value in quotes, for example "
        'title: "Periods: what is normal"',
    ),
    (
        "did not find expected key",
        "this line does not line up with the lines above it; indent fields and list items with spaces so "
        "that items of the same list start in the same column",
    ),
    (
        "did not find expected ',' or ']'",
        "a list in [ ] is not closed; add the closing ], or write each item on its own line starting with '- '",
    ),
    (
        "expected ',' or ']'",
        "a list in [ ] is not closed; add the closing ], or write each item on its own line starting with '- '",
    ),
    ("did not find expected ',' or '}'", "a mapping in { } is not closed; add the closing }"),
    ("expected ',' or '}'", "a mapping in { } is not closed; add the closing }"),
    ("could not find expected ':'", "a field has no colon; write it as name: value"),
    ("found unexpected end of stream", "a quote is not closed; add the closing quote at the end of the value"),
    (
        "found unknown escape character",
        "a backslash in a double-quoted value; write \\\\ for a backslash, or use single quotes",
    ),
    (
        "did not find expected '-' indicator",
        "a list item is indented differently from the others; start every item of a list in the same column",
    ),
    (
        "did not find expected node content",
        "a value is missing after a dash or a colon; write the value, or remove the line",
    ),
    ("found undefined alias", "a value starts with * (which YAML reads as a reference); put the value in quotes"),
    ("expected <block end>, but found", "this line does not line up with the lines above it; check its indentation"),
    ("found character '@' that cannot start any token", "a value starts with @; put the value in quotes"),
    ("found character '`' that cannot start any token", "a value starts with `; put the value in quotes"),
]


def problem_mark(error: yaml.MarkedYAMLError) -> yaml.Mark | None:
    """Where to point the editor: where the parser gave up, or where the unclosed thing began."""
    unclosed = ("<stream end>", "end of stream", "expected ',' or ']'", "expected ',' or '}'")
    if error.context_mark is not None and any(words in (error.problem or "") for words in unclosed):
        return error.context_mark
    return error.problem_mark or error.context_mark


def plain_words(problem: str | None, line: str = "") -> str:
    """The YAML parser's complaint (and the line it is about) as what an editor should change."""
    text = problem or ""
    if "\t" in line[: len(line) - len(line.lstrip())] or "tab" in text:
        return _PARSER_WORDS[0][1]
    for words, advice in _PARSER_WORDS:
        if words in text:
            return advice
    return (
        f"the YAML cannot be read here ({text}); check this line's indentation, colons and quotes, and "
        "put a value in quotes if it contains a colon or starts with a special character"
    )


Location = tuple[str | int, ...]  # a value's place in the YAML: keys and 0-based list indexes


class YamlDocument:
    """Parsed YAML and its node tree, so that any problem can be pointed at a file line."""

    def __init__(self, data: Any, node: yaml.Node | None, first_line: int, text: str = "") -> None:
        self.data = data
        self.node = node
        self.first_line = first_line  # line of the file on which the YAML text starts (1-based)
        self.lines = text.splitlines()  # the YAML text as written, to see what the parser made of it

    def node_at(self, loc: tuple[str | int, ...]) -> yaml.Node | None:
        """The node of the value at `loc`, or None when there is none."""
        node = self.node
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                node = next((value for key, value in node.value if key.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
            else:
                return None
        return node

    def line_of(self, loc: tuple[str | int, ...]) -> int:
        """The file line of the value at `loc`, or of the nearest parent that exists."""
        node = self.node
        line = self.first_line - 1 if node is None else node.start_mark.line + self.first_line
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == part:
                        line = key_node.start_mark.line + self.first_line
                        node = value_node
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + self.first_line
            else:
                return line
        return line

    def swallowed_line(self, node: yaml.Node | None) -> int | None:
        """The file line of a list item that YAML read as more of the value above it, because it was
        indented further ("- First.\n    - Second." is the one item "First. - Second."); None when there is none."""
        if not isinstance(node, yaml.ScalarNode) or node.style:  # only plain values run on (style "" in the C parser)
            return None
        for number in range(node.start_mark.line + 1, min(node.end_mark.line + 1, len(self.lines))):
            if self.lines[number].lstrip().startswith("- "):
                return number + self.first_line
        return None

    def key_span(self, key: str) -> tuple[int, int] | None:
        """First and last file line (inclusive) of a top-level key and its value."""
        if not isinstance(self.node, yaml.MappingNode):
            return None
        for key_node, value_node in self.node.value:
            if key_node.value == key:
                end = value_node.end_mark
                # A block value ends at the start of the next line (column 0).
                last = end.line - (1 if end.column == 0 else 0)
                return key_node.start_mark.line + self.first_line, last + self.first_line
        return None

    def nodes(self) -> Iterator[tuple[Location, yaml.Node]]:
        """Every value (mapping, list or scalar) with its location, in document order, each before its parts."""

        def walk(
            node: yaml.Node | None, loc: tuple[str | int, ...]
        ) -> Iterator[tuple[tuple[str | int, ...], yaml.Node]]:
            if node is None:
                return
            yield loc, node
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    yield from walk(value_node, (*loc, str(key_node.value)))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    yield from walk(item, (*loc, index))

        return walk(self.node, ())

    def scalars(self) -> list[tuple[tuple[str | int, ...], yaml.ScalarNode]]:
        """Every scalar value with its location, in document order."""
        return [(loc, node) for loc, node in self.nodes() if isinstance(node, yaml.ScalarNode)]


def yaml_error_problem(error: yaml.MarkedYAMLError, text: str, path: str, first_line: int) -> Problem:
    """The YAML parser's error as what an editor should change, at its line of the file (`text` starts on
    `first_line`)."""
    mark = problem_mark(error)
    lines = text.splitlines()
    source_line = lines[mark.line] if mark and mark.line < len(lines) else ""
    return Problem(path, first_line + (mark.line if mark else 0), plain_words(error.problem, source_line))


def _compose(text: str, path: str, first_line: int) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise ProblemsFound([yaml_error_problem(error, text, path, first_line)]) from None
    except yaml.YAMLError as error:  # a stream that is not one document
        raise ProblemsFound([Problem(path, first_line, f"the YAML cannot be read ({excerpt(error)})")]) from None
    finally:
        loader.dispose()


def _check_nodes(root: yaml.Node, path: str, first_line: int) -> list[Problem]:
    """Refuse what YAML allows but a page or data file never needs: aliases, tags, duplicates, huge values."""
    problems: list[Problem] = []
    seen: set[int] = set()
    count = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        line = node.start_mark.line + first_line
        if id(node) in seen:
            problems.append(
                Problem(path, line, "YAML anchors and aliases (& and *) are not allowed; write the value out in full")
            )
            return problems  # an alias can repeat a subtree exponentially: stop walking at once
        seen.add(id(node))
        count += 1
        if count > MAX_NODES:
            problems.append(
                Problem(
                    path,
                    first_line,
                    f"the YAML has more than {MAX_NODES} values; a page or data file never needs that many",
                )
            )
            return problems
        if depth > MAX_DEPTH:
            problems.append(Problem(path, line, f"the YAML is nested more than {MAX_DEPTH} levels deep"))
            return problems
        if node.tag not in _PLAIN_TAGS:
            problems.append(
                Problem(
                    path,
                    line,
                    f"YAML tags such as {excerpt(node.tag.rsplit(':', 1)[-1], 30)} are "
                    "not allowed; write a plain value, in quotes if it starts with !",
                )
            )
            continue
        if isinstance(node, yaml.ScalarNode):
            if len(node.value) > MAX_SCALAR:
                problems.append(
                    Problem(path, line, f"a value of {len(node.value)} characters is too long (at most {MAX_SCALAR})")
                )
            # The file's text was checked for invisible characters; an escape in quotes ("\0", "\u202e") is not.
            if node.style == '"':
                reason = next((r for char in node.value if (r := character_problem(char))), None)
                if reason:
                    problems.append(Problem(path, line, reason))
        elif isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + first_line
                if not isinstance(key_node, yaml.ScalarNode):
                    problems.append(Problem(path, key_line, "a field name must be plain text"))
                    continue
                if key_node.value in keys:
                    problems.append(
                        Problem(
                            path,
                            key_line,
                            f"the field '{excerpt(key_node.value, 40)}' is written "
                            f"twice (first on line {keys[key_node.value]}); keep one",
                        )
                    )
                keys.setdefault(key_node.value, key_line)
                stack.append((value_node, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    return problems


def parse_yaml(text: str, path: str, first_line: int = 1) -> YamlDocument:
    """Parse YAML text safely; a syntax error or an impossible value becomes a Problem, not a traceback."""
    node = _compose(text, path, first_line)
    document = YamlDocument({}, node, first_line, text)
    if node is None:
        return document
    problems = _check_nodes(node, path, first_line)
    if problems:
        raise ProblemsFound(problems)
    try:
        document.data = yaml.SafeLoader("").construct_document(node)
    except (ValueError, OverflowError):
        raise ProblemsFound(_unconstructable(document, path)) from None
    except yaml.YAMLError as error:
        raise ProblemsFound([Problem(path, first_line, f"the YAML cannot be read ({excerpt(error)})")]) from None
    return document


def _unconstructable(document: YamlDocument, path: str) -> list[Problem]:
    """Problems for scalars that YAML recognises but cannot build, such as the date 2026-02-30."""
    problems = []
    for loc, node in document.scalars():
        try:
            yaml.SafeLoader("").construct_object(node, deep=True)
        except (ValueError, OverflowError):
            problems.append(
                Problem(
                    path,
                    node.start_mark.line + document.first_line,
                    f"'{excerpt(node.value, 30)}' is not a real date; use YYYY-MM-DD, for example 2026-11-21",
                    field_name(loc),
                )
            )
    return problems


# Words that carry a sentence on: an item of a [ ] list that starts with one was cut from the item before
# it by a comma ("[Pain, especially during periods]").
_CONTINUING = re.compile(
    r"(?:and|or|but|which|who|whose|especially|including|such as|for example|e\.g\.|because|although|"
    r"usually|often|sometimes|then)\b"
)
_THOUSANDS = re.compile(r"\d{3}\b")


def _cut_by_comment(document: YamlDocument, node: yaml.ScalarNode) -> str | None:
    """The text after ` #` that YAML dropped as a comment from a plain value, or None."""
    if node.style or node.end_mark.line >= len(document.lines):
        return None
    rest = document.lines[node.end_mark.line][node.end_mark.column :]
    match = re.match(r"\s+#(.*)", rest)
    return match.group(1).strip() if match and match.group(1).strip() else None


def source_problems(
    document: YamlDocument, path: str, is_prose: Callable[[tuple[str | int, ...]], bool]
) -> list[Problem]:
    """Values YAML read differently from what the editor evidently meant: a list item swallowed by the item
    above, a value cut short at ` #`, an item of a [ ] list split in two at a comma.

    Each is valid YAML, so nothing else would notice; `is_prose` says which values are text for readers
    (where a `#` or a comma belongs to the sentence).
    """
    problems: list[Problem] = []

    def check(node: yaml.Node, loc: tuple[str | int, ...]) -> None:
        if isinstance(node, yaml.SequenceNode) and node.flow_style and is_prose(loc):
            for index in range(1, len(node.value)):
                _split_item(node.value[index - 1], node.value[index], (*loc, index))
        elif isinstance(node, yaml.ScalarNode):
            line = document.swallowed_line(node)
            if line is not None:
                problems.append(
                    Problem(
                        path,
                        line,
                        "this line starts a list item, but it is indented further than the item above, so it "
                        "is read as more of that item's text; start its '-' in the same column as the one above",
                        field_name(loc),
                    )
                )
            cut = _cut_by_comment(document, node) if is_prose(loc) else None
            if cut is not None:
                problems.append(
                    Problem(
                        path,
                        node.end_mark.line + document.first_line,
                        f"the text after ' #' ('{excerpt(cut, 30)}') is left out, because YAML reads ' #' as the "
                        "start of a comment; put the whole text in double quotes",
                        field_name(loc),
                    )
                )

    def _split_item(before: yaml.Node, item: yaml.Node, loc: tuple[str | int, ...]) -> None:
        if not (isinstance(item, yaml.ScalarNode) and isinstance(before, yaml.ScalarNode)) or item.style:
            return
        if _CONTINUING.match(item.value) or (before.value[-1:].isdigit() and _THOUSANDS.match(item.value)):
            problems.append(
                Problem(
                    path,
                    item.start_mark.line + document.first_line,
                    f"the comma between '{excerpt(before.value, 30)}' and '{excerpt(item.value, 30)}' splits one "
                    "item in two (inside [ ] a comma separates items); put that item in double quotes, or write the "
                    "list one item per line, each starting with '- '",
                    field_name(loc),
                )
            )

    for loc, node in document.nodes():
        check(node, loc)
    return problems


@dataclass(frozen=True)
class PageSource:
    """A page file split into its parts; lines are 1-based file lines."""

    path: str  # as shown to the editor
    front_matter: YamlDocument
    body: str
    body_first_line: int  # the body's first line that is not blank
    closing_line: int = 0  # the line of the --- that ends the front matter


def split_page(text: str, path: str) -> PageSource:
    """Split a page into front matter and body; raises ProblemsFound when the front matter is missing or broken."""
    opening = _OPENING.match(text)
    if not opening:
        raise ProblemsFound(
            [
                Problem(
                    path,
                    1,
                    "the page has no front matter; start the file with a line of three "
                    "dashes (---), then the fields (title, description, ...), then another "
                    "line of three dashes (see `healthpages new`)",
                )
            ]
        )
    closing = _CLOSING.search(text, opening.end())
    if not closing:
        raise ProblemsFound(
            [
                Problem(
                    path, 1, "the front matter is never closed; add a line of three dashes (---) after its last field"
                )
            ]
        )
    yaml_text = text[opening.end() : closing.start()]
    try:
        document = parse_yaml(yaml_text, path, first_line=2)
    except ProblemsFound:
        # The closing line is missing, and a later --- (a rule in the text) ended the front matter instead.
        heading = re.search(r"^#{2,6} \S", yaml_text, re.MULTILINE)
        if heading is None:
            raise
        line = 2 + yaml_text.count("\n", 0, heading.start())
        raise ProblemsFound(
            [
                Problem(
                    path,
                    1,
                    "the front matter is never closed, so the page's text is read as front matter; add a line "
                    f"of three dashes (---) after its last field, before the text (line {line})",
                )
            ]
        ) from None
    if not isinstance(document.data, dict):
        raise ProblemsFound(
            [Problem(path, 2, "the front matter must be a list of fields, one per line, such as title: Heavy periods")]
        )
    body_start = closing.end() + 1 if closing.end() < len(text) else closing.end()
    # Engines hand the Markdown on without the blank lines that follow the front matter (MkDocs strips them).
    while text.startswith("\n", body_start):
        body_start += 1
    body_first_line = text.count("\n", 0, body_start) + 1
    closing_line = text.count("\n", 0, closing.start()) + 1
    return PageSource(path, document, text[body_start:], body_first_line, closing_line)
