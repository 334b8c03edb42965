"""``dlkg.docs.build_docs``: the HTML documents every term, the diagrams are sound, nothing is
fetched from the network, and the same input gives the same bytes.

Needs Graphviz's ``dot`` (``bash .ci/install-docs-deps.sh``): skipped without it, failed
without it when ``DLKG_REQUIRE_SERVERS=1`` (as in CI).
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg.docs import DOC_FILES, build_docs
from dlkg.errors import DlkgError, InputError
from dlkg.resources import DATA_FILE, DLKG, ONTOLOGY_FILE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
FRAMEWORKS = {"Caffe", "Deeplearning4j", "Keras", "MXNet", "MatConvNet", "TensorFlow", "Theano", "Torch", "PyTorch"}


def _require_dot() -> None:
    if shutil.which("dot") is None:
        reason = "Graphviz `dot` not installed (bash .ci/install-docs-deps.sh)"
        if os.environ.get("DLKG_REQUIRE_SERVERS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


class _NetworkUsed(AssertionError):
    pass


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list[Path], list[object]]:
    """The docs, built once with every outgoing connection refused (and each attempt recorded)."""
    _require_dot()
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args[1:] or kwargs)
        raise _NetworkUsed(f"network access attempted: {args[1:]!r}")

    out = tmp_path_factory.mktemp("docs") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        written = build_docs(out)
    return out, written, attempts


def _store(*files: Path) -> ox.Store:
    store = ox.Store()
    for path in files:
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
    return store


def _expected_terms() -> dict[str, tuple[str, str]]:
    """IRI -> (kind, English label) of every term the page must document (a capability
    individual's kind is "Capability")."""
    query = f"""
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?term ?kind ?label WHERE {{
            {{ VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                               owl:NamedIndividual <{DLKG}Capability> }}
               ?term a ?kind . }}
            FILTER(isIRI(?term) && STRSTARTS(STR(?term), "{DLKG}"))
            ?term rdfs:label ?label . FILTER(LANG(?label) = "en")
        }}"""
    terms: dict[str, tuple[str, str]] = {}
    for row in _store(ONTOLOGY_FILE).query(query):
        kind = row["kind"].value.rsplit("#", 1)[-1]
        if kind == "NamedIndividual" and row["term"].value in terms:
            continue
        terms[row["term"].value] = (kind, row["label"].value)
    return terms


class _Page(HTMLParser):
    """Every element with an id: its attributes and all the text inside it."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.ids: dict[str, dict[str, str]] = {}
        self.text: dict[str, list[str]] = {}
        self.duplicates: list[str] = []
        self.hrefs: list[str] = []
        self.remote: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag in ("script", "link", "img", "iframe", "source") and (
                attributes.get("src", "").startswith(("http:", "https:", "//"))
                or (tag == "link" and attributes.get("href", "").startswith(("http:", "https:", "//")))):
            self.remote.append(f"<{tag}> {attributes}")
        if "href" in attributes and tag == "a":
            self.hrefs.append(attributes["href"])
        if tag in self.VOID:
            return
        ident = attributes.get("id")
        if ident is not None:
            if ident in self.ids:
                self.duplicates.append(ident)
            self.ids[ident] = attributes
            self.text[ident] = []
        self.stack.append(ident)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for ident in self.stack:
            if ident is not None:
                self.text[ident].append(data)


@pytest.fixture(scope="module")
def page(built) -> _Page:
    parser = _Page()
    parser.feed((built[0] / "index.html").read_text(encoding="utf-8"))
    parser.close()
    return parser


def _svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()          # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def _png_size(path: Path) -> tuple[int, int]:
    raw = path.read_bytes()
    assert raw[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert raw[12:16] == b"IHDR"
    return struct.unpack(">II", raw[16:24])


def test_writes_every_file(built):
    out, written, _ = built
    assert written == [out / name for name in DOC_FILES]
    for path in written:
        assert path.is_file() and path.stat().st_size > 1000, path.name
    assert sorted(p.name for p in out.iterdir()) == sorted(DOC_FILES)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "temporary folder left behind"


def test_no_network_touched(built):
    assert built[2] == []


def test_every_term_is_documented(page):
    terms = _expected_terms()
    kinds = {kind for kind, _ in terms.values()}
    assert {"Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "Capability"} <= kinds
    assert sum(kind == "Capability" for kind, _ in terms.values()) == 8
    assert len(terms) > 60
    missing = []
    for iri, (kind, label) in sorted(terms.items()):
        anchor = iri.rsplit("#", 1)[1]
        if anchor not in page.ids:
            missing.append(f"{kind} {iri}: no element with id={anchor!r}")
            continue
        text = " ".join(" ".join(page.text[anchor]).split())
        if iri not in text or label not in text:
            missing.append(f"{kind} {iri}: IRI or English label {label!r} not in its section")
        elif page.ids[anchor].get("data-iri") != iri:
            missing.append(f"{kind} {iri}: section's data-iri is {page.ids[anchor].get('data-iri')!r}")
    assert not missing, "\n".join(missing)


def test_chinese_labels_and_definitions_are_shown(page):
    framework = " ".join(page.text["Framework"])
    assert "开发框架" in framework and "深度学习开发框架" in framework
    mobile = " ".join("".join(page.text["MobileFramework"]).split())
    assert "framework and (runs on some mobile platform)" in mobile
    has_interface = " ".join(" ".join(page.text["hasInterface"]).split())
    assert "programming language or software library" in has_interface
    assert "Domain framework" in has_interface
    capability = "".join(page.text["Capability"])
    assert "automatic differentiation" in capability and "reinforcement learning" in capability


def test_page_is_self_contained_and_links_resolve(page):
    assert page.duplicates == []
    assert page.remote == [], "the page loads something from the network"
    broken = [h for h in page.hrefs if h.startswith("#") and h[1:] not in page.ids]
    assert broken == []
    assert {"classes.svg", "classes.png", "frameworks.svg", "frameworks.png"} <= set(page.hrefs)


def test_svgs_are_xml_with_every_label(built):
    out = built[0]
    frameworks = set()
    for row in _store(DATA_FILE).query(f"""
            SELECT ?label WHERE {{ ?f a <{DLKG}Framework> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label .
                                   FILTER(LANG(?label) = "en") }}"""):
        frameworks.add(row["label"].value)
    assert frameworks == FRAMEWORKS
    texts = _svg_texts(out / "frameworks.svg")
    assert frameworks <= set(texts), frameworks - set(texts)
    for expected in ("C++", "Python", "Linux", "Android", "automatic differentiation", "reinforcement learning"):
        assert expected in texts
    classes = _svg_texts(out / "classes.svg")
    joined = "\n".join(classes)
    for iri, (kind, label) in _expected_terms().items():
        if kind in ("Class", "ObjectProperty", "DatatypeProperty"):
            assert label in joined, f"{kind} {label!r} not drawn in classes.svg"


def test_pngs_have_a_sensible_size(built):
    for name in ("classes.png", "frameworks.png"):
        width, height = _png_size(built[0] / name)
        assert 600 <= width <= 8000 and 400 <= height <= 8000, (name, width, height)


def test_same_input_same_bytes(built, tmp_path):
    again = build_docs(tmp_path / "again")
    for path in again:
        if path.suffix in (".svg", ".html"):
            assert path.read_bytes() == (built[0] / path.name).read_bytes(), path.name


def test_replaces_its_files_and_keeps_others(tmp_path):
    _require_dot()
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("stale")
    (out / "keep.txt").write_text("mine")
    build_docs(out)
    assert (out / "index.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (out / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_missing_dot_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(DlkgError) as caught:
        build_docs(tmp_path / "out")
    message = str(caught.value)
    assert "graphviz" in message and "\n" not in message
    assert not (tmp_path / "out").exists()


def test_out_dir_that_is_a_file(tmp_path):
    _require_dot()
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        build_docs(target)


def test_cli_docs_writes_the_html_and_pictures(tmp_path):
    from tests.conftest import run_dlkg

    done = run_dlkg("docs", "-o", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [
        "classes.png", "classes.svg", "frameworks.png", "frameworks.svg", "index.html"]
