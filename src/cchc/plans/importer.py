"""`cchc nhap-ke-hoach TỆP`: a plan as it arrives becomes plans/<id>.md, then validation says what is left."""

from __future__ import annotations

import sys
from pathlib import Path

from ..content import progress
from ..content.loader import load_corpus
from .coverage import coverage
from .draft import draft_plan
from .source import SourceError, read_blocks, source_texts


def run_import(root: Path, file: Path, plan_id: str | None = None, force: bool = False) -> int:
    """Exit 0: draft written (its remaining TODOs listed); 1: written, but sentences of the source are not in it
    (listed; --force accepts); 2: the file could not be read or would overwrite."""
    progress.begin(f"đọc {file.name}")
    try:
        blocks = read_blocks(file)
    except SourceError as exc:
        progress.end("không đọc được")
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    progress.begin("soạn bản nháp", len(blocks))
    corpus, _ = load_corpus(root)
    draft = draft_plan(blocks, corpus, file.name, plan_id)
    progress.advance(len(blocks))
    progress.end()
    target = root / "plans" / f"{draft.plan_id}.md"
    if target.exists() and not force:
        print(f"Lỗi: đã có tệp {target.relative_to(root)} — đặt mã khác bằng --id, hoặc thêm --force để ghi đè",
              file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    text = draft.text()
    target.write_text(text, encoding="utf-8")
    print(f"Đã tạo {target.relative_to(root)} từ {file.name}: {len(blocks)} đoạn và bảng.", file=sys.stderr)
    progress.begin("đối chiếu từng câu với văn bản gốc")
    kept = coverage(source_texts(file), text)
    progress.end()
    print(kept.line(), file=sys.stderr)
    if kept.missing:
        print(f"{len(kept.missing)} câu của văn bản gốc không có trong bản nháp — chép chúng vào đúng chỗ trong "
              f"{target.relative_to(root)}" + ("" if force else " (hoặc chạy lại với --force nếu chấp nhận bỏ)") + ":",
              file=sys.stderr)
        for sentence in kept.missing[:20]:
            print(f"  - {sentence}", file=sys.stderr)
        if len(kept.missing) > 20:
            print(f"  … và {len(kept.missing) - 20} câu nữa", file=sys.stderr)
    if draft.todos:
        print(f"Còn {len(draft.todos)} chỗ cần điền (dòng có chữ TODO):", file=sys.stderr)
        for why in draft.todos:
            print(f"  - {why}", file=sys.stderr)
    progress.begin("kiểm tra bản nháp")
    _, problems = load_corpus(root)
    progress.end()
    own = [p for p in problems.items if p.path == target.relative_to(root).as_posix()]
    if own:
        print("Kết quả kiểm tra tệp mới (cchc validate):", file=sys.stderr)
        for problem in sorted(own):
            print(f"  {problem}", file=sys.stderr)
    return 1 if kept.missing and not force else 0
