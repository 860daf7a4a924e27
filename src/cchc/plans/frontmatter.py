"""A plan file being drafted: front matter lines (YAML with `# TODO` comments) and the body."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field


@dataclass
class Draft:
    """Front matter lines (YAML with comments), the TODO notes, and the body."""

    lines: list[str] = field(default_factory=list)
    todos: list[str] = field(default_factory=list)
    body: str = ""
    plan_id: str = ""

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def todo(self, line: str, why: str) -> None:
        """A line the staff must complete: the comment says what could not be recognised."""
        self.lines.append(f"{line}  # TODO: {why}")
        self.todos.append(why)

    def text(self) -> str:
        return "---\n" + "\n".join(self.lines) + "\n---\n\n" + self.body


def q(value: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted (JSON strings are YAML)."""
    if value and re.fullmatch(r"[\wÀ-ỹ][\wÀ-ỹ ,.()/%–-]*", value) and not re.match(r"^(true|false|yes|no|null|\d+([./-]\d+)*)$", value, re.I) \
            and ": " not in value:
        return value
    return json.dumps(value, ensure_ascii=False)
