"""The W3C JSON-LD 1.1 API tests (w3c/json-ld-api at 92f0770) against dlkg's JSON-LD path.

- **toRdf** is our READ path: dlkg reads ``.jsonld`` files with pyoxigraph
  (:func:`dlkg.rdf.parse`). Each positive test parses the input the same way, but with the
  test's document URL as base IRI (the tests resolve relative IRIs against it; ``dlkg.rdf.parse``
  itself passes no base IRI), and compares the result with the expected N-Quads as RDF datasets
  (blank nodes canonically renamed by RDFC-1.0, then set equality, which is isomorphism).
  Negative tests must raise a syntax error; syntax tests must parse.
- **fromRdf** is our WRITE path: dlkg writes JSON-LD with its own streaming writer
  (:func:`dlkg.jsonld.write_document`, dlkg's context; with dlkg's frame for ``--frame``),
  which takes a graph: a dataset's graph names are merged, as ``dlkg export`` merges them.
  The suite's expected output is one particular JSON-LD shape (``@list`` for
  RDF lists, nodes in a fixed order, ...);
  a serializer that writes a different but equivalent shape is still correct, so the check is
  semantic: our document is turned back into RDF with pyld (offline, dlkg's document loader)
  and must be isomorphic to the test's input graph. Options that change the expected *shape*
  (``useNativeTypes``, ``useRdfType``, ``rdfDirection``) are checked on the shape as well
  (of our document expanded by pyld), since RDF equality cannot see them.

Tests dlkg cannot run are skipped as "not applicable" (counted apart): inputs that need a remote
document (dlkg never fetches remote contexts, and pyoxigraph 0.5 offers no document-loader hook
from Python: ``pyoxigraph.parse`` has no such parameter, and the error says "No
LoadDocumentCallback has been set"), JSON-LD 1.0-only tests, and one test whose input lies
outside the ``toRdf/`` folder of the copy. Known failures are listed in :data:`KNOWN_FAILURES`
with a reason each and run as strict xfails, so a fix upstream is noticed.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
import pytest

from . import require_suite, suite_dir
from .conftest import record_not_applicable

SUITE = "json-ld-api"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"

_DOT_SEGMENTS = ("pyoxigraph resolves relative IRIs without removing dot segments ('.', '..') that are in "
                 "the base IRI's path (RFC 3986 section 5.2 removes them from the merged path)")
_DIRECTION_TAGS = ("pyoxigraph turns @direction into RDF 1.2 directional language tags (\"x\"@en--rtl); "
                   "JSON-LD 1.1 with rdfDirection unset drops the direction (\"x\"@en)")
_NO_RDF_DIRECTION = "pyoxigraph's JSON-LD reader has no rdfDirection option (i18n-datatype / compound-literal)"
_PROCESSING_MODE_10 = ("pyoxigraph's JSON-LD reader has no processingMode option: it always processes as "
                       "json-ld-1.1 and so accepts what this json-ld-1.0 test must reject")

#: Tests that fail today, by manifest and @id, with the reason. Each runs as a strict xfail.
KNOWN_FAILURES: dict[str, str] = {
    # toRdf: dlkg's READ path (pyoxigraph 0.5.13)
    "toRdf-manifest#t0122": _DOT_SEGMENTS,
    "toRdf-manifest#t0123": _DOT_SEGMENTS,
    "toRdf-manifest#te091": _DOT_SEGMENTS,
    "toRdf-manifest#te062": ("pyoxigraph keeps dot segments after the authority of a network-path reference "
                             "(\"//example.org/../x\" stays http://example.org/../x, RFC 3986 gives "
                             "http://example.org/x)"),
    "toRdf-manifest#tc013": ("pyoxigraph does not apply the scoped context of a @type map's key to the nodes "
                             "nested in that map's value (the term 'foo' there must use the key's context)"),
    "toRdf-manifest#tli12": ("pyoxigraph rejects the whole document when @base is not a valid IRI; JSON-LD "
                             "reads it and drops only the list item whose IRI cannot be resolved"),
    "toRdf-manifest#tdi02": _DIRECTION_TAGS,
    "toRdf-manifest#tdi04": _DIRECTION_TAGS,
    "toRdf-manifest#tdi05": _DIRECTION_TAGS,
    "toRdf-manifest#tdi06": _DIRECTION_TAGS,
    "toRdf-manifest#tdi09": _NO_RDF_DIRECTION,
    "toRdf-manifest#tdi10": _NO_RDF_DIRECTION,
    "toRdf-manifest#tdi11": _NO_RDF_DIRECTION,
    "toRdf-manifest#tdi12": _NO_RDF_DIRECTION,
    "toRdf-manifest#te075": ("produceGeneralizedRdf: pyoxigraph has no generalized RDF (a blank node as "
                             "predicate), so it can neither produce nor even load the expected output"),
    "toRdf-manifest#te077": "pyoxigraph's JSON-LD reader has no expandContext option",
    "toRdf-manifest#tc029": _PROCESSING_MODE_10,
    "toRdf-manifest#tep02": _PROCESSING_MODE_10,
    "toRdf-manifest#ter21": _PROCESSING_MODE_10,
    "toRdf-manifest#ter42": _PROCESSING_MODE_10,
    "toRdf-manifest#ttn01": _PROCESSING_MODE_10,
    # fromRdf: dlkg's WRITE path (dlkg.jsonld.write_document)
    "fromRdf-manifest#t0018": ("useNativeTypes: dlkg's writer keeps every typed literal as a string with its "
                               "datatype (lossless); it never writes native JSON booleans and numbers"),
    "fromRdf-manifest#t0027": ("useNativeTypes: dlkg's writer never writes native JSON values; besides, pyld's "
                               "to_rdf (the checker) rewrites '+INF'^^xsd:double and '0.1e999999999999999'"
                               "^^xsd:double as 'INF', so the round trip differs too"),
    "fromRdf-manifest#t0019": ("useRdfType: dlkg's writer always turns rdf:type into @type (dlkg.jsonld), "
                               "it has no option to keep rdf:type as a property"),
    "fromRdf-manifest#tdi05": ("rdfDirection i18n-datatype: dlkg's writer keeps i18n-datatype literals as typed "
                               "strings, it does not turn them into @language/@direction"),
    "fromRdf-manifest#tdi06": ("rdfDirection i18n-datatype: dlkg's writer keeps i18n-datatype literals as typed "
                               "strings, it does not turn them into @language/@direction"),
    "fromRdf-manifest#tdi11": ("rdfDirection compound-literal: dlkg's writer keeps rdf:value/rdf:direction "
                               "nodes as nodes, it does not turn them into @direction values"),
    "fromRdf-manifest#tdi12": ("rdfDirection compound-literal: dlkg's writer keeps rdf:value/rdf:direction "
                               "nodes as nodes, it does not turn them into @direction values"),
    "fromRdf-manifest#tjs08": ("dlkg's writer writes an rdf:JSON literal as a typed string without checking that "
                               "it is JSON (lossless, but no 'invalid JSON literal' error)"),
    "fromRdf-manifest#tjs09": ("dlkg's writer writes an rdf:JSON literal as a typed string without checking that "
                               "it is JSON (lossless, but no 'invalid JSON literal' error)"),
}

_REMOTE = "not applicable: dlkg never fetches remote contexts"
_JSON_LD_10 = "not applicable: JSON-LD 1.0-only test (dlkg reads and writes JSON-LD 1.1)"
_OUTSIDE = "not applicable: input {} is outside the toRdf/ and fromRdf/ folders the shared copy holds"

#: Options each manifest uses that this module knows how to honour (anything else fails loudly).
_TO_RDF_OPTIONS = {"specVersion", "processingMode", "base", "expandContext", "produceGeneralizedRdf",
                   "rdfDirection", "useJCS", "normative"}
_FROM_RDF_OPTIONS = {"specVersion", "processingMode", "useNativeTypes", "useRdfType", "rdfDirection", "normative"}


# -- the manifests -------------------------------------------------------------------------------

@cache
def _manifest(name: str) -> dict:
    folder = suite_dir(SUITE)
    return json.loads((folder / "tests" / f"{name}-manifest.jsonld").read_text(encoding="utf-8"))


def _tests_dir() -> Path:
    return require_suite(SUITE) / "tests"


def _document_url(name: str, test: dict) -> str:
    return _manifest(name)["baseIri"] + test["input"]


def _remote_documents(name: str, test: dict) -> list[str]:
    """The URLs of the documents a JSON-LD processor would load to read this input.

    pyld expands the input with a loader that records every request (and refuses it); that
    knows which strings are contexts (a ``@context`` inside a JSON literal is not one). A
    context importing another (``@import``) is looked for directly, since pyld may stop
    before loading it."""
    from pyld import jsonld

    path = suite_dir(SUITE) / "tests" / test["input"]
    document = json.loads(path.read_text(encoding="utf-8"))
    requested: list[str] = []

    def loader(url, options=None):
        requested.append(url)
        raise jsonld.JsonLdError(f"remote document {url}", "loading remote context failed")

    options = test.get("option", {})
    base = options.get("base", _document_url(name, test))
    try:
        with warnings.catch_warnings():  # pyld warns about reserved-looking terms some tests use
            warnings.simplefilter("ignore")
            jsonld.expand(document, {"base": base, "documentLoader": loader,
                                     "processingMode": options.get("processingMode", "json-ld-1.1")})
    except Exception:  # noqa: BLE001 - only the recorded requests matter here
        pass
    imported = _imports(document.get("@context") if isinstance(document, dict) else None)
    return requested + [urljoin(base, url) for url in imported]


def _imports(context) -> list[str]:
    found = []
    if isinstance(context, dict):
        for key, value in context.items():
            if key == "@import" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_imports(value))
    elif isinstance(context, list):
        for value in context:
            found.extend(_imports(value))
    return found


def _not_applicable(name: str, test: dict) -> str | None:
    options = test.get("option", {})
    if options.get("specVersion") == "json-ld-1.0":
        return _JSON_LD_10
    if not test["input"].startswith(f"{name}/"):
        return _OUTSIDE.format(test["input"])
    if name == "toRdf":
        if _remote_documents(name, test):
            return _REMOTE
    return None


def _cases(name: str) -> list:
    w3c = pytest.mark.w3c(suite="jsonld", manifest=name)
    if suite_dir(SUITE) is None:
        return [pytest.param(None, id="suite-missing", marks=w3c)]
    cases = []
    for test in _manifest(name)["sequence"]:
        marks = [w3c]
        key = f"{name}-manifest{test['@id']}"
        reason = _not_applicable(name, test)
        if reason is not None:
            # Not a test of dlkg at all: left out (a skipped test would look like a gap in CI),
            # counted in the summary and checked by test_not_applicable_tests below.
            record_not_applicable("jsonld", name, reason)
            continue
        if key in KNOWN_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[key]))
        cases.append(pytest.param(test, id=test["@id"], marks=marks))
    return cases


def test_not_applicable_tests():
    """The tests left out are exactly: remote documents (dlkg never fetches), JSON-LD 1.0-only
    tests, and one whose input is outside the shared copy of the suite."""
    require_suite(SUITE)
    reasons = Counter(_not_applicable(name, test) for name in ("toRdf", "fromRdf")
                      for test in _manifest(name)["sequence"])
    reasons.pop(None)
    assert sum(reasons.values()) == 31
    assert reasons[_REMOTE] == 18
    assert reasons[_JSON_LD_10] == 12


def test_known_failures_are_in_the_manifests():
    """Every KNOWN_FAILURES entry names a test that exists and is run (not skipped)."""
    require_suite(SUITE)
    run = {f"{name}-manifest{test['@id']}" for name in ("toRdf", "fromRdf")
           for test in _manifest(name)["sequence"] if _not_applicable(name, test) is None}
    assert sorted(set(KNOWN_FAILURES) - run) == []


# -- RDF datasets ----------------------------------------------------------------------------------

def _canonical(quads) -> set[ox.Quad]:
    """The quads with blank nodes renamed by RDFC-1.0: two datasets are isomorphic exactly when
    their canonical forms are equal sets."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def _nquads(quads) -> str:
    return ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.N_QUADS).decode()


