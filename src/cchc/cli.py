"""The `cchc` command: validate, build, serve."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import NoReturn

from .content import progress
from .content.dates import DATE_HINT, DateError, format_date, parse_datetime
from .content.loader import load_corpus
from .content.problems import Problem, root_first
from .portals.staging import finish_pending
from .site.build import build_site, print_result, unexpected


class Parser(argparse.ArgumentParser):
    """argparse with its messages, headings and usage line in Vietnamese."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title, self._optionals.title = "lệnh", "tùy chọn"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="in hướng dẫn này rồi thoát")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {translate(message)}\nXem hướng dẫn: {self.prog} --help\n")


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, prefix="Cách dùng: ")


# argparse's English messages (Python 3.11) and their Vietnamese, as patterns over the formatted text
_MESSAGES = [
    (r"unrecognized arguments: (.*)", r"không hiểu tham số: \1"),
    (r"the following arguments are required: (.*)", r"thiếu tham số bắt buộc: \1"),
    (r"argument (\S+): expected one argument", r"\1 cần một giá trị đi kèm, ví dụ \1 GIÁ_TRỊ"),
    (r"argument (\S+): expected at least one argument", r"\1 cần ít nhất một giá trị"),
    (r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)", r'\1: không có lựa chọn "\2" — chọn một trong: \3'),
    (r"argument (\S+): invalid int value: '([^']*)'", r'\1: "\2" không phải là số'),
    (r"argument (\S+): invalid (\S+) value: '([^']*)'", r'\1: giá trị "\3" không hợp lệ'),
    (r"ambiguous option: (\S+) could match (.*)", r"tùy chọn \1 chưa rõ, có thể là: \2"),
    (r"argument (\S+): ignored explicit argument '([^']*)'", r'\1 không nhận giá trị (bỏ "=\2")'),
    (r"argument (\S+): not allowed with argument (\S+)", r"không dùng \1 cùng với \2"),
]


def translate(message: str) -> str:
    for pattern, vietnamese in _MESSAGES:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, vietnamese, message)
    return f"tham số không hợp lệ ({message})"


