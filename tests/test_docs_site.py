"""
The documentation site: built strictly, and read in a real browser.

``mkdocs build --strict`` must pass with no warning. The built site is then served on 127.0.0.1
and opened in headless Chromium (Debian's ``chromium`` and ``chromium-driver``; nothing is ever
downloaded): no console errors, no request leaves the site, every Mermaid diagram is an SVG, the
status tables filter, and the search finds raw vendor values. Screenshots of the home page and of
a filtered status table are saved under ``build/screenshots/`` (git-ignored) for people to look at.
Under CI (``CI`` set) a missing browser fails these tests; elsewhere it skips them.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from cartnorm import available_adapters
from conftest import REPO

SCREENSHOTS = REPO / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Flags for a sandboxed machine with no internet: no background connections, no first-run work.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
)
WAIT = 20.0  # seconds: generous for a loaded 2-core machine; each wait ends as soon as it holds

_STATUS_TABLE = re.compile(r'<div class="status-table"([^>]*)>(.*?)</table>', re.DOTALL)


# --- the build ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built from this checkout with ``mkdocs build --strict`` into a scratch folder."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    assert "WARNING" not in log, log
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if p.parent.name not in {"search", "assets"})


def _url(base_url: str, site: Path, page: Path) -> str:
    folder = page.parent.relative_to(site).as_posix()
    return base_url if folder == "." else f"{base_url}{folder}/"


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_every_docs_page_is_in_the_site(site):
    """Each Markdown page under docs/ became a page of the site (strict mode also fails on one missing from the nav)."""
    for page in (REPO / "docs").rglob("*.md"):
        relative = page.relative_to(REPO / "docs").with_suffix("")
        folder = relative.parent if relative.name == "index" else relative
        built = site / folder / "index.html"
        assert built.is_file(), f"{page} was not built"


def test_no_markdown_table_is_left_unrendered(site):
    """A table the Markdown reader skipped (inside raw HTML without ``markdown="1"``) shows as pipes."""
    for page in _pages(site):
        text = re.sub(r"<pre.*?</pre>|<code.*?</code>", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
        leftovers = [line for line in text.splitlines() if re.match(r"\s*\|.*\|\s*$", line)]
        assert not leftovers, f"{page.relative_to(site)}: {leftovers[:3]}"


def test_status_tables_read_whole_without_javascript(site):
    """Every status table in the site has every row of its adapter's table, none hidden, before any script runs."""
    tables = {(t.vendor, t.title): t for adapter in available_adapters().values() for t in adapter.status_tables}
    seen = set()
    for page in _pages(site):
        for attributes, body in _STATUS_TABLE.findall(page.read_text(encoding="utf-8")):
            data = {name: html.unescape(value) for name, value in re.findall(r'(data-[\w-]+)="([^"]*)"', attributes)}
            key = (data["data-vendor"], data["data-title"])
            assert key in tables, f"{page.relative_to(site)}: a status table no adapter has: {key}"
            rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.DOTALL)
            assert len(rows) == len(tables[key].rows) + 1  # + the "any other value" row
            assert " hidden" not in body
            first = [_text(cell).strip() for cell in re.findall(r"<td>(.*?)</td>", rows[0], re.DOTALL)]
            key_values, decision = next(iter(tables[key].rows.items()))
            assert first == [*key_values, decision.status.value, decision.reason]
            seen.add(key)
    assert {key for key in tables if key[0] == "medusa"} <= seen


