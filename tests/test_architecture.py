"""The house: rooms by stage, the layer rule enforced by import-linter, and no room grown past ~400 lines."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("content", "stores", "plans", "radio", "search", "portals", "site", "preview")


def lint(src: Path) -> subprocess.CompletedProcess:
    """import-linter with the project's own contracts (pyproject.toml) over the package found in `src`."""
    return subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=src,
                          capture_output=True, text=True, env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"})


def test_the_contracts_hold_on_our_code():
    run = lint(ROOT / "src")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout


def copy_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "src" / "cchc", tmp_path / "cchc", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_an_upward_import_breaks_the_layers_contract(tmp_path):
    """The model reaching up into the site (what the loader once did with a cache) fails the suite."""
    src = copy_package(tmp_path)
    text = src / "cchc" / "content" / "text.py"
    text.write_text(text.read_text() + "\nfrom ..site import views  # noqa\n")
    run = lint(src)
    assert run.returncode == 1
    assert "Rooms by stage" in run.stdout and "BROKEN" in run.stdout
    assert "cchc.content.text -> cchc.site.views" in run.stdout


def test_two_rooms_of_one_level_may_not_import_each_other(tmp_path):
    src = copy_package(tmp_path)
    check = src / "cchc" / "plans" / "check.py"
    check.write_text(check.read_text() + "\nfrom ..radio import speech  # noqa\n")
    run = lint(src)
    assert run.returncode == 1 and "cchc.plans.check -> cchc.radio.speech" in run.stdout


def test_the_model_knows_no_engine(tmp_path):
    src = copy_package(tmp_path)
    model = src / "cchc" / "content" / "model.py"
    model.write_text(model.read_text() + "\nimport mkdocs.plugins  # noqa\n")
    run = lint(src)
    assert run.returncode == 1 and "The model, plans, radio" in run.stdout and "cchc.content.model -> mkdocs " in run.stdout


def test_every_room_is_a_package_with_its_purpose_stated():
    for name in PACKAGES:
        init = ROOT / "src" / "cchc" / name / "__init__.py"
        assert init.is_file(), name
        assert len(init.read_text(encoding="utf-8").strip()) > 60, f"{name}/__init__.py: say what the room holds"
    loose = sorted(p.name for p in (ROOT / "src" / "cchc").glob("*.py"))
    assert loose == ["__init__.py", "cli.py"], loose  # everything else lives in a room


def test_no_module_is_longer_than_about_400_lines():
    lengths = {p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
               for p in (ROOT / "src" / "cchc").rglob("*.py")}
    assert max(lengths.values()) <= 420, sorted(lengths.items(), key=lambda kv: -kv[1])[:3]
    assert lengths["src/cchc/site/plugin.py"] <= 350  # a thin adapter: hooks that call into site/


def test_browser_waits_are_functions_the_sites_csp_lets_run():
    """The site forbids eval (its CSP): Playwright evaluates a wait given as an expression with eval, so such a
    wait passes when its condition already holds and fails when it has to poll (a slower machine)."""
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "wait_for_function" and node.args
                    and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))):
                head = node.args[0].value if isinstance(node.args[0], ast.Constant) else (
                    node.args[0].values[0].value if isinstance(node.args[0].values[0], ast.Constant) else "")
                if not re.match(r"\s*(\(?[\w\s,]*\)?\s*=>|function\b)", str(head)):
                    found.append(f"{path.name}:{node.lineno}")
    assert not found, found
