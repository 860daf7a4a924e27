"""From approval to the portal: scripts/dang-len-cong.sh (what both pipeline templates run) on a checkout of
this repository, publishing to a folder with rsync; a build with errors publishes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SAMPLE_NOW

SCRIPT = "scripts/dang-len-cong.sh"


def shell_env(**values: str) -> dict[str, str]:
    """The environment of a pipeline's shell: not that of `make test` running us (a make inside would
    otherwise take our make's flags and print its "Entering directory" lines)."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"}}
    env.pop("DEPLOY_SSH_KEY", None)
    env.pop("DEPLOY_TARGET", None)
    return {**env, **values}


@pytest.fixture
def checkout(tmp_path):
    """The repository's tracked files, as the pipeline's checkout has them, with this machine's installed
    .venv and node_modules (the Makefile's install stamps then say there is nothing to install)."""
    root = tmp_path / "kho"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)  # with its time: make compares it with the install stamps
    for installed in (".venv", "node_modules"):
        (root / installed).symlink_to(ROOT / installed)
    # `make build` here must find everything installed (as after `make test`'s own set-up), or it would
    # install into this machine's shared .venv and node_modules through the links: say so, touch nothing.
    planned = subprocess.run(["make", "-n", "build"], cwd=root, env=shell_env(), capture_output=True, text=True, check=True).stdout
    assert planned.strip() == ".venv/bin/cchc build", f"run `make setup` and `npm ci` first; make would run:\n{planned}"
    return root


def publish(root: Path, target: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", SCRIPT], cwd=root, env=shell_env(DEPLOY_TARGET=f"{target}/", CCHC_NOW=SAMPLE_NOW),
                          capture_output=True, text=True, timeout=600)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def live(www: Path) -> Path:
    """The release the web server serves: www/current, a symlink into www/releases/."""
    assert (www / "current").is_symlink()
    return (www / "current").resolve()


def release(www: Path, name: str, files: dict[str, str]) -> Path:
    """A release already on the server, made live."""
    folder = www / "releases" / name
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    (www / "current").unlink(missing_ok=True)
    (www / "current").symlink_to(f"releases/{name}")
    return folder


def test_a_good_build_is_published_whole_and_what_left_the_build_leaves_the_server(checkout, tmp_path):
    www = tmp_path / "www"
    before = release(www, "20250101-080000", {"index.html": "cũ", "tin-tuc-da-xoa.html": "cũ"})
    done = publish(checkout, www)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Đã đăng lên cổng: bản" in done.stdout
    assert live(www) != before and live(www).parent == www / "releases"
    assert tree(live(www)) == tree(checkout / "site")  # the portal now serves exactly this build
    assert not (live(www) / "tin-tuc-da-xoa.html").exists()
    assert tree(before) == {"index.html": "cũ".encode(), "tin-tuc-da-xoa.html": "cũ".encode()}  # kept, to go back to
    assert not list((www / "releases").glob(".dang-chep-*"))


def test_a_build_with_errors_publishes_nothing_and_names_the_mistake_in_vietnamese(checkout, tmp_path):
    www = tmp_path / "www"
    before = release(www, "20250101-080000", {"index.html": "trang đang chạy"})
    item = checkout / "docs" / "tin-tuc" / "2024" / "tri-hai-guong-sang-kien-mot-cua.md"
    item.write_text(item.read_text(encoding="utf-8").replace("date: 19/07/2024 09:00", "date: 31/02/2024"), encoding="utf-8")
    done = publish(checkout, www)
    assert done.returncode != 0
    log = done.stdout + done.stderr
    assert "tri-hai-guong-sang-kien-mot-cua.md" in log and "31/02/2024" in log
    assert "KHÔNG đăng gì lên cổng" in log and "Traceback" not in log
    assert live(www) == before and tree(www) == {"releases/20250101-080000/index.html": "trang đang chạy".encode()}


