"""Image dimensions, so every image shows at its size before it loads (and an SVG without one shows at all).

An <img> of an SVG that has neither width/height nor a viewBox is drawn 0×0; any image without width and
height shifts the page as it arrives. Raster sizes come from the file header (imagesize); SVG sizes from the
root element's width/height in px, else its viewBox.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

import imagesize
from lxml import etree

_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r'\ssrc="([^"]*)"')


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in CSS pixels, or None when the file gives no usable size."""
    try:
        if path.suffix.lower() == ".svg":
            width, height = _svg_size(path.read_bytes())
        else:
            width, height = imagesize.get(str(path))
    except (OSError, ValueError, etree.XMLSyntaxError):
        return None
    if width is None or height is None or width <= 0 or height <= 0:
        return None
    return round(width), round(height)


def _svg_size(data: bytes) -> tuple[float | None, float | None]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(data, parser)
    width, height = (_px(root.get(name)) for name in ("width", "height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            box_w, box_h = float(box[2]), float(box[3])
        except ValueError:
            box_w = box_h = 0.0
        if box_w > 0 and box_h > 0:
            if width and not height:
                height = width * box_h / box_w
            elif height and not width:
                width = height * box_w / box_h
            elif not width and not height:
                width, height = box_w, box_h
    return width, height


def _px(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    return float(match.group(1)) if match else None


def why_hidden(path: Path) -> str:
    """Why an image file would not show, or "" when it has a size."""
    if image_size(path):
        return ""
    if path.suffix.lower() == ".svg":
        return "ảnh SVG không có kích thước (thiếu width/height tính bằng px và viewBox) nên sẽ không hiện"
    return "không đọc được kích thước ảnh (tệp hỏng hoặc định dạng lạ) nên ảnh có thể không hiện"


HOW_TO_SIZE = "mở ảnh bằng phần mềm vẽ và lưu lại có kích thước (ví dụ 1200×675 px), hoặc lưu dưới dạng PNG/JPG"


def size_images(html: str, page_url: str, site_files: Path) -> str:
    """Give every <img> of a local file its width and height (as the file says), unless it has them."""
    def fix(match: re.Match) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        if not src or " width=" in tag or " height=" in tag:
            return tag
        target = unquote(src.group(1).split("#")[0].split("?")[0])
        if not target or ":" in target.split("/")[0] or target.startswith("//"):
            return tag
        rel = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(page_url, target))
        if rel.startswith("../"):
            return tag
        size = image_size(site_files / rel)
        if not size:
            return tag
        return f'{tag[:4]} width="{size[0]}" height="{size[1]}"{tag[4:]}'

    return _IMG.sub(fix, html)