def test_the_site_needs_nothing_from_the_internet(site):
    """Every script, style sheet, icon and image of every page is a file of the site; Mermaid is the vendored copy."""
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        assets = re.findall(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"', text)
        assert any(asset.endswith("assets/vendor/mermaid/mermaid.min.js") for asset in assets)
        for asset in assets:
            if re.search(r'<link rel="(?:prev|next|canonical)" href="' + re.escape(asset), text):
                continue  # a link to a page, not something the page loads
            assert not urlsplit(asset).scheme, f"{page.relative_to(site)} loads {asset}"
            assert (page.parent / urlsplit(asset).path).resolve().is_file(), f"{page.relative_to(site)}: no {asset}"
    vendored = REPO / "docs" / "assets" / "vendor" / "mermaid"
    digest = hashlib.sha256((vendored / "mermaid.min.js").read_bytes()).hexdigest()
    assert f"sha256 of mermaid.min.js: {digest}" in (vendored / "SOURCE.txt").read_text(encoding="utf-8")
    assert "MIT License" in (site / "assets" / "vendor" / "mermaid" / "LICENSE").read_text(encoding="utf-8")


def _inventory(site: Path) -> set[str]:
    """The names in the site's ``objects.inv`` (Sphinx inventory v2, written by mkdocstrings)."""
    header, _, body = (site / "objects.inv").read_bytes().partition(b"zlib.\n")
    assert header.startswith(b"# Sphinx inventory version 2")
    return {line.split(" ", 1)[0] for line in zlib.decompress(body).decode().splitlines()}


def test_the_api_reference_covers_the_public_surface(site):
    """Every name in ``__all__`` of the public modules (each adapter's included) is in the API reference."""
    import griffe

    package = griffe.load("cartnorm", search_paths=[str(REPO / "src")])
    adapters = [m.path for m in package["adapters"].modules.values() if not m.name.startswith("_")]
    public = [
        "cartnorm",
        "cartnorm.model",
        "cartnorm.adapter",
        "cartnorm.adapters",
        *adapters,
        "cartnorm.lifecycle",
        "cartnorm.money",
        "cartnorm.errors",
        "cartnorm.limits",
        "cartnorm.reading",
        "cartnorm.integrations",
        "cartnorm.integrations.spark",
        "cartnorm.integrations.dask",
        "cartnorm.integrations.dlt",
        "cartnorm.table_schema",
        "cartnorm.tables",
        "cartnorm.lossless",
        "cartnorm.testing",
    ]

    def canonical(path: str) -> str:
        obj = package[path.removeprefix("cartnorm.")] if path != "cartnorm" else package
        return obj.final_target.path if obj.is_alias else obj.path

    documented = {canonical(name) for name in _inventory(site) if name.startswith("cartnorm")}
    assert {"medusa", "gearment"} <= {path.rsplit(".", 1)[1] for path in adapters}
    missing = []
    for module in public:
        assert canonical(module) in documented, module
        for name in package[module.removeprefix("cartnorm.")].exports if module != "cartnorm" else package.exports:
            if canonical(f"{module}.{name}") not in documented:
                missing.append(f"{module}.{name}")
    assert missing == []


def test_docstrings_read_as_markdown(site):
    """Doctests are Python code, not quotes; no reST ``::``; no machinery members (scripts/griffe_cartnorm.py)."""
    for page in (site / "reference").rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        assert "<blockquote>" not in text, page
        assert "::</p>" not in text and "</code>::" not in text, page
        assert 'id="cartnorm.adapter.WarningLog.__slots__"' not in text
    money = (site / "reference" / "money" / "index.html").read_text(encoding="utf-8")
    assert '<span class="gp">&gt;&gt;&gt; </span><span class="n">exponent_of</span>' in money
    assert "doctest:" not in money


# --- the browser ----------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """The built site, served on 127.0.0.1 at a free port for as long as the module's tests run."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Debian Chromium driven by Debian's chromedriver (Selenium Manager is never asked)."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    if missing:
        message = f"{' and '.join(missing)} not found: apt-get install chromium chromium-driver (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # with the driver's path given too, Selenium never downloads either
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")  # fresh, empty
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")  # belt and braces: Selenium Manager may not go online
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(condition: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + WAIT
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {WAIT:.0f} s waiting for {what}")
        time.sleep(0.05)


def _open(browser: Any, url: str) -> None:
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get_log("performance")
    browser.get(url)
    _wait(lambda: browser.execute_script("return document.readyState") == "complete", f"{url} to load")


def _problems(browser: Any, base_url: str) -> list[str]:
    """Console errors, and requests for anything not served by the site itself, since `_open`."""
    problems = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and not url.startswith(base_url):
                problems.append(f"request outside the site: {url}")
    return problems


def _full_page_screenshot(browser: Any, path: Path) -> None:
    """The whole page as one PNG, not just the window (through the DevTools protocol)."""
    size = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"clip": clip, "captureBeyondViewport": True})
    path.write_bytes(base64.b64decode(shot["data"]))


def _mermaid_svgs(browser: Any) -> list[str]:
    """The text of each rendered diagram (Material draws them in closed shadow roots: read through CDP)."""
    document = browser.execute_cdp_cmd("DOM.getDocument", {"depth": -1, "pierce": True})["root"]

    def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield node
        for child in (*node.get("children", ()), *node.get("shadowRoots", ())):
            yield from walk(child)

    def text(node: dict[str, Any]) -> str:
        return " ".join(n["nodeValue"] for n in walk(node) if n["nodeType"] == 3).strip()

    svgs = []
    for node in walk(document):
        attributes = node.get("attributes", [])
        classes = dict(zip(attributes[::2], attributes[1::2], strict=True)).get("class", "").split()
        if node.get("localName") == "div" and "mermaid" in classes:
            svgs += [
                text(svg) for root in node.get("shadowRoots", ()) for svg in walk(root) if svg["nodeName"] == "svg"
            ]
    return svgs


