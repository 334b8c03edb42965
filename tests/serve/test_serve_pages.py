"""The pages, read as HTML without a browser: rendered on the server, readable without
JavaScript, every asset local. Expected rows are worked out from data/frameworks.ttl."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

import dlkg.serve

ALL_NINE = ["Caffe", "Deeplearning4j", "Keras", "MXNet", "MatConvNet", "TensorFlow", "Theano", "Torch", "PyTorch"]


def rows(page: str) -> list[str]:
    return re.findall(r'<tr data-framework="([^"]+)">', page)


def get(base_url: str, path: str, **params) -> httpx.Response:
    return httpx.get(f"{base_url}{path}", params=params)


def test_table_has_nine_rows_in_the_books_order(base_url):
    page = get(base_url, "/", lang="zh")
    assert page.status_code == 200
    assert rows(page.text) == ALL_NINE
    assert "表14.1：不同深度学习开发框架对比" in page.text
    assert "<th scope=\"col\">开发框架</th>" in page.text


def test_english_table(base_url):
    page = get(base_url, "/", lang="en").text
    assert "Table 14.1: comparison of deep-learning development frameworks" in page
    assert '<th scope="col">Framework</th>' in page
    assert rows(page) == ALL_NINE


@pytest.mark.parametrize("params, expected", [
    ({"interface": "Python", "platform": "Android"}, ["Deeplearning4j", "MXNet"]),
    ({"capability": "autodiff", "level": "not-supported"}, ["Caffe", "MXNet", "MatConvNet", "Torch"]),
    ({"capability": "multi-gpu", "level": "conditional"}, ["Keras"]),
    ({"capability": "multi-gpu", "level": "not-supported"}, ["Theano"]),
    ({"level": "conditional"}, ["Keras"]),
    ({"platform": "iOS"}, ["MXNet", "Torch"]),
    ({"language": "Lua"}, ["Torch"]),
    ({"interface": ["Python", "MATLAB"]}, ["Caffe", "MXNet"]),
    ({"capability": ["rnn", "autodiff"]}, ["Deeplearning4j", "Keras", "TensorFlow", "Theano", "PyTorch"]),
], ids=["python-android", "no-autodiff", "conditional-multigpu", "no-multigpu", "any-conditional", "ios", "lua",
        "python-and-matlab", "rnn-and-autodiff"])
def test_facets_filter_rows_on_the_server(base_url, params, expected):
    page = get(base_url, "/", lang="en", **params)
    assert page.status_code == 200
    assert rows(page.text) == expected
    assert f"{len(expected)} of 9 frameworks match" in page.text


def test_unknown_facet_value_is_a_clear_400(base_url):
    page = get(base_url, "/", lang="en", platform="BeOS")
    assert page.status_code == 400
    assert "unknown value &#39;BeOS&#39;" in page.text and "Android" in page.text
    assert rows(page.text) == []


def test_language_follows_the_browser_unless_chosen(base_url):
    english = httpx.get(f"{base_url}/", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert '<html lang="en"' in english
    chinese = httpx.get(f"{base_url}/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).text
    assert '<html lang="zh-Hans"' in chinese
    switch = re.search(r'<a href="([^"]+)" lang="en"', get(base_url, "/", lang="zh", platform="iOS").text).group(1)
    assert switch.replace("&amp;", "&") == "/?platform=iOS&lang=en"  # the switch keeps the filters


def test_framework_page(base_url):
    page = get(base_url, "/page/PyTorch", lang="en").text
    assert "<h1>PyTorch</h1>" in page
    runs_on = re.search(r"<dt>runs on</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1)
    assert re.findall(r">([^<]+)</a>", runs_on) == ["Linux", "Mac OS X"]
    caffe = get(base_url, "/page/Caffe", lang="zh").text
    assert "适合前馈网络和图像处理" in caffe and "Well suited to feed-forward networks" in caffe
    assert "14.2.1 Caffe" in caffe  # a bullet's source
    assert 'href="https://github.com/BVLC/caffe/wiki/Model-Zoo"' in caffe
    assert 'href="/resource/BVLC"' in caffe
    keras = get(base_url, "/page/Keras", lang="en").text
    assert "Supported with the TensorFlow backend; not supported with the Theano backend." in keras


def test_generic_resource_page_and_404(base_url):
    page = get(base_url, "/page/BVLC", lang="en")
    assert page.status_code == 200 and "BVLC" in page.text and 'href="/resource/Caffe"' in page.text
    missing = httpx.get(f"{base_url}/page/Nothing?lang=en", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "No such page" in missing.text


def test_editor_runs_canned_and_typed_queries_without_javascript(base_url):
    canned = get(base_url, "/editor", lang="en", canned="python-on-android")
    assert canned.status_code == 200 and "python-on-android" in canned.text
    text = re.search(r'<textarea[^>]*>(.*?)</textarea>', canned.text, re.S).group(1)
    import html as html_module

    ran = get(base_url, "/editor", lang="en", query=html_module.unescape(text))
    assert ran.status_code == 200
    cells = re.findall(r'<span class="literal" lang="en">([^<]+)</span>', ran.text)
    assert cells == ["Deeplearning4j", "MXNet"]
    bad = get(base_url, "/editor", lang="en", query="SELECT ?x WHERE {")
    assert bad.status_code == 400 and "query:1:" in bad.text


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("script", "img") and values.get("src"):
            self.urls.append(values["src"])
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"])
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.inline_scripts += 1


@pytest.mark.parametrize("path", ["/?lang=zh", "/page/Caffe", "/editor", "/diagram", "/ontology"])
def test_every_asset_is_local_and_no_inline_script(base_url, path):
    response = httpx.get(f"{base_url}{path}", headers={"Accept": "text/html"})
    parser = _Assets()
    parser.feed(response.text)
    assert parser.urls and all(url.startswith("/") for url in parser.urls), parser.urls
    assert parser.inline_scripts == 0
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for url in parser.urls:
        if url.startswith("/static/") or url.startswith("/docs/"):
            assert httpx.get(f"{base_url}{url}").status_code == 200, url


def test_assets_ship_inside_the_package():
    """Templates and static files live under dlkg/ (the wheel packs everything under dlkg/)."""
    here = Path(dlkg.serve.__file__).parent
    for name in ("static/dlkg.css", "static/dlkg.js", "static/favicon.svg", "templates/base.html",
                 "templates/index.html", "templates/framework.html", "templates/editor.html"):
        assert (here / name).is_file(), name
    css = (here / "static/dlkg.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(http" not in css


def test_diagram_page(base_url):
    page = get(base_url, "/diagram", lang="en")
    assert page.status_code == 200
    if "/docs/frameworks.svg" in page.text:
        svg = httpx.get(f"{base_url}/docs/frameworks.svg")
        assert svg.status_code == 200 and b"<svg" in svg.content and b"PyTorch" in svg.content
    else:  # no Graphviz here: the page says what to install
        assert "graphviz" in page.text


def test_hostile_iris_and_literals_are_not_links_or_markup(tmp_path):
    """A store's values never become script: javascript: IRIs are not linked, text is escaped."""
    import pyoxigraph as ox
    from serve_support import live_server

    from dlkg.stores import MemoryStore

    data = tmp_path / "hostile.nt"
    data.write_text('<https://w3id.org/dlkg/resource/X> <http://www.w3.org/2000/01/rdf-schema#label> '
                    '"<script>alert(1)</script>"@en .\n'
                    '<https://w3id.org/dlkg/resource/X> <http://example.org/see> <javascript:alert(1)> .\n',
                    encoding="utf-8")
    store = MemoryStore(files=[(data, ox.NamedNode("https://w3id.org/dlkg/graph/data"))])
    with live_server(store) as running:
        page = httpx.get(f"{running.url}/page/X", params={"lang": "en"})
        assert page.status_code == 200
        assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
        assert 'href="javascript:' not in page.text


