"""The nginx configuration in deploy/nginx/, run by Debian's nginx on loopback ports against the built sample:
headers, types, caching, gzip, the 404 page, the editing room's own policy, at a root and under a sub-path."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE_NOW, copy_sample, free_port, nginx_conf, start_nginx

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = ROOT / "deploy" / "nginx"
EDITOR = """  editor:
    backend: gitea
    repo: so-noi-vu/chuyen-muc-cchc
    base_url: https://git.example.gov.vn
    app_id: 0f3c9a1e-demo
"""


def built(root: Path, site_url: str) -> Path:
    """The sample built for `site_url`, with the editing room pointed at a (fictional) provincial git server."""
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^site_url: .*$", f"site_url: {site_url}", config, count=1, flags=re.M)
    (root / "mkdocs.yml").write_text(config.replace("\nextra:\n", "\nextra:\n" + EDITOR, 1), encoding="utf-8")
    from cchc.site.build import build_site
    saved = os.environ.get("CCHC_NOW")
    os.environ["CCHC_NOW"] = SAMPLE_NOW
    try:
        result = build_site(root, root / "site")
    finally:
        os.environ.pop("CCHC_NOW") if saved is None else os.environ.__setitem__("CCHC_NOW", saved)
    assert result.ok, result.messages
    (root / "site" / "van-ban" / "2024" / "mau.docx").write_bytes(b"PK\x03\x04" + b"\0" * 64)
    return root / "site"


def installed(text: str, snippets: Path) -> str:
    """A file of deploy/nginx/ as a province installs it: its snippets where it includes them from."""
    return text.replace("/etc/nginx/snippets/", f"{snippets}/")


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    assert Path(NGINX).exists(), "Debian's nginx is installed by `make test` (apt-get install nginx)"
    work = tmp_path_factory.mktemp("nginx")
    snippets = work / "snippets"
    snippets.mkdir()
    for name in ("chuyen-muc-cchc.rules", "chuyen-muc-cchc.headers"):
        (snippets / name).write_text(installed((DEPLOY / name).read_text(encoding="utf-8"), snippets), encoding="utf-8")
    root_port, sub_port = free_port(), free_port()
    root_site = built(copy_sample(work / "goc"), "https://cchc.example.gov.vn/")
    sub_site = built(copy_sample(work / "con"), f"http://127.0.0.1:{sub_port}/cchc/")
    server = installed((DEPLOY / "chuyen-muc-cchc.conf").read_text(encoding="utf-8"), snippets)
    server = server.replace("listen 80;", f"listen 127.0.0.1:{root_port};").replace("/var/www/chuyen-muc-cchc/current", str(root_site))
    location = installed((DEPLOY / "chuyen-muc-cchc-duong-dan-con.conf").read_text(encoding="utf-8"), snippets)
    location = location.replace("/var/www/chuyen-muc-cchc/current/", f"{sub_site}/")
    nginx_conf(work, f"""
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    {server}
    server {{
        listen 127.0.0.1:{sub_port};
        server_name portal.example.gov.vn;
        {location}
    }}
