"""Problems found in staff input: collected as values, reported together, in Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "lỗi"
WARNING = "cảnh báo"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    hint: str = ""
    level: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        tag = "" if self.level == ERROR else f"[{self.level}] "
        return f"{where}: {tag}{self.message}" + (f" — {self.hint}" if self.hint else "")


@dataclass
class Problems:
    """A collector passed through loading, so one bad file never hides the others."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, message: str, hint: str = "", level: str = ERROR) -> None:
        self.items.append(Problem(path, line, message, hint, level))

    def warn(self, path: str, line: int, message: str, hint: str = "") -> None:
        self.add(path, line, message, hint, WARNING)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == WARNING]

    def blocking(self, strict: bool) -> list[Problem]:
        """What stops a build: errors always, warnings too in strict mode (CI, make build)."""
        return sorted(self.items) if strict else sorted(self.errors)

    def report(self) -> str:
        lines = [str(p) for p in sorted(set(self.items))]
        n_err, n_warn = len(self.errors), len(self.warnings)
        head = f"Tìm thấy {n_err} lỗi và {n_warn} cảnh báo trong nội dung:"
        return "\n".join([head, *("  " + line for line in lines)])

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)