def test_an_iri_with_a_double_slash_links_to_itself_not_to_another_host(tmp_path):
    """Issue 13, item 15: https://w3id.org/dlkg//evil.example/x rendered as the
    protocol-relative link //evil.example/x (another host); now it links to the absolute IRI."""
    import pyoxigraph as ox
    from serve_support import live_server

    from dlkg.stores import MemoryStore

    data = tmp_path / "double-slash.nt"
    data.write_text('<https://w3id.org/dlkg/resource/X> <http://example.org/see> <https://w3id.org/dlkg//evil.example/x> .\n',
                    encoding="utf-8")
    store = MemoryStore(files=[(data, ox.NamedNode("https://w3id.org/dlkg/graph/data"))])
    with live_server(store) as running:
        page = httpx.get(f"{running.url}/page/X", params={"lang": "en"})
        assert page.status_code == 200
        assert 'href="//' not in page.text
        assert 'href="https://w3id.org/dlkg//evil.example/x"' in page.text


def test_keras_page_says_its_weaknesses_are_lost_not_absent(base_url):
    # READING.md: 14.2.3 Keras keeps three strengths; the rest of the section is lost.
    import httpx

    page = httpx.get(f"{base_url}/page/Keras", params={"lang": "en"}).text
    assert "the rest of it, weaknesses included, is lost" in page
    assert "None listed in section 14.2." not in page