def assert_same_dataset(got, expected, what: str) -> None:
    got_c, expected_c = _canonical(got), _canonical(expected)
    if got_c != expected_c:
        pytest.fail(f"{what}: not isomorphic to the expected dataset\n"
                    f"-- only in ours (canonical blank nodes):\n{_nquads(got_c - expected_c)}"
                    f"-- only expected:\n{_nquads(expected_c - got_c)}", pytrace=False)


def _read_nquads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path.read_bytes(), format=ox.RdfFormat.N_QUADS))


# -- toRdf: the READ path --------------------------------------------------------------------------

def read_jsonld(data: bytes, base_iri: str) -> list[ox.Quad]:
    """JSON-LD to quads as dlkg reads it (:func:`dlkg.rdf.parse`), with an explicit base IRI."""
    return list(ox.parse(data, format=ox.RdfFormat.JSON_LD, base_iri=base_iri, rename_blank_nodes=True))


@pytest.mark.parametrize("test", _cases("toRdf"))
def test_to_rdf(test):
    folder = _tests_dir()
    options = test.get("option", {})
    assert set(options) <= _TO_RDF_OPTIONS, f"unhandled options {set(options) - _TO_RDF_OPTIONS}"
    data = (folder / test["input"]).read_bytes()
    base = options.get("base", _document_url("toRdf", test))
    types = set(test["@type"])
    if "jld:NegativeEvaluationTest" in types:
        with pytest.raises(SyntaxError):
            read_jsonld(data, base)
    elif "jld:PositiveSyntaxTest" in types:
        read_jsonld(data, base)
    else:
        assert "jld:PositiveEvaluationTest" in types, test["@type"]
        got = read_jsonld(data, base)
        try:
            expected = _read_nquads(folder / test["expect"])
        except SyntaxError as err:  # generalized RDF: a blank node as predicate
            pytest.fail(f"pyoxigraph cannot load the expected output {test['expect']}: {err}", pytrace=False)
        assert_same_dataset(got, expected, f"{test['input']} read by pyoxigraph")


