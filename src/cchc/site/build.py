"""Building the site with MkDocs into a fresh folder, then swapping it in: never half-published."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError

from ..content.dates import now
from ..content.problems import Problems
from ..content.source import read_yaml_file
from .history import carry_over


@dataclass
class BuildResult:
    ok: bool
    messages: list[str]
    timings: dict = field(default_factory=dict)  # seconds per stage and counts (benchmarks/)


class Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors (our Vietnamese problem list among them) for the caller."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _env(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def fresh_folder(parent: Path, prefix: str) -> Path:
    """A new, uniquely named folder, readable like any other (mkdtemp's are private: 0700)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)
    return folder


def build_into(root: Path, target: Path, *, strict: bool = True, drafts: bool = False):
    """One MkDocs build into `target`; returns the result and the loaded config (its plugin keeps the model)."""
    if refused := settings_refusal(root):
        return BuildResult(False, [refused]), None
    collect = Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        with _env(CCHC_DRAFTS="1" if drafts else "0", CCHC_STRICT="1" if strict else "0"):
            config = load_config(str(root / "mkdocs.yml"), site_dir=str(target), strict=strict)
            mkdocs_build(config)
    except (Abort, ConfigurationError) as exc:
        text = (root / "mkdocs.yml").read_text(encoding="utf-8", errors="replace")
        said = [m for m in (in_vietnamese(m, text) for m in collect.messages or [str(exc)]) if m]
        return BuildResult(False, said or ["mkdocs.yml: MkDocs không đọc được cấu hình — so với mkdocs.yml mẫu "
                                           "của dự án, hoặc gửi thông báo này cho quản trị cổng"]), None
    except Exception as exc:  # noqa: BLE001 (a bug or bad input: a message, never a traceback)
        # MkDocs has already logged which page failed ("Error building page 'tin-tuc/x.md'").
        return BuildResult(False, [*collect.messages, unexpected(exc)]), None
    finally:
        logger.removeHandler(collect)
    plugin = config.plugins["cchc"]
    said = collect.messages or ([plugin.notes] if plugin.notes else [])
    return BuildResult(True, said, dict(plugin.timings)), config


def settings_refusal(root: Path) -> str:
    """mkdocs.yml missing or not YAML, said in our words before MkDocs reads it ("" when it reads)."""
    file = root / "mkdocs.yml"
    if not file.is_file():
        return (f"mkdocs.yml: không có tệp cấu hình trong {root} — chạy lệnh trong thư mục dự án (có mkdocs.yml, "
                "docs/, plans/) hoặc chỉ đúng thư mục bằng --root")
    problems = Problems()
    read_yaml_file(file, "mkdocs.yml", problems, section="site_name")  # the syntax of the whole file, tags allowed
    return "\n".join(str(p) for p in problems.errors)


_CONFIG_VALUE = re.compile(r"^Config value '([^']+)': (.*)$", re.S)


def in_vietnamese(message: str, settings: str) -> str:
    """One of MkDocs' messages about mkdocs.yml, in our words with its line; "" for its closing count (our
    own summary says it); any other message as it is (ours are Vietnamese already)."""
    found = _CONFIG_VALUE.match(message)
    if found:
        key, detail = found.groups()
        top = key.split(".")[0]
        at = re.search(rf"^{re.escape(top)}\s*:", settings, re.M)
        where = f"mkdocs.yml:{settings.count(chr(10), 0, at.start()) + 1}" if at else "mkdocs.yml"
        if detail.startswith("Unrecognised configuration name"):
            return f'{where}: không có thiết lập tên "{key}" — kiểm tra chính tả (so với mkdocs.yml mẫu), hoặc xóa dòng này'
        if "Required configuration not provided" in detail:
            return f'{where}: thiếu thiết lập "{key}" — thêm dòng {key}: … như trong mkdocs.yml mẫu của dự án'
        return (f'{where}: giá trị của thiết lập "{key}" không dùng được — viết lại như trong mkdocs.yml mẫu của dự án '
                "(README, mục Cấu hình)")
    if message.startswith("Aborted with "):
        return ""
    return message


def build_site(root: Path, site_dir: Path, *, strict: bool = True, drafts: bool = False) -> BuildResult:
    """Build into a sibling temporary folder; replace site_dir only when the whole build succeeded."""
    root, site_dir = root.resolve(), site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    for left in site_dir.parent.glob(f".{site_dir.name}.cu-*"):  # an earlier removal cut short
        shutil.rmtree(left, ignore_errors=True)
    tmp = fresh_folder(site_dir.parent, site_dir.name + ".tmp-")
    try:
        result, _ = build_into(root, tmp, strict=strict, drafts=drafts)
        if not result.ok:
            return result
        carry_over(site_dir, tmp, now())  # what listeners and feed readers already have stays as they have it
        old = None
        if site_dir.exists():
            old = fresh_folder(site_dir.parent, f".{site_dir.name}.cu-")
            site_dir.rename(old / "site")
        tmp.rename(site_dir)
        if old is not None:
            remove_later(old)
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # whatever happened, no half-built folder is left behind


def remove_later(folder: Path) -> None:
    """Remove the replaced site by a process of its own at low priority: tens of thousands of files take seconds
    the new site need not wait for. One cut short is removed by the next build. Its own process group (Ctrl+C in
    the terminal does not reach it) but not its own session: with Linux's autogroups a new session would get as
    much of the processor as the whole next build, whatever its nice value."""
    try:
        subprocess.Popen(["nice", "-n", "19", "rm", "-rf", "--", str(folder)], process_group=0,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def unexpected(exc: BaseException) -> str:
    """An unexpected failure in Vietnamese, with what Python said (for the portal's administrator)."""
    detail = f"{type(exc).__name__}: {exc}"[:300]
    return (f"Lỗi không mong đợi khi xây dựng trang ({detail}). Trang đã đăng không bị thay đổi. Xem tệp được nêu "
            "ở dòng ngay trên (nếu có), sửa hoặc tạm bỏ tệp đó ra rồi chạy lại; nếu vẫn lỗi, gửi thông báo này cho quản trị cổng.")


def print_result(result: BuildResult, site_dir: Path, stream=None) -> None:
    stream = stream or sys.stderr
    for message in result.messages:
        print(message, file=stream)
    if result.ok:
        print(f"Đã xây dựng xong trang vào {site_dir}/", file=stream)
    else:
        print(f"Chưa xây dựng được trang: sửa các lỗi trên rồi chạy lại. Trang cũ trong {site_dir}/ được giữ nguyên.",
              file=stream)
