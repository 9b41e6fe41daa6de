"""Answer wording as data: templates per route and kind of figure (answers.toml); the later LLM
writer keeps its prompts here too."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def templates() -> dict[str, str]:
    return tomllib.loads(Path(__file__).with_name("answers.toml").read_text(encoding="utf-8"))["templates"]


def render(template: str, /, **fields) -> str:
    return templates()[template].format(**fields)


@lru_cache(maxsize=1)
def writer() -> dict[str, dict[str, str]]:
    """The LLM writer's prompts, notes and error words (writer.toml)."""
    return tomllib.loads(Path(__file__).with_name("writer.toml").read_text(encoding="utf-8"))