def test_pages_render_without_errors(browser, base_url, site):
    """The pages that run scripts of their own load with no console error and ask for nothing outside the site.

    Those are the home page, every page with a status table or a Mermaid diagram, and an API
    reference page (every page's assets are checked without a browser above). The home page's
    screenshot, whole, is ``build/screenshots/home.png``.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    scripted = [
        page
        for page in _pages(site)
        if page.parent in {site, site / "reference" / "cartnorm"}
        or re.search(r'<div class="status-table"|<pre class="mermaid">', page.read_text(encoding="utf-8"))
    ]
    assert len(scripted) >= 5
    for page in scripted:
        url = _url(base_url, site, page)
        _open(browser, url)
        if page.parent == site:
            _full_page_screenshot(browser, SCREENSHOTS / "home.png")
        assert _problems(browser, base_url) == [], url


def test_every_mermaid_diagram_is_an_svg(browser, base_url, site):
    """Each Mermaid block is drawn as an SVG (not left as text, not Mermaid's syntax-error picture)."""
    pages = {p: p.read_text(encoding="utf-8").count('<pre class="mermaid">') for p in _pages(site)}
    pages = {p: n for p, n in pages.items() if n}
    assert any(p.parent.name == "lifecycle" for p in pages)
    for page, count in pages.items():
        _open(browser, _url(base_url, site, page))
        svgs = _wait(lambda count=count: len(s := _mermaid_svgs(browser)) == count and s, "Mermaid to draw")
        for svg in svgs:
            assert "Syntax error" not in svg
        if page.parent.name == "lifecycle":
            for status in ("open", "confirmed", "processing", "partially_fulfilled", "fulfilled", "cancelled"):
                assert status in svgs[0].split()
        assert _problems(browser, base_url) == []


def test_filtering_a_status_table(browser, base_url):
    """On the status mappings page, the Medusa table narrows to the rows with a value, by text and by column."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    _open(browser, base_url + "status-mappings/")
    container = browser.find_element(By.CSS_SELECTOR, 'div.status-table[data-vendor="medusa"]')
    form = _wait(lambda: container.find_elements(By.CSS_SELECTOR, "form.status-table__filters"), "the filter bar")[0]
    rows = container.find_elements(By.CSS_SELECTOR, "tbody tr")

    def visible() -> list[list[str]]:
        script = """return [...arguments[0].querySelectorAll('tbody tr')]
            .filter(row => !row.hidden).map(row => [...row.cells].map(cell => cell.textContent.trim()))"""
        return browser.execute_script(script, container)

    assert len(visible()) == len(rows)
    box = form.find_element(By.CSS_SELECTOR, "input[type=search]")
    box.send_keys("partially_shipped")
    shown = visible()
    assert 0 < len(shown) < len(rows)
    assert all("partially_shipped" in " ".join(cells) for cells in shown)
    assert form.find_element(By.CSS_SELECTOR, "output").text == f"{len(shown)} of {len(rows)} rows"

    # The same through the fulfillment_status drop-down, then narrowed by the Trackstar status.
    browser.execute_script("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input'))", box)
    assert len(visible()) == len(rows)
    headers = [th.text for th in container.find_elements(By.CSS_SELECTOR, "thead th")]
    column = headers.index("fulfillment_status")
    Select(form.find_elements(By.TAG_NAME, "select")[column]).select_by_value("partially_shipped")
    by_column = visible()
    assert by_column
    assert all(cells[column] == "partially_shipped" for cells in by_column)
    status = Select(form.find_elements(By.TAG_NAME, "select")[headers.index("Trackstar status")])
    assert {o.get_attribute("value") for o in status.options if o.is_enabled()} >= {"", by_column[0][-2]}
    status.select_by_value(by_column[0][-2])
    narrowed = visible()
    assert narrowed
    assert all(cells[column] == "partially_shipped" and cells[-2] == by_column[0][-2] for cells in narrowed)
    assert all(cells[-1] for cells in narrowed)  # the reason reads beside each row

    browser.execute_script("window.scrollTo(0, arguments[0].getBoundingClientRect().top + window.scrollY - 64)", form)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "status-table-filtered.png"))
    form.find_element(By.CSS_SELECTOR, "button").click()
    assert len(visible()) == len(rows)
    assert _problems(browser, base_url) == []


@pytest.mark.parametrize(
    "query", ["IN_PRODUCTION", "VENDOR_ORDER_STATUS_IN_PRODUCTION", "partially_shipped", "*CANCEL_STATUS_CANCELED"]
)
def test_search_finds_a_raw_vendor_value(browser, base_url, site, query):
    """The search's first result is a status mapping with the raw value, underscores and all (``*``: any start)."""
    from selenium.webdriver.common.by import By

    _open(browser, base_url)
    box = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    browser.execute_script("arguments[0].focus()", box)
    box.send_keys(query)
    links = _wait(
        lambda: [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")],
        f"search results for {query}",
    )
    first = urlsplit(links[0])
    page = site / first.path.lstrip("/") / "index.html"
    section = page.read_text(encoding="utf-8")
    if first.fragment:
        start = section.index(f'id="{first.fragment}"')
        following = re.search(r"<h[1-3] id=", section[start + 1 :])
        section = section[start : start + 1 + following.start() if following else None]
    tables = [_text(body) for _, body in _STATUS_TABLE.findall(section)]
    assert any(query.lstrip("*") in table for table in tables), f"{links[0]}: no status table with {query}"
    assert _problems(browser, base_url) == []
