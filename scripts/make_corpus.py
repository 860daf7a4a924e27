"""Write a reproducible synthetic corpus of N Vietnamese news items next to the real plans.

    python scripts/make_corpus.py 5000 /tmp/corpus-5000
    python scripts/make_corpus.py 20000 /tmp/tinh --xa 124     # + Vĩnh Long's 124 communes, two plans each

With --xa N, the first N of Vĩnh Long's 124 real communes and wards since 01/07/2025 (scripts/data/vinh-long-2025.tsv,
Nghị quyết 1687/NQ-UBTVQH15; synthetic "Xã mẫu NNN" beyond 124) each get a plan for the rest of 2025 and one for 2026 —
varied contents, targets, channels, cadences, some with none — and a fifth of the items, so the province's view
(/tien-do/, `cchc check --tong-hop`) can be measured at scale.

The output folder is a complete project (mkdocs.yml, overrides/, plans/, docs/) whose items are
seeded-random (~650 words each), spread over the real units, topics, types, channels and years,
some with audio and images, so builds, feeds, search and the checker can be measured at scale.
"""

from __future__ import annotations

import random
from datetime import date
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cchc.content.lifetime import refusal  # noqa: E402
from cchc.content.loader import load_corpus  # noqa: E402
from cchc.content.text import slugify  # noqa: E402

OPENINGS = [
    "Thực hiện kế hoạch thông tin, tuyên truyền cải cách hành chính năm {year}, {unit} đã triển khai nhiều hoạt động thiết thực về {topic}.",
    "Sáng nay, {unit} tổ chức hội nghị chuyên đề về {topic}, thu hút đông đảo cán bộ, công chức và người dân tham dự.",
    "Trong tháng {month}, {unit} tiếp tục đẩy mạnh công tác {topic}, gắn với nhiệm vụ cải cách hành chính trọng tâm của năm {year}.",
]
SENTENCES = [
    "Bộ phận tiếp nhận và trả kết quả đã giải quyết đúng hạn phần lớn hồ sơ, không để tồn đọng kéo dài.",
    "Người dân được hướng dẫn tận tình khi nộp hồ sơ trực tuyến trên Cổng dịch vụ công của tỉnh.",
    "Lãnh đạo đơn vị yêu cầu cán bộ, công chức nâng cao tinh thần trách nhiệm, thái độ phục vụ nhân dân.",
    "Kết quả khảo sát cho thấy mức độ hài lòng của người dân, doanh nghiệp tăng rõ rệt so với cùng kỳ.",
    "Các thủ tục hành chính được niêm yết công khai, minh bạch tại trụ sở và trên trang thông tin điện tử.",
    "Đơn vị đã rà soát, đề xuất cắt giảm thành phần hồ sơ và rút ngắn thời gian giải quyết nhiều thủ tục.",
    "Hệ thống loa truyền thanh cơ sở phát chuyên mục cải cách hành chính vào các buổi chiều trong tuần.",
    "Ứng dụng công nghệ thông tin giúp việc xử lý văn bản, điều hành công việc nhanh chóng, tiết kiệm chi phí.",
    "Những vướng mắc, kiến nghị của người dân được ghi nhận và chuyển đến cơ quan có thẩm quyền trả lời.",
    "Công tác kiểm tra công vụ được duy trì thường xuyên, kịp thời chấn chỉnh những biểu hiện chưa đúng mực.",
    "Nhiều mô hình hay, cách làm sáng tạo ở cơ sở đã được biểu dương và nhân rộng trong toàn địa bàn.",
    "Việc số hóa kết quả giải quyết thủ tục giúp người dân không phải nộp lại giấy tờ đã có trong hệ thống.",
    "Đoàn viên thanh niên tình nguyện hỗ trợ người cao tuổi cài đặt, sử dụng tài khoản định danh điện tử.",
    "Đơn vị phối hợp với Mặt trận Tổ quốc và các đoàn thể giám sát việc thực hiện cải cách hành chính.",
    "Các chỉ số PAR INDEX, SIPAS, PAPI và PCI được phân tích để tìm giải pháp cải thiện trong thời gian tới.",
    "Doanh nghiệp đánh giá cao việc rút ngắn thời gian thẩm định hồ sơ đầu tư, đất đai.",
]
CLOSINGS = [
    "Thời gian tới, {unit} sẽ tiếp tục đổi mới hình thức tuyên truyền để cải cách hành chính thực sự đi vào đời sống.",
    "Những kết quả trên góp phần xây dựng nền hành chính phục vụ, lấy sự hài lòng của người dân làm thước đo.",
]
AUDIO = ["media/2021/chuyen-muc-cchc-thang-3.mp3", "media/2023/hai-hau-phat-thanh-dich-vu-cong.mp3"]
IMAGES = [("anh/2021/mot-cua-son-kim.svg", "Quầy tiếp nhận hồ sơ (ảnh minh họa)"),
          ("anh/2024/trung-tam-hcc-ninh-thuan.svg", "Khu vực tiếp nhận hồ sơ (ảnh minh họa)")]
