"""The office's editing room (`cchc phong-bien-tap`): Decap CMS's editorial workflow (Bản nháp → Đang xét duyệt →
Sẵn sàng → Công bố) on the room's own clone of the project, with accounts and roles.

It answers the requests of Decap's proxy backend as decap-server's git mode does (an entry under review is the
branch `cms/<collection>/<slug>`; publishing merges it into main), with what that mode lacks for an office:
- who: nginx authenticates (TLS, auth_basic) and names the account; only accounts of mkdocs.yml's
  `editor: accounts:` are served, and each action is allowed by role: a writer creates, edits and submits for
  review; only a reviewer marks an entry ready, publishes it, or changes what is live (media, deletions);
- the audit: every commit is made by its account (author and committer) with trailers naming the account, its
  role and the entry's status, so `git log` tells who wrote, who approved and when;
- publishing is merge + strict build + atomic swap (releases/, `current`), and main moves only when the site
  built: a failed build publishes nothing and its Vietnamese errors are the editor's answer;
- every path, file type and new item is checked as in `cchc edit` (FileService), and nothing is ever checked out
  but main: entries are committed through a temporary index.
"""

from __future__ import annotations

import base64
import posixpath
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from ..content.model import REVIEWER, WRITER
from ..preview.backend import MAX_BODY, READ_ACTIONS, WRITE_ACTIONS, FileService, Refused, _decoded, _sha
from ..preview.roundtrip import for_editor
from ..site.editor import ROOM_API
from .git import PREFIX, Git, GitError

STATUSES = {"draft": "Bản nháp", "pending_review": "Đang xét duyệt", "pending_publish": "Sẵn sàng"}  # Decap's words
ROLE_NAMES = {WRITER: "người viết", REVIEWER: "người duyệt"}
WORKFLOW_READS = {"unpublishedEntries", "unpublishedEntry", "unpublishedEntryDataFile", "unpublishedEntryMediaFile",
                  "getNotes"}
WORKFLOW_ACTIONS = WORKFLOW_READS | {"updateUnpublishedEntryStatus", "publishUnpublishedEntry", "deleteUnpublishedEntry"}
REVIEWER_ACTIONS = {"publishUnpublishedEntry", "persistMedia", "deleteFile", "deleteFiles"}  # they change the live site
USER_HEADER = "X-Remote-User"  # set by nginx from the account it authenticated ($remote_user)
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")

Release = Callable[[str, str], list[str]]  # (commit, account) -> the build's errors ([] once it is live)