def test_comparison_page_with_an_unlabelled_value(tmp_path):
    # A list value without an English label used to make GET / answer 500.
    from serve_support import live_server

    from tests.test_terminal_text import unlabelled

    with live_server(unlabelled(tmp_path)) as running:
        response = httpx.get(f"{running.url}/?lang=en")
    assert response.status_code == 200
    page = response.text
    assert "<td>C, Lua (pt)</td>" in page
    assert "<td>MATLAB, C++</td>" in page


def test_conditional_cell_shows_condition_printed_level_and_footnote(base_url):
    page = httpx.get(f"{base_url}/page/Keras?lang=en").text
    assert "Supported with the TensorFlow backend; not supported with the Theano backend." in page
    assert '<span class="muted">Printed in the table as:</span> not supported' in page
    assert ('<span class="muted">Footnote e:</span> Single-machine multi-GPU is not supported with Theano as the '
            'backend; it is supported with TensorFlow as the backend.') in page


@pytest.mark.parametrize("lang, heading, row_added", [("en", "Changes", "row added"), ("zh", "变化", "新增行")])
def test_changes_page_lists_what_changed_since_the_book(base_url, lang, heading, row_added):
    """Issue 14: the "what changed since the book" page. JAX is a row of the current view only
    (https://github.com/jax-ml/jax README); PyTorch's platforms gain Android and iOS through
    ExecuTorch (https://docs.pytorch.org/executorch/stable), each change with its pages."""
    page = httpx.get(f"{base_url}/changes", params={"lang": lang})
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    assert "<td>JAX</td>" in page.text and f"<td>{row_added}</td>" in page.text
    row = next(line for line in page.text.splitlines() if "<td>PyTorch</td>" in line and "iOS" in line)
    assert "Android" in row and 'href="https://docs.pytorch.org/executorch/stable' in page.text
    assert 'href="//' not in page.text and 'href="/changes?lang=' in page.text


# -- the dated views (issue 14) ----------------------------------------------------------------

def view_caption(page: str) -> str:
    return re.search(r'id="view-caption">([^<]*)<', page).group(1)


