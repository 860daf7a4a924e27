"""The few git operations the editing room needs, on its own clone, through git's plumbing.

Entries under review live on branches `cms/<collection>/<slug>` (Decap's naming). Their commits are made without a
working tree (a temporary index: read the base tree, add the entry's files, write the tree, commit it), so no
branch is ever checked out: the clone's working tree always shows main, which is what the room reads.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

PREFIX = "cms/"  # Decap's branch prefix for entries under review
TRAILERS = ("Tai-khoan", "Vai-tro", "Trang-thai")  # ASCII keys: git reads non-ASCII keys as plain text


class GitError(Exception):
    """A git command that failed: its words, for the terminal."""


class Git:
    def __init__(self, repo: Path) -> None:
        self.repo = repo

    def run(self, *args: str, data: bytes | None = None, env: dict | None = None, ok: tuple = (0,)) -> str:
        done = subprocess.run(["git", "-C", str(self.repo), *args], input=data, capture_output=True,
                              env={**os.environ, "LC_ALL": "C.UTF-8", **(env or {})}, timeout=300)
        if done.returncode not in ok:
            raise GitError(f"git {' '.join(args[:3])}: {done.stderr.decode('utf-8', 'replace').strip()[:500]}")
        return done.stdout.decode("utf-8", "replace")

    def head(self, branch: str) -> str | None:
        found = self.run("rev-parse", "--verify", "-q", f"refs/heads/{branch}^{{commit}}", ok=(0, 1)).strip()
        return found or None

    def read(self, commit: str, path: str) -> bytes | None:
        done = subprocess.run(["git", "-C", str(self.repo), "cat-file", "blob", f"{commit}:{path}"],
                              capture_output=True, timeout=60)
        return done.stdout if done.returncode == 0 else None

    def branches(self) -> list[str]:
        refs = self.run("for-each-ref", "--format=%(refname)", f"refs/heads/{PREFIX}")
        return [r.removeprefix("refs/heads/") for r in refs.split()]

    def changed(self, base: str, commit: str) -> list[tuple[str, str]]:
        """(status letter, path) of what `commit` changed since it left `base` (three dots: the merge base)."""
        out = self.run("diff", "--name-status", "--no-renames", "-z", f"{base}...{commit}")
        parts = out.split("\0")
        return [(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]

    def trailer(self, commit: str, key: str) -> str:
        return self.run("log", "-1", f"--format=%(trailers:key={key},valueonly)", commit).strip()

    def commit(self, base: str, changes: dict[str, bytes | None], parents: list[str], message: str,
               account: str) -> str:
        """A commit of `base`'s tree with `changes` (path -> bytes, None removes), made by `account`."""
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            self.run("read-tree", base, env=env)
            lines = []
            for path, data in changes.items():
                if data is None:
                    lines.append(f"0 {'0' * 40}\t{path}")
                else:
                    blob = self.run("hash-object", "-w", "--stdin", data=data).strip()
                    lines.append(f"100644 {blob}\t{path}")
            if lines:
                self.run("update-index", "--index-info", data=("\n".join(lines) + "\n").encode("utf-8"), env=env)
            tree = self.run("write-tree", env=env).strip()
        return self.commit_tree(tree, parents, message, account)

    def commit_tree(self, tree: str, parents: list[str], message: str, account: str) -> str:
        who = {"GIT_AUTHOR_NAME": account, "GIT_AUTHOR_EMAIL": f"{account}@phong-bien-tap",
               "GIT_COMMITTER_NAME": account, "GIT_COMMITTER_EMAIL": f"{account}@phong-bien-tap"}
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        return self.run(*args, data=message.encode("utf-8"), env=who).strip()

    def tree(self, commit: str) -> str:
        return self.run("rev-parse", f"{commit}^{{tree}}").strip()

    def merged_tree(self, ours: str, theirs: str) -> str | None:
        """The tree of merging `theirs` into `ours`, or None when they conflict."""
        done = subprocess.run(["git", "-C", str(self.repo), "merge-tree", "--write-tree", "--no-messages", ours, theirs],
                              capture_output=True, text=True, timeout=300)
        if done.returncode not in (0, 1):
            raise GitError(f"git merge-tree: {done.stderr.strip()[:500]}")
        return done.stdout.split()[0] if done.returncode == 0 else None

    def set_branch(self, branch: str, new: str, old: str | None) -> None:
        """Move a branch only if it is still where we read it (a second room on the same clone never loses work)."""
        self.run("update-ref", f"refs/heads/{branch}", new, old or "0" * 40)

    def delete_branch(self, branch: str, old: str) -> None:
        self.run("update-ref", "-d", f"refs/heads/{branch}", old)
