"""The `cchc` command: validate, build, serve."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from .build import build_site, print_result, unexpected
from .dates import DATE_HINT, DateError, parse_datetime
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
    p_report = sub.add_parser("report", help="viết báo cáo định kỳ (Markdown và Word) cho một kế hoạch")
    p_report.add_argument("--plan", required=True, help="mã kế hoạch")
    p_report.add_argument("--period", required=True, choices=["q1", "6m", "9m", "year"], help="Quý I, 6 tháng, 9 tháng, năm")
    p_report.add_argument("--rule", choices=["calendar", "bo-noi-vu"], default="calendar",
                          help="calendar: theo năm dương lịch; bo-noi-vu: chốt số liệu 15/12 năm trước đến 14/3, 14/6, 14/9, 14/12")
    p_report.add_argument("--year", type=int, help="năm báo cáo (mặc định: năm kết thúc kế hoạch)")
    p_report.add_argument("--date", help="ngày ký báo cáo (mặc định: ngày cuối kỳ)")
    p_report.add_argument("--number", default="", help="số báo cáo, ví dụ 05")
    p_report.add_argument("--out", type=Path, default=Path("bao-cao"), help="thư mục ghi báo cáo")
    p_serve = sub.add_parser("serve", help="xem thử tại http://127.0.0.1:8000, tự xây dựng lại khi sửa")
    p_serve.add_argument("--port", type=int, default=8000)
    p_serve.add_argument("--host", default="127.0.0.1")
    p_web = sub.add_parser("web-config", help="in cấu hình máy chủ web (chính sách bảo mật nội dung) cho nginx hoặc apache")
    p_web.add_argument("server", choices=["nginx", "apache"])
    for command in sub.choices.values():  # --now is accepted after the command name too
        command.add_argument("--now", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cchc check | head`: the reader has seen enough
        sys.stderr.close()
        return 0
    except DateError as exc:
        print(f"Lỗi: {exc} — {DATE_HINT}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 (a message, never a traceback)
        print(unexpected(exc).replace("khi xây dựng trang", f"khi chạy lệnh {args.command}"), file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    if args.now:
        try:  # a bad --now is named as such, before anything else is read
            parse_datetime(args.now)
        except DateError as exc:
            raise DateError(f"--now: {exc}") from None
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
    if args.command == "report":
        return run_report(root, args)
    if args.command == "web-config":
        return print_web_config(root, args.server)
    if args.command == "build":
        site_dir = args.site_dir or root / "site"
        result = build_site(root, site_dir, strict=not args.no_strict)
        print_result(result, site_dir)
        return 0 if result.ok else 1
    from .serve import serve
    return serve(root, args.host, args.port)


def print_web_config(root: Path, server: str) -> int:
    """The policy the last build wrote (site/.htaccess), for the web server in use."""
    from .csp import htaccess, nginx

    written = root / "site" / ".htaccess"
    if not written.is_file():
        print("Chưa có trang đã xây dựng trong site/: chạy `cchc build` trước.", file=sys.stderr)
        return 2
    hashes = {f"'{h}'" for h in re.findall(r"sha256-[A-Za-z0-9+/=]+", written.read_text(encoding="utf-8"))}
    print(nginx(hashes) if server == "nginx" else htaccess(hashes), end="")
    return 0


def _valid_corpus(root: Path, plan_id: str | None):
    """The corpus, or None after printing why (content errors, or an unknown plan id)."""
    corpus, problems = load_corpus(root)
    if problems.errors:
        print(problems.report(), file=sys.stderr)
        return None
    if plan_id and plan_id not in corpus.plans:
        print(f'Không có kế hoạch "{plan_id}" — các mã có: {", ".join(sorted(corpus.plans))}', file=sys.stderr)
        return None
    return corpus


def run_check(root: Path, args: argparse.Namespace) -> int:
    """Exit 0: report written (with --strict: and everything on track); 1: --strict and lagging; 2: bad input."""
    from .check import check_plan
    from .check_output import to_json, to_markdown, to_table
    from .dates import now

    corpus = _valid_corpus(root, args.plan)
    if corpus is None:
        return 2
    try:
        as_of = parse_datetime(args.as_of).date() if args.as_of else now().date()
    except DateError as exc:
        print(f"--as-of: {exc} — {DATE_HINT}", file=sys.stderr)
        return 2
    plans = [corpus.plans[args.plan]] if args.plan else sorted(corpus.plans.values(), key=lambda p: p.start)
    results = [check_plan(corpus, plan, as_of) for plan in plans]
    render = {"json": to_json, "markdown": to_markdown, "table": to_table}[args.format]
    print(render(results, corpus))
    return 1 if args.strict and not all(r.ok for r in results) else 0


def run_report(root: Path, args: argparse.Namespace) -> int:
    import yaml

    from .dates import parse_date
    from .report import make_report, to_docx, to_markdown

    corpus = _valid_corpus(root, args.plan)
    if corpus is None:
        return 2
    try:
        issued = parse_date(args.date) if args.date else None
    except DateError as exc:
        print(f"--date: {exc} — {DATE_HINT}", file=sys.stderr)
        return 2
    try:
        site_url = (yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8")) or {}).get("site_url") or ""
    except (OSError, yaml.YAMLError):
        site_url = ""
    site_url = site_url.rstrip("/") + "/" if site_url else "/"
    report = make_report(corpus, corpus.plans[args.plan], args.period, rule=args.rule, year=args.year,
                         issued=issued, number=args.number)
    out = args.out if args.out.is_absolute() else root / args.out
    stem = f"{args.plan}-{args.period}-{report.window.year}"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.md").write_text(to_markdown(report, corpus, site_url), encoding="utf-8")
    to_docx(report, corpus, out / f"{stem}.docx", site_url)
    print(f"Đã viết {out / stem}.md và {out / stem}.docx (kỳ báo cáo {report.window.start:%d/%m/%Y} – {report.window.end:%d/%m/%Y}).",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
