"""`cchc edit` (`make edit`): the editing room on one machine, with no git server.

The preview (`cchc serve`) answers the editor's requests itself (backend.py: Decap CMS's proxy API, confined to
docs/), on its own origin at a path with a secret made for this run; the editor's config.yml points there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..site.editor import API_ENV, find_bundle
from .backend import FileService, new_secret
from .serve import serve


def edit(root: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    if find_bundle(root) is None:
        print("Chưa cài phòng biên tập: cần các gói npm của dự án — chạy `make edit` (tự cài) hoặc `npm ci` trong "
              "thư mục dự án.", file=sys.stderr)
        return 2
    files = FileService(root, new_secret())
    os.environ[API_ENV] = files.path  # the builds of this process write it into /quan-tri/config.yml
    return serve(root, host, port, files=files,
                 also="Phòng biên tập: {url}quan-tri/ — bấm \u201cĐăng nhập\u201d, viết bài, bấm \u201cCông bố\u201d: "
                      "tệp được ghi thẳng vào docs/ của thư mục này.")