# -- fromRdf: the WRITE path -----------------------------------------------------------------------

def write_jsonld(quads: list[ox.Quad], *, frame: bool = False) -> dict:
    """What ``dlkg export --format jsonld`` (``--frame``) writes for these quads, graph names
    merged: :func:`dlkg.jsonld.write_document` with dlkg's context, embedded."""
    import io

    from dlkg.jsonld import context_document, frame_document, write_document

    body = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
    out = io.BytesIO()
    definitions = context_document()["@context"]
    write_document(out, set((body or b"").splitlines()), definitions, context_value=definitions,
                   frame=frame_document() if frame else None)
    return json.loads(out.getvalue())


def merged(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads with their graph names dropped: the graph dlkg's writer is given."""
    return list({ox.Quad(q.subject, q.predicate, q.object) for q in quads})


def expanded(document: dict) -> list:
    """A document expanded by pyld, offline: the shape the fromRdf options speak of."""
    from pyld import jsonld

    from dlkg.jsonld import document_loader

    return jsonld.expand(document, {"documentLoader": document_loader})


def jsonld_to_rdf(document, rdf_direction: str | None = None) -> list[ox.Quad]:
    """A JSON-LD document back to quads with pyld, offline (dlkg's document loader)."""
    from pyld import jsonld

    from dlkg.jsonld import document_loader

    options = {"documentLoader": document_loader, "format": "application/n-quads"}
    if rdf_direction:
        options["rdfDirection"] = rdf_direction
    return list(ox.parse(jsonld.to_rdf(document, options), format=ox.RdfFormat.N_QUADS))


def _shape(document) -> dict[str, Counter]:
    """The parts of a JSON-LD document's shape that the fromRdf options decide."""
    shape = {"native": Counter(), "direction": Counter(), "@type": Counter(), "rdf:type": Counter()}

    def walk(value):
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            if "@value" in value:
                literal = value["@value"]
                if isinstance(literal, (bool, int, float)) and value.get("@type") != "@json":
                    shape["native"][json.dumps(literal)] += 1
                if "@direction" in value:
                    shape["direction"][(literal, value.get("@language"), value["@direction"])] += 1
                return
            if "@list" not in value and "@set" not in value:
                types = value.get("@type", [])
                for item in types if isinstance(types, list) else [types]:
                    shape["@type"][item] += 1
                for item in value.get(RDF_TYPE, []):
                    if "@id" in item:
                        shape["rdf:type"][item["@id"]] += 1
            for key, item in value.items():
                if key not in ("@type", "@context"):
                    walk(item)

    walk(document)
    return shape


def assert_shape(ours, expected, options: dict, named_graphs: bool) -> None:
    mine, theirs = _shape(ours), _shape(expected)
    if options.get("useNativeTypes"):
        assert mine["native"] == theirs["native"], "useNativeTypes: native JSON values differ"
    if options.get("rdfDirection"):
        assert mine["direction"] == theirs["direction"], f"rdfDirection {options['rdfDirection']}: @direction values differ"
    if options.get("useRdfType"):
        assert not mine["@type"], "useRdfType: rdf:type must stay a property, not @type"
    elif not named_graphs:  # dlkg's post-processing: rdf:type to an IRI or blank node is @type
        assert not mine["rdf:type"], "rdf:type written as a property instead of @type"


@pytest.mark.parametrize("test", _cases("fromRdf"))
def test_from_rdf(test):
    folder = _tests_dir()
    options = test.get("option", {})
    assert set(options) <= _FROM_RDF_OPTIONS, f"unhandled options {set(options) - _FROM_RDF_OPTIONS}"
    quads = _read_nquads(folder / test["input"])
    if "jld:NegativeEvaluationTest" in test["@type"]:
        with pytest.raises(Exception):  # noqa: B017 - the suite names the error, not a Python type
            write_jsonld(quads)
            write_jsonld(quads, frame=True)
        return
    assert "jld:PositiveEvaluationTest" in test["@type"], test["@type"]
    direction = options.get("rdfDirection")
    ours = write_jsonld(quads)
    # The expected output is one shape among equivalent ones: compare meaning, through RDF.
    assert_same_dataset(jsonld_to_rdf(ours, direction), merged(quads), "JSON-LD written by dlkg")
    assert_same_dataset(jsonld_to_rdf(write_jsonld(quads, frame=True), direction), merged(quads),
                        "JSON-LD framed by dlkg")
    expected = json.loads((folder / test["expect"]).read_text(encoding="utf-8"))
    assert_shape(expanded(ours), expected, options, False)