def make_parser() -> Parser:
    parser = Parser(prog="cchc", description="Chuyên mục cải cách hành chính: kiểm tra, xây dựng, xem thử trang.")
    parser.add_argument("--root", type=Path, default=Path("."), help="thư mục dự án (có mkdocs.yml, docs/, plans/)")
    parser.add_argument("--now", help='coi "bây giờ" là thời điểm này (ví dụ 30/06/2024 12:00), để thử; '
                                      "ghi trước hoặc sau tên lệnh đều được")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH", parser_class=Parser)
    sub.add_parser("validate", help="kiểm tra nội dung, liệt kê mọi lỗi")
    p_import = sub.add_parser("nhap-ke-hoach", help="nhập một kế hoạch từ tệp Word (.docx), PDF hoặc văn bản (.txt)")
    p_import.add_argument("file", type=Path, metavar="TỆP", help="tệp kế hoạch: .docx, .pdf (có lớp chữ) hoặc .txt")
    p_import.add_argument("--id", help="mã kế hoạch (mặc định: tạo từ cơ quan ban hành và năm)")
    p_import.add_argument("--force", action="store_true", help="ghi đè tệp plans/<mã>.md nếu đã có")
    p_build = sub.add_parser("build", help="xây dựng trang tĩnh vào site/")
    p_build.add_argument("--site-dir", type=Path, default=None, metavar="THƯ_MỤC", help="thư mục ghi trang (mặc định: site/)")
    p_build.add_argument("--no-strict", action="store_true", help="cảnh báo không chặn việc xây dựng")
    p_check = sub.add_parser("check", help="đối chiếu bài đã đăng với nội dung và chỉ tiêu của kế hoạch")
    p_check.add_argument("--plan", metavar="MÃ", help="mã kế hoạch (mặc định: tất cả)")
    p_check.add_argument("--as-of", metavar="NGÀY", help="tính đến hết ngày này (mặc định: hôm nay), ví dụ 30/06/2024")
    p_check.add_argument("--format", choices=["table", "json", "markdown"], default="table",
                         help="table: bảng đọc trên màn hình; json: cho chương trình khác; markdown: dán vào văn bản")
    p_check.add_argument("--strict", action="store_true", help="trả mã 1 khi có nội dung chưa có bài hoặc chỉ tiêu chậm (cho CI)")
    p_check.add_argument("--tong-hop", action="store_true",
                         help="một bảng mọi đơn vị có kế hoạch trong năm (tỉnh và từng xã), đơn vị chậm xếp trước")
    p_check.add_argument("--nam", type=int, metavar="NĂM", help="năm của bảng tổng hợp (mặc định: năm của --as-of)")
    p_report = sub.add_parser("report", help="viết báo cáo định kỳ (Markdown và Word) cho một kế hoạch")
    p_report.add_argument("--plan", metavar="MÃ", help="mã kế hoạch")
    p_report.add_argument("--tong-hop", action="store_true",
                          help="báo cáo tổng hợp mọi đơn vị có kế hoạch (tỉnh và các xã), phụ lục mỗi đơn vị một dòng")
    p_report.add_argument("--don-vi", metavar="MÃ", help="đơn vị báo cáo tổng hợp (mặc định: tỉnh có nhiều kế hoạch nhất)")
    p_report.add_argument("--period", required=True, choices=["q1", "6m", "9m", "year"], help="Quý I, 6 tháng, 9 tháng, năm")
    p_report.add_argument("--rule", choices=["calendar", "bo-noi-vu"], default="calendar",
                          help="calendar: theo năm dương lịch; bo-noi-vu: chốt số liệu 15/12 năm trước đến 14/3, 14/6, 14/9, 14/12")
    p_report.add_argument("--year", type=int, metavar="NĂM", help="năm báo cáo (mặc định: năm kết thúc kế hoạch)")
    p_report.add_argument("--date", metavar="NGÀY", help="ngày ký báo cáo (mặc định: ngày cuối kỳ)")
    p_report.add_argument("--number", default="", metavar="SỐ", help="số báo cáo, ví dụ 05")
    p_report.add_argument("--out", type=Path, default=Path("bao-cao"), metavar="THƯ_MỤC", help="thư mục ghi báo cáo (mặc định: bao-cao/)")
    p_serve = sub.add_parser("serve", help="xem thử tại http://127.0.0.1:8000, tự xây dựng lại khi sửa")
    p_serve.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000)")
    p_serve.add_argument("--host", default="127.0.0.1", help="địa chỉ (mặc định 127.0.0.1: chỉ máy này)")
    p_merge = sub.add_parser("gop-cong", help="gộp chuyên mục của một cổng khác (docs/ và plans/) vào cổng này, không mất gì")
    p_merge.add_argument("source", type=Path, metavar="THƯ_MỤC", help="thư mục dự án của cổng cần gộp")
    p_merge.add_argument("--ma", metavar="MÃ", help="mã ngắn của cổng cũ (mặc định: tên thư mục), ví dụ ben-tre")
    p_edit = sub.add_parser("edit", help="phòng biên tập trên máy này: viết, sửa bài trong trình duyệt tại /quan-tri/ (như serve)")
    p_edit.add_argument("--port", type=int, default=8000, help="cổng của trang xem thử (mặc định 8000)")
    p_pub = sub.add_parser("phat-hanh", help="xây dựng rồi đưa trang lên thư mục của máy chủ web trong một bước (giữ vài bản để quay lại)")
    p_pub.add_argument("--noi-nhan", required=True, type=Path, metavar="THƯ_MỤC",
                       help="thư mục của trang trên máy chủ web, ví dụ /var/www/chuyen-muc-cchc (máy chủ web đọc …/current)")
    p_pub.add_argument("--giu", type=int, default=5, metavar="SỐ", help="số bản giữ lại để quay lại (mặc định 5)")
    p_pub.add_argument("--quay-lai", action="store_true", help="không xây dựng: trở lại bản đăng trước bản đang chạy")
    p_room = sub.add_parser("phong-bien-tap", help="phòng biên tập chung trên máy chủ của cơ quan (sau nginx): tài khoản, "
                            "duyệt bài, công bố = xây dựng + đăng trong một bước")
    p_room.add_argument("--noi-nhan", required=True, type=Path, metavar="THƯ_MỤC",
                        help="thư mục của trang trên máy chủ web, ví dụ /var/www/chuyen-muc-cchc (máy chủ web đọc …/current)")
    p_room.add_argument("--socket", type=Path, default=Path("/run/cchc-phong-bien-tap/phong-bien-tap.sock"),
                        metavar="TỆP", help="ổ cắm (Unix socket) nginx chuyển /quan-tri/ tới")
    p_room.add_argument("--giu", type=int, default=5, metavar="SỐ", help="số bản giữ lại để quay lại (mặc định 5)")
    p_web = sub.add_parser("web-config", help="in cấu hình máy chủ web (chính sách bảo mật nội dung) cho nginx hoặc apache")
    p_web.add_argument("server", choices=["nginx", "apache"], metavar="MÁY_CHỦ", help="nginx hoặc apache")
    for command in sub.choices.values():  # --now is accepted after the command name too
        command.add_argument("--now", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cchc check | head`: the reader has seen enough
        _quiet_closed_stdout()
        return 0
    except DateError as exc:
        print(f"Lỗi: {exc} — {DATE_HINT}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 (a message, never a traceback)
        print(unexpected(exc).replace("khi xây dựng trang", f"khi chạy lệnh {args.command}"), file=sys.stderr)
        return 2


def _quiet_closed_stdout() -> None:
    """After the reader of our output has gone, Python would still flush stdout at exit and print a
    BrokenPipeError of its own; point stdout at /dev/null so that flush succeeds silently."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run(args: argparse.Namespace) -> int:
    if args.now:
        try:  # a bad --now is named as such, before anything else is read
            parse_datetime(args.now)
        except DateError as exc:
            raise DateError(f"--now: {exc}") from None
        os.environ["CCHC_NOW"] = args.now
    root = args.root.resolve()
    if refused := refused_arguments(args, root):
        print(f"Lỗi: {refused}", file=sys.stderr)
        return 2
    for line in finish_pending(root):  # a merge interrupted by a kill or a power cut: finished or undone first
        print(line, file=sys.stderr)

    if args.command == "validate":
        corpus, problems = load_corpus(root)
        if problems:
            print(problems.report(), file=sys.stderr)
        print(f"Đã kiểm tra {len(corpus.items)} bài, {len(corpus.plans)} kế hoạch.", file=sys.stderr)
        return 1 if problems.errors or problems.warnings else 0  # a note (lưu ý) is said, never fails
    if args.command == "nhap-ke-hoach":
        from .plans.importer import run_import
        with progress.shown("Nhập kế hoạch"):
            return run_import(root, args.file, plan_id=args.id, force=args.force)
    if args.command == "check":
        return run_check(root, args)
    if args.command == "report":
        return run_report(root, args)
    if args.command == "web-config":
        return print_web_config(root, args.server)
    if args.command == "build":
        site_dir = args.site_dir or root / "site"
        with progress.shown("Xây dựng"):
            result = build_site(root, site_dir, strict=not args.no_strict)
        print_result(result, site_dir)
        return 0 if result.ok else 1
    if args.command == "gop-cong":
        from .portals.merge import run
        from .site.build import build_into

        def build(project: Path, site_dir: Path) -> tuple[bool, list[str]]:
            result = build_into(project, site_dir, strict=True)[0]
            return result.ok, result.messages
        with progress.shown("Gộp cổng"):
            return run(root, args.source, args.ma, build)
    if args.command == "phat-hanh":
        return run_publish(root, args)
    if args.command == "phong-bien-tap":
        from .room.server import run as run_room
        return run_room(root, args.socket.resolve(), args.noi_nhan.resolve(), args.giu)
    if args.command == "edit":
        from .preview.edit import edit
        return edit(root, port=args.port)
    from .preview.serve import serve
    return serve(root, args.host, args.port)


def run_publish(root: Path, args: argparse.Namespace) -> int:
    """Build strictly into site/, then put it live under --noi-nhan in one step; or go back one release."""
    from .releases.swap import ReleaseError, publish, rollback, unchanged_share

    target = args.noi_nhan.resolve()
    try:
        if args.quay_lai:
            back = rollback(target)
            print(f"Đã quay lại bản {back.name}: {target / 'current'} → {back}", file=sys.stderr)
            return 0
        site_dir = root / "site"
        with progress.shown("Xây dựng"):
            result = build_site(root, site_dir, strict=True)
        print_result(result, site_dir)
        if not result.ok:
            print("Xây dựng không thành công: KHÔNG đăng gì; trang đang chạy giữ nguyên.", file=sys.stderr)
            return 1
        release = publish(site_dir, target, keep=args.giu)
    except ReleaseError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    files, same = unchanged_share(release)
    print(f"Đã đăng bản {release.name}: {files} tệp, {same} tệp không đổi (giữ nguyên thời gian, trình duyệt không tải lại); "
          f"trang đang chạy: {target / 'current'}", file=sys.stderr)
    return 0


NEEDS_SETTINGS = {"build", "serve", "edit", "web-config", "phat-hanh", "phong-bien-tap"}  # commands MkDocs reads mkdocs.yml for


def refused_arguments(args: argparse.Namespace, root: Path) -> str:
    """What the command line names wrongly, in Vietnamese with the fix ("" when all is well): nothing given is
    replaced by a default behind the writer's back."""
    if not root.is_dir():
        return (f'không có thư mục dự án "{args.root}" — kiểm tra --root: thư mục có mkdocs.yml, docs/ và plans/'
                if not root.exists() else f'"{args.root}" là một tệp, không phải thư mục dự án — --root chỉ thư mục')
    if not any((root / name).exists() for name in ("mkdocs.yml", "docs", "plans")):
        return (f'"{args.root}" không phải thư mục dự án (không có mkdocs.yml, docs/, plans/) — chạy lệnh trong thư mục '
                "dự án hoặc chỉ đúng thư mục bằng --root")
    if args.command in NEEDS_SETTINGS and not (root / "mkdocs.yml").is_file():
        return f'thư mục "{args.root}" không có tệp mkdocs.yml — chạy lệnh trong thư mục dự án hoặc chỉ đúng thư mục bằng --root'
    port = getattr(args, "port", None)
    if port is not None and not 0 <= port <= 65535:
        return f"--port {port}: cổng là một số từ 1 đến 65535 (ví dụ --port 8001)"
    if getattr(args, "giu", 1) < 1:
        return f"--giu {args.giu}: giữ ít nhất 1 bản (bản đang chạy)"
    year = getattr(args, "year", None)
    if year is not None and not 1900 <= year <= 2100:
        return f"--year {year}: năm phải có bốn chữ số, từ 1900 đến 2100 (ví dụ --year 2024)"
    return ""


def print_web_config(root: Path, server: str) -> int:
    """The policy the last build wrote (site/.htaccess), for the web server in use."""
    from .site.csp import htaccess, nginx

    written = root / "site" / ".htaccess"
    if not written.is_file():
        print("Chưa có trang đã xây dựng trong site/: chạy `cchc build` trước.", file=sys.stderr)
        return 2
    hashes = {f"'{h}'" for h in re.findall(r"sha256-[A-Za-z0-9+/=]+", written.read_text(encoding="utf-8"))}
    print(nginx(hashes) if server == "nginx" else htaccess(hashes), end="")
    return 0


def _valid_corpus(root: Path, plan_id: str | None, as_json: bool = False):
    """The corpus, or None after printing why (content errors, or an unknown plan id). With `as_json` the
    reasons are printed to stdout as a JSON document, so a script always has something to parse."""
    corpus, problems = load_corpus(root)
    why = [] if not problems.errors else sorted(problems.items, key=root_first)
    if not why and plan_id and plan_id not in corpus.plans:
        known = ", ".join(sorted(corpus.plans))
        why = [Problem("plans/", 0, f'Không có kế hoạch "{plan_id}"',
                       f"các mã có: {known}" if known else "chưa có kế hoạch nào trong plans/ (xem mau/ke-hoach.md)")]
    if not why:
        return corpus
    if as_json:
        from .plans.check_output import problems_json
        print(problems_json(why))
    else:
        print(problems.report() if problems.errors else why[0].message + " — " + why[0].hint, file=sys.stderr)
    return None


def run_check(root: Path, args: argparse.Namespace) -> int:
    """Exit 0: report written (with --strict: and everything on track); 1: --strict and lagging; 2: bad input."""
    from .content.dates import now
    from .plans.check import check_plan
    from .plans.check_output import problems_json, to_json, to_markdown, to_table

    as_json = args.format == "json"
    try:
        as_of = parse_datetime(args.as_of).date() if args.as_of else now().date()
    except DateError as exc:
        problem = Problem("--as-of", 0, str(exc), DATE_HINT)
        print(problems_json([problem]) if as_json else f"--as-of: {exc} — {DATE_HINT}", file=sys.stdout if as_json else sys.stderr)
        return 2
    corpus = _valid_corpus(root, args.plan, as_json)
    if corpus is None:
        return 2
    plans = [corpus.plans[args.plan]] if args.plan else sorted(corpus.plans.values(), key=lambda p: p.start)
    results = [check_plan(corpus, plan, as_of) for plan in plans]
    if args.tong_hop:
        from .plans import overview
        year = args.nam or as_of.year
        rows = overview.overview(corpus, results, year)
        print({"json": overview.to_json, "markdown": overview.to_markdown, "table": overview.to_table}[args.format](rows, year))
        return 1 if args.strict and any(r.lagging for r in rows) else 0
    render = {"json": to_json, "markdown": to_markdown, "table": to_table}[args.format]
    print(render(results, corpus))
    return 1 if args.strict and not all(r.ok for r in results) else 0


def run_report(root: Path, args: argparse.Namespace) -> int:
    import yaml

    from .content.dates import parse_date
    from .plans.report import make_report, report_stem, to_docx, to_markdown

    if not args.plan and not args.tong_hop:
        print("Lỗi: ghi --plan MÃ (báo cáo một kế hoạch) hoặc --tong-hop (báo cáo tổng hợp các đơn vị)", file=sys.stderr)
        return 2
    corpus = _valid_corpus(root, args.plan)
    if corpus is None:
        return 2
    try:
        issued = parse_date(args.date) if args.date else None
    except DateError as exc:
        print(f"--date: {exc} — {DATE_HINT}", file=sys.stderr)
        return 2
    if args.tong_hop:
        return run_province_report(root, corpus, args, issued)
    try:
        site_url = (yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8")) or {}).get("site_url") or ""
    except (OSError, yaml.YAMLError):
        site_url = ""
    site_url = site_url.rstrip("/") + "/" if site_url else "/"
    plan = corpus.plans[args.plan]
    if args.year is not None and not plan.start.year <= args.year <= plan.end.year:
        print(f"Lỗi: --year {args.year}: kế hoạch {plan.id} thực hiện từ {format_date(plan.start)} đến "
              f"{format_date(plan.end)} — chọn năm từ {plan.start.year} đến {plan.end.year}", file=sys.stderr)
        return 2
    report = make_report(corpus, corpus.plans[args.plan], args.period, rule=args.rule, year=args.year,
                         issued=issued, number=args.number)
    out = args.out if args.out.is_absolute() else root / args.out
    stem = report_stem(report)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.md").write_text(to_markdown(report, corpus, site_url), encoding="utf-8")
    to_docx(report, corpus, out / f"{stem}.docx", site_url)
    print(f"Đã viết {out / stem}.md và {out / stem}.docx (số liệu {report.window_text}).", file=sys.stderr)
    return 0


def run_province_report(root: Path, corpus, args: argparse.Namespace, issued) -> int:
    """`cchc report --tong-hop`: every unit's plan under one unit (the province) over one period."""
    from .content.dates import now
    from .plans import province_report as pr

    year = args.year or now().year
    unit = corpus.units.get(args.don_vi or "") if args.don_vi else pr.busiest_province(corpus, year)
    if unit is None:
        print(f"Lỗi: --don-vi {args.don_vi or ''}: không có đơn vị này trong plans/don-vi.yml" if args.don_vi else
              f"Lỗi: năm {year} không có kế hoạch nào của một tỉnh — ghi --don-vi MÃ (mã tỉnh trong plans/don-vi.yml)",
              file=sys.stderr)
        return 2
    report = pr.make_province_report(corpus, unit, args.period, year, args.rule, issued, args.number)
    out = args.out if args.out.is_absolute() else root / args.out
    stem = pr.report_stem(report)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.md").write_text(pr.to_markdown(report), encoding="utf-8")
    pr.to_docx(report, out / f"{stem}.docx")
    print(f"Đã viết {out / stem}.md và {out / stem}.docx: {len(report.rows)} đơn vị, "
          f"{sum(r.lagging > 0 for r in report.rows)} đơn vị chậm.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
