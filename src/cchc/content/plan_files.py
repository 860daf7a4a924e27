"""The plan half of the one loader: plans/<id>.md read into Plan (fields, content, tasks, targets)."""

from __future__ import annotations

from pathlib import Path

from . import dates, lifetime
from .corpus import Corpus
from .fields import Fields
from .full_text import check_full_text
from .model import CADENCES, LEVELS, REPORT_PERIODS, BasedOn, MandatedItem, Plan, Target, Task
from .source import read_document
from .text import lookup_key, slugify

PLAN_FIELDS = {"id", "number", "title", "issuer", "level", "issued", "period", "scope", "purposes", "based_on", "content",
               "channels", "tasks", "targets", "indicators", "reports", "signer", "signer_title", "recipients", "source"}
_CADENCE_KEYS = {lookup_key(k): k for k in CADENCES} | {lookup_key(v): k for k, v in CADENCES.items()} | {
    "moi-thang": "hang-thang", "thang": "hang-thang", "moi-quy": "hang-quy", "quy": "hang-quy",
    "nam": "hang-nam", "hang-nam": "hang-nam", "moi-nam": "hang-nam", "ca-nam": "hang-nam",
}
_REPORT_KEYS = {lookup_key(k): k for k in REPORT_PERIODS} | {lookup_key(v): k for k, v in REPORT_PERIODS.items()} | {
    "quy-1": "q1", "06-thang": "6m", "09-thang": "9m", "ca-nam": "year", "nam": "year"}
_LEVEL_KEYS = {lookup_key(k): k for k in LEVELS} | {lookup_key(v): k for k, v in LEVELS.items()}
_UNLIMITED = {"khong-gioi-han", "unlimited", "khong-han-che"}



