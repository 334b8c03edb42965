"""``dlkg.namespaces``: every prefix once, and the one writer of PREFIX blocks."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from dlkg.namespaces import OUTPUT_PREFIXES, PREFIXES, curie, sparql_prologue

PACKAGE = Path(__file__).resolve().parent.parent / "dlkg"


def test_prefixes_and_namespaces_are_one_to_one():
    assert len(set(PREFIXES.values())) == len(PREFIXES)
    assert PREFIXES["dlkg"] == "https://w3id.org/dlkg/ontology#"
    assert PREFIXES["res"] == "https://w3id.org/dlkg/resource/"
    assert PREFIXES["prov"] == "http://www.w3.org/ns/prov#"
    assert PREFIXES["schema"] == "https://schema.org/"
    assert set(OUTPUT_PREFIXES) <= set(PREFIXES)


def test_prologue_parses_and_declares_every_prefix():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/dlkg/resource/Caffe"),
                      ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Caffe")))
    rows = list(store.query(sparql_prologue() + "SELECT ?l WHERE { res:Caffe rdfs:label ?l }"))
    assert [row["l"].value for row in rows] == ["Caffe"]
    assert sparql_prologue(["prov"]) == "PREFIX prov: <http://www.w3.org/ns/prov#>\n"


def test_curie():
    assert curie("https://w3id.org/dlkg/resource/Caffe") == "res:Caffe"
    assert curie("http://www.w3.org/2002/07/owl#Class") == "owl:Class"
    assert curie("https://w3id.org/dlkg/ontology#") == "https://w3id.org/dlkg/ontology#"  # nothing local to it
    assert curie("http://example.org/a", {"ex": "http://example.org/"}) == "ex:a"


def test_no_other_module_writes_a_prefix_block_or_inline_query():
    # The modules that others rewrite now are listed in the report and moved after the merge.
    others = {"query.py", "worker.py", "execute.py", "app.py"}
    others.add("sparql.py")  # the query-text helpers: their doctests show queries and their results
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name in others or path.parent.name == "stores" or path.name == "namespaces.py":
            continue
        # doctest examples (sparql.py, catalogue.py) show query text on purpose
        text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith((">>>", "...")))
        if re.search(r"PREFIX\s+\w*:\s*<", text) or re.search(r"\b(SELECT|CONSTRUCT)\s+(\?|DISTINCT|\{)", text):
            offenders.append(path.relative_to(PACKAGE).as_posix())
    assert offenders == []
