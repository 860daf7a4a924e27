"""Text for the ear (speech.py): every case as an announcer must read it, nothing left to decode."""

from __future__ import annotations

import re

import pytest

from cchc.radio.speech import number, speak

GLOSSARY = {"CCHC": "cải cách hành chính", "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "PCI": "đọc từng chữ",
            "MTTQ": "Mặt trận Tổ quốc", "PAR INDEX": "Chỉ số cải cách hành chính", "SIPAS": "Chỉ số hài lòng",
            "TT&TT": "Thông tin và Truyền thông", "DVCTT": "dịch vụ công trực tuyến"}

NUMBERS = [
    (0, "không"), (1, "một"), (4, "bốn"), (5, "năm"), (10, "mười"), (11, "mười một"), (14, "mười bốn"),
    (15, "mười lăm"), (20, "hai mươi"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (25, "hai mươi lăm"),
    (55, "năm mươi lăm"), (100, "một trăm"), (101, "một trăm linh một"), (105, "một trăm linh năm"),
    (110, "một trăm mười"), (115, "một trăm mười lăm"), (999, "chín trăm chín mươi chín"), (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"), (1010, "một nghìn không trăm mười"),
    (2024, "hai nghìn không trăm hai mươi tư"), (2025, "hai nghìn không trăm hai mươi lăm"),
    (10000, "mười nghìn"), (100000, "một trăm nghìn"), (1000000, "một triệu"),
    (12345678, "mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám"),
    (2000000000, "hai tỷ"),
]


@pytest.mark.parametrize("n, words", NUMBERS)
def test_numbers_are_read_the_way_the_issue_reads_them(n, words):
    assert number(n) == words


TEXTS = [
    # document codes: kind, number, issuer; the kind not said twice
    ("105/KH-UBND", "Kế hoạch số một trăm linh năm của Ủy ban nhân dân"),
    ("Kế hoạch 105/KH-UBND", "Kế hoạch số một trăm linh năm của Ủy ban nhân dân"),
    ("Kế hoạch số 105/KH-UBND", "Kế hoạch số một trăm linh năm của Ủy ban nhân dân"),
    ("theo Chỉ thị 56-CT/TU", "theo Chỉ thị số năm mươi sáu của Tỉnh ủy"),
    ("Quyết định 35/QĐ-BNV", "Quyết định số ba mươi lăm của Bộ Nội vụ"),
    ("Nghị quyết 76/NQ-CP", "Nghị quyết số bảy mươi sáu của Chính phủ"),
    ("Nghị quyết 202/2025/QH15", "Nghị quyết số hai trăm linh hai năm hai nghìn không trăm hai mươi lăm của Quốc hội khóa mười lăm"),
    ("Nghị định 30/2020/NĐ-CP", "Nghị định số ba mươi năm hai nghìn không trăm hai mươi của Chính phủ"),
    ("số 12/QC-SNV", "Quy chế số mười hai của Sở Nội vụ"),
    ("Quyết định 1291/QĐ-TTg", "Quyết định số một nghìn hai trăm chín mươi mốt của Thủ tướng Chính phủ"),
    ("Nghị quyết 1687/NQ-UBTVQH15", "Nghị quyết số một nghìn sáu trăm tám mươi bảy của Ủy ban Thường vụ Quốc hội khóa mười lăm"),
    ("Luật số 72/2025/QH15", "Luật số bảy mươi hai năm hai nghìn không trăm hai mươi lăm của Quốc hội khóa mười lăm"),
    ("KH-UBND (bản mẫu)", "Kế hoạch của Ủy ban nhân dân (bản mẫu)"),
    ("Báo cáo 88/BC-HĐND", "Báo cáo số tám mươi tám của Hội đồng nhân dân"),
    # dates and times
    ("15/10/2024", "ngày mười lăm tháng mười năm hai nghìn không trăm hai mươi tư"),
    ("ngày 15/10/2024", "ngày mười lăm tháng mười năm hai nghìn không trăm hai mươi tư"),
    ("Ngày 05/01/2021", "ngày năm tháng một năm hai nghìn không trăm hai mươi mốt"),
    ("ngày 14/4/2023", "ngày mười bốn tháng tư năm hai nghìn không trăm hai mươi ba"),
    ("ngày 2/9", "ngày hai tháng chín"),
    ("tháng 4/2024", "tháng tư năm hai nghìn không trăm hai mươi tư"),
    ("tháng 12/2020", "tháng mười hai năm hai nghìn không trăm hai mươi"),
    ("Quý II/2024", "Quý hai năm hai nghìn không trăm hai mươi tư"),
    ("quý IV", "quý bốn"),
    ("Quốc hội khóa XV", "Quốc hội khóa mười lăm"),
    ("giai đoạn 2021-2025", "giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm"),
    ("giai đoạn 2021 – 2030", "giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm ba mươi"),
    ("lúc 8h30", "lúc tám giờ ba mươi phút"),
    ("lúc 18h", "lúc mười tám giờ"),
    ("lúc 14:05", "lúc mười bốn giờ năm phút"),
    ("7 giờ 30 phút", "bảy giờ ba mươi phút"),
    ("năm 2024", "năm hai nghìn không trăm hai mươi tư"),
    # amounts
    ("99,6%", "chín mươi chín phẩy sáu phần trăm"),
    ("đạt 100%", "đạt một trăm phần trăm"),
    ("tăng 5 %", "tăng năm phần trăm"),
    ("giảm 0,5%", "giảm không phẩy năm phần trăm"),
    ("1.505 hồ sơ", "một nghìn năm trăm linh năm hồ sơ"),
    ("12.345.678 đồng", "mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám đồng"),
    ("3,25 tỷ đồng", "ba phẩy hai mươi lăm tỷ đồng"),
    ("1,05 điểm", "một phẩy không năm điểm"),
    ("223,21km2", "hai trăm hai mươi ba phẩy hai mươi mốt ki-lô-mét vuông"),
    ("10ha đất", "mười héc-ta đất"),
    ("có 3xã", "có ba xã"),
    ("gần 5.782 người", "gần năm nghìn bảy trăm tám mươi hai người"),
    # ordinals, phone numbers, articles
    ("đứng thứ 3 toàn quốc", "đứng thứ ba toàn quốc"),
    ("xếp thứ 1", "xếp thứ nhất"),
    ("thứ 4 trong khu vực", "thứ tư trong khu vực"),
    ("hạng 12", "hạng mười hai"),
    ("Điều 3: trách nhiệm", "Điều ba: trách nhiệm"),
    ("gọi 0200 000 000", "gọi không hai không không không không không không không không"),
    ("số 1022", "số một nghìn không trăm hai mươi hai"),
    # abbreviations: in full at every use
    ("CCHC là nhiệm vụ trọng tâm", "Cải cách hành chính là nhiệm vụ trọng tâm"),
    ("đẩy mạnh CCHC, CCHC", "đẩy mạnh cải cách hành chính, cải cách hành chính"),
    ("UBND xã họp. Chủ tịch UBND xã chủ trì", "Ủy ban nhân dân xã họp. Chủ tịch Ủy ban nhân dân xã chủ trì"),
    ("xếp hạng PCI", "xếp hạng pê xê i"),  # the glossary asks for its letters
    # the sample's own sentences: a document's issuer said once, codes as announcers read them, ranks
    ("Thực hiện Kế hoạch 156/KH-UBND của UBND tỉnh", "Thực hiện Kế hoạch số một trăm năm mươi sáu của Ủy ban nhân dân tỉnh"),
    ("Chỉ thị 56-CT/TU của Ban Thường vụ Tỉnh ủy", "Chỉ thị số năm mươi sáu của Ban Thường vụ Tỉnh ủy"),
    ("Quyết định 35/QĐ-BNV của Bộ trưởng Bộ Nội vụ", "Quyết định số ba mươi lăm của Bộ trưởng Bộ Nội vụ"),
    ("Kế hoạch số 105/KH-UBND ngày 30/12/2020 về", "Kế hoạch số một trăm linh năm của Ủy ban nhân dân ngày ba mươi tháng "
     "mười hai năm hai nghìn không trăm hai mươi về"),
    ("triển khai Đề án 06/CP, các Bộ phận", "triển khai Đề án không sáu của Chính phủ, các Bộ phận"),
    ("theo văn bản số 06/CP", "theo văn bản số không sáu của Chính phủ"),
    ("xếp thứ 20/63", "xếp thứ hai mươi trên sáu mươi ba"),
    ("đứng thứ 1/63 cả nước", "đứng thứ nhất trên sáu mươi ba cả nước"),
    ("đạt 45/63 tỉnh", "đạt bốn mươi lăm trên sáu mươi ba tỉnh"),
    ("có 54/54 xã hoàn thành", "có năm mươi tư trên năm mươi tư xã hoàn thành"),
    ("Chương 05", "Chương không năm"),
    ("PAR INDEX tăng 5 bậc", "Chỉ số cải cách hành chính tăng năm bậc"),
    ("chỉ số SIPAS năm 2024", "chỉ số hài lòng năm hai nghìn không trăm hai mươi tư"),  # never "chỉ số chỉ số"
    ("Ủy ban nhân dân (UBND) tỉnh", "Ủy ban nhân dân tỉnh"),  # said in full already: the brackets go
    ("Chỉ số cải cách hành chính (PAR INDEX) tăng", "Chỉ số cải cách hành chính tăng"),
    ("các chỉ số SIPAS, PAR INDEX", "các chỉ số hài lòng, Chỉ số cải cách hành chính"),
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("UBND và HĐND", "Ủy ban nhân dân và Hội đồng nhân dân"),
    ("MTTQ xã", "Mặt trận Tổ quốc xã"),
    # symbols nobody can read aloud
    ("cán bộ/công chức", "cán bộ, công chức"),
    ("Hỏi & đáp", "Hỏi và đáp"),
    ("**quan trọng**", "quan trọng"),
    ("• một cửa", "một cửa"),
    ("[xem thêm]", "xem thêm"),
    ("Tăng 4 + 5 bậc", "Tăng bốn cộng năm bậc"),
]


@pytest.mark.parametrize("text, said", TEXTS)
def test_a_text_is_read_with_nothing_left_to_decode(text, said):
    assert speak(text, GLOSSARY) == said


def test_there_are_at_least_60_cases_and_no_case_leaves_a_digit_or_symbol():
    assert len(NUMBERS) + len(TEXTS) >= 60
    for text, _ in TEXTS:
        out = speak(text, GLOSSARY)
        assert not re.search(r"[0-9%&/*#\[\]•+]", out), (text, out)


def test_every_use_of_an_abbreviation_is_said_in_full_in_every_part():
    from cchc.radio.script import radio_text

    said = radio_text("CCHC năm 2024.", "<p>Đẩy mạnh CCHC.</p><ul><li>UBND xã và UBND huyện</li></ul>", GLOSSARY)
    assert said == ["Cải cách hành chính năm hai nghìn không trăm hai mươi tư.", "Đẩy mạnh cải cách hành chính.",
                    "Ủy ban nhân dân xã và Ủy ban nhân dân huyện"]
    assert not any(re.search(r"\b(CCHC|UBND)\b", p) for p in said)


def test_the_projects_glossary_spells_out_every_index_the_plans_name():
    from pathlib import Path

    from cchc.content.problems import Problems
    from cchc.content.vocab import load_glossary

    root = Path(__file__).resolve().parents[1]
    glossary = load_glossary(root / "plans", root, Problems())
    for index in ("PAR INDEX", "SIPAS", "PAPI", "PCI", "DDCI", "DTI"):
        assert glossary[index].startswith("Chỉ số"), index
    said = speak("Nâng cao Chỉ số PAPI, PCI và DTI của tỉnh", glossary)
    assert said == ("Nâng cao Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh, Chỉ số năng lực cạnh tranh "
                    "cấp tỉnh và Chỉ số chuyển đổi số của tỉnh")


def test_a_number_too_long_for_words_is_read_digit_by_digit():
    """A 19-digit serial in a title (seen in a benchmark) once stopped the build; the largest named group still reads."""
    assert number(1795534114583274925) == "một bảy chín năm năm ba bốn một một bốn năm tám ba hai bảy bốn chín hai năm"
    assert number(999_999_999_999_999_999).startswith("chín trăm chín mươi chín triệu tỷ")
    assert "bảy chín năm" in speak("Đã sửa lần 0 1795534114583274925", {})
