"""The pages in a real browser: headless Chromium (Debian ``chromium``) driven by Playwright.

Clicks facets and reads the rows, switches language, runs a canned query in the editor and
reads the results, opens a framework page; checks that nothing is fetched from elsewhere and
that the pages read without JavaScript. Screenshots of each page go to
``test-artifacts/screenshots/``.

Without Chromium or Playwright the tests skip with one line naming what to install; in CI
(``CI`` or ``DLKG_REQUIRE_SERVERS`` set) that is a failure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from serve_support import SCREENSHOTS, skip_or_fail

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
MISSING = ("headless Chromium is not installed: install the Debian packages chromium and chromium-driver "
           "(bash .ci/install-browser.sh) and Playwright (pip install playwright)")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail(MISSING)
    if not CHROMIUM.is_file():
        skip_or_fail(MISSING)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--disable-background-networking", "--disable-component-update", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh page that records every request it makes."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    tab = context.new_page()
    tab.requested = []
    tab.on("request", lambda request: tab.requested.append(request.url))
    tab.base_url = base_url
    yield tab
    foreign = [url for url in tab.requested if not url.startswith(base_url) and not url.startswith("data:")]
    context.close()
    assert foreign == [], f"the page fetched from elsewhere: {foreign}"


def shot(page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def framework_rows(page) -> list[str]:
    return page.locator("#comparison tbody tr").evaluate_all("rows => rows.map(r => r.dataset.framework)")


def chip(page, facet: str, value: str):
    return page.locator(f'label.chip:has(input[name="{facet}"][value="{value}"])')


def test_comparison_page_facets_and_language(page):
    from playwright.sync_api import expect

    page.goto(f"{page.base_url}/?lang=zh")
    expect(page.locator("h1")).to_have_text("表14.1：不同深度学习开发框架对比")
    expect(page.locator("#comparison tbody tr")).to_have_count(9)
    shot(page, "comparison-zh")

    chip(page, "interface", "Python").click()
    chip(page, "platform", "Android").click()
    expect(page.locator("#comparison tbody tr")).to_have_count(2)
    assert framework_rows(page) == ["Deeplearning4j", "MXNet"]
    assert "interface=Python" in page.url and "platform=Android" in page.url
    expect(page.locator("#match-count")).to_contain_text("2 / 9")
    shot(page, "comparison-zh-python-android")

    # Switch language: the filters stay, the words change.
    page.locator('.lang-switch a[data-lang="en"]').click()
    expect(page.locator("h1")).to_have_text("Table 14.1: comparison of deep-learning development frameworks")
    expect(page.locator("#comparison thead th").first).to_have_text("Framework")
    assert framework_rows(page) == ["Deeplearning4j", "MXNet"]

    page.locator("#clear-facets").click()
    expect(page.locator("#comparison tbody tr")).to_have_count(9)
    chip(page, "capability", "autodiff").click()
    chip(page, "level", "not-supported").click()
    expect(page.locator("#comparison tbody tr")).to_have_count(4)
    assert framework_rows(page) == ["Caffe", "MXNet", "MatConvNet", "Torch"]
    expect(page.locator("#match-count")).to_have_text("4 of 9 frameworks match")
    shot(page, "comparison-en-no-autodiff")

    page.goto(f"{page.base_url}/?lang=en")
    shot(page, "comparison-en")


def test_framework_page_from_the_table(page):
    from playwright.sync_api import expect

    page.goto(f"{page.base_url}/?lang=en")
    page.locator("#comparison tbody th a", has_text=re.compile("^PyTorch$")).click()
    expect(page.locator("h1")).to_have_text("PyTorch")
    runs_on = page.locator("dt", has_text="runs on").locator("xpath=following-sibling::dd[1]")
    expect(runs_on).to_have_text("Linux, Mac OS X")
    expect(page.locator("#no-bullets")).to_contain_text("Section 14.2 does not discuss PyTorch")
    shot(page, "framework-pytorch-en")
    page.goto(f"{page.base_url}/page/Caffe?lang=zh")
    expect(page.locator("#weaknesses li").first).to_contain_text("可单机多卡，但不支持多机多卡")
    expect(page.locator("#weaknesses li").first.locator(".source").first).to_have_text("14.2.1 Caffe")
    shot(page, "framework-caffe-zh")
    page.goto(f"{page.base_url}/page/Keras?lang=en")
    expect(page.locator('tr[data-capability="SingleMachineMultiGPU"] .pill')).to_have_text("conditional")
    shot(page, "framework-keras-en")


def test_view_switch_keeps_filters_and_pages_in_the_view(page):
    """Issue 14: the table of today beside the book's. Python and Android today: MindSpore,
    ONNX Runtime, PyTorch and TensorFlow (worked out in tests/test_current.py from their pages,
    e.g. https://docs.pytorch.org/executorch/stable for PyTorch on Android)."""
    from playwright.sync_api import expect

    page.goto(f"{page.base_url}/?lang=en")
    expect(page.locator("#view-caption")).to_have_text("view: the book's view (2018)")
    page.locator('.view-switch a[data-view="current"]').click()
    expect(page.locator("#view-caption")).to_have_text("view: the current view (2026-12-06)")
    expect(page.locator("#comparison tbody tr")).to_have_count(14)
    chip(page, "interface", "Python").click()
    chip(page, "platform", "Android").click()
    expect(page.locator("#comparison tbody tr")).to_have_count(4)
    assert sorted(framework_rows(page)) == ["MindSpore", "ONNXRuntime", "PyTorch", "TensorFlow"]
    assert "view=current" in page.url
    shot(page, "comparison-en-current-python-android")
    page.locator("#comparison tbody th a", has_text=re.compile("^PyTorch$")).click()
    expect(page.locator("#view-caption")).to_have_text("view: the current view (2026-12-06)")
    runs_on = page.locator("dt", has_text="runs on").locator("xpath=following-sibling::dd[1]")
    expect(runs_on).to_contain_text("Android")
    page.locator('.view-switch a[data-view="2018"]').click()
    expect(runs_on).to_have_text("Linux, Mac OS X")


def yasqe_text(page) -> str:
    return page.evaluate("() => document.querySelector('#yasgui .CodeMirror').CodeMirror.getValue()")


def test_editor_is_yasgui(page):
    """YASGUI from /static/yasgui/ (nothing fetched from elsewhere: the page fixture checks):
    type a query and run it, load a canned query, download the result."""
    from playwright.sync_api import expect

    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.goto(f"{page.base_url}/editor?lang=en")
    expect(page.locator("#yasgui .yasqe")).to_be_visible()
    expect(page.locator("#query-form")).to_be_hidden()

    # Type a query (with a dlkg prefix) and run it: Table 14.1's iOS frameworks are MXNet and Torch.
    editor = page.locator("#yasgui .CodeMirror")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("PREFIX dlkg: <https://w3id.org/dlkg/ontology#>\nPREFIX res: <https://w3id.org/dlkg/resource/>\n"
                       "SELECT ?f WHERE { ?f dlkg:runsOn res:iOS } ORDER BY ?f")
    page.locator("#yasgui .yasqe_queryButton").click()
    rows = page.locator("#yasgui .yasr table.dataTable tbody tr")
    expect(rows).to_have_count(2)
    # dlkg's prefixes shorten the IRIs in the results.
    assert [text.strip() for text in page.locator("#yasgui .yasr table.dataTable tbody tr td:nth-child(2)").all_inner_texts()] \
        == ["res:MXNet", "res:Torch"]
    shot(page, "editor-yasgui-typed")

    # Download the result (YASR's download button): CSV, every field quoted, a header and the
    # two frameworks' IRIs.
    with page.expect_download() as info:
        page.locator("#yasgui .yasr_downloadIcon").click()
    downloaded = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert downloaded == ['"f"', '"https://w3id.org/dlkg/resource/MXNet"', '"https://w3id.org/dlkg/resource/Torch"']

    # Load a canned query into the tab and run it: frameworks without autodiff.
    page.locator('#canned-list a[data-canned="frameworks-lacking"]').click()
    assert "?framework" in yasqe_text(page) and "PREFIX dlkg:" in yasqe_text(page)
    page.locator("#yasgui .yasqe_queryButton").click()
    expect(rows).to_have_count(4)
    shot(page, "editor-yasgui-canned")
    # Only inline style attributes may be refused by the CSP (cosmetic); no script is.
    assert [m for m in console if "Content Security Policy" in m and "style" not in m] == []


def test_diagram_and_ontology_pages(page):
    from playwright.sync_api import expect

    page.goto(f"{page.base_url}/diagram?lang=en")
    image = page.locator("#frameworks-diagram img")
    if image.count():
        expect(image).to_be_visible()
        assert page.evaluate("() => document.querySelector('#frameworks-diagram img').naturalWidth") > 500
    shot(page, "diagram-en")
    page.goto(f"{page.base_url}/ontology?lang=zh#Framework")
    expect(page.locator("#Framework")).to_be_visible()
    shot(page, "ontology-zh", full_page=False)


def test_pages_read_without_javascript(browser, base_url):
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{base_url}/?lang=en")
        expect(page.locator("#comparison tbody tr")).to_have_count(9)
        chip(page, "platform", "iOS").click()
        page.locator("#facets button.apply").click()  # a plain form submit, filtered by the server
        expect(page.locator("#comparison tbody tr")).to_have_count(2)
        assert framework_rows(page) == ["MXNet", "Torch"]
        shot(page, "comparison-en-no-javascript")
        page.goto(f"{base_url}/page/Theano?lang=en")
        expect(page.locator("h1")).to_have_text("Theano")
        page.goto(f"{base_url}/editor?lang=en&canned=python-on-android")
        page.locator("#run-query").click()  # GET /editor?query=...: results rendered by the server
        expect(page.locator("#results tbody tr")).to_have_count(2)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_fit_a_phone(browser, base_url, lang):
    # At 390 px the page used to scroll sideways and the Ontology tab was cut off.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        for path in ("/", "/page/Caffe", "/page/MXNet", "/editor", "/ontology"):
            page.goto(f"{base_url}{path}?lang={lang}")
            assert page.evaluate("() => document.documentElement.scrollWidth") == 390, path
            right = page.evaluate("() => [...document.querySelectorAll('.site-nav a')].pop().getBoundingClientRect().right")
            assert right <= 390, path
            shot(page, f"phone-{lang}{path.replace('/', '-')}", full_page=False)
    finally:
        context.close()
