"""Where a site's files are: mkdocs.yml, docs/ and the data folder, read without building."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from healthpages.problems import Problem, ProblemsFound


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for its paths only; tags such as !ENV and !!python/name are kept as text."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Project:
    root: Path
    docs_dir: Path
    data_dir: Path
    today: str | None

    def shown(self, path: Path) -> str:
        """A path as the editor sees it from where the command runs (usually the repository)."""
        path = path.resolve()
        cwd = Path.cwd().resolve()
        return path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else path.as_posix()

    def pages(self) -> list[Path]:
        return sorted(self.docs_dir.rglob("*.md"))


def find_project(config_file: Path) -> Project:
    if not config_file.is_file():
        raise ProblemsFound([Problem(str(config_file), 0, "no mkdocs.yml here; run the command from the "
                                     "repository's top folder or pass --config-file")])
    with config_file.open(encoding="utf-8") as stream:
        config = yaml.load(stream, Loader=_ConfigLoader) or {}
    root = config_file.resolve().parent
    settings = (config.get("extra") or {}).get("health_library") or {}
    return Project(root, root / config.get("docs_dir", "docs"), root / settings.get("data_dir", "data"),
                   settings.get("today"))
