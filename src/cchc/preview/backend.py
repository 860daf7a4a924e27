"""The editing room's file service on one machine (`cchc edit`): the requests Decap CMS's proxy backend sends,
answered by the preview server itself, on its own origin, at /api/<secret of this run>/v1.

It replaces decap-server, which accepts any localhost origin and writes anywhere under the project (a page on
another local port could write a git hook). Here the confinement is by construction:
- a request must name this server as its Host (no DNS rebinding) and come from this very origin (Origin header,
  JSON body: a page elsewhere can neither send it without a refused pre-flight nor read the answer);
- the path carries a secret made for this run, known only to the editor's config.yml served here;
- only the actions the editing room uses are answered;
- reads stay inside docs/; writes, moves and deletes only inside the content folder (Markdown) and the media
  folders (the published file types, checked by their first bytes), never a dot-file, never through a symlink.
Every refusal is printed in the terminal with the path, and answered 403 with the reason in Vietnamese.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import posixpath
import re
import secrets
import sys
from pathlib import Path

import yaml

from ..content.dates import DateError, parse_datetime
from ..content.loader import NEWS_DIR
from ..content.problems import Problems
from ..content.publishing import ACTIVE, PUBLISHED, bytes_refusal, symlink_in
from ..content.text import address_slug, lookup_key
from ..content.vocab import load_vocabulary
from .roundtrip import for_editor, merge, split

MEDIA_DIRS = ("anh", "media", "van-ban")  # docs/<these>/: uploads (images, audio, documents)
MAX_TITLE = 200  # characters: a title longer is a summary
MAX_BODY = 50 * 1024 * 1024  # as decap-server: a request (an entry and its uploads, base64) of at most 50 MB
READ_ACTIONS = {"info", "entriesByFolder", "entriesByFiles", "getEntry", "getMedia", "getMediaFile", "getDeployPreview"}
WRITE_ACTIONS = {"persistEntry", "persistMedia", "deleteFile", "deleteFiles"}


class Refused(Exception):
    """A request the editing room does not make: (HTTP status, reason for the terminal and the editor)."""

    def __init__(self, status: int, reason: str, quiet: bool = False) -> None:
        super().__init__(reason)
        self.status, self.quiet = status, quiet  # quiet: an answer the editor expects (not printed)


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class FileService:
    actions = READ_ACTIONS | WRITE_ACTIONS

    def __init__(self, root: Path, secret: str) -> None:
        self.root = root.resolve()
        self.docs = self.root / "docs"
        self.path = f"/api/{secret}/v1"
        self.placed: dict[str, str] = {}  # where the editor thinks a new item is -> where it was written

    # -- the request ----------------------------------------------------------------------------------

    def answer(self, path: str, headers, body: bytes, port: int) -> tuple[int, dict | list | None]:
        """(status, JSON answer) for a POST to `path`; every refusal is printed with what it named."""
        try:
            self._check_request(path, headers, len(body), port)
            try:
                request = json.loads(body)
                action, params = request["action"], request.get("params") or {}
            except (ValueError, KeyError, TypeError):
                raise Refused(400, "yêu cầu không phải JSON của phòng biên tập") from None
            if action not in self.actions or not isinstance(params, dict):
                raise Refused(403, f'thao tác "{str(action)[:40]}" không được phép')
            return 200, self._act(action, params, headers)
        except Refused as exc:
            if not exc.quiet:
                print(f"Phòng biên tập: từ chối yêu cầu — {exc}", file=sys.stderr, flush=True)
            return exc.status, {"error": f"Phòng biên tập từ chối: {exc}"}

    def _act(self, action: str, params: dict, headers) -> dict | list | None:
        return getattr(self, "_" + action)(params)

    def _check_request(self, path: str, headers, size: int, port: int) -> None:
        if not secrets.compare_digest(path.encode(), self.path.encode()):
            raise Refused(404, "địa chỉ không phải của phòng biên tập lần chạy này")
        host = headers.get("Host", "")
        allowed = {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}
        if host not in allowed:
            raise Refused(403, f'tên máy "{host[:60]}" không phải máy này (chỉ 127.0.0.1:{port})')
        origin = headers.get("Origin", "")
        if origin != f"http://{host}":
            raise Refused(403, f'yêu cầu từ trang khác ("{origin[:60] or "không rõ nguồn"}"), không phải phòng biên tập')
        if (headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
            raise Refused(415, "yêu cầu không phải JSON")
        if size > MAX_BODY:
            raise Refused(413, f"yêu cầu quá lớn ({size // 1024 // 1024} MB, tối đa {MAX_BODY // 1024 // 1024} MB)")

    # -- paths ------------------------------------------------------------------------------------------

    def _rel(self, path: object, *, write: bool) -> str:
        """A project-relative path the room may read (inside docs/) or write (content or media folder)."""
        if not isinstance(path, str) or not path or "\\" in path or "\0" in path or path.startswith(("/", "~")):
            raise Refused(403, f'đường dẫn "{str(path)[:80]}" không hợp lệ')
        rel = posixpath.normpath(path)
        parts = rel.split("/")
        if rel.startswith("..") or parts[0] != "docs" or len(parts) < 2:
            raise Refused(403, f'"{path[:80]}" nằm ngoài thư mục docs/')
        if any(p.startswith(".") for p in parts):
            raise Refused(403, f'"{path[:80]}": tệp, thư mục ẩn (bắt đầu bằng dấu chấm) không được đụng tới')
        if link := symlink_in(self.docs, "/".join(parts[1:])):  # the publishing policy's own check
            raise Refused(403, f'"{path[:80]}" đi qua liên kết tượng trưng (symlink) "docs/{link}"')
        if write:
            suffix = posixpath.splitext(rel)[1].lower()
            if parts[1] not in (NEWS_DIR, *MEDIA_DIRS) or len(parts) < 3:
                raise Refused(403, f'"{path[:80]}": phòng biên tập chỉ ghi vào docs/{NEWS_DIR}/ và docs/'
                                   + ", docs/".join(MEDIA_DIRS) + "/")
            if suffix == ".md" and parts[1] != NEWS_DIR:
                raise Refused(403, f'"{path[:80]}": bài (.md) chỉ nằm trong docs/{NEWS_DIR}/')
            if suffix not in PUBLISHED or suffix in ACTIVE:
                raise Refused(403, f'"{path[:80]}": loại tệp "{suffix or "(không có)"}" không được đăng')
        return rel

    def _resolver(self):
        """(vocabulary kind, name/alias/code) -> code, from plans/ as it is now."""
        found: dict = {}

        def resolve(kind: str, value: str) -> str | None:
            if kind not in found:
                found[kind] = load_vocabulary(self.root / "plans", self.root, kind, Problems()).names
            return found[kind].get(lookup_key(value))
        return resolve

    # -- actions (the shapes decap-server answers with) ------------------------------------------------

    def _info(self, params: dict) -> dict:
        return {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}

    def _entry(self, path: str, label=None) -> dict:
        rel = self._rel(path, write=False)
        rel = self.placed.get(rel, rel)
        try:
            data = (self.root / rel).read_bytes()
        except OSError:
            return {"data": None, "file": {"path": rel, "label": label, "id": None}}
        text = data.decode("utf-8", "replace")
        if rel.endswith(".md"):
            text = for_editor(text, self._resolver())  # topics… by name shown as the codes the editor offers
        return {"data": text, "file": {"path": rel, "label": label, "id": _sha(data)}}

    def _files(self, folder: str, extension: str, depth: int) -> list[str]:
        base = self.root / self._rel(folder, write=False)
        found = []
        for current, dirs, names in os.walk(base):
            level = len(Path(current).relative_to(base).parts)
            dirs[:] = [d for d in dirs if not d.startswith(".") and level + 1 < depth
                       and not (Path(current) / d).is_symlink()]
            found += [(Path(current) / n).relative_to(self.root).as_posix() for n in sorted(names)
                      if n.endswith(extension) and not n.startswith(".") and not (Path(current) / n).is_symlink()]
        return sorted(found)

    def _entriesByFolder(self, params: dict) -> list:  # noqa: N802 (Decap's action names)
        """The collection's entries, newest first by their date (Decap lists them in this order)."""
        depth = params.get("depth") if isinstance(params.get("depth"), int) else 1
        entries = [self._entry(p) for p in self._files(params.get("folder"), str(params.get("extension") or ""), depth)]
        return sorted(entries, key=lambda e: (_dated(e["data"] or ""), e["file"]["path"]), reverse=True)

    def _entriesByFiles(self, params: dict) -> list:  # noqa: N802
        return [self._entry(f.get("path"), f.get("label")) for f in params.get("files") or [] if isinstance(f, dict)]

    def _getEntry(self, params: dict) -> dict:  # noqa: N802
        return self._entry(params.get("path"))

    def _media(self, path: str) -> dict:
        rel = self._rel(path, write=False)
        try:
            data = (self.root / rel).read_bytes()
        except OSError:
            raise Refused(404, f'không có tệp "{rel}"') from None
        return {"id": _sha(data), "content": base64.b64encode(data).decode(), "encoding": "base64", "path": rel,
                "name": posixpath.basename(rel)}

    def _getMedia(self, params: dict) -> list:  # noqa: N802
        return [self._media(p) for p in self._files(params.get("mediaFolder"), "", 1)]

    def _getMediaFile(self, params: dict) -> dict:  # noqa: N802
        return self._media(params.get("path"))

    def _getDeployPreview(self, params: dict) -> None:  # noqa: N802
        return None

    def _checked(self, rel: str, data: bytes) -> tuple[str, bytes]:
        """A file to write, once its first bytes are of the type its name says (an .exe named .mp3 is refused)."""
        if why := bytes_refusal(posixpath.splitext(rel)[1].lower(), data[:8]):
            raise Refused(422, f'"{rel}": {why[0]} — {why[1]}')
        return rel, data

    def _front(self, raw: str) -> dict:
        parts = split(raw)
        try:
            meta = yaml.load("\n".join(parts[1]), Loader=yaml.BaseLoader) if parts else None
        except yaml.YAMLError:
            return {}
        return meta if isinstance(meta, dict) else {}

    def _place(self, rel: str, raw: str) -> str:
        """Where a new item goes: docs/<news>/<year of its date>/<address from its title, at most 80 characters cut
        between words>.md. Decap names it by the year of writing and the whole title; its later requests for the
        name it chose are answered from here (self.placed)."""
        if not rel.startswith(f"docs/{NEWS_DIR}/"):
            return rel
        meta = self._front(raw)
        slug = address_slug(str(meta.get("title", ""))) or posixpath.splitext(posixpath.basename(rel))[0]
        try:
            year = str(parse_datetime(str(meta.get("date", ""))).year)
        except DateError:
            year = rel.split("/")[2] if rel.count("/") > 2 else ""
        placed = posixpath.join(f"docs/{NEWS_DIR}", year, f"{slug}.md")
        self.placed[rel] = placed
        return placed

    def _check_new_item(self, rel: str, raw: str) -> None:
        """What `cchc validate` would refuse in a new item and the editor cannot fix afterwards: its address (the file
        name, made from the title) taken by another item of any year, a title longer than MAX_TITLE."""
        if not rel.startswith(f"docs/{NEWS_DIR}/"):
            return
        title = str(self._front(raw).get("title", ""))
        if len(title) > MAX_TITLE:
            raise Refused(422, f"tiêu đề dài {len(title)} ký tự, quá {MAX_TITLE} ký tự: rút gọn tiêu đề (ý chính), "
                               "đưa phần còn lại vào ô Tóm tắt")
        slug = posixpath.splitext(posixpath.basename(rel))[0]
        for other in (self.docs / NEWS_DIR).rglob("*.md"):
            if item_slug(other) == slug or other == self.root / rel:
                raise Refused(409, f"đã có bài cùng đường dẫn /{NEWS_DIR}/{slug}/ "
                                   f"({other.relative_to(self.root).as_posix()}): sửa tiêu đề cho khác đi một chút "
                                   "(tên tệp, cũng là đường dẫn của bài, lấy từ tiêu đề)")

    def _old(self, rel: str) -> bytes | None:
        """A file as it is now, before the editor's save (the room reads it from the entry's branch)."""
        try:
            return (self.root / rel).read_bytes()
        except OSError:
            return None

    def _as_written(self, rel: str, raw: str, resolve) -> str:
        """The editor's file merged into the one there now, so that only what the writer changed changes."""
        try:
            old = self._old(rel)
            return raw if old is None else merge(old.decode("utf-8"), raw, resolve)
        except UnicodeDecodeError:
            return raw

    def _write(self, rel: str, data: bytes) -> None:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.cchc-{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, target)  # a reader (the preview) never sees half a file

    def _prepared(self, params: dict) -> tuple[list, list, list]:
        """An entry save as (writes, uploads, moves), every path and file checked before anything is written."""
        entry = params.get("entry") or {}
        files = [f for f in params.get("dataFiles") or [entry] if isinstance(f, dict)]
        new = bool((params.get("options") or {}).get("newEntry")) if isinstance(params.get("options"), dict) else False
        resolve = self._resolver()
        writes = []
        for f in files:
            rel, raw = self._rel(f.get("path"), write=True), str(f.get("raw", ""))
            if new:
                rel = self._place(rel, raw)
                self._check_new_item(rel, raw)
            writes.append(self._checked(rel, self._as_written(rel, raw, resolve).encode("utf-8")))
        uploads = [self._checked(self._rel(a.get("path"), write=True), _decoded(a))
                   for a in params.get("assets") or [] if isinstance(a, dict)]
        moves = [(self._rel(f.get("path"), write=True), self._rel(f.get("newPath"), write=True))
                 for f in files if f.get("newPath")]
        return writes, uploads, moves if moves and len(moves) == len(files) and not new else []

    def _persistEntry(self, params: dict) -> dict:  # noqa: N802
        """The entry's file(s) and their uploads."""
        writes, uploads, moves = self._prepared(params)
        for rel, data in uploads + writes:
            self._write(rel, data)
        for old, new_path in moves:
            (self.root / new_path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.root / old, self.root / new_path)
        return {"message": "entry persisted"}

    def _persistMedia(self, params: dict) -> dict:  # noqa: N802
        asset = params.get("asset") or {}
        rel, data = self._checked(self._rel(asset.get("path"), write=True), _decoded(asset))
        self._write(rel, data)
        return self._media(rel)

    def _deleteFile(self, params: dict) -> dict:  # noqa: N802
        rel = self._rel(params.get("path"), write=True)
        (self.root / rel).unlink(missing_ok=True)
        return {"message": f"deleted file {rel}"}

    def _deleteFiles(self, params: dict) -> dict:  # noqa: N802
        rels = [self._rel(p, write=True) for p in params.get("paths") or []]
        for rel in rels:
            (self.root / rel).unlink(missing_ok=True)
        return {"message": f"deleted files {', '.join(rels)}"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _decoded(asset: dict) -> bytes:
    try:
        if asset.get("encoding") == "base64":
            return base64.b64decode(asset.get("content") or "", validate=True)
        return str(asset.get("content") or "").encode("utf-8")
    except ValueError:
        raise Refused(400, f'tệp "{str(asset.get("path"))[:80]}" không đọc được (base64 hỏng)') from None


_DATE_LINE = re.compile(r"^date:[ \t]*[\"']?([^\"'#\n]+)", re.M)


def _dated(text: str) -> str:
    """An item's date as sortable text ("" when it has none that reads)."""
    found = _DATE_LINE.search(text[:4000])
    try:
        return parse_datetime(found.group(1).strip()).isoformat() if found else ""
    except DateError:
        return ""


_SLUG_LINE = re.compile(r"^slug:[ \t]*[\"']?([\w-]+)", re.M)


def item_slug(file: Path) -> str:
    """An item's address as its file gives it (a `slug:` line, else the file name), without loading the item."""
    named = _SLUG_LINE.search(file.read_text(encoding="utf-8", errors="replace")[:4000])
    return named.group(1) if named else file.stem
