"""Chuyên mục CCHC: the administrative-reform section of a Vietnamese portal, as a static site.

The engine: MkDocs 1.6.1 by default, or ProperDocs (the maintained continuation of MkDocs 1.x) when the
environment says CCHC_ENGINE=properdocs, or when MkDocs itself is not installed. ProperDocs' `replacement` module
makes every later `mkdocs.*` import — ours and Material's — load ProperDocs, so no other line of ours names it.
The choice is made here, before anything of ours imports the engine.
"""

import os as _os
import sys as _sys
from importlib.util import find_spec as _find_spec

ENGINES = ("mkdocs", "properdocs")


def engine() -> str:
    """The engine this process builds with."""
    module = _sys.modules.get("mkdocs")
    return "properdocs" if module is not None and module.__name__ == "properdocs" else "mkdocs"


def _choose() -> None:
    wanted = _os.environ.get("CCHC_ENGINE", "").strip().lower() or "mkdocs"
    if "mkdocs" in _sys.modules:
        return  # started by an engine's own command (`mkdocs build`, `properdocs build`): that one it is
    if wanted not in ENGINES:
        raise SystemExit(f"CCHC_ENGINE={wanted}: không có công cụ dựng trang này — dùng mkdocs hoặc properdocs (README, "
                         "mục Cho người phát triển)")
    if wanted == "properdocs" or _find_spec("mkdocs") is None:
        import properdocs.replacement  # noqa: F401


_choose()