def test_a_missing_target_is_named_before_anything_is_built(checkout):
    done = subprocess.run(["bash", SCRIPT], cwd=checkout, env=shell_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "DEPLOY_TARGET" in done.stderr
    assert not (checkout / "site").exists()


@pytest.mark.parametrize("path", [".forgejo/workflows/dang-len-cong.yml", ".gitlab-ci.yml"])
def test_the_pipeline_templates_run_the_script_on_main_only_with_the_settings_as_variables(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    pipeline = yaml.safe_load(text)
    if path == ".gitlab-ci.yml":
        job = pipeline["dang-len-cong"]
        assert job["rules"] == [{"if": '$CI_COMMIT_BRANCH == "main"'}]
        commands = job["before_script"] + job["script"]
    else:
        assert pipeline.get("on", pipeline.get(True)) == {"push": {"branches": ["main"]}}  # YAML 1.1 reads "on" as true
        steps = pipeline["jobs"]["dang-len-cong"]["steps"]
        commands = [step.get("run", "") for step in steps]
        env = next(step["env"] for step in steps if "env" in step)
        assert env == {"DEPLOY_TARGET": "${{ vars.DEPLOY_TARGET }}", "DEPLOY_SSH_KEY": "${{ secrets.DEPLOY_SSH_KEY }}",
                       "DEPLOY_KNOWN_HOSTS": "${{ secrets.DEPLOY_KNOWN_HOSTS }}"}
    assert any(command.strip() == f"bash {SCRIPT}" for command in commands)
    installs = " ".join(commands)
    for tool in ("make", "python3-venv", "npm", "rsync", "openssh-client"):  # what the script and `make build` need
        assert tool in installs, tool
    assert "DEPLOY_SSH_KEY" not in " ".join(commands)  # secrets reach the script as environment, never on a command line



def test_a_publish_without_a_change_keeps_every_file_time_and_nginx_answers_304(checkout, tmp_path):
    """Unchanged files keep their time on the server (no --times): conditional requests of pages, feeds and MP3s
    are answered 304 by Debian's nginx; a changed item's page gets a new time and a full answer."""
    import http.client
    import time

    from conftest import plain_nginx

    www = tmp_path / "www"
    www.mkdir()
    assert publish(checkout, www).returncode == 0
    first = live(www)

    def times() -> dict[str, int]:  # of the live release's files
        return {p.relative_to(live(www)).as_posix(): p.stat().st_mtime_ns for p in live(www).rglob("*") if p.is_file()}
    kept = times()
    time.sleep(1.1)
    done = publish(checkout, www)
    assert done.returncode == 0, done.stdout + done.stderr
    assert live(www) != first and times() == kept  # a new release, every unchanged file a link with its time
    with plain_nginx(tmp_path / "nginx", f"{www}/current") as port:
        mp3 = next(live(www).glob("phat-thanh/ban-tin/*/*.mp3")).relative_to(live(www)).as_posix()
        for path in ("/index.html", "/rss.xml", "/phat-thanh/rss.xml", f"/{mp3}"):
            asked = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            asked.request("GET", path)
            answer = asked.getresponse()
            answer.read()
            assert answer.status == 200, path
            again = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            again.request("GET", path, headers={"If-Modified-Since": answer.getheader("Last-Modified"),
                                                "If-None-Match": answer.getheader("ETag")})
            assert again.getresponse().status == 304, path
    item = checkout / "docs" / "tin-tuc" / "2024" / "tri-hai-guong-sang-kien-mot-cua.md"
    item.write_text(item.read_text(encoding="utf-8") + "\nĐoạn thêm.\n", encoding="utf-8")
    assert publish(checkout, www).returncode == 0
    now = times()
    changed = {p for p in kept if now.get(p) != kept[p]}
    assert "tin-tuc/tri-hai-guong-sang-kien-mot-cua/index.html" in changed
    assert "gioi-thieu/index.html" not in changed and len(changed) < len(kept) / 2