WORDS_PER_ITEM = 650


def paragraph(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(rng.choice(SENTENCES))
    return " ".join(out)


COMMUNE_TOPICS = [["mot-cua"], ["dich-vu-cong-truc-tuyen"], ["thu-tuc-hanh-chinh"], ["sap-xep-don-vi-hanh-chinh"],
                  ["chuyen-doi-so"], ["van-ban-chi-dao"]]


BASIS = "Nghị quyết 1687/NQ-UBTVQH15 năm 2025 về sắp xếp đơn vị hành chính cấp xã của tỉnh Vĩnh Long"
PLAN_YEARS = {2025: ("01/07/2025", "10/07/2025"), 2026: ("01/01/2026", "10/01/2026")}  # start, issued


def province_units(communes: int) -> list[tuple[str, str]]:
    """(slug, name) of Vĩnh Long's real communes and wards (scripts/data/vinh-long-2025.tsv, 124), the first
    `communes` of them; beyond 124, synthetic ones named "Xã mẫu NNN"."""
    names = [line.split("\t")[1] for line in (ROOT / "scripts" / "data" / "vinh-long-2025.tsv").read_text(
        encoding="utf-8").splitlines() if line and not line.startswith("#")]
    names += [f"Xã mẫu {k:03d}" for k in range(1, communes - len(names) + 1)]
    return [(slugify(name), name) for name in names[:communes]]


def commune_plans(out: Path, communes: int, rng: random.Random, known: dict) -> list[tuple[str, str]]:
    """Vĩnh Long's communes and wards (from 01/07/2025) in plans/don-vi.yml, each with a plan for the rest of 2025
    and one for 2026: varied contents, channels, targets and cadences, one in five without a target."""
    units = province_units(communes)
    with (out / "plans" / "don-vi.yml").open("a", encoding="utf-8") as vocabulary:
        vocabulary.write("\n# Xã, phường của tỉnh Vĩnh Long từ 01/7/2025 (scripts/make_corpus.py --xa; danh sách: "
                         "scripts/data/vinh-long-2025.tsv)\n")
        for slug, name in units:
            if slug not in known:  # a unit the sample already has (xã Long Hồ) is kept as it is
                vocabulary.write(f"{slug}:\n  name: {name}\n  kind: xa\n  parent: vinh-long\n  from: 01/07/2025\n"
                                 f"  body: Ủy ban nhân dân {name[0].lower()}{name[1:]}\n  place: {name}\n"
                                 + (f"  basis: {BASIS}\n" if not name.startswith("Xã mẫu") else ""))
    for slug, name in units:
        for year, (start, issued) in PLAN_YEARS.items():
            content = rng.sample(COMMUNE_TOPICS, rng.randint(1, 4))
            lines = ["---", f"id: {slug}-{year}",
                     f"title: Kế hoạch tuyên truyền cải cách hành chính năm {year} của {name[0].lower()}{name[1:]}",
                     f"issuer: {slug}", "level: xa", f"issued: {issued}", "period:", f"  start: {start}",
                     f"  end: 31/12/{year}", "content:"]
            lines += [f"  - ref: II.{j}\n    text: Tuyên truyền về {', '.join(t)}.\n    topics: [{', '.join(t)}]"
                      for j, t in enumerate(content, 1)]
            lines.append(f"channels: [{rng.choice(['cong-thong-tin', 'truyen-thanh-co-so', 'cong-thong-tin, truyen-thanh-co-so'])}]")
            if rng.randrange(5):  # one in five sets no target
                count, cadence = rng.choice([(12, "hằng tháng"), (4, "hằng quý"), (24, "hằng tháng"), (6, "cả năm")])
                count = count // 2 if year == 2025 else count  # half a year
                lines += ["targets:", "  - ref: PL.1", "    product: Tin, bài về cải cách hành chính trên trang của xã",
                          f"    count: {count}", f"    cadence: {cadence}", f"    lead: {slug}"]
            (out / "plans" / f"{slug}-{year}.md").write_text("\n".join(lines) + "\n---\n\nKế hoạch mẫu để đo.\n",
                                                              encoding="utf-8")
    return units


def write_corpus(n: int, out: Path, seed: int = 2024, communes: int = 0) -> Path:
    """A fresh project in `out` with n generated items and nothing else under docs/tin-tuc/ (and `communes`
    synthetic communes with a plan each, which get about a fifth of the items, dated 2026)."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", out / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", out / "overrides")
    shutil.copytree(ROOT / "plans", out / "plans")
    docs = out / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("tin-tuc"))
    corpus, _ = load_corpus(ROOT)
    units = [u for u in corpus.units.values() if u.kind != "nhom"]
    villages = commune_plans(out, communes, rng, corpus.units) if communes else []  # (slug, name)
    topics = list(corpus.topics.values())
    types = ["tin", "tin", "tin", "bai", "bai", "phong-su", "hoi-dap", "chuyen-muc"]
    channels = ["cong-thong-tin", "cong-thong-tin", "bao-dien-tu", "bao-in", "phat-thanh", "truyen-thanh-co-so"]
    for i in range(n):
        year = 2016 + i % 10
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        day_of = date(year, month, day)  # the 2025 reorganisation holds: the unit and the units above it existed
        if villages and i % 5 == 0 and (month < 7 or rng.random() < 0.7):  # some communes fall silent mid-year
            year = rng.choice([2025, 2026, 2026])
            month = month if year == 2026 else 7 + month % 6  # communes exist from 01/07/2025
            day_of = date(year, month, day)
            slug, name = rng.choice(villages[: max(1, len(villages) * 4 // 5)])
            unit = SimpleNamespace(slug=slug, name=name)
        else:
            unit = rng.choice([u for u in units if refusal(u, day_of, corpus.units, "bài") is None])
        chosen = rng.sample(topics, rng.randint(1, 3))
        ctx = {"unit": unit.name, "topic": chosen[0].name.lower(), "year": year, "month": month}
        body = [rng.choice(OPENINGS).format(**ctx)]
        # an item with a station's recording (25–30 s) is a short one: a long text would make it far too short to air
        body += [paragraph(rng, 100) for _ in range(2 if i % 25 == 0 else WORDS_PER_ITEM // 100)]
        body.append(rng.choice(CLOSINGS).format(**ctx))
        lines = [
            "---",
            f'title: "{unit.name}: {chosen[0].name} (bài số {i + 1})"',
            f"date: {day:02d}/{month:02d}/{year} {rng.randint(6, 20):02d}:{rng.choice(['00', '15', '30', '45'])}",
            f"topics: [{', '.join(t.slug for t in chosen)}]",
            f"unit: {unit.slug}",
            f"type: {rng.choice(types)}",
            f"channel: {rng.choice(channels)}",
        ]
        if i % 25 == 0:
            lines.append(f"audio: {rng.choice(AUDIO)}")
        if i % 10 == 0:
            image, alt = rng.choice(IMAGES)
            lines += [f"image: {image}", f"image_alt: {alt}"]
        lines.append("---")
        target = docs / "tin-tuc" / str(year) / f"bai-mau-{i + 1:05d}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    return out


def main(argv: list[str]) -> int:
    communes = 0
    if len(argv) == 4 and argv[2] == "--xa" and argv[3].isdigit():
        communes, argv = int(argv[3]), argv[:2]
    if len(argv) != 2 or not argv[0].isdigit():
        print("Cách dùng: python scripts/make_corpus.py SỐ_BÀI THƯ_MỤC_ĐÍCH [--xa SỐ_XÃ]", file=sys.stderr)
        return 2
    write_corpus(int(argv[0]), Path(argv[1]), communes=communes)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
