"""Turn pydantic's validation errors into editor-facing problems with a file line each."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from healthpages.front_matter import YamlDocument
from healthpages.problems import Problem, ProblemsFound, excerpt, field_name


def _plain(value: Any) -> str:
    """A YAML value as an editor would describe it, never as Python writes it."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return f"'{excerpt(value)}'"


def _describe(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    if kind == "missing":
        return "is required but missing"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return f"{_plain(given)} is not a date; use YYYY-MM-DD, for example 2026-11-21"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false, not {_plain(given)}"
    if kind == "string_too_short":
        return f"must be at least {ctx['min_length']} characters (it has {len(given)})"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters (it has {len(given)})"
    if kind == "too_short" and ctx["min_length"] == 1:
        return "is empty; list at least one item, or remove it"
    if kind == "too_short":
        return f"needs at least {ctx['min_length']} items (it has {ctx.get('actual_length', 0)})"
    if kind == "too_long":
        return f"allows at most {ctx['max_length']} items (it has {ctx.get('actual_length', 0)})"
    if kind == "literal_error":
        return f"{_plain(given)} is not allowed; use {ctx['expected']}"
    if kind in ("string_type", "list_type", "dict_type", "model_type", "int_type", "int_parsing"):
        expected = {
            "string_type": "text",
            "list_type": "a list",
            "dict_type": "a mapping of fields",
            "model_type": "a mapping of fields",
            "int_type": "a whole number",
            "int_parsing": "a whole number",
        }[kind]
        return f"must be {expected}, not {_plain(given)}"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


ModelT = TypeVar("ModelT", bound=BaseModel)


def validate(model: type[ModelT], document: YamlDocument, path: str, context: dict[str, Any] | None = None) -> ModelT:
    """Validate parsed YAML into `model`, raising every problem at once with its line."""
    data = document.data
    if not isinstance(data, dict):
        raise ProblemsFound(
            [
                Problem(
                    path,
                    document.first_line,
                    "the file must be a list of fields, one per line, for example `title: ...`",
                )
            ]
        )
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            loc = tuple(item["loc"])
            message = _describe(item)
            if item["type"] == "extra_forbidden":
                known = _allowed_fields(model, loc[:-1])
                close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.75)
                hint = f"did you mean '{close[0]}'? " if close else ""
                message = f"is not a known field; {hint}allowed fields: {', '.join(sorted(known))}"
            problems.append(Problem(path, document.line_of(loc), message, field_name(loc)))
        raise ProblemsFound(problems) from None


def _allowed_fields(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        current = next((a for a in (annotation, *args) if hasattr(a, "model_fields")), None)
        if current is None:
            return []
    return [f.alias or name for name, f in getattr(current, "model_fields", {}).items()]