""")
    checked = subprocess.run([NGINX, "-t", "-p", str(work), "-c", str(work / "nginx.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = start_nginx(work, lambda: [socket.create_connection(("127.0.0.1", port), 2).close()
                                         for port in (root_port, sub_port)])
    try:
        yield {"root": (root_port, ""), "sub": (sub_port, "/cchc"), "sites": {"root": root_site, "sub": sub_site}}
    finally:
        process.terminate()
        process.wait(timeout=10)


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def get(port: int, path: str, gzip: bool = False) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"} if gzip else {})
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, body


@pytest.fixture(params=["root", "sub"])
def where(request, nginx):
    port, prefix = nginx[request.param]
    return port, prefix, nginx["sites"][request.param]


def test_pages_carry_the_security_headers_and_a_short_cache(where):
    port, prefix, site = where
    status, headers, body = get(port, prefix + "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy and "default-src 'self'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["cache-control"] == "public, max-age=300"
    assert b'http-equiv="Content-Security-Policy"' in body  # the exact policy, with the theme's hashes
    item = get(port, prefix + "/tin-tuc/tri-hai-guong-sang-kien-mot-cua/")
    assert item[0] == 200 and "Tri Hải".encode() in item[2]


def test_feeds_audio_and_documents_have_their_types(where):
    port, prefix, site = where
    for path, kind in [("/rss.xml", "application/rss+xml; charset=utf-8"), ("/atom.xml", "application/atom+xml; charset=utf-8"),
                       ("/phat-thanh/rss.xml", "application/rss+xml; charset=utf-8"),
                       ("/chu-de/mot-cua/rss.xml", "application/rss+xml; charset=utf-8"),
                       ("/sitemap.xml", "application/xml; charset=utf-8"),
                       ("/media/2024/ninh-thuan-ban-tin-cchc.mp3", "audio/mpeg"),
                       ("/van-ban/2024/ke-hoach-tuyen-truyen-cchc-ninh-thuan.pdf", "application/pdf"),
                       ("/van-ban/2024/mau.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]:
        status, headers, _ = get(port, prefix + path)
        assert status == 200, path
        assert headers["content-type"] == kind, path
        assert headers["x-content-type-options"] == "nosniff", path
    status, headers, _ = get(port, prefix + "/media/2024/ninh-thuan-ban-tin-cchc.mp3")
    assert headers["cache-control"] == "public, max-age=86400"


def test_fingerprinted_assets_are_kept_a_year_and_text_is_gzipped(where):
    port, prefix, site = where
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js")).name
    status, headers, body = get(port, f"{prefix}/assets/javascripts/{bundle}", gzip=True)
    assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-encoding"] == "gzip" and body[:2] == b"\x1f\x8b"
    assert headers["content-security-policy"].startswith("default-src 'self'")
    status, headers, _ = get(port, prefix + "/rss.xml", gzip=True)
    assert headers.get("content-encoding") == "gzip"


def test_unknown_addresses_get_our_404_page_and_hidden_files_are_not_served(where):
    port, prefix, site = where
    status, headers, body = get(port, prefix + "/khong-co-trang-nay/")
    assert status == 404 and "content-security-policy" in headers
    assert body == (site / "404.html").read_bytes()
    for hidden in ("/.htaccess", "/quan-tri/.htaccess"):
        status, _, body = get(port, prefix + hidden)
        assert status == 404 and b"Header always set" not in body


def test_svg_images_may_run_nothing(where):
    port, prefix, site = where
    status, headers, _ = get(port, prefix + "/anh/2024/trung-tam-hcc-ninh-thuan.svg")
    assert status == 200 and headers["content-type"].startswith("image/svg+xml")
    assert headers["content-security-policy"].startswith("default-src 'none'")


def test_the_editing_room_has_its_own_policy_and_is_never_cached(where):
    port, prefix, site = where
    status, headers, body = get(port, prefix + "/quan-tri/")
    assert status == 200 and b"decap-cms.js" in body
    assert "'unsafe-eval'" in headers["content-security-policy"] and "frame-ancestors 'self'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-cache" and headers["x-robots-tag"] == "noindex, nofollow"
    status, headers, body = get(port, prefix + "/quan-tri/config.yml")
    assert status == 200 and headers["content-type"] == "text/yaml; charset=utf-8"
    assert b"base_url: https://git.example.gov.vn" in body
    status, headers, _ = get(port, prefix + "/quan-tri/decap-cms.js", gzip=True)
    assert status == 200 and headers["content-encoding"] == "gzip"


@pytest.mark.parametrize("path", ["/", "/tin-tuc/tri-hai-guong-sang-kien-mot-cua/", "/rss.xml", "/atom.xml", "/sitemap.xml",
                                  "/media/2024/ninh-thuan-ban-tin-cchc.mp3", "/anh/2024/trung-tam-hcc-ninh-thuan.svg",
                                  "/quan-tri/", "/quan-tri/config.yml", "/khong-co/"])
def test_every_kind_of_response_keeps_every_security_header(where, path):
    """nginx drops the add_header lines of the level above in a location that has its own: each location must
    repeat them. Every kind of response: no sniffing, a referrer policy, and never framed by another site."""
    port, prefix, _ = where
    status, headers, _ = get(port, prefix + path)
    assert status in (200, 404), path
    assert headers.get("x-content-type-options") == "nosniff", path
    assert headers.get("referrer-policy") in ("strict-origin-when-cross-origin", "same-origin"), path
    assert "frame-ancestors 'self'" in headers.get("content-security-policy", ""), path
