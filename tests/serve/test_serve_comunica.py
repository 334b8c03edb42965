"""Comunica (npm ``@comunica/query-sparql``, tests/js/) against a running ``dlkg serve``:
auto-detection of the endpoint, a ``sparql@`` source, and federation with a second endpoint
(an Oxigraph server on other data). Issue 13, item 1: auto-detection read the editor page as
data and printed a count of "1"; federation failed on a text/html answer.

Comunica is installed by ``.ci/install-node-clients.sh`` (``npm ci`` in tests/js/); without it
these tests skip with one line, except in CI."""

from __future__ import annotations

import json
import shutil
import subprocess

import httpx
import pytest
from serve_support import ROOT, dlkg_serve, packaged_triples, skip_or_fail

COMUNICA = ROOT / "tests" / "js" / "node_modules" / ".bin" / "comunica-sparql"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: Triples of the packaged graph (issue 13 counted 2,821 before the prose sources and labels were added).
TOTAL = packaged_triples()


@pytest.fixture(scope="module")
def endpoint():
    if not COMUNICA.exists() or shutil.which("node") is None:
        skip_or_fail("Comunica is not installed: run bash .ci/install-node-clients.sh (needs node and npm)")
    with dlkg_serve() as url:
        yield f"{url}/sparql"


def comunica(*args: str) -> list[dict]:
    done = subprocess.run([str(COMUNICA), *args, "-t", "application/sparql-results+json"], capture_output=True,
                          text=True, timeout=180, cwd=ROOT / "tests" / "js")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["results"]["bindings"]


def test_auto_detection_counts_every_triple(endpoint):
    rows = comunica(endpoint, COUNT)
    assert [int(r["n"]["value"]) for r in rows] == [TOTAL]


def test_sparql_source(endpoint):
    query = ("SELECT ?platform WHERE { <https://w3id.org/dlkg/resource/Caffe> "
             "<https://w3id.org/dlkg/ontology#runsOn> ?platform }")
    rows = comunica(f"sparql@{endpoint}", query)
    # Table 14.1: Caffe runs on Linux, Mac OS X and Windows.
    assert sorted(r["platform"]["value"].rsplit("/", 1)[1] for r in rows) == ["Linux", "MacOSX", "Windows"]


@pytest.fixture(scope="module")
def stars_endpoint(tmp_path_factory):
    """An Oxigraph server (tests/support/servers.py) on other data: made-up popularity figures
    for two frameworks, in its default graph."""
    from tests.support.servers import have_oxigraph, oxigraph_server

    if not have_oxigraph():
        skip_or_fail("the oxigraph server is not installed (pip install -e '.[test]')")
    with oxigraph_server(tmp_path_factory.mktemp("stars"), in_memory=True) as server:
        loaded = httpx.post(f"{server.gsp_url}?default", headers={"Content-Type": "text/turtle"},
                            content="<https://w3id.org/dlkg/resource/Caffe> <http://example.org/stars> 30000 .\n"
                                    "<https://w3id.org/dlkg/resource/Torch> <http://example.org/stars> 9000 .\n")
        assert loaded.status_code in (200, 201, 204), loaded.text
        yield server.query_url


def test_federation_with_another_endpoint(endpoint, stars_endpoint):
    """Labels from dlkg, figures from the other server: one row per framework in both."""
    query = ("SELECT ?label ?stars WHERE { ?f <http://example.org/stars> ?stars . "
             "?f <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = 'en') }")
    rows = comunica(f"sparql@{endpoint}", f"sparql@{stars_endpoint}", query)
    assert sorted((r["label"]["value"], int(r["stars"]["value"])) for r in rows) == [("Caffe", 30000), ("Torch", 9000)]