class Room(FileService):
    actions = READ_ACTIONS | WRITE_ACTIONS | WORKFLOW_ACTIONS

    def __init__(self, clone: Path, accounts: dict[str, str], branch: str, release: Release) -> None:
        super().__init__(clone, "")
        self.path, self.git, self.accounts, self.branch, self.release = ROOM_API, Git(clone), accounts, branch, release
        self.lock = threading.Lock()  # one change at a time: a publish holds it through its build
        self.account, self.reading = "", ""  # who is acting; the commit an entry's earlier files are read from

    # -- who may ask what --------------------------------------------------------------------------------

    def _check_request(self, path: str, headers, size: int, port: int) -> None:
        if path != self.path:
            raise Refused(404, "địa chỉ không phải của phòng biên tập")
        account = headers.get(USER_HEADER, "")
        if account not in self.accounts:
            raise Refused(403, f'tài khoản "{account[:40]}" chưa có vai trò trong phòng biên tập — người quản trị ghi '
                               "tài khoản và vai trò vào mục editor: accounts: của mkdocs.yml")
        host, scheme = headers.get("Host", ""), headers.get("X-Forwarded-Proto", "https")
        if headers.get("Origin", "") != f"{scheme}://{host}":
            raise Refused(403, f'yêu cầu từ trang khác ("{headers.get("Origin", "")[:60] or "không rõ nguồn"}"), '
                               "không phải phòng biên tập")
        if (headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
            raise Refused(415, "yêu cầu không phải JSON")
        if size > MAX_BODY:
            raise Refused(413, f"yêu cầu quá lớn ({size // 1024 // 1024} MB, tối đa {MAX_BODY // 1024 // 1024} MB)")

    def _act(self, action: str, params: dict, headers) -> dict | list | None:
        account = headers.get(USER_HEADER, "")
        options = params.get("options") if isinstance(params.get("options"), dict) else {}
        direct = action == "persistEntry" and not options.get("useWorkflow")
        if (action in REVIEWER_ACTIONS or direct) and self.accounts[account] != REVIEWER:
            raise Refused(403, f"tài khoản {account} là người viết: chỉ người duyệt được công bố, thay đổi trang "
                               "đang đăng hay xóa bài đã đăng — chọn Trạng: Đang xét duyệt để người duyệt xem")
        if action in READ_ACTIONS | WORKFLOW_READS:  # reads need no lock: main's files, or a branch's commit
            return getattr(self, "_" + action)(params)
        with self.lock:
            self.account, self.reading = account, ""
            try:
                return getattr(self, "_" + action)(params)
            except GitError as exc:
                print(f"Phòng biên tập: lỗi git — {exc}", file=sys.stderr, flush=True)
                raise Refused(500, "kho nội dung của phòng biên tập gặp lỗi (xem nhật ký máy chủ); chưa có gì "
                                   "thay đổi, thử lại sau ít phút") from None

    def _role(self) -> str:
        return ROLE_NAMES[self.accounts[self.account]]

    def _message(self, subject: str, status: str = "") -> str:
        lines = [subject, "", f"Tai-khoan: {self.account}", f"Vai-tro: {self._role()}"]
        return "\n".join(lines + ([f"Trang-thai: {status}"] if status else [])) + "\n"

    # -- entries under review ----------------------------------------------------------------------------

    def _key(self, params: dict, by_id: bool = False) -> tuple[str, str, str]:
        """(collection, slug, branch) of an entry under review; `by_id`: named by its content key "<collection>/<slug>"
        (elsewhere `id` is a file's)."""
        collection, slug = params.get("collection"), params.get("slug")
        if by_id and params.get("id"):
            collection, _, slug = str(params["id"]).partition("/")
        if not (isinstance(collection, str) and _NAME.match(collection) and isinstance(slug, str)
                and _SLUG.match(slug) and len(slug) < 200):
            raise Refused(400, f'bài "{str(collection)[:30]}/{str(slug)[:80]}" không hợp lệ')
        return collection, slug, f"{PREFIX}{collection}/{slug}"

    def _under_review(self, params: dict, by_id: bool = False) -> tuple[str, str, str, str]:
        collection, slug, branch = self._key(params, by_id)
        head = self.git.head(branch)
        if head is None:
            raise Refused(404, "Not Found", quiet=True)  # Decap asks of every entry it opens: not an error
        return collection, slug, branch, head

    def _status(self, head: str) -> str:
        found = self.git.trailer(head, "Trang-thai")
        return found if found in STATUSES else "draft"

    def _info(self, params: dict) -> dict:
        return {"repo": self.root.name, "publish_modes": ["simple", "editorial_workflow"], "type": "local_git"}

    def _unpublishedEntries(self, params: dict) -> list:  # noqa: N802 (Decap's action names)
        return [b[len(PREFIX):] for b in self.git.branches()]

    def _unpublishedEntry(self, params: dict) -> dict:  # noqa: N802
        collection, slug, branch, head = self._under_review(params, by_id=True)
        diffs = []
        for status, path in self.git.changed(self.branch, head):
            binary = not path.endswith((".md", ".yml", ".yaml", ".json", ".txt")) or path.endswith(".svg")
            diffs.append({"oldPath": path, "newPath": path, "status": {"A": "added", "D": "deleted"}.get(status, "modified"),
                          "newFile": status == "A", "path": path, "id": path, "binary": binary})
        when = self.git.run("log", "-1", "--format=%cI", head).strip()
        return {"collection": collection, "slug": slug, "status": self._status(head), "diffs": diffs,
                "updatedAt": when}

    def _branch_file(self, params: dict) -> tuple[str, bytes]:
        *_, head = self._under_review(params)
        rel = self._rel(params.get("path"), write=False)
        data = self.git.read(head, rel)
        if data is None:
            raise Refused(404, f'bài đang duyệt không có tệp "{rel}"')
        return rel, data

    def _unpublishedEntryDataFile(self, params: dict) -> dict:  # noqa: N802
        rel, data = self._branch_file(params)
        text = data.decode("utf-8", "replace")
        return {"data": for_editor(text, self._resolver()) if rel.endswith(".md") else text}

    def _unpublishedEntryMediaFile(self, params: dict) -> dict:  # noqa: N802
        rel, data = self._branch_file(params)
        return {"id": _sha(data), "content": base64.b64encode(data).decode(), "encoding": "base64", "path": rel,
                "name": posixpath.basename(rel)}

    def _getNotes(self, params: dict) -> dict:  # noqa: N802 (Decap's notes: not kept here)
        return {"notes": []}

    def _old(self, rel: str) -> bytes | None:
        if self.reading and (found := self.git.read(self.reading, rel)) is not None:
            return found
        return super()._old(rel)

    def _persistEntry(self, params: dict) -> dict:  # noqa: N802
        options = params.get("options") if isinstance(params.get("options"), dict) else {}
        if not options.get("useWorkflow"):
            return self._publish_change(*self._prepared(params), subject="Sửa trực tiếp bài đã đăng")
        files = [f for f in params.get("dataFiles") or [params.get("entry") or {}] if isinstance(f, dict)]
        collection, slug, branch = self._key({"collection": options.get("collectionName"),
                                               "slug": (files or [{}])[0].get("slug")})
        main, head = self.git.head(self.branch), self.git.head(branch)
        if head and options.get("newEntry"):
            raise Refused(409, f"đã có bài cùng đường dẫn đang chờ duyệt ({collection}/{slug}, xem tab Biên tập): sửa "
                               "tiêu đề cho khác đi một chút, hoặc mở bài đó để viết tiếp")
        status = self._status(head) if head else "draft"  # a new entry starts as a draft, whatever is asked
        if head and status == "pending_publish" and self.accounts[self.account] != REVIEWER:
            raise Refused(403, "bài đã được người duyệt chuyển sang “Sẵn sàng”: người viết không sửa được nữa — "
                               "nhờ người duyệt chuyển về “Đang xét duyệt” nếu cần sửa")
        self.reading = head or ""
        writes, uploads, moves = self._prepared(params)
        changes: dict[str, bytes | None] = {}
        if head:  # the entry's earlier changes, carried onto main as it is now (as decap-server's rebase does)
            for letter, path in self.git.changed(self.branch, head):
                changes[path] = None if letter == "D" else self.git.read(head, path)
            kept = {rel for rel, _ in uploads}
            for path in [p for p in changes if not p.endswith(".md") and p not in kept]:
                changes[path] = self.git.read(main, path)  # an upload the writer took out of the entry
        for rel, data in uploads + writes:
            changes[rel] = data
        for old, new_path in moves:
            changes[new_path], changes[old] = changes.get(old) or self.git.read(head or main, old), None
        verb = "Sửa" if head else "Viết"
        commit = self.git.commit(main, changes, [head or main], self._message(f"{verb} bài {collection}/{slug}", status),
                                 self.account)
        self.git.set_branch(branch, commit, head)
        return {"message": "entry persisted"}

    def _updateUnpublishedEntryStatus(self, params: dict) -> dict:  # noqa: N802
        collection, slug, branch, head = self._under_review(params)
        new, old = str(params.get("newStatus")), self._status(head)
        if new not in STATUSES:
            raise Refused(400, f'trạng thái "{new[:30]}" không có')
        if self.accounts[self.account] != REVIEWER and "pending_publish" in (new, old):
            raise Refused(403, f"tài khoản {self.account} là người viết: chỉ người duyệt chuyển bài sang hay ra khỏi "
                               "“Sẵn sàng” — người viết chọn Trạng: Đang xét duyệt")
        commit = self.git.commit_tree(self.git.tree(head), [head],
                                      self._message(f"Chuyển bài {collection}/{slug}: {STATUSES[old]} → {STATUSES[new]}",
                                                    new), self.account)
        self.git.set_branch(branch, commit, head)
        return {"message": f"status {new}"}

    def _deleteUnpublishedEntry(self, params: dict) -> dict:  # noqa: N802
        collection, slug, branch, head = self._under_review(params)
        if self.accounts[self.account] != REVIEWER and self._status(head) == "pending_publish":
            raise Refused(403, "bài đã “Sẵn sàng”: chỉ người duyệt bỏ được")
        self.git.delete_branch(branch, head)
        print(f"Phòng biên tập: {self.account} bỏ bài đang duyệt {collection}/{slug} (nhánh {branch} ở {head[:10]})",
              file=sys.stderr, flush=True)
        return {"message": f"deleted branch: {branch}"}

    def _publishUnpublishedEntry(self, params: dict) -> dict:  # noqa: N802
        collection, slug, branch, head = self._under_review(params)
        main = self.git.head(self.branch)
        tree = self.git.merged_tree(main, head)
        if tree is None:
            raise Refused(409, "bài sửa cùng chỗ với một thay đổi đã đăng: mở bài, lưu lại (để lấy bản mới nhất) "
                               "rồi công bố lại")
        merge = self.git.commit_tree(tree, [main, head], self._message(f"Công bố bài {collection}/{slug}"),
                                     self.account)
        self._go_live(merge, main)
        self.git.delete_branch(branch, head)
        return {"message": f"branch {branch} merged to {self.branch}"}

    # -- changes to the live site ------------------------------------------------------------------------

    def _go_live(self, commit: str, main: str) -> None:
        """Build `commit` strictly and put it live; only then does main move (and the clone's files with it)."""
        errors = self.release(commit, self.account)
        if errors:
            shown = "; ".join(errors[:6]) + (f" (và {len(errors) - 6} lỗi nữa)" if len(errors) > 6 else "")
            raise Refused(422, f"xây dựng trang không thành công, CHƯA đăng gì, trang đang chạy giữ nguyên — {shown}")
        self.git.run("merge", "--ff-only", "-q", commit)  # main and the files the room reads, together
        print(f"Phòng biên tập: {self.account} đã công bố {commit[:10]} (trước đó {main[:10]})", file=sys.stderr,
              flush=True)

    def _publish_change(self, writes: list, uploads: list, moves: list, subject: str,
                        removed: list[str] = ()) -> dict:
        main = self.git.head(self.branch)
        changes: dict[str, bytes | None] = {rel: data for rel, data in uploads + writes}
        for old, new_path in moves:
            changes[new_path], changes[old] = self.git.read(main, old), None
        changes.update({rel: None for rel in removed})
        commit = self.git.commit(main, changes, [main], self._message(subject), self.account)
        self._go_live(commit, main)
        return {"message": subject}

    def _persistMedia(self, params: dict) -> dict:  # noqa: N802
        asset = params.get("asset") or {}
        rel, data = self._checked(self._rel(asset.get("path"), write=True), _decoded(asset))
        self._publish_change([(rel, data)], [], [], f"Tải lên {rel}")
        return self._media(rel)

    def _deleteFile(self, params: dict) -> dict:  # noqa: N802
        rel = self._rel(params.get("path"), write=True)
        return self._publish_change([], [], [], f"Xóa {rel}", [rel])

    def _deleteFiles(self, params: dict) -> dict:  # noqa: N802
        rels = [self._rel(p, write=True) for p in params.get("paths") or []]
        return self._publish_change([], [], [], f"Xóa {', '.join(rels)}", rels)
