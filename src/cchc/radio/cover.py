"""The radio feeds' cover: a square PNG with the portal's name, made at build time from the settings, as podcast
apps require (JPEG or PNG, 1400–3000 px). Pillow draws it with Debian's DejaVu Sans (Vietnamese diacritics);
the same settings give the same bytes, so it is rewritten only when the name changes."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COVER = "phat-thanh/bia.png"
SIZE = 1400
FONTS = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"), Path("/usr/share/fonts/TTF/DejaVuSans-Bold.ttf")]
_RED, _BAND, _WHITE, _GOLD = (142, 27, 27), (112, 18, 18), (255, 255, 255), (255, 213, 79)


class CoverError(Exception):
    """The font is missing; the message is Vietnamese, with the fix."""


def cover_png(name: str, publisher: str) -> bytes:
    font_file = next((f for f in FONTS if f.is_file()), None)
    if font_file is None:
        raise CoverError("máy chưa có phông chữ DejaVu Sans để vẽ ảnh bìa nguồn phát thanh — chạy `make voice` "
                         "(cài fonts-dejavu-core của Debian), hoặc đặt ảnh bìa riêng bằng `podcast_image:` của plugin cchc")
    image = Image.new("RGB", (SIZE, SIZE), _RED)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SIZE, 260), fill=_BAND)
    draw.rectangle((0, SIZE - 300, SIZE, SIZE), fill=_BAND)
    _centred(draw, ["BẢN TIN PHÁT THANH"], ImageFont.truetype(str(font_file), 72), 130, _GOLD)
    size, lines = _fit(draw, name, font_file, width=SIZE - 200, most=4)
    font = ImageFont.truetype(str(font_file), size)
    height = len(lines) * int(size * 1.25)
    _centred(draw, lines, font, SIZE // 2 - height // 2 + int(size * 0.6), _WHITE)
    small, credit = _fit(draw, publisher, font_file, width=SIZE - 200, most=2, largest=64)
    _centred(draw, credit, ImageFont.truetype(str(font_file), small), SIZE - 150 - (len(credit) - 1) * small // 2, _GOLD)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def write_cover(target: Path, name: str, publisher: str) -> None:
    data = cover_png(name, publisher)
    if not target.is_file() or target.read_bytes() != data:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _fit(draw: ImageDraw.ImageDraw, text: str, font_file: Path, width: int, most: int,
         largest: int = 120) -> tuple[int, list[str]]:
    """The largest size (down to 28 px) at which `text` wraps into at most `most` lines of `width`."""
    for size in range(largest, 27, -4):
        font = ImageFont.truetype(str(font_file), size)
        lines = _wrap(draw, text.split(), font, width)
        if len(lines) <= most:
            return size, lines
    font = ImageFont.truetype(str(font_file), 28)
    return 28, _wrap(draw, text.split(), font, width)[:most]


def _wrap(draw: ImageDraw.ImageDraw, words: list[str], font, width: int) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _centred(draw: ImageDraw.ImageDraw, lines: list[str], font, middle_of_first: int, colour) -> None:
    step = int(font.size * 1.25)
    for n, line in enumerate(lines):
        draw.text((SIZE // 2, middle_of_first + n * step), line, font=font, fill=colour, anchor="mm")
