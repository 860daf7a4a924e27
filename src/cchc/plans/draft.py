"""A plan file drafted from the plan's own text: front matter recognised from its words, with a `# TODO`
comment wherever a value could not be recognised, then the full text as Markdown.

What is recognised: the number and date line ("Số: 105/KH-UBND", "Bến Tre, ngày 30 tháng 12 năm 2020"),
the title (the line after "KẾ HOẠCH"), the issuer and level ("Ủy ban nhân dân huyện Hải Hậu", against
plans/don-vi.yml), the period (the title's year), the documents it is based on ("Căn cứ…", "Thực hiện…"),
aims (section "MỤC ĐÍCH"), mandated content items (the numbered points of section "NỘI DUNG", topics
found by the vocabulary's names and aliases), channels (section "HÌNH THỨC"), tasks per unit (sections
"NHIỆM VỤ", "TỔ CHỨC THỰC HIỆN"), targets (appendix tables with a product column), reporting periods,
signer and recipients. Units are resolved with the plan's own province and issuer first.
"""

from __future__ import annotations

import re
from datetime import date

from ..content.corpus import Corpus
from ..content.dates import parse_bound
from ..content.text import fold, slugify
from ..content.vocab import Vocabulary
from .assignments import targets, tasks
from .frontmatter import Draft, q
from .header import day_of, head_of, issuer_of, proper_names
from .outline import Node, descendants, outline, sections, to_markdown
from .source import Block

_DOC = re.compile(r"(Quyết định|Kế hoạch|Nghị quyết|Chỉ thị|Công văn|Thông tư|Nghị định|Chương trình|Hướng dẫn)\s+(?:số\s+)?"
                  r"(\d+[\w./-]*/[\w./-]*\w)(?:\s+ngày\s+(\d{1,2})(?:/|\s+tháng\s+)(\d{1,2})(?:/|\s+năm\s+)(\d{4}))?")


def draft_plan(blocks: list[Block], corpus: Corpus, source_name: str, plan_id: str | None = None) -> Draft:
    nodes = outline(blocks)
    paras = [n for n in nodes if n.block.kind == "para"]
    names = proper_names(corpus)
    head = head_of(paras, names)
    d = Draft(body=to_markdown(nodes))
    units: Vocabulary = corpus.units  # type: ignore[assignment]
    issuer, level, issuer_words = issuer_of(paras, head, units, names)
    year = head.get("year")
    d.plan_id = plan_id or slugify(f"{issuer or head.get('place') or 'ke-hoach'}-{year or ''}")
    d.add(f"# Bản nháp do `cchc nhap-ke-hoach` tạo từ tệp {source_name}. Đối chiếu với văn bản gốc; làm hết các dòng")
    d.add("# có \"TODO\" rồi xóa chữ TODO đi. `cchc validate` liệt kê những gì còn thiếu.")
    d.add(f"id: {d.plan_id}")
    if head.get("number"):
        d.add(f"number: {q(head['number'])}")
    else:
        if head.get("number_line"):
            d.add(f'number: ""  # văn bản gốc ghi "{head["number_line"]}" (chưa có số)')
        else:
            d.todo('number: ""', 'không thấy dòng "Số: …" trong văn bản gốc: ghi số hiệu nếu văn bản có, để trống nếu không')
    if head.get("title"):
        d.add(f"title: {q(head['title'])}")
    else:
        d.todo("title: \"\"", "không tìm thấy tên kế hoạch (dòng sau chữ KẾ HOẠCH)")
    if issuer:
        d.add(f"issuer: {issuer}")
    else:
        d.todo('issuer: ""', f'không tìm thấy "{issuer_words or "cơ quan ban hành"}" trong plans/don-vi.yml: thêm đơn vị đó '
               "vào danh mục rồi ghi mã của nó ở đây")
    if level:
        d.add(f"level: {level}")
    if head.get("issued"):
        d.add(f"issued: {head['issued']:%d/%m/%Y}")
    else:
        if head.get("date_line"):
            d.add(f'issued: ""  # văn bản gốc ghi "{head["date_line"]}" (chưa đủ ngày, tháng)')
        else:
            d.todo('issued: ""', 'không thấy dòng "…, ngày … tháng … năm …" trong văn bản gốc: ghi ngày ban hành nếu có')
    if year:
        start, end, why = _period(year, blocks)
        d.add("period:" + (f"  # {why}" if why else ""))
        d.add(f"  start: {start:%d/%m/%Y}")
        d.add(f"  end: {end:%d/%m/%Y}")
    else:
        d.add("period:")
        d.todo('  start: ""', "không thấy năm của kế hoạch: ghi ngày bắt đầu thực hiện")
        d.todo('  end: ""', "ghi ngày kết thúc thực hiện")
    near = corpus.near_units(issuer)
    _list(d, "purposes", [n.text for n in _section_leaves(nodes, ("MỤC ĐÍCH", "MỤC TIÊU"), bullets=True)])
    _based_on(d, paras)
    _content(d, nodes, corpus)
    channels = _channels(nodes, corpus)
    if channels:
        d.add(f"channels: [{', '.join(channels)}]")
    tasks(d, nodes, units, near, issuer, year)
    targets(d, blocks, corpus, near, issuer, year)
    if "targets:" not in d.lines and (row := _flat_table_header(paras)):
        d.add(f'# TODO: dòng "{row[:60]}" là đầu một bảng chỉ tiêu mà tệp (PDF) không giữ được dạng bảng: ghi các chỉ '
              "tiêu vào targets: theo mau/ke-hoach.md, hoặc nhập lại từ tệp .docx")
        d.todos.append("bảng chỉ tiêu trong tệp PDF")
    _reports(d, paras)
    _signature(d, paras)
    d.add(f"source: {q('Nhập từ tệp ' + source_name + ' bằng lệnh cchc nhap-ke-hoach')}")
    return d


