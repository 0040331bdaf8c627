"""Split a Markdown file into front matter and body, parse the YAML once and remember each key's line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from healthpages.problems import Problem, ProblemsFound

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is in the pinned PyYAML wheels
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# The same front-matter fence that MkDocs accepts (mkdocs.utils.meta.YAML_RE).
FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


class YamlDocument:
    """Parsed YAML plus its node tree, so a problem can be pointed at a line.

    The node tree is only needed to name a line, so when the data was already parsed (MkDocs
    parses front matter with the same loader) the tree is composed only when a problem needs it.
    """

    def __init__(self, data: Any, node: yaml.Node | None, first_line: int, text: str | None = None) -> None:
        self.data = data
        self._node = node
        self._text = text
        self.first_line = first_line  # line of the file on which the YAML text starts (1-based)

    @property
    def node(self) -> yaml.Node | None:
        if self._node is None and self._text is not None:
            loader = _Loader(self._text)
            try:
                self._node = loader.get_single_node()
            finally:
                loader.dispose()
            self._text = None
        return self._node

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


def parse_yaml(text: str, path: str, first_line: int = 1) -> YamlDocument:
    """Parse YAML text; a syntax error or an impossible value becomes a Problem, not a traceback."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = first_line + (mark.line if mark else 0)
        raise ProblemsFound([Problem(path, line, f"YAML syntax error: {error.problem}")]) from None
    finally:
        loader.dispose()
    document = YamlDocument(None, node, first_line)
    if node is None:
        document.data = {}
        return document
    try:
        document.data = yaml.SafeLoader("").construct_document(node)
    except (ValueError, OverflowError):
        raise ProblemsFound(_unconstructable(node, path, first_line, ())) from None
    return document


def _unconstructable(node: yaml.Node, path: str, first_line: int, loc: tuple[str, ...]) -> list[Problem]:
    """Problems for scalars that YAML recognises but cannot build, such as the date 2026-02-30."""
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            problems += _unconstructable(value_node, path, first_line, (*loc, str(key_node.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _unconstructable(item, path, first_line, (*loc, f"{index + 1}"))
    elif isinstance(node, yaml.ScalarNode):
        try:
            yaml.SafeLoader("").construct_object(node, deep=True)
        except (ValueError, OverflowError):
            field = ".".join(part for part in loc)
            problems.append(Problem(path, node.start_mark.line + first_line,
                                    f"'{node.value}' is not a real date; use YYYY-MM-DD, for example 2026-11-21",
                                    field))
    return problems


@dataclass
class PageSource:
    """A page file split into its parts; lines are 1-based file lines."""

    path: str
    front_matter: YamlDocument
    body: str
    body_first_line: int
    has_front_matter: bool


def read_page(text: str, path: str, parsed: dict[str, Any] | None = None) -> PageSource:
    """Split a page; `parsed` is its front matter already parsed by MkDocs (same loader), if any."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        empty = YamlDocument({}, None, 1)
        return PageSource(path, empty, text, 1, has_front_matter=False)
    if parsed:
        front_matter = YamlDocument(parsed, None, 2, text=match.group(1))
    else:  # not parsed yet, or MkDocs could not parse it: parse here to report the problem
        front_matter = parse_yaml(match.group(1), path, first_line=2)
    body_first_line = text.count("\n", 0, match.end()) + 1
    return PageSource(path, front_matter, text[match.end():], body_first_line, has_front_matter=True)
