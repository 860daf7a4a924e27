"""Write the small media files the sample content refers to: station recordings, one-page PDFs, SVGs.

Run once: `.venv/bin/python scripts/make_sample_media.py`. Files are small and committed; nothing is downloaded.
The "station recordings" are the items' own text read with our voice (espeak-ng, as the automatic readings),
marked as such in their tags: real speech, so the build's checks of recordings (not silent, long enough) hold.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"

RECORDED = "Bản ghi âm mẫu: bài đọc bằng giọng máy espeak-ng của Chuyên mục CCHC, không phải bản ghi của đài"


def spoken_mp3(item_file: Path) -> bytes:
    """The item's title and body read aloud by our voice, as one MP3 tagged as a sample."""
    import tempfile

    import markdown

    sys.path.insert(0, str(DOCS.parent / "src"))
    from cchc.content.model import VoiceSettings
    from cchc.content.problems import Problems
    from cchc.content.source import read_document
    from cchc.content.vocab import load_glossary
    from cchc.radio.script import plain_paragraphs, sentence
    from cchc.radio.speech import speak
    from cchc.radio.voice import Readings, Tags, write_mp3

    doc = read_document(item_file, item_file.name, Problems())
    glossary = load_glossary(DOCS.parent / "plans", DOCS.parent, Problems())
    title = str(doc.meta["title"])
    parts = [title, *plain_paragraphs(markdown.markdown(doc.body))]
    script = "\n\n".join(sentence(speak(p, glossary)) for p in parts)
    with tempfile.TemporaryDirectory() as tmp:
        readings = Readings(VoiceSettings(), Path(tmp))
        key = readings.request(script)
        frames = readings.frames(key)
        readings.close()
        write_mp3(Path(tmp) / "out.mp3", [(title, frames)], Tags(title, "Chuyên mục CCHC (mẫu)", "Bản ghi âm mẫu", RECORDED))
        return (Path(tmp) / "out.mp3").read_bytes()


def one_page_pdf(lines: list[str]) -> bytes:
    """A valid one-page A4 PDF with ASCII text lines (a stand-in for a scanned document)."""
    text = "BT /F1 14 Tf 72 770 Td 18 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode("ascii")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)


def illustration(label: str, colour: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360" role="img">'
            f'<rect width="640" height="360" fill="{colour}"/><rect x="40" y="220" width="560" height="90" rx="8" fill="#fff" opacity=".85"/>'
            f'<circle cx="140" cy="120" r="60" fill="#fff" opacity=".5"/><rect x="240" y="80" width="340" height="24" rx="6" fill="#fff" opacity=".6"/>'
            f'<rect x="240" y="124" width="260" height="24" rx="6" fill="#fff" opacity=".6"/>'
            f'<text x="320" y="275" font-family="sans-serif" font-size="26" text-anchor="middle" fill="#222">{label}</text></svg>\n')


AUDIO = {"media/2021/chuyen-muc-cchc-thang-3.mp3": "tin-tuc/2021/dai-ptth-chuyen-muc-cchc-thang-3.md",
         "media/2021/chuyen-muc-cchc-thang-6.mp3": "tin-tuc/2021/dai-ptth-chuyen-muc-cchc-thang-6.md",
         "media/2023/hai-hau-phat-thanh-dich-vu-cong.mp3": "tin-tuc/2023/phat-thanh-hai-hau-dich-vu-cong-muc-do-4.md",
         "media/2024/ninh-thuan-ban-tin-cchc.mp3": "tin-tuc/2024/ninh-thuan-ban-tin-cchc-phat-thanh.md"}
PDFS = {
    "van-ban/2021/ke-hoach-105-kh-ubnd-ben-tre.pdf": ["KE HOACH 105/KH-UBND (ban mau)", "UBND tinh Ben Tre, 30/12/2020", "Noi dung mau - Chuyen muc CCHC"],
    "van-ban/2023/quyet-dinh-cong-bo-tthc-hai-hau.pdf": ["QUYET DINH cong bo danh muc TTHC (ban mau)", "UBND huyen Hai Hau", "Noi dung mau - Chuyen muc CCHC"],
    "van-ban/2024/ke-hoach-tuyen-truyen-cchc-ninh-thuan.pdf": ["KE HOACH thong tin, tuyen truyen CCHC 2024 (ban mau)", "UBND tinh Ninh Thuan", "Noi dung mau - Chuyen muc CCHC"],
}
IMAGES = {"anh/2021/mot-cua-son-kim.svg": ("Bộ phận một cửa (ảnh minh họa)", "#1565c0"),
          "anh/2021/ca-phe-doanh-nghiep.svg": ("Cà phê doanh nghiệp (ảnh minh họa)", "#6d4c41"),
          "anh/2023/hoi-thi-hai-hau.svg": ("Hội thi CCHC (ảnh minh họa)", "#2e7d32"),
          "anh/2024/trung-tam-hcc-ninh-thuan.svg": ("Trung tâm Phục vụ HCC (ảnh minh họa)", "#ad1457")}


def main() -> int:
    for rel, item in AUDIO.items():
        _write(rel, spoken_mp3(DOCS / item))
    for rel, lines in PDFS.items():
        _write(rel, one_page_pdf(lines))
    for rel, (label, colour) in IMAGES.items():
        _write(rel, illustration(label, colour).encode("utf-8"))
    return 0


def _write(rel: str, data: bytes) -> None:
    path = DOCS / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


if __name__ == "__main__":
    sys.exit(main())
