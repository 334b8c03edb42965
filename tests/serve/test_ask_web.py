"""``GET /ask`` and the question box: the page, JSON for programs, refusals, and the box in a
real browser (headless Chromium through Playwright, as tests/serve/test_serve_browser.py)."""

from __future__ import annotations

import httpx
import pytest
from test_serve_browser import browser, page, shot  # noqa: F401 (fixtures)

QUESTION_ZH = "哪些框架支持Python接口并且能在Android上运行？"
QUESTION_EN = "Which frameworks have a Python interface and run on Android?"


def test_ask_json_for_programs(base_url):
    for headers, params in (({"Accept": "application/json"}, {"q": QUESTION_ZH}),
                            ({}, {"q": QUESTION_EN, "format": "json"})):
        response = httpx.get(f"{base_url}/ask", params=params, headers=headers)
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
        doc = response.json()
        labels = [b["label"]["value"] for b in doc["results"]["results"]["bindings"]]
        assert labels == ["Deeplearning4j", "MXNet"]  # Table 14.1: the two with Python and Android
        assert doc["reading"]["intent"] == "frameworks" and doc["view"]["name"] == "2018"
        assert "SELECT" in doc["sparql"] and doc["results"]["head"]["link"] == ["https://w3id.org/dlkg/view/2018"]


def test_ask_json_yes_no_is_a_boolean(base_url):
    doc = httpx.get(f"{base_url}/ask", params={"q": "Does MXNet run on iOS?", "format": "json"}).json()
    assert doc["results"]["boolean"] is True  # Table 14.1: MXNet's platforms list iOS


def test_ask_refuses_with_questions_it_can_answer(base_url):
    response = httpx.get(f"{base_url}/ask", params={"q": "哪些框架能在BeOS上运行？", "format": "json"})
    assert response.status_code == 422
    doc = response.json()
    assert "beos" in doc["error"] and QUESTION_ZH in doc["suggestions"]
    page = httpx.get(f"{base_url}/ask", params={"q": "What is the weather today?", "lang": "en"})
    assert page.status_code == 422 and "not understood" in page.text


def test_ask_page_without_javascript(base_url):
    response = httpx.get(f"{base_url}/ask", params={"q": QUESTION_EN, "lang": "en"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "Deeplearning4j and MXNet" in response.text and "Table 14.1" in response.text


@pytest.mark.parametrize("question,sentence", [
    (QUESTION_ZH, "支持Python接口并且能在Android上运行的框架有2个：Deeplearning4j、MXNet。"),
    (QUESTION_EN, "2 frameworks have the interface Python and run on Android: Deeplearning4j and MXNet."),
])
def test_the_box_answers_in_the_browser(page, question, sentence):  # noqa: F811
    from playwright.sync_api import expect

    lang = "zh" if question == QUESTION_ZH else "en"
    page.goto(f"{page.base_url}/?lang={lang}")
    page.fill("#ask-q", question)
    page.click("#ask button[type=submit]")
    expect(page.locator("#ask-sentence")).to_have_text(sentence)
    expect(page.locator("#ask-rows tbody tr")).to_have_count(2)
    expect(page.locator("#ask-sparql")).to_contain_text("hasInterface")
    expect(page.locator("#ask-sources")).to_contain_text("14.1")
    shot(page, f"ask-{lang}")
