"""Every mistake staff can make gets one Vietnamese line naming file and line, all at once."""

import unicodedata

from conftest import TINY_JPEG, messages


def only(problems, path_part):
    return [m for m in messages(problems) if path_part in m]


def test_a_valid_item_loads_with_no_problem(project):
    project.item("tin-hop-le")
    corpus, problems = project.load()
    assert messages(problems) == []
    (item,) = corpus.items
    assert item.url == "tin-tuc/tin-hop-le/" and item.unit == "hai-hau" and item.topics == ("thu-tuc-hanh-chinh",)


def test_yaml_syntax_error_names_the_line_and_the_fix(project):
    project.item("loi-yaml", title="Hải Hậu: hội nghị: CCHC")
    _, problems = project.load()
    (line,) = only(problems, "loi-yaml")
    assert line.startswith("docs/tin-tuc/loi-yaml.md:2: lỗi cú pháp YAML")
    assert "ngoặc kép" in line


def test_missing_title_and_date_are_both_reported(project):
    project.item("thieu", title=None, date=None)
    _, problems = project.load()
    found = only(problems, "thieu.md")
    assert any("thiếu tiêu đề (title)" in m for m in found)
    assert any("thiếu ngày đăng (date)" in m for m in found)


def test_a_control_character_pasted_into_front_matter_is_reported_not_crashed(project):
    project.item("ky-tu-la", summary="Tóm tắt \x07 lạ")
    _, problems = project.load()
    (line,) = messages(problems)
    assert line.startswith("docs/tin-tuc/ky-tu-la.md:7: có ký tự điều khiển không hợp lệ (mã 0x07)")


def test_a_date_in_another_form_is_rejected_with_the_accepted_forms(project):
    project.item("ngay-sai", date="15.03.2023")
    project.item("ngay-khong-ton-tai", date="31/02/2023")
    project.item("ngay-iso", date="2024-03-15")
    corpus, problems = project.load()
    (bad,) = only(problems, "ngay-sai")
    assert bad.startswith("docs/tin-tuc/ngay-sai.md:3:") and "15/03/2023" in bad
    assert "không tồn tại" in only(problems, "ngay-khong-ton-tai")[0]
    assert [i.slug for i in corpus.items] == ["ngay-iso"]


def test_unknown_topic_and_unit_suggest_the_closest_entry(project):
    project.item("sai-ma", front="topics:\n  - thu-tuc-hanh-chinh\n  - co che mot cuaa", unit="hai-hua", topics=None)
    _, problems = project.load()
    found = only(problems, "sai-ma")
    topic = next(m for m in found if "chủ đề" in m)
    unit = next(m for m in found if "đơn vị" in m)
    assert topic.startswith("docs/tin-tuc/sai-ma.md:8:") and '"mot-cua"' in topic
    assert unit.startswith("docs/tin-tuc/sai-ma.md:4:") and '"hai-hau"' in unit


def test_topics_may_be_written_as_names_with_or_without_diacritics(project):
    project.item("ten-chu-de", topics="[Cơ chế một cửa, dich vu cong truc tuyen, PAR INDEX]")
    corpus, problems = project.load()
    assert messages(problems) == []
    assert corpus.items[0].topics == ("mot-cua", "dich-vu-cong-truc-tuyen", "par-index")


def test_two_items_with_the_same_url_are_reported(project):
    project.item("2023/hoi-nghi-cchc")
    project.item("2024/hoi-nghi-cchc")
    corpus, problems = project.load()
    (dup,) = messages(problems)
    assert "docs/tin-tuc/2024/hoi-nghi-cchc.md:1" in dup and "/tin-tuc/hoi-nghi-cchc/" in dup
    assert "2023/hoi-nghi-cchc.md" in dup and "slug" in dup
    assert len(corpus.items) == 1


def test_a_file_not_in_utf8_names_the_old_vietnamese_encodings(project):
    text = "---\ntitle: Cải cách hành chính\ndate: 15/03/2024\nunit: hai-hau\ntopics: [mot-cua]\n---\n\nNội dung.\n"
    project.write("docs/tin-tuc/cp1258.md", unicodedata.normalize("NFD", text).encode("cp1258", errors="replace"))
    _, problems = project.load()
    (line,) = messages(problems)
    assert line.startswith("docs/tin-tuc/cp1258.md:2: tệp không phải mã UTF-8")
    assert "TCVN3" in line and "VNI" in line and "Windows-1258" in line


def test_bom_crlf_and_nfd_are_accepted_and_normalised(project):
    title = unicodedata.normalize("NFD", "Cải cách thủ tục hành chính")
    text = f"---\r\ntitle: {title}\r\ndate: 15/03/2024\r\nunit: hai-hau\r\ntopics: [mot-cua]\r\n---\r\n\r\nNội dung.\r\n"
    project.write("docs/tin-tuc/bom.md", b"\xef\xbb\xbf" + text.encode("utf-8"))
    corpus, problems = project.load()
    assert messages(problems) == []
    assert corpus.items[0].title == "Cải cách thủ tục hành chính"
    assert unicodedata.is_normalized("NFC", corpus.items[0].title)
    assert "\r" not in corpus.items[0].body


def test_missing_image_audio_and_attachment_files_are_errors(project):
    project.item("thieu-tep", image="anh/khong-co.jpg", image_alt="Ảnh", audio="media/khong-co.mp3",
                 type="van-ban", front="document:\n  number: 01/KH-UBND\n  issuer: UBND huyện Hải Hậu\n"
                                       "  issued: 05/01/2024\n  file: van-ban/khong-co.pdf")
    _, problems = project.load()
    found = only(problems, "thieu-tep")
    assert any(':7: không tìm thấy tệp ảnh "anh/khong-co.jpg"' in m for m in found)
    assert any(':9: không tìm thấy tệp âm thanh' in m for m in found)
    assert any(':14: không tìm thấy tệp văn bản' in m for m in found)


