"""Problems found in staff input: collected as values, reported together, in Vietnamese."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ERROR = "lỗi"
WARNING = "cảnh báo"
NOTE = "lưu ý"  # said, never blocks (an item too long for the automatic reading to read whole)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    hint: str = ""
    level: str = ERROR
    cause: str = ""  # "file:line" of the error this one follows from (listed after every cause)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        tag = "" if self.level == ERROR else f"[{self.level}] "
        return f"{where}: {tag}{self.message}" + (f" — {self.hint}" if self.hint else "")


SHOWN = 200  # problems listed in one report; the rest are counted by kind
SHOWN_PER_KIND = 20
_VALUES = re.compile(r'"[^"]*"|\d+')
_RANKS = (("mkdocs.yml", 0), ("plans/", 1), ("docs/", 3))


def root_first(problem: Problem) -> tuple:
    """Order of a report: the causes first (settings, then vocabularies (plans/*.yml), plans, pages and items,
    each by place), then what follows from them."""
    rank = next((r for prefix, r in _RANKS if problem.path.startswith(prefix)), 2)
    if rank == 1 and not problem.path.endswith((".yml", ".yaml")):
        rank = 2
    return (bool(problem.cause), rank, problem.path, problem.line, problem.message, problem.hint, problem.level)


def _kind(problem: Problem) -> str:
    """A mistake's kind: its words without the names and numbers that differ from one case to the next."""
    tag = "" if problem.level == ERROR else f"[{problem.level}] "
    return tag + _VALUES.sub("…", problem.message)


def _level_word(kind: str) -> str:
    return next((level for level in (WARNING, NOTE) if kind.startswith(f"[{level}]")), ERROR)


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # 9.950, as Vietnamese writes it


@dataclass
class Problems:
    """A collector passed through loading, so one bad file never hides the others."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, message: str, hint: str = "", level: str = ERROR, cause: str = "") -> None:
        self.items.append(Problem(path, line, message, hint, level, cause))

    def warn(self, path: str, line: int, message: str, hint: str = "") -> None:
        self.add(path, line, message, hint, WARNING)

    def note(self, path: str, line: int, message: str, hint: str = "") -> None:
        self.add(path, line, message, hint, NOTE)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == WARNING]

    def where(self, path: str) -> str:
        """"path:line" of the first error found in `path` (what a reference to that file points at)."""
        lines = [p.line for p in self.items if p.path == path and p.level == ERROR]
        return f"{path}:{min(lines)}" if lines and min(lines) else path

    def blocking(self, strict: bool) -> list[Problem]:
        """What stops a build: errors always, warnings too in strict mode (CI, make build)."""
        return sorted(self.errors + self.warnings, key=root_first) if strict else sorted(self.errors, key=root_first)

    def report(self) -> str:
        """Every problem, the causes first (settings, vocabularies, plans, then pages and items). Of one kind of
        mistake (the same words but for names, numbers and places) at most SHOWN_PER_KIND are listed, and at
        most SHOWN in all: the rest are counted."""
        n_err, n_warn = len(self.errors), len(self.warnings)
        notes = len(self.items) - n_err - n_warn
        lines = [f"Tìm thấy {thousands(n_err)} lỗi và {thousands(n_warn)} cảnh báo trong nội dung"
                 + (f" ({thousands(notes)} lưu ý):" if notes else ":")]
        per_kind: dict[str, int] = {}
        hidden: dict[str, int] = {}
        shown = 0
        for problem in sorted(set(self.items), key=root_first):
            kind = _kind(problem)
            per_kind[kind] = per_kind.get(kind, 0) + 1
            if per_kind[kind] > SHOWN_PER_KIND or shown >= SHOWN:
                hidden[kind] = hidden.get(kind, 0) + 1
                continue
            shown += 1
            lines.append(f"  {problem}")
        for kind, count in hidden.items():
            lines.append(f"  … và {thousands(count)} {_level_word(kind)} cùng loại: {kind}")
        return "\n".join(lines)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)
