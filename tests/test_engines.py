"""The site does not change under us: the sample builds into the bytes recorded in tests/golden/, with MkDocs 1.6.1
and with ProperDocs (its maintained continuation) alike, apart from Material's generator line.

When a change to the site is meant, record the new digests with
    CCHC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_engines.py -k golden
and let the diff of tests/golden/sample-site.sha256 show, in review, which files it touched."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_NOW

GOLDEN = Path(__file__).parent / "golden" / "sample-site.sha256"
GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')


def digests(site: Path) -> dict[str, str]:
    """Every file of a built site by its SHA-256; the readings' MP3s left out (their bytes are espeak-ng's and
    lame's, which Debian may update: the pages and feeds still carry each reading's length and address)."""
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and p.suffix != ".mp3"}


def read_golden() -> dict[str, str]:
    rows = (line.split("  ", 1) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line)
    return {path: digest for digest, path in rows}


def test_the_sample_site_is_byte_for_byte_what_golden_records(sample):
    site, _ = sample
    now = digests(site)
    if os.environ.get("CCHC_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text("".join(f"{d}  {p}\n" for p, d in now.items()), encoding="utf-8")
    golden = read_golden()
    assert len(golden) > 500  # the whole sample: pages, feeds, search index, media
    changed = sorted(p for p in now.keys() & golden.keys() if now[p] != golden[p])
    assert not changed and now.keys() == golden.keys(), (
        f"changed: {changed[:10]} ({len(changed)}), new: {sorted(now.keys() - golden.keys())[:10]}, "
        f"gone: {sorted(golden.keys() - now.keys())[:10]} — if the change is meant, see this file's docstring")


def build_with(engine: str, site: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, CCHC_NOW=SAMPLE_NOW, CCHC_ENGINE=engine)
    return subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(ROOT), "build", "--site-dir", str(site)],
                          capture_output=True, text=True, env=env, timeout=900)


def test_properdocs_builds_the_same_site_as_mkdocs(sample, tmp_path):
    mkdocs_site, _ = sample
    run = build_with("properdocs", tmp_path / "site")
    assert run.returncode == 0, run.stdout + run.stderr
    proper_site = tmp_path / "site"
    ours, theirs = digests(mkdocs_site), digests(proper_site)
    assert ours.keys() == theirs.keys()
    different = [p for p in ours if ours[p] != theirs[p]]
    assert all(p.endswith(".html") for p in different), different
    home = (mkdocs_site / "index.html").read_bytes(), (proper_site / "index.html").read_bytes()
    assert GENERATOR.search(home[0]).group(1) == b"mkdocs-1.6.1, mkdocs-material-9.8.1"
    assert GENERATOR.search(home[1]).group(1) == b"mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.1"
    for rel in different:  # the generator line, and nothing else
        a, b = (mkdocs_site / rel).read_bytes(), (proper_site / rel).read_bytes()
        assert GENERATOR.sub(b"", a) == GENERATOR.sub(b"", b), rel


def test_an_unknown_engine_is_refused_by_name(tmp_path):
    run = build_with("hugo", tmp_path / "site")
    assert run.returncode != 0
    assert "CCHC_ENGINE=hugo" in run.stderr and "mkdocs hoặc properdocs" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_the_engine_chosen_is_the_one_that_runs(engine):
    code = "import cchc, mkdocs.plugins, sys; print(cchc.engine(), mkdocs.plugins.__name__)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, CCHC_ENGINE=engine))
    assert run.stdout.split() == [engine, f"{engine}.plugins"], run.stderr