class PlanFiles:
    """Loader's methods for plan files; they use the loader's problems, vocabularies and Markdown checks."""

    def load_plan(self, file: Path) -> Plan | None:
        """Every field is checked even when an earlier one is wrong, so one run lists every mistake."""
        path = self.rel(file)
        doc = read_document(file, path, self.problems)
        if doc is None:
            return None
        f = Fields(doc.meta, path, self.problems, known=PLAN_FIELDS)
        plan_id = f.text("id", required="mã kế hoạch") or slugify(file.stem)
        if slugify(plan_id) != plan_id:
            f.error("id", f'mã kế hoạch "{plan_id}" chỉ được có chữ thường không dấu, số và gạch ngang', f'viết "{slugify(plan_id)}"')
        title = f.text("title", required="tên kế hoạch")
        issuer = f.ref("issuer", self.units, required="cơ quan ban hành")
        f.near = Corpus(units=self.units).near_units(issuer)
        level = self.keyword(f, "level", _LEVEL_KEYS, "cấp", "tinh, huyen hoặc xa")
        issued = f.date("issued")
        if issuer and issued and (why := lifetime.refusal(self.units[issuer], issued, self.units, "kế hoạch ban hành")):
            f.error("issuer", *why)
        start = end = None
        if not f.has("period"):
            f.text("period", required="thời gian thực hiện")
        for sub in f.mappings("period", "thời gian thực hiện", known={"start", "end"}):
            start = sub.bound("start", end=False, required="ngày bắt đầu")
            end = sub.bound("end", end=True, required="ngày kết thúc")
            if start and end and start > end:
                sub.error("end", "ngày kết thúc trước ngày bắt đầu", "kiểm tra lại hai dòng start: và end: của period:")
                start = end = None
        plan = Plan(
            id=plan_id, id_line=f.line("id"), path=path, title=title, issuer=issuer, level=level, issued=issued,
            start=start, end=end, number=f.text("number"),
            scope=f.ref("scope", self.units) if f.has("scope") else issuer,
            purposes=tuple(str(v).strip() for v, _ in f.items("purposes")),
            based_on=tuple(self.based_on(f)),
            content=tuple(self.mandated(f)),
            channels=f.refs("channels", self.channels),
            tasks=tuple(self.tasks(f)),
            indicators=tuple(str(v).strip() for v, _ in f.items("indicators")),
            reports=tuple(self.keyword_list(f, "reports", _REPORT_KEYS, "kỳ báo cáo", "q1, 6m, 9m, year")),
            signer=f.text("signer"), signer_title=f.text("signer_title"),
            recipients=tuple(str(v).strip() for v, _ in f.items("recipients")),
            source=f.text("source"), body=doc.body,
        )
        plan.targets = tuple(self.targets(f, plan))
        self.check_markdown(plan.body, path, doc.body_line, f"ke-hoach/{plan.id}")
        check_full_text(plan.body, path, doc.body_line, self.problems)
        if not (title and issuer and start and end):
            return None
        return plan

    def based_on(self, f: Fields) -> list[BasedOn]:
        result = []
        for value, line in f.items("based_on"):
            if isinstance(value, str):
                result.append(BasedOn(value.strip()))
                continue
            sub = Fields(value, f.path, self.problems, known={"text", "number", "date"},
                         where=f"vào căn cứ bắt đầu ở dòng {line}") if isinstance(value, dict) else None
            if sub is None or not sub.text("text", required="nội dung căn cứ"):
                continue
            result.append(BasedOn(sub.text("text"), sub.text("number"), sub.date("date")))
        return result

    def mandated(self, f: Fields) -> list[MandatedItem]:
        result = []
        for sub in f.mappings("content", "nội dung tuyên truyền", known={"ref", "text", "topics"}):
            ref, text = sub.text("ref", required="số mục"), sub.text("text", required="nội dung")
            topics = sub.refs("topics", self.topics)
            if not topics and not sub.has("topics"):
                sub.error("text", f"nội dung {ref} chưa gắn chủ đề (topics)", "thêm topics: [ma-chu-de] để hệ thống theo dõi được")
            if ref and text:
                result.append(MandatedItem(ref, text, topics))
        return result

    def tasks(self, f: Fields) -> list[Task]:
        result = []
        for sub in f.mappings("tasks", "nhiệm vụ", known={"unit", "ref", "text"}):
            units = sub.refs("unit", self.units, required="đơn vị thực hiện")
            lines = [str(v).strip() for v, _ in sub.items("text")]
            if not lines:
                sub.text("text", required="nội dung nhiệm vụ")
            if units and lines:
                result.append(Task(units, sub.text("ref"), "\n".join(lines)))
        return result

    def targets(self, f: Fields, plan: Plan) -> list[Target]:
        """Targets; their own dates default to the plan's period and are counted only within it."""
        known = {"ref", "product", "count", "cadence", "start", "end", "lead", "partners", "channels", "types",
                 "units", "topics", "note"}
        result = []
        for sub in f.mappings("targets", "chỉ tiêu", known=known):
            product = sub.text("product", required="sản phẩm")
            count, unlimited = self.count(sub)
            cadence = self.keyword(sub, "cadence", _CADENCE_KEYS, "chu kỳ", ", ".join(CADENCES))
            if count is not None and not sub.has("cadence"):
                sub.error("count", f"chỉ tiêu có số lượng {count} nhưng chưa ghi chu kỳ (cadence)",
                          f"thêm dòng cadence: với một trong: {', '.join(CADENCES.values()).lower()} — hệ thống dựa vào đó "
                          "để tính số phải có đến nay")
            start = sub.bound("start", end=False) if sub.has("start") else plan.start
            end = sub.bound("end", end=True) if sub.has("end") else plan.end
            leads = sub.refs("lead", self.units, required="cơ quan chủ trì")
            if sub.has("start") and sub.has("end") and start and end and start > end:
                sub.error("end", "thời gian hoàn thành trước thời gian triển khai", "kiểm tra hai dòng start: và end: của chỉ tiêu")
            elif plan.start and plan.end and start and end and (start > plan.end or end < plan.start):
                sub.error("start" if sub.has("start") else "end",
                          f"thời gian chỉ tiêu ({dates.format_date(start)} – {dates.format_date(end)}) nằm ngoài thời gian "
                          f"thực hiện kế hoạch ({dates.format_date(plan.start)} – {dates.format_date(plan.end)})",
                          "sửa start:/end: của chỉ tiêu cho nằm trong period: của kế hoạch")
            elif plan.start and plan.end and start and end and (start < plan.start or end > plan.end):
                self.problems.warn(f.path, sub.line("start" if start < plan.start else "end"),
                                   "thời gian chỉ tiêu vượt ra ngoài thời gian thực hiện kế hoạch",
                                   "chỉ bài đăng trong thời gian thực hiện kế hoạch được tính; sửa start:/end: nếu kế hoạch ghi khác")
            if product and leads and start and end:
                result.append(Target(
                    ref=sub.text("ref"), product=product, count=count, unlimited=unlimited, cadence=cadence,
                    start=max(start, plan.start or start), end=min(end, plan.end or end), leads=leads,
                    partners=sub.refs("partners", self.units),
                    channels=sub.refs("channels", self.channels), types=sub.refs("types", self.types),
                    units=sub.refs("units", self.units), topics=sub.refs("topics", self.topics), note=sub.text("note"),
                ))
        return result

    def count(self, sub: Fields) -> tuple[int | None, bool]:
        """A target's count: (a number, False), (None, True) for "không giới hạn", (None, False) when not given."""
        raw = sub.meta.get("count")
        if raw is None or str(raw).strip() == "":
            return None, False
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            return raw, False
        if lookup_key(str(raw)) in _UNLIMITED:
            return None, True
        if str(raw).strip().isdigit():
            return int(str(raw).strip()), False
        sub.error("count", f'số lượng "{raw}" không hợp lệ',
                  'viết một số (ví dụ 24) hoặc "không giới hạn"; bỏ trống nếu kế hoạch không nêu số')
        return None, False

    def keyword(self, f: Fields, key: str, table: dict[str, str], label: str, allowed: str) -> str:
        if not f.has(key):
            return ""
        value = table.get(lookup_key(str(f.meta[key])))
        if value is None:
            f.error(key, f'{label} "{f.meta[key]}" không hợp lệ', f"dùng một trong: {allowed}")
        return value or ""

    def keyword_list(self, f: Fields, key: str, table: dict[str, str], label: str, allowed: str) -> list[str]:
        result = []
        for value, line in f.items(key):
            if found := table.get(lookup_key(str(value))):
                result.append(found)
            else:
                self.problems.add(f.path, line, f'{label} "{value}" không hợp lệ', f"dùng một trong: {allowed}")
        return result
