"""The checker's results as a terminal table, JSON (stable schema "cchc-check/1") or Markdown."""

from __future__ import annotations

import json
import textwrap

from ..content.corpus import Corpus
from ..content.dates import format_date
from .check import STATUS_VI, PlanCheck

SCHEMA = "cchc-check/2"
_MARK = {"covered": "✔", "done": "✔", "on_track": "✔", "uncovered": "✘", "behind": "✘",
         "not_measured": "–", "not_started": "…", "counted": "•"}


def to_data(results: list[PlanCheck], corpus: Corpus) -> dict:
    """The JSON document; its keys are documented in README (section "cchc check")."""
    return {
        "schema": SCHEMA,
        "as_of": results[0].as_of.isoformat() if results else None,
        "ok": all(r.ok for r in results),
        "plans": [{
            "id": r.plan.id, "title": r.plan.title,
            "period": {"start": r.plan.start.isoformat(), "end": r.plan.end.isoformat()},
            "scope": r.plan.scope, "items_counted": len(r.items), "ok": r.ok,
            "content": [{
                "ref": c.mandated.ref, "text": c.mandated.text, "topics": list(c.mandated.topics),
                "status": c.status, "count": len(c.items),
                "latest": c.latest.isoformat() if c.latest else None,
                "items": ["/" + i.url for i in c.items],
            } for c in r.coverage],
            "targets": [{
                "ref": p.target.ref, "product": p.target.product, "count": p.target.count,
                "unlimited": p.target.unlimited, "cadence": p.target.cadence,
                "start": p.target.start.isoformat(), "end": p.target.end.isoformat(), "leads": list(p.target.leads),
                "done": p.done, "due": p.due, "status": p.status, "status_text": p.status_text,
                "empty_months": [f"{y}-{m:02d}" for y, m in p.empty_months],
                "items": ["/" + i.url for i in p.items],
            } for p in r.progress],
        } for r in results],
    }


def problems_json(problems) -> str:
    """The JSON document when nothing could be checked: the content's problems, each with file and line."""
    return json.dumps({"schema": SCHEMA, "ok": False, "plans": [], "problems": [
        {"path": p.path, "line": p.line, "level": p.level, "message": p.message, "hint": p.hint} for p in problems]},
        ensure_ascii=False, indent=2)


def to_json(results: list[PlanCheck], corpus: Corpus) -> str:
    return json.dumps(to_data(results, corpus), ensure_ascii=False, indent=2)


def quota(p) -> str:
    """A target's total as staff read it: a number, "không giới hạn", or "—" when the plan gives none."""
    if p.target.count is None:
        return "không giới hạn" if p.target.unlimited else "—"
    return str(p.target.count)


def to_markdown(results: list[PlanCheck], corpus: Corpus) -> str:
    out = []
    for r in results:
        out += [f"## {r.plan.title}", "",
                f"Tính đến {format_date(r.as_of)}; thời gian thực hiện {format_date(r.plan.start)} – {format_date(r.plan.end)}; "
                f"{len(r.items)} bài được tính.", "",
                "| Mục | Nội dung | Số bài | Bài gần nhất | Tình trạng |", "|---|---|---|---|---|"]
        for c in r.coverage:
            out.append(f"| {c.mandated.ref} | {cell(c.mandated.text)} | {len(c.items)} | {format_date(c.latest)} | "
                       f"{_MARK[c.status]} {STATUS_VI[c.status]} |")
        if r.progress:
            out += ["", "| Chỉ tiêu | Sản phẩm | Đã có | Phải có đến nay | Tổng | Chu kỳ | Tình trạng |",
                    "|---|---|---|---|---|---|---|"]
            for p in r.progress:
                missing = f" (tháng chưa có: {', '.join(f'{m:02d}/{y}' for y, m in p.empty_months)})" if p.empty_months else ""
                out.append(f"| {p.target.ref} | {cell(p.target.product)} | {p.done} | {'' if p.due is None else p.due} | "
                           f"{quota(p)} | {p.target.cadence_name} | {_MARK[p.status]} {p.status_text}{missing} |")
        out.append("")
    return "\n".join(out)


def to_table(results: list[PlanCheck], corpus: Corpus, width: int = 100) -> str:
    out = []
    for r in results:
        verdict = "ĐẠT" if r.ok else "CÓ MỤC CHƯA ĐẠT"
        out += ["=" * width, f"{r.plan.title}", f"Tính đến {format_date(r.as_of)} · {len(r.items)} bài · {verdict}", "-" * width,
                "NỘI DUNG BẮT BUỘC"]
        for c in r.coverage:
            line = f"  {_MARK[c.status]} {c.mandated.ref:<10} {STATUS_VI[c.status]:<12} {len(c.items):>3} bài  {format_date(c.latest):<10}  "
            out.append(line + textwrap.shorten(c.mandated.text, width - len(line), placeholder="…"))
        if r.progress:
            out.append("CHỈ TIÊU                  đã có / phải có / tổng")
            for p in r.progress:
                figures = f"{p.done:>3} / {'' if p.due is None else p.due:>3} / {quota(p):<14}"
                line = f"  {_MARK[p.status]} {p.target.ref:<8} {figures} {p.status_text:<22} "
                out.append(line + textwrap.shorten(p.target.product, max(10, width - len(line)), placeholder="…"))
                if p.empty_months:
                    out.append("      tháng chưa có bài: " + ", ".join(f"{m:02d}/{y}" for y, m in p.empty_months))
    return "\n".join(out)


def cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return " ".join(text.replace("|", "/").split())