def test_an_image_needs_its_alt_text(project):
    project.write("docs/anh/a.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    project.item("khong-alt", image="anh/a.svg", body="Ảnh: ![](../anh/a.svg)")
    _, problems = project.load()
    found = only(problems, "khong-alt")
    assert any("image_alt" in m for m in found)
    assert any(":10: [cảnh báo] ảnh thiếu mô tả thay thế" in m for m in found)


def test_unsafe_html_is_reported_with_its_line(project):
    body = "Đoạn đầu.\n\n<script>alert(1)</script>\n\n<img src=x.png alt=a onerror=alert(1)>\n\n[bấm](javascript:alert(1))"
    project.item("html-doc", body=body)
    corpus, problems = project.load()
    found = only(problems, "html-doc")
    assert any(m.startswith("docs/tin-tuc/html-doc.md:11: [cảnh báo] mã HTML không an toàn (thẻ <script>)") for m in found)
    assert any(":13:" in m and "thuộc tính sự kiện" in m for m in found)
    assert any(":15:" in m and "javascript:" in m for m in found)
    assert len(corpus.items) == 1  # still published, sanitised


def test_sanitiser_removes_scripts_handlers_and_javascript_links_but_keeps_content():
    from cchc.content.safety import sanitize
    html = ('<p id="a" class="b">Chữ <a href="javascript:alert(1)">x</a></p><script>alert(1)</script>'
            '<img src="a.png" alt="ảnh" onerror="alert(1)"><table><tr><td>1</td></tr></table>')
    clean = sanitize(html)
    assert "script" not in clean and "onerror" not in clean and "javascript" not in clean
    assert 'id="a"' in clean and "<table>" in clean and 'alt="ảnh"' in clean and "Chữ" in clean


def test_unknown_field_is_a_warning_with_a_suggestion(project):
    project.item("tittle", front="sumary: Tóm tắt")
    _, problems = project.load()
    (line,) = messages(problems)
    assert '"sumary" không được dùng' in line and '"summary"' in line


def test_all_problems_of_all_files_are_reported_together(project):
    project.item("a", date="hôm qua")
    project.item("b", unit="khong-co")
    project.write("docs/tin-tuc/c.md", "Không có front matter\n")
    _, problems = project.load()
    paths = {p.path for p in problems.items}
    assert paths == {"docs/tin-tuc/a.md", "docs/tin-tuc/b.md", "docs/tin-tuc/c.md"}
    assert problems.report().startswith("Tìm thấy 3 lỗi")


def test_drafts_and_future_items_are_loaded_but_not_published(project):
    project.item("nhap", draft="true")
    project.item("tuong-lai", date="01/01/2030", unit="ha-tinh")
    project.item("da-dang")
    corpus, problems = project.load()
    assert messages(problems) == []
    assert {i.slug for i in corpus.items} == {"nhap", "tuong-lai", "da-dang"}
    assert [i.slug for i in corpus.published()] == ["da-dang"]


def test_the_staff_templates_load_without_problems(project):
    from conftest import ROOT
    project.write("docs/tin-tuc/2024/tu-mau.md", (ROOT / "mau/tin.md").read_text(encoding="utf-8"))
    project.write("docs/tin-tuc/2025/van-ban-tu-mau.md", (ROOT / "mau/van-ban.md").read_text(encoding="utf-8"))
    project.write("docs/van-ban/2025/ke-hoach-12-kh-ubnd.pdf", b"%PDF-1.4\n")
    project.write("docs/anh/2024/anh.jpg", TINY_JPEG)
    project.write("plans/hai-hau-2025.md", (ROOT / "mau/ke-hoach.md").read_text(encoding="utf-8"))
    corpus, problems = project.load()
    assert messages(problems) == []
    assert {i.slug for i in corpus.items} == {"tu-mau", "van-ban-tu-mau"}
    plan = corpus.plans["hai-hau-2025"]
    assert plan.targets[0].count == 12 and plan.targets[0].cadence == "hang-thang"
    assert corpus.items[0].document.number == "12/KH-UBND"


def test_the_search_thesaurus_is_checked_like_the_other_vocabularies(project):
    project.write("plans/tu-dong-nghia.yml", "- [trực tuyến, qua mạng]\n- [sổ đỏ]\n- [online, Qua mạng]\n- chữ\n"
                  "- [bộ phận một cửa, bộ phận tiếp nhận và trả kết quả]\n")
    corpus, problems = project.load()
    said = [m for m in messages(problems) if "tu-dong-nghia.yml" in m]
    assert any("tu-dong-nghia.yml:2" in m and "ít nhất hai cụm từ" in m for m in said), said
    assert any("tu-dong-nghia.yml:3" in m and '"Qua mạng" đã có trong nhóm ở dòng 1' in m for m in said), said
    assert any("tu-dong-nghia.yml:4" in m for m in said), said
    assert corpus.synonyms == [["trực tuyến", "qua mạng"], ["bộ phận một cửa", "bộ phận tiếp nhận và trả kết quả"]]
    project.write("plans/tu-dong-nghia.yml", "trực tuyến: qua mạng\n")
    _, problems = project.load()
    assert any("tu-dong-nghia.yml:1" in m and "danh sách các nhóm" in m for m in messages(problems)), messages(problems)
