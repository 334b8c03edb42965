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


def test_editor_runs_a_canned_query(page):
    from playwright.sync_api import expect

    page.goto(f"{page.base_url}/editor?lang=en")
    page.locator('#canned-list a[data-canned="python-on-android"]').click()
    expect(page.locator("#chosen-name")).to_have_text("python-on-android")
    assert "?framework" in page.locator("#query-text").input_value()
    page.locator("#run-query").click()
    expect(page.locator("#results tbody tr")).to_have_count(2)
    labels = page.locator("#results tbody tr td:nth-child(2)").all_inner_texts()
    assert [label.split(" @")[0].strip() for label in labels] == ["Deeplearning4j", "MXNet"]
    expect(page.locator("#result-count")).to_have_text("2 rows")
    shot(page, "editor-en")

    # A malformed query shows the parser's message.
    page.locator("#query-text").fill("SELECT ?x WHERE {")
    page.locator("#run-query").click()
    expect(page.locator("#results .error")).to_contain_text("400: query:1:")

    page.goto(f"{page.base_url}/editor?lang=zh&canned=frameworks-lacking")
    page.locator("#run-query").click()
    expect(page.locator("#results tbody tr")).to_have_count(4)
    shot(page, "editor-zh")


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
