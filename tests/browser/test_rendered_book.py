"""The rendered book in a real browser: every page of _build/html opened in headless Chromium.

For each page of the table of contents it checks that every image loaded, that the math
was typeset by MathJax (no raw TeX delimiters left in the text), that no code or
output block is wider than its column (a horizontal scroll bar), that the browser logged
no errors, that every internal link leads to an existing page and anchor, and that a
chapter's "Open in Colab" link points at that chapter's notebook in the repository of
``_config.yml``. A screenshot of each page goes to ``_build/screenshots/``.

Run after ``jupyter-book build .`` (``.ci/test`` does both). Needs Debian's ``chromium``
(or ``$AEGAN_CHROMIUM``) and the ``playwright`` package; without them the tests skip,
unless ``AEGAN_REQUIRE_BROWSER=1`` (set by ``.ci/run``) turns the skip into a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / ".ci"))

import bookfiles as book  # noqa: E402

HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
PAGES = book.toc_files(ROOT)
REQUIRED = os.environ.get("AEGAN_REQUIRE_BROWSER") == "1"


def _missing(reason: str):
    if REQUIRED:
        pytest.fail(
            f"browser check required (AEGAN_REQUIRE_BROWSER=1) but {reason}"
        )
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").exists():
        _missing(
            f"no built book at {HTML}; run jupyter-book build . first"
        )
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def browser():
    executable = (
        os.environ.get("AEGAN_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not executable:
        _missing("no Chromium found (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on(
        "requestfailed",
        lambda req: (
            problems.append(f"request failed: {req.url}")
            if req.url.startswith("http://127.0.0.1")
            else None
        ),
    )
    page.on(
        "response",
        lambda resp: (
            problems.append(f"HTTP {resp.status}: {resp.url}")
            if resp.status >= 400
            else None
        ),
    )
    page.goto(url, wait_until="load")
    return page, problems


def _page_url(server: str, page: str) -> str:
    return f"{server}/{page}.html"


def test_every_page_is_built():
    missing = [p for p in PAGES if not (HTML / f"{p}.html").exists()]
    if not (HTML / "index.html").exists():
        _missing(f"no built book at {HTML}")
    assert not missing, f"pages in _toc.yml without HTML: {missing}"


@pytest.mark.parametrize("page_name", PAGES)
def test_page_renders_in_chromium(server, browser, page_name):
    page, problems = _open(browser, _page_url(server, page_name))
    # Math: wait for MathJax to finish, then no TeX delimiters may be left in the prose.
    has_math = page.evaluate("() => !!window.MathJax")
    if has_math:
        page.wait_for_function(
            "() => window.MathJax.startup && window.MathJax.startup.promise",
            timeout=20_000,
        )
        page.evaluate("() => window.MathJax.startup.promise")
    raw_tex = page.evaluate("""() => {
        const body = document.querySelector('main') || document.body;
        const clone = body.cloneNode(true);
        clone.querySelectorAll('pre, code, script, style, mjx-container, .cell_output').forEach(e => e.remove());
        const text = clone.innerText;
        return ['$$', '\\\\(', '\\\\[', '\\\\frac', '\\\\mathbf'].filter(s => text.includes(s));
    }""")
    assert not raw_tex, f"{page_name}: raw TeX left in the text: {raw_tex}"
    untypeset = page.evaluate(
        "() => [...document.querySelectorAll('.math')]"
        ".filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 40))"
    )
    assert not untypeset, (
        f"{page_name}: math MathJax did not typeset: {untypeset[:3]}"
    )
    # Images: scroll through so that lazy ones load, then every one must have pixels.
    page.evaluate(
        "async () => { for (let y = 0; y < document.body.scrollHeight; y += 800) "
        "{ window.scrollTo(0, y); await new Promise(r => setTimeout(r, 20)); } }"
    )
    page.wait_for_load_state("networkidle")
    broken = page.evaluate(
        "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.src.slice(0, 80))"
    )
    assert not broken, f"{page_name}: images that did not load: {broken}"
    # Width: no code cell, shown source or output may scroll sideways.
    wide = page.evaluate("""() => [...document.querySelectorAll(
        'pre, div.highlight, div.cell_output, div.output, .output_area, table'
    )].filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
      .map(e => `${e.tagName}.${e.className.split(' ')[0]}: `
        + `${e.scrollWidth} > ${e.clientWidth}: `
        + e.innerText.split('\\n').sort((a, b) => b.length - a.length)[0]
            .slice(0, 90))""")
    assert not wide, (
        f"{page_name}: {len(wide)} blocks wider than their column: {wide[:5]}"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(
        path=str(SHOTS / f"{page_name.replace('/', '__')}.png")
    )
    assert not problems, f"{page_name}: " + "; ".join(problems)
    page.close()


@pytest.mark.parametrize("page_name", PAGES)
def test_internal_links_resolve(server, browser, page_name):
    page, _ = _open(browser, _page_url(server, page_name))
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
    )
    page.close()
    bad = []
    for href in sorted(set(hrefs)):
        if not href.startswith(server):
            continue
        parsed = urllib.parse.urlparse(href)
        target = HTML / urllib.parse.unquote(parsed.path.lstrip("/"))
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            bad.append(f"{href} (no file)")
        elif parsed.fragment and target.suffix == ".html":
            ids = set(
                re.findall(
                    r'id="([^"]+)"', target.read_text(errors="replace")
                )
            )
            if urllib.parse.unquote(parsed.fragment) not in ids:
                bad.append(f"{href} (no anchor)")
    assert not bad, f"{page_name}: broken internal links: {bad}"


@pytest.mark.parametrize(
    "page_name", [p for p in PAGES if (ROOT / f"{p}.ipynb").exists()]
)
def test_colab_button_opens_this_notebook(server, browser, page_name):
    url, branch = book.repository_from_config(ROOT / "_config.yml")
    expected = (
        f"https://colab.research.google.com/github/{urllib.parse.urlparse(url).path.strip('/')}"
        f"/blob/{branch}/{page_name}.ipynb"
    )
    page, _ = _open(browser, _page_url(server, page_name))
    links = page.evaluate(
        "() => [...document.querySelectorAll('a[href*=\"colab.research.google.com\"]')]"
        ".map(a => a.href)"
    )
    page.close()
    assert links, f"{page_name}: no Open-in-Colab link"
    assert expected in links, (
        f"{page_name}: Colab links {links}, expected {expected}"
    )
