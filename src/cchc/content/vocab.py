"""Vocabularies under plans/ (topics, units, channels, item types): loading and name resolution."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from . import lifetime
from .model import Channel, ItemType, Term, Topic, Unit
from .problems import Problems
from .safety import find_unsafe_html
from .source import LineDict, LineList, read_yaml_file
from .text import fold, lookup_key, nfc, slugify

T = TypeVar("T", bound=Term)

# file name under plans/, model class, what staff call it
VOCABULARIES = {
    "topics": ("chu-de.yml", Topic, "chủ đề"),
    "units": ("don-vi.yml", Unit, "đơn vị"),
    "channels": ("kenh.yml", Channel, "kênh"),
    "types": ("the-loai.yml", ItemType, "thể loại"),
}

_EXTRA_FIELDS = {Unit: ("kind", "body", "authority", "place")}
GLOSSARY_FILE = "viet-tat.yml"
SYNONYMS_FILE = "tu-dong-nghia.yml"
SPELLED = "đọc từng chữ"  # a glossary value asking for the letters, as announcers say a few (e.g. "PCI")


class Vocabulary(dict[str, T]):
    """Terms by slug, resolvable by slug, name or alias, with or without diacritics."""

    def __init__(self, terms: dict[str, T], file: str, label: str, broken: str = "",
                 rejected: dict[str, str] | None = None) -> None:
        super().__init__(terms)
        self.file, self.label = file, label
        self.broken = broken  # "file:line" of the error that left the whole file unread
        self.rejected = rejected or {}  # lookup key of an entry refused -> "file:line" of its error
        self._keys: dict[str, str] = {}
        for term in terms.values():
            for name in (term.slug, term.name, *term.aliases):
                self._keys.setdefault(lookup_key(name), term.slug)

    @property
    def names(self) -> dict[str, str]:
        """Every lookup key (slug, name, alias as lookup_key) and the slug it names."""
        return self._keys

    def resolve(self, value: object, path: str, line: int, problems: Problems, near: dict[str, float] | None = None) -> str | None:
        """The slug `value` names, or None after reporting it; `near` ranks the suggestions (see suggest)."""
        if isinstance(value, (list, dict)):
            problems.add(path, line, f"chỉ ghi một {self.label} ở đây, không ghi danh sách",
                         f"giữ một mã trong {self.file}; trường nào nhận nhiều mã thì README ghi rõ")
            return None
        text = str(value).strip() if value is not None else ""
        slug = self._keys.get(lookup_key(text)) if text else None
        if slug:
            return slug
        if where := self.rejected.get(lookup_key(text)) or self.broken:  # the cause is there, not here
            problems.add(path, line, f'{self.label} "{text}": danh mục {self.file} đang có lỗi (xem {where})',
                         f"sửa lỗi ở {where} trước; dòng này không cần sửa", cause=where)
            return None
        problems.add(path, line, f'{self.label} "{text}" không có trong danh mục {self.file}',
                     self.hint(text, near) + f"dùng mã hoặc tên có trong {self.file}, hoặc thêm {self.label} mới vào tệp đó")
        return None

    def hint(self, text: str, near: dict[str, float] | None = None) -> str:
        guesses = self.suggest(text, near)
        if not guesses:
            return ""
        named = [f'"{slug}" ({self[slug].name})' for slug in guesses]
        if len(named) == 1:
            return f"có phải ý bạn là {named[0]}? "
        return f"có phải ý bạn là một trong: {', '.join(named)}? "

    def suggest(self, text: str, near: dict[str, float] | None = None, limit: int = 3) -> list[str]:
        """The closest entries, best first: by shared words (both ways, so a narrower name such as "chỉ số
        cải cách hành chính" is no better a match for "cải cách hành chính" than a broader one), then by
        spelling. `near` adds a bonus per slug: the plan's own province and issuer come first. A single
        guess is returned when it stands clearly above the next."""
        key = lookup_key(text)
        if not key:
            return []
        words = set(key.split("-"))
        best: dict[str, float] = {}
        for candidate, slug in self._keys.items():
            other = set(candidate.split("-"))
            shared = 2 * len(words & other) / (len(words) + len(other))
            score = max(difflib.SequenceMatcher(None, key, candidate).ratio(), shared)
            if score >= 0.5 and score > best.get(slug, 0):
                best[slug] = score
        near = near or {}
        ranked = sorted(best, key=lambda s: (-(best[s] + near.get(s, 0)), s))
        scores = [best[s] + near.get(s, 0) for s in ranked]
        if len(ranked) > 1 and scores[0] - scores[1] >= 0.15:
            return ranked[:1]
        return ranked[:limit]


def load_vocabulary(plans_dir: Path, root: Path, kind: str, problems: Problems) -> Vocabulary:
    file_name, cls, label = VOCABULARIES[kind]
    file = plans_dir / file_name
    path = file.relative_to(root).as_posix() if file.is_relative_to(root) else str(file)
    if not file.exists():
        problems.add(path, 0, f"thiếu tệp danh mục {label}", f"tạo tệp {path} (xem README)")
        return Vocabulary({}, path, label)
    data = read_yaml_file(file, path, problems)
    terms: dict[str, Term] = {}
    rejected: dict[str, str] = {}
    if data is None:
        return Vocabulary({}, path, label, broken=problems.where(path))
    if not isinstance(data, LineDict):
        problems.add(path, 1, f"danh mục {label} phải là các mục dạng ma-so: (tên, mô tả…)", "xem README, mục Danh mục")
        return Vocabulary({}, path, label, broken=f"{path}:1")
    for slug, entry in data.items():
        line = data.line_of(slug)
        slug = str(slug)
        if slugify(slug) != slug:
            problems.add(path, line, f'mã "{slug}" phải viết thường, không dấu, nối bằng gạch ngang',
                         f'đổi thành "{slugify(slug)}"')
            rejected[lookup_key(slug)] = f"{path}:{line}"
            continue
        if isinstance(entry, str):
            entry = LineDict(name=entry)
        if not isinstance(entry, LineDict) or not str(entry.get("name") or "").strip():
            problems.add(path, line, f'{label} "{slug}" thiếu tên (name)', "thêm dòng name: Tên tiếng Việt")
            rejected[lookup_key(slug)] = f"{path}:{line}"
            continue
        aliases = entry.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [aliases]
        extra = {f: str(entry.get(f) or "").strip() for f in _EXTRA_FIELDS.get(cls, ())}
        for offset, what in find_unsafe_html(str(entry.get("description") or "")):
            problems.warn(path, entry.line_of("description") + offset, f"mã HTML không an toàn ({what}) đã bị loại khỏi trang",
                          "mô tả chỉ cần chữ thường và Markdown đơn giản; xóa đoạn mã này")
        terms[slug] = cls(
            slug=slug,
            name=str(entry["name"]).strip(),
            description=str(entry.get("description") or "").strip(),
            parent=str(entry["parent"]).strip() if entry.get("parent") else None,
            aliases=tuple(str(a).strip() for a in aliases),
            **extra,
        )
        if cls is Unit:
            terms[slug] = lifetime.read(terms[slug], entry, path, problems)
    _check_tree(terms, data, path, label, problems, rejected)
    if cls is Unit:
        lifetime.check(terms, data, path, problems)
    vocab = Vocabulary(terms, path, label, rejected=rejected)
    _check_ambiguous(terms, data, path, label, problems)
    return vocab


def _check_tree(terms: dict[str, Term], data: LineDict, path: str, label: str, problems: Problems,
                rejected: dict[str, str]) -> None:
    """A parent that is missing or refused, and each loop of parents: reported once, at the first `parent:` line of
    its members, naming the others (their descendants are fine); the loop is then cut so that no later walk up the
    tree is endless."""
    def parent_line(slug: str) -> int:
        entry = data.get(slug)
        return entry.line_of("parent") if isinstance(entry, LineDict) else data.line_of(slug)

    for slug, term in terms.items():
        if term.parent and term.parent not in terms:
            if where := rejected.get(lookup_key(term.parent)):
                problems.add(path, parent_line(slug), f'{label} cha "{term.parent}" của "{slug}" đang có lỗi (xem {where})',
                             f"sửa lỗi ở {where} trước; dòng này không cần sửa", cause=where)
            else:
                problems.add(path, parent_line(slug), f'{label} cha "{term.parent}" của "{slug}" không có trong danh mục',
                             "sửa mã ở dòng parent:")
    in_loop: set[str] = set()
    for slug in terms:
        chain, current = [], slug
        while current in terms and current not in chain and current not in in_loop:
            chain.append(current)
            current = terms[current].parent or ""
        if current in chain:  # the walk came back: the members are the chain from there on
            loop = chain[chain.index(current):]  # each member's parent follows it
            first = min(range(len(loop)), key=lambda i: parent_line(loop[i]))
            loop = loop[first:] + loop[:first]  # told from the member written first in the file
            in_loop.update(loop)
            shown = " › ".join([*loop, loop[0]])
            others = ", ".join(str(parent_line(m)) for m in sorted(loop[1:], key=parent_line))
            problems.add(path, parent_line(loop[0]), f"vòng lặp cha-con: {shown}"
                         + (f" (các dòng parent: {parent_line(loop[0])}, {others})" if others else " (tự làm cha của chính nó)"),
                         "sửa một dòng parent: trong vòng lặp cho đúng cấp trên thật")
    for slug in in_loop:
        terms[slug] = replace(terms[slug], parent=None)


def _check_ambiguous(terms: dict[str, Term], data: LineDict, path: str, label: str, problems: Problems) -> None:
    owner: dict[str, str] = {}
    for slug, term in terms.items():
        for name in {lookup_key(n) for n in (term.slug, term.name, *term.aliases)}:
            if name in owner and owner[name] != slug:
                problems.add(path, data.line_of(slug), f'tên hoặc tên gọi khác "{name}" dùng cho cả "{owner[name]}" và "{slug}"',
                             "mỗi tên chỉ được trỏ tới một mục; bỏ bớt ở một trong hai")
            owner.setdefault(name, slug)


def closest_key(key: str, known: list[str]) -> str | None:
    close = difflib.get_close_matches(fold(key), known, n=1, cutoff=0.7)
    return close[0] if close else None


def load_glossary(plans_dir: Path, root: Path, problems: Problems) -> dict[str, str]:
    """plans/viet-tat.yml: 'CCHC: cải cách hành chính' lines; absent file means no expansion."""
    file = plans_dir / GLOSSARY_FILE
    if not file.exists():
        return {}
    path = file.relative_to(root).as_posix()
    data = read_yaml_file(file, path, problems)
    if data is None:
        return {}
    if not isinstance(data, LineDict):
        problems.add(path, 1, "bảng viết tắt phải gồm các dòng dạng VIẾT TẮT: cách đọc đầy đủ", "xem ví dụ trong tệp")
        return {}
    glossary = {}
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            problems.add(path, data.line_of(key), f'chữ viết tắt "{key}" thiếu cách đọc đầy đủ', f"viết {key}: cách đọc đầy đủ")
            continue
        glossary[str(key).strip()] = value.strip()
    return glossary


def load_synonyms(plans_dir: Path, root: Path, problems: Problems) -> list[list[str]]:
    """plans/tu-dong-nghia.yml: groups of phrases a reader may use for one thing ("- [trực tuyến, qua mạng]"); search
    finds an item written with any phrase of a group by any other. Absent file means no groups."""
    file = plans_dir / SYNONYMS_FILE
    if not file.exists():
        return []
    path = file.relative_to(root).as_posix()
    data = read_yaml_file(file, path, problems)
    if data is None:
        return []
    example = "mỗi dòng một nhóm, dạng  - [trực tuyến, qua mạng]"
    if not isinstance(data, LineList):
        problems.add(path, 1, "bảng từ đồng nghĩa phải là danh sách các nhóm cụm từ", example)
        return []
    groups: list[list[str]] = []
    owner: dict[str, int] = {}  # a phrase (folded) -> the line of its group
    for n, group in enumerate(data):
        line = data.line_of(n)
        phrases = [nfc(str(x)).strip() for x in group] if isinstance(group, list) else []
        if len([x for x in phrases if x]) < 2 or not all(phrases):
            problems.add(path, line, "nhóm từ đồng nghĩa cần ít nhất hai cụm từ, không có cụm nào trống", example)
            continue
        if long := [x for x in phrases if len(x) > 80 or "\n" in x]:
            problems.add(path, line, f'cụm từ "{long[0][:40]}…" quá dài (tối đa 80 ký tự, một dòng)', "chỉ ghi cụm từ người đọc hay gõ")
            continue
        clash = next((x for x in phrases if x.lower() in owner and owner[x.lower()] != line), None)
        if clash is not None:
            problems.add(path, line, f'cụm từ "{clash}" đã có trong nhóm ở dòng {owner[clash.lower()]}',
                         "gộp hai nhóm thành một dòng, hoặc bỏ cụm từ ở một trong hai dòng")
            continue
        for x in phrases:
            owner[x.lower()] = line
        groups.append(list(dict.fromkeys(phrases)))
    return groups
