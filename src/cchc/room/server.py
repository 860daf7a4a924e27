"""`cchc phong-bien-tap`: the office's editing room, served on a Unix socket behind nginx.

nginx does TLS and authentication (auth_basic, an htpasswd file made with Debian's `htpasswd`) and passes the
account it checked in X-Remote-User; nothing but nginx can reach the socket (its mode is 0660, its group the web
server's). Our server answers /quan-tri/: the editor (Decap, from the last build of main, its config.yml per
role) and the API (workflow.Room).

Folders, all inside the project's `.phong-bien-tap/` (never read by a build or a preview of the project):
    kho/    the room's own clone: main checked out, entries under review on cms/… branches
    dung/   a worktree of kho/ where each publish is built (its site/ carried from one build to the next)
"""

from __future__ import annotations

import json
import os
import signal
import socketserver
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from ..content.loader import load_corpus
from ..content.model import REVIEWER, ROOM
from ..preview.backend import MAX_BODY
from ..releases.swap import ReleaseError, live, publish
from ..site.build import build_site
from ..site.editor import PATH, ROOM_API
from .git import Git, GitError
from .workflow import USER_HEADER, Room

FOLDER = ".phong-bien-tap"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".yml": "text/yaml; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json"}


class RoomError(Exception):
    """What stops the room from starting, in Vietnamese with the fix."""


class Publisher:
    """Builds a commit of the room's clone in its own worktree and puts the site live under `target`."""

    def __init__(self, project: Path, clone: Path, target: Path, keep: int) -> None:
        self.project, self.clone, self.target, self.keep = project, clone, target, keep
        self.work = clone.parent / "dung"
        self.record = clone.parent / "da-dang"  # "<release> <commit>": what is live, as this room published it

    def is_live(self, commit: str) -> bool:
        """Whether the live release is this commit's, built by this room (and its build is still here)."""
        current = live(self.target)
        try:
            published = self.record.read_text(encoding="utf-8").split()
        except OSError:
            return False
        return bool(current) and published == [current.name, commit] and (self.work / "site" / PATH).is_dir()

    def checkout(self, commit: str) -> None:
        if not (self.work / ".git").exists():
            Git(self.clone).run("worktree", "prune")
            Git(self.clone).run("worktree", "add", "-q", "--detach", str(self.work), commit)
        else:
            Git(self.work).run("checkout", "-q", "--force", "--detach", commit)
            # not the site, the caches, nor a replaced site that its own process is still removing (build.py
            # remove_later): cleaning it too, git found files gone under it, failed, and the publish with it
            Git(self.work).run("clean", "-q", "-d", "--force", "-e", "/site", "-e", "/build", "-e", "/.cache",
                               "-e", "/.site.cu-*")

    def build(self, commit: str, strict: bool = True) -> list[str]:
        """The build's errors ([] when it succeeded) of `commit`, into dung/site."""
        self.checkout(commit)
        result = build_site(self.work, self.work / "site", strict=strict)
        return [] if result.ok else [m for m in result.messages if m.strip()] or ["xây dựng không thành công"]

    def __call__(self, commit: str, account: str) -> list[str]:
        errors = self.build(commit)
        if errors:
            print(f"Phòng biên tập: bản của {account} ({commit[:10]}) không xây dựng được, KHÔNG đăng:\n  "
                  + "\n  ".join(errors), file=sys.stderr, flush=True)
            return errors
        try:
            release = publish(self.work / "site", self.target, keep=self.keep)
        except ReleaseError as exc:
            return [str(exc)]
        tmp = self.record.with_name(".da-dang.tmp")
        tmp.write_text(f"{release.name} {commit}\n", encoding="utf-8")
        os.replace(tmp, self.record)
        print(f"Phòng biên tập: đã đăng bản {release.name} ({commit[:10]}, {account})", file=sys.stderr, flush=True)
        self.follow(commit)
        return []

    def follow(self, commit: str) -> None:
        """The project folder follows main (fast-forward), so its git history is the room's; said, never forced."""
        try:
            Git(self.project).run("fetch", "-q", str(self.clone), commit)
            Git(self.project).run("merge", "--ff-only", "-q", commit)
        except GitError as exc:
            print(f"Phòng biên tập: thư mục dự án {self.project} chưa theo kịp bản đã đăng ({exc}); trang đã đăng "
                  f"không bị ảnh hưởng — cập nhật bằng: git -C {self.project} pull --ff-only {self.clone} main",
                  file=sys.stderr, flush=True)


