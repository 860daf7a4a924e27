"""The `cchc` command: validate, build, serve."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .build import build_site, print_result
from .loader import load_corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cchc", description="Chuyên mục cải cách hành chính: kiểm tra, xây dựng, xem thử trang.")
    parser.add_argument("--root", type=Path, default=Path("."), help="thư mục dự án (có mkdocs.yml, docs/, plans/)")
    parser.add_argument("--now", help='coi "bây giờ" là thời điểm này (ví dụ 2023-06-30 12:00), để thử')
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="kiểm tra nội dung, liệt kê mọi lỗi")
    p_build = sub.add_parser("build", help="xây dựng trang tĩnh vào site/")
    p_build.add_argument("--site-dir", type=Path, default=None)
    p_build.add_argument("--no-strict", action="store_true", help="cảnh báo không chặn việc xây dựng")
    p_check = sub.add_parser("check", help="đối chiếu bài đã đăng với nội dung và chỉ tiêu của kế hoạch")
    p_check.add_argument("--plan", help="mã kế hoạch (mặc định: tất cả)")
    p_check.add_argument("--as-of", help="tính đến ngày (mặc định: hôm nay), ví dụ 30/06/2024")
    p_check.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    p_check.add_argument("--strict", action="store_true", help="trả mã 1 khi có nội dung chưa có bài hoặc chỉ tiêu chậm (cho CI)")
    p_serve = sub.add_parser("serve", help="xem thử tại http://127.0.0.1:8000, tự xây dựng lại khi sửa")
    p_serve.add_argument("--port", type=int, default=8000)
    p_serve.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    if args.now:
        os.environ["CCHC_NOW"] = args.now
    root = args.root.resolve()

    if args.command == "validate":
        corpus, problems = load_corpus(root)
        if problems:
            print(problems.report(), file=sys.stderr)
        print(f"Đã kiểm tra {len(corpus.items)} bài, {len(corpus.plans)} kế hoạch.", file=sys.stderr)
        return 1 if problems else 0
    if args.command == "check":
        return run_check(root, args)
    if args.command == "build":
        site_dir = args.site_dir or root / "site"
        result = build_site(root, site_dir, strict=not args.no_strict)
        print_result(result, site_dir)
        return 0 if result.ok else 1
    from .serve import serve
    return serve(root, args.host, args.port)


def run_check(root: Path, args: argparse.Namespace) -> int:
    """Exit 0: report written (with --strict: and everything on track); 1: --strict and lagging; 2: bad input."""
    from .check import check_plan
    from .check_output import to_json, to_markdown, to_table
    from .dates import DATE_HINT, DateError, now, parse_datetime

    corpus, problems = load_corpus(root)
    if problems.errors:
        print(problems.report(), file=sys.stderr)
        return 2
    try:
        as_of = parse_datetime(args.as_of).date() if args.as_of else now().date()
    except DateError as exc:
        print(f"--as-of: {exc} — {DATE_HINT}", file=sys.stderr)
        return 2
    if args.plan and args.plan not in corpus.plans:
        print(f'Không có kế hoạch "{args.plan}" — các mã có: {", ".join(sorted(corpus.plans))}', file=sys.stderr)
        return 2
    plans = [corpus.plans[args.plan]] if args.plan else sorted(corpus.plans.values(), key=lambda p: p.start)
    results = [check_plan(corpus, plan, as_of) for plan in plans]
    render = {"json": to_json, "markdown": to_markdown, "table": to_table}[args.format]
    print(render(results, corpus))
    return 1 if args.strict and not all(r.ok for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