def _flat_table_header(paras: list[Node]) -> str:
    """A targets table's header row read as one line of text ("STT Nội dung Số lượng …"): what a PDF leaves of it."""
    return next((n.block.text for n in paras if re.match(r"^(stt|tt)\s", fold(n.block.text))
                 and re.search(r"so luong|san pham|chi tieu", fold(n.block.text)) and len(n.block.text) < 160), "")


def _period(year: int, blocks: list[Block]) -> tuple[date, date, str]:
    """The title's year, widened to the appendix's own dates when a task there starts or ends outside it."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    bounds = []
    for block in blocks:
        for row in block.rows if block.kind == "table" else []:
            for cell in row:
                if re.fullmatch(r"(Tháng|Quý)\s+[\dIVX]+/\d{4}", cell.strip(), re.I):
                    bounds.append((cell.strip(), parse_bound(cell, end=False), parse_bound(cell, end=True)))
    early = [b for b in bounds if b[1] < start]
    late = [b for b in bounds if b[2] > end]
    why = []
    if early:
        start = min(b[1] for b in early)
        why.append(f"phụ lục có việc từ {early[0][0]}")
    if late:
        end = max(b[2] for b in late)
        why.append(f"phụ lục có việc đến {late[0][0]}")
    return start, end, f"kế hoạch năm {year}, nhưng " + ", ".join(why) if why else ""


def _section_leaves(nodes: list[Node], words: tuple[str, ...], bullets: bool = False) -> list[Node]:
    """Numbered points with no numbered points under them (with bullets: the bullets too) in the sections
    named by `words` — or in their first numbered child so named (I. MỤC ĐÍCH, YÊU CẦU > 1. Mục đích)."""
    result = []
    for section in sections(nodes, words) + [n for n in nodes if n.level == 2 and any(fold(w) in fold(n.text) for w in words)
                                              and not n.children == []]:
        for node in descendants(section):
            numbered_children = [c for c in node.children if c.level in (2, 3, 4)]
            if node.level in (2, 3, 4) and not numbered_children and not (bullets and node.children):
                result.append(node)
            elif bullets and node.level in (5, 6):
                result.append(node)
        if result:
            break
    return result


def _list(d: Draft, key: str, values: list[str]) -> None:
    if values:
        d.add(f"{key}:")
        for value in values:
            d.add(f"  - {q(value)}")


def _based_on(d: Draft, paras: list[Node]) -> None:
    docs = []
    for n in paras:
        if n.level == 1:
            break
        if re.match(r"^(Căn cứ|Thực hiện)", n.block.text):
            for clause in re.split(r";\s*", n.block.text):
                found = list(_DOC.finditer(clause))
                for k, m in enumerate(found):  # "Quyết định số … và Kế hoạch số …": every document, each whole
                    single = len(found) == 1
                    text = clause if single else clause[m.start(): found[k + 1].start() if k + 1 < len(found) else None]
                    text = re.sub(r"^(Căn cứ|Thực hiện)\s+", "", text.strip()).strip().rstrip(".,;")
                    text = re.sub(r"\s+(và|,)$", "", text).strip()
                    text = text[0].upper() + text[1:]
                    day = day_of(m.group(3), m.group(4), m.group(5)) if m.group(3) else None
                    docs.append((text[:300], m.group(2), day))
    if docs:
        d.add("based_on:")
        for text, number, day in docs:
            d.add(f"  - text: {q(text)}")
            d.add(f"    number: {q(number)}")
            if day:
                d.add(f"    date: {day:%d/%m/%Y}")


def _content(d: Draft, nodes: list[Node], corpus: Corpus) -> None:
    section = next(iter(sections(nodes, ("NỘI DUNG",))), None)
    if section is None:
        d.add("# TODO: không thấy phần NỘI DUNG TUYÊN TRUYỀN; ghi các nội dung bắt buộc vào content: (xem mau/ke-hoach.md)")
        d.todos.append("nội dung tuyên truyền")
        return
    items = []
    for node in descendants(section):
        if node.level not in (2, 3, 4) or any(c.level in (2, 3, 4) for c in node.children):
            continue
        if any(w in fold(node.text) for w in ("hinh thuc", "phuong tien")) and node.level == 2 and node.children:
            continue
        ancestors_text = fold(" ".join(a.text for a in _path(section, node)[1:-1]))
        if "hinh thuc" in ancestors_text and "noi dung" not in ancestors_text:
            continue
        bullets = [c for c in node.children if c.level in (5, 6)]
        if (node.text.endswith(":") or node.heading) and len(bullets) >= 2:  # "c) … các nội dung cơ bản:", one bullet per item
            items += _bullet_items(node.ref, bullets, corpus)
            continue
        text = node.text
        items.append((node.ref, text, _topics(text + " " + " ".join(c.text for c in bullets), corpus)))
    if not items:
        return
    d.add("content:")
    for ref, text, topics in items:
        d.add(f"  - ref: {q(ref)}")
        d.add(f"    text: {q(text)}")
        if topics:
            d.add(f"    topics: [{', '.join(topics)}]")
        else:
            d.add(f"    # TODO: chưa nhận ra chủ đề trong \"{text[:70]}…\": thêm dòng topics: [mã chủ đề] (plans/chu-de.yml)")
            d.todos.append(f"chủ đề của nội dung {ref}")


def _bullet_items(ref: str, bullets: list[Node], corpus: Corpus) -> list[tuple[str, str, list[str]]]:
    """Bullets of a point as content items II.1.c.1, II.1.c.2…; "+" bullets under a "-" bullet ending in ":"
    as II.1.4.1, II.1.4.2…"""
    items, i = [], 0
    if not any(b.level == 5 for b in bullets):  # "+" bullets with no "-" above them are the first level
        bullets = [Node(b.block, "-", b.label, b.text, 5, b.ref, b.children) for b in bullets]
    for n, bullet in enumerate(bullets):
        if bullet.level == 6 and i:
            continue
        i += 1
        subs = []
        for following in bullets[n + 1:]:
            if following.level != 6:
                break
            subs.append(following)
        if subs and bullet.text.endswith(":"):
            items += [(f"{ref}.{i}.{j}", s.text, _topics(s.text, corpus)) for j, s in enumerate(subs, 1)]
        else:
            text = " ".join([bullet.text, *(s.text for s in subs)])
            items.append((f"{ref}.{i}", bullet.text, _topics(text, corpus)))
    return items


def _path(root: Node, target: Node) -> list[Node]:
    """The nodes from root down to target."""
    if root is target:
        return [root]
    for child in root.children:
        if found := _path(child, target):
            return [root, *found]
    return []


def _matches(text: str, vocab: Vocabulary) -> list[str]:
    """Slugs whose name, slug or alias appears in the text as whole words, most specific first."""
    haystack = "-" + slugify(text) + "-"
    found = [slug for key, slug in vocab.names.items() if len(key) > 2 and f"-{key}-" in haystack]
    return list(dict.fromkeys(found))


def _topics(text: str, corpus: Corpus) -> list[str]:
    found = _matches(text, corpus.topics)  # type: ignore[arg-type]
    # a topic found together with one of its sub-topics is too broad: keep the sub-topic
    specific = [t for t in found if not any(t != o and t in corpus.topic_ancestors(o) for o in found)]
    return specific[:4]


# outlets a plan names, and the channel each one is: "Báo Đồng Khởi" is a newspaper, "Đài Phát thanh và Truyền
# hình tỉnh" radio and television, "Đài Truyền thanh xã" the loudspeakers
_OUTLETS = [(re.compile(r"\bBáo\s+(?:[A-ZĐ]|điện tử)"), "bao-in"), (re.compile(r"\bbáo điện tử", re.I), "bao-dien-tu"),
            (re.compile(r"Đài Phát thanh|Đài PTTH|Đài PT-TH", re.I), "phat-thanh"),
            (re.compile(r"Truyền hình|Đài PTTH|Đài PT-TH", re.I), "truyen-hinh"),
            (re.compile(r"Đài Truyền thanh|Trung tâm Văn hóa[ -–]+Truyền thanh|loa truyền thanh", re.I), "truyen-thanh-co-so")]


def _channels(nodes: list[Node], corpus: Corpus) -> list[str]:
    named = sections(nodes, ("HÌNH THỨC", "PHƯƠNG TIỆN")) or nodes
    text = " ".join(n.block.text for s in named for n in [s, *descendants(s)] if n.block.kind == "para")
    everything = " ".join(n.block.text for n in nodes if n.block.kind == "para")
    found = _matches(text, corpus.channels)  # type: ignore[arg-type]
    found += [slug for pattern, slug in _OUTLETS if slug in corpus.channels and pattern.search(everything)]
    return list(dict.fromkeys(found))


def _reports(d: Draft, paras: list[Node]) -> None:
    found = []
    for n in paras:
        text = fold(n.block.text)
        if "bao cao" not in text:
            continue
        for period, pattern in (("q1", r"quy i\b"), ("6m", r"\b0?6 thang|sau thang"), ("9m", r"\b0?9 thang"),
                                ("year", r"\bnam\)|, nam\b|cuoi nam|hang nam")):
            if re.search(pattern, text) and period not in found:
                found.append(period)
    if found:
        order = ["q1", "6m", "9m", "year"]
        d.add(f"reports: [{', '.join(sorted(found, key=order.index))}]")


def _signature(d: Draft, paras: list[Node]) -> None:
    texts = [n.block.text for n in paras]
    start = next((i for i, t in enumerate(texts) if fold(t).startswith("noi nhan")), None)
    if start is None:
        return
    recipients, i = [], start + 1
    while i < len(texts) and paras[i].level in (5, 6):
        recipients.append(paras[i].text.rstrip(";.,"))
        i += 1
    titles, signer = [], ""
    for t in texts[i:i + 8]:
        if re.match(r"^(TM\.|KT\.|Q\.|CHỦ TỊCH|PHÓ CHỦ TỊCH)", t):
            titles.append(t)
        elif titles and re.fullmatch(r"(?:[A-ZĐ][\wÀ-ỹ]+\s){1,4}[A-ZĐ][\wÀ-ỹ]+", t):
            signer = t
            break
    if not signer:  # the name can sit before "Nơi nhận:" (a two-column layout read left to right)
        for t in texts[max(0, start - 6):start]:
            if re.fullmatch(r"(?:[A-ZĐ][\wÀ-ỹ]+\s){1,4}[A-ZĐ][\wÀ-ỹ]+", t) and not t.isupper():
                signer = t
    if signer:
        d.add(f"signer: {q(signer)}")
    titles = [t for t in titles if not t.startswith("TM.")]
    if titles:
        d.add(f"signer_title: {q(' – '.join(titles))}")
    _list(d, "recipients", recipients)