def test_pages_say_their_view_and_switch_to_the_current_one(base_url):
    book = get(base_url, "/", lang="en").text
    assert view_caption(book) == "view: the book&#39;s view (2018)"
    assert 'href="/?lang=en&amp;view=current" data-view="current"' in book
    # The current view: the book's nine, then the five frameworks data/current.ttl adds, each
    # with its record page (e.g. https://github.com/jax-ml/jax README for JAX).
    current = get(base_url, "/", lang="en", view="current").text
    assert view_caption(current) == "view: the current view (2026-12-06)"
    assert rows(current)[:9] == ALL_NINE
    assert sorted(rows(current)[9:]) == ["JAX", "MLX", "MindSpore", "ONNXRuntime", "PaddlePaddle"]
    assert 'data-view="current" aria-current="true"' in current
    # Links stay in the view: a row's page, clearing the filters, the facet form.
    assert 'href="/page/JAX?lang=en&amp;view=current"' in current
    assert '<input type="hidden" name="view" value="current">' in current
    # --as-of picks the latest view dated on or before the day, as on the command line.
    assert view_caption(get(base_url, "/", lang="zh", as_of="2020-06-01").text) == "视图：书中的视图（2018年）"


def test_facets_filter_the_current_view(base_url):
    # Python interface and Android today, worked out in tests/test_current.py from
    # https://pytorch.org/get-started + https://docs.pytorch.org/executorch/stable (PyTorch),
    # https://www.tensorflow.org/api_docs.md.txt + https://ai.google.dev/edge/litert/?hl=es-419 (TensorFlow),
    # https://www.mindspore.cn/lite/docs/en/r2.10.0/infer/device_infer_example.html +
    # https://mindspore.cn/lite/docs/en/r1.3/index.html (MindSpore), https://onnxruntime.ai/docs/api +
    # the onnxruntime README (ONNX Runtime). The book's answer stays Deeplearning4j and MXNet.
    page = get(base_url, "/", lang="en", view="current", interface="Python", platform="Android").text
    assert sorted(rows(page)) == ["MindSpore", "ONNXRuntime", "PyTorch", "TensorFlow"]
    assert "4 of 14 frameworks match" in page


def test_framework_page_in_the_current_view_with_its_sources(base_url):
    # PyTorch runs on Android and iOS today, through ExecuTorch
    # (https://docs.pytorch.org/executorch/stable); the book lists Linux and Mac OS X only.
    page = get(base_url, "/page/PyTorch", lang="en", view="current").text
    assert view_caption(page) == "view: the current view (2026-12-06)"
    runs_on = re.findall(r">([^<]+)</a>", re.search(r"<dt>runs on</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1))
    assert "Android" in runs_on and "iOS" in runs_on
    # CNN development: the stable reference of torch.nn.Conv2d is the source, linked.
    assert 'href="https://docs.pytorch.org/docs/stable/generated/torch.nn.Conv2d.html"' in page
    assert 'href="/?lang=en&amp;view=current"' in page  # back to the table of the same view
    assert view_caption(get(base_url, "/page/PyTorch", lang="en").text) == "view: the book&#39;s view (2018)"


def test_a_framework_of_today_on_the_books_pages_says_where_it_is(base_url):
    missing = httpx.get(f"{base_url}/page/JAX?lang=en", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert "not in the book&#39;s view (2018); the current view (2026-12-06) has it" in missing.text
    assert "/page/JAX?lang=en&amp;view=current" in missing.text
    assert get(base_url, "/page/JAX", lang="en", view="current").status_code == 200


@pytest.mark.parametrize("params, message", [
    ({"view": "1999"}, "unknown view &#39;1999&#39; (known: 2018, current)"),
    ({"as_of": "2017-01-01"}, "there is no view on or before 2017-01-01"),
    ({"as_of": "yesterday"}, "not an ISO date"),
])
def test_a_view_that_does_not_exist_is_a_clear_400(base_url, params, message):
    page = httpx.get(f"{base_url}/", params={"lang": "en", **params}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and message in page.text


def test_a_store_without_the_current_view_says_so(tmp_path):
    from serve_support import live_server

    from dlkg.stores import MemoryStore
    from dlkg.stores.oxigraph import packaged_files

    with live_server(MemoryStore(files=packaged_files())) as running:
        page = httpx.get(f"{running.url}/?lang=en&view=current")
        assert rows(httpx.get(f"{running.url}/?lang=en").text) == ALL_NINE
    assert page.status_code == 400 and "the store does not hold the current view (2026-12-06)" in page.text
