"""`cchc nhap-ke-hoach TỆP`: a plan as it arrives becomes plans/<id>.md, then validation says what is left."""

from __future__ import annotations

import sys
from pathlib import Path

from ..content.loader import load_corpus
from .draft import draft_plan
from .source import SourceError, read_blocks


def run_import(root: Path, file: Path, plan_id: str | None = None, force: bool = False) -> int:
    """Exit 0: draft written (its remaining TODOs listed); 2: the file could not be read or would overwrite."""
    try:
        blocks = read_blocks(file)
    except SourceError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    corpus, _ = load_corpus(root)
    draft = draft_plan(blocks, corpus, file.name, plan_id)
    target = root / "plans" / f"{draft.plan_id}.md"
    if target.exists() and not force:
        print(f"Lỗi: đã có tệp {target.relative_to(root)} — đặt mã khác bằng --id, hoặc thêm --force để ghi đè",
              file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(draft.text(), encoding="utf-8")
    print(f"Đã tạo {target.relative_to(root)} từ {file.name}: {len(blocks)} đoạn và bảng.", file=sys.stderr)
    if draft.todos:
        print(f"Còn {len(draft.todos)} chỗ cần điền (dòng có chữ TODO):", file=sys.stderr)
        for why in draft.todos:
            print(f"  - {why}", file=sys.stderr)
    _, problems = load_corpus(root)
    own = [p for p in problems.items if p.path == target.relative_to(root).as_posix()]
    if own:
        print("Kết quả kiểm tra tệp mới (cchc validate):", file=sys.stderr)
        for problem in sorted(own):
            print(f"  {problem}", file=sys.stderr)
    return 0