def prepare(project: Path, branch: str) -> Path:
    """The room's clone (made once from the project's repository); main checked out and clean."""
    if not (project / ".git").exists():
        raise RoomError(f"thư mục dự án {project} chưa là kho git — chạy: git -C {project} init -b {branch} && "
                        f"git -C {project} add -A && git -C {project} commit -m 'Nội dung ban đầu'")
    clone = project / FOLDER / "kho"
    try:
        if not (clone / ".git").exists():
            clone.parent.mkdir(exist_ok=True)
            (clone.parent / ".gitignore").write_text("*\n", encoding="utf-8")  # the project's git ignores the room
            subprocess.run(["git", "clone", "-q", "--branch", branch, str(project), str(clone)], check=True,
                           capture_output=True, text=True)
        git = Git(clone)
        if git.run("symbolic-ref", "--short", "HEAD").strip() != branch:
            raise RoomError(f"kho của phòng biên tập {clone} không ở nhánh {branch}: chạy git -C {clone} checkout {branch}")
        if git.run("status", "--porcelain", "--untracked-files=no").strip():
            raise RoomError(f"kho của phòng biên tập {clone} có thay đổi chưa lưu (ai đó sửa tay?): xem git -C {clone} "
                            f"status, rồi git -C {clone} stash hoặc checkout -- .")
    except subprocess.CalledProcessError as exc:
        raise RoomError(f"không sao được kho dự án (git clone): {exc.stderr.strip()[:300]} — kiểm tra nhánh "
                        f"{branch} có trong {project}") from None
    except GitError as exc:
        raise RoomError(str(exc)) from None
    return clone


def _config_for(text: str, role: str) -> bytes:
    """The editor's config.yml for a role: a writer's editor has no publish and no delete buttons (Decap's
    documented collection options `publish: false`, `delete: false`); the API refuses them anyway."""
    config = yaml.safe_load(text)
    if role != REVIEWER:
        for collection in config.get("collections") or []:
            collection["publish"], collection["delete"] = False, False
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8")


def _handler(room: Room, editor: Path):
    class Handler(BaseHTTPRequestHandler):
        server_version = "cchc-phong-bien-tap"

        def address_string(self) -> str:
            return "nginx"

        def do_GET(self):  # noqa: N802 (http.server naming)
            account = self.headers.get(USER_HEADER, "")
            if account not in room.accounts:
                self._send(403, "Tài khoản này chưa có vai trò trong phòng biên tập: người quản trị ghi tài khoản vào "
                                "mục editor: accounts: của mkdocs.yml.".encode(), TYPES[".html"])
                return
            path = unquote(urlsplit(self.path).path)
            if path in (f"/{PATH}", f"/{PATH}/"):
                path = f"/{PATH}/index.html"
            rel = path.removeprefix(f"/{PATH}/")
            file = (editor / rel).resolve()
            if not path.startswith(f"/{PATH}/") or editor.resolve() not in file.parents or not file.is_file():
                self._send(404, b"Khong co", "text/plain")
                return
            body = file.read_bytes()
            if rel == "config.yml":
                body = _config_for(body.decode("utf-8"), room.accounts[account])
            self._send(200, body, TYPES.get(file.suffix, "application/octet-stream"))

        def do_POST(self):  # noqa: N802
            size = int(self.headers.get("Content-Length") or 0)
            if size > MAX_BODY:
                self._send(413, b"{}", "application/json")
                return
            status, answer = room.answer(urlsplit(self.path).path, self.headers, self.rfile.read(size), 0)
            self._send(status, json.dumps(answer, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

        def _send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    return Handler


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a closed tab mid-answer: normal
            super().handle_error(request, client_address)


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def run(project: Path, socket_path: Path, target: Path, keep: int) -> int:
    """Prepare the clone, publish main, then answer nginx on `socket_path` until SIGTERM or Ctrl+C."""
    corpus, problems = load_corpus(project)  # the one loader: mkdocs.yml's accounts checked as every build does
    settings = corpus.settings.editor
    if mistakes := [p for p in problems.errors if p.path == "mkdocs.yml"]:
        print("\n".join(map(str, mistakes)), file=sys.stderr)
        return 2
    if settings is None or settings.backend != ROOM:
        print(f"Lỗi: mkdocs.yml chưa bật phòng biên tập riêng — thêm vào extra:\n  editor:\n    backend: {ROOM}\n"
              "    accounts:\n      nguyen-van-an: người viết\n      tran-thi-binh: người duyệt\n(README, mục Phòng biên tập)",
              file=sys.stderr)
        return 2
    try:
        clone = prepare(project, settings.branch)
    except RoomError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    publisher = Publisher(project, clone, target, keep)
    main = Git(clone).head(settings.branch) or ""
    errors = [] if publisher.is_live(main) else publisher(main, "khởi động")  # main is what is live
    if errors:
        print("Trang đang chạy giữ nguyên; phòng biên tập vẫn mở để sửa các lỗi trên.", file=sys.stderr)
        publisher.build(main, strict=False)
    room = Room(clone, dict(settings.accounts), settings.branch, publisher)
    signal.signal(signal.SIGTERM, _stop)
    socket_path.unlink(missing_ok=True)
    server = _Server(str(socket_path), _handler(room, publisher.work / "site" / PATH))
    os.chmod(socket_path, 0o660)  # nginx (group www-data) and the room's own account only
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Phòng biên tập đang chạy: nginx chuyển /{PATH}/ tới {socket_path}; API {ROOM_API}; trang đăng vào "
          f"{target}/current. Nhấn Ctrl+C để dừng.", file=sys.stderr, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
        socket_path.unlink(missing_ok=True)
    return 0
