"""Export: the graph in every RDF format, deterministic to the byte.

- Blank nodes are renamed by RDF canonicalization (RDFC-1.0) and triples are sorted, so the
  same graph always gives the same bytes.
- JSON-LD is compacted with the committed context (``ontology/context.jsonld``), embedded in
  the document by default (``context="embed"``), so that any JSON-LD processor (pyld,
  jsonld.js) expands it with no document loader and no network; ``context="url"`` names it by
  its published IRI :data:`~dlkg.jsonld.CONTEXT_URL` instead (smaller, for processors that
  can fetch or preload it); ``frame=True`` nests one object per framework with the
  committed frame (``ontology/frame.jsonld``), then lists every triple the frame does not reach
  as flat nodes, so nothing is lost; ``profile="schema"`` gives schema.org
  SoftwareApplications by the mapping in ``ontology/schema-profile.rq``.
- Nothing is fetched: pyld resolves the context from the package (:mod:`dlkg.jsonld`).

>>> text = export_graph(format="nt", graph="data").decode()
>>> '<https://w3id.org/dlkg/resource/Torch> <https://w3id.org/dlkg/ontology#runsOn> <https://w3id.org/dlkg/resource/iOS> .' in text
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox

from dlkg import formats
from dlkg.errors import UsageError
from dlkg.namespaces import OUTPUT_PREFIXES, RDF
from dlkg.resources import DATA_GRAPH, DLKG, ONTOLOGY_DIR, ONTOLOGY_GRAPH, RES
from dlkg.terms import sorted_quads, sorted_triples

__all__ = ["EXPORT_FORMATS", "CONTEXT_MODES", "write_rdf", "GRAPHS", "PROFILES", "export_graph", "export_quads", "serialize_triples",
           "canonical_quads"]

#: The formats ``dlkg export`` writes (:mod:`dlkg.formats` names them).
EXPORT_FORMATS: tuple[str, ...] = ("jsonld", "turtle", "nt", "nq", "trig", "rdfxml")
GRAPHS: dict[str, tuple[str, ...]] = {"ontology": (ONTOLOGY_GRAPH,), "data": (DATA_GRAPH,),
                                      "all": (ONTOLOGY_GRAPH, DATA_GRAPH)}
PROFILES = ("schema", "datacube")
#: How a JSON-LD export gives its context: ``embed`` (the context object itself, the default)
#: or ``url`` (the published context IRI).
CONTEXT_MODES = ("embed", "url")


def write_rdf(statements: Iterable[ox.Triple] | Iterable[ox.Quad], format: str) -> bytes:
    """Triples (or quads) in an RDF format other than framed JSON-LD, sorted, with dlkg's
    prefixes where the format has prefixes: the one writer of RDF behind exports, results
    and pages. Quads written in a triple format lose their graph names.

    >>> t = ox.Triple(ox.NamedNode(RES + "Torch"), ox.NamedNode(RDF + "type"), ox.NamedNode(DLKG + "MobileFramework"))
    >>> print(write_rdf([t], "turtle").decode().splitlines()[-1])
    res:Torch a dlkg:MobileFramework .

    Raises:
        UsageError: the name is no RDF format.
    """
    fmt = formats.get(format, kinds=formats.RDF_KINDS)
    items = list(statements)
    if fmt.rdf.supports_datasets and fmt.name != "jsonld":
        quads = [q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object) for q in items]
        return ox.serialize(sorted_quads(set(quads)), format=fmt.rdf,
                            prefixes=OUTPUT_PREFIXES if fmt.name == "trig" else None) or b""
    triples = sorted_triples(ox.Triple(t.subject, t.predicate, t.object) for t in items)
    prefixes = OUTPUT_PREFIXES if fmt.name in ("turtle", "rdfxml", "n3") else None
    return ox.serialize(triples, format=fmt.rdf, prefixes=prefixes) or b""


def serialize_triples(triples: Iterable[ox.Triple], format: str = "turtle") -> bytes:
    """Triples as Turtle or N-Triples (``dlkg reason``), sorted: :func:`write_rdf`.

    >>> t = ox.Triple(ox.NamedNode(RES + "Torch"), ox.NamedNode(RDF + "type"), ox.NamedNode(DLKG + "MobileFramework"))
    >>> print(serialize_triples([t], "nt").decode().strip())
    <https://w3id.org/dlkg/resource/Torch> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/dlkg/ontology#MobileFramework> .
    """
    return write_rdf(triples, format)


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with blank nodes canonically renamed (RDFC-1.0), sorted."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted_quads(dataset)


def export_quads(*, graph: str = "all", inferred: bool = False, store=None, view=None) -> list[ox.Quad]:
    """The quads of the chosen graphs (each in its named graph), with inferred triples if asked.

    ``view`` (:func:`dlkg.timeviews.resolve`: ``2018``, the default, or ``current``) says whose
    statements "data" means: the book's data graph or the current view's graph.

    Raises:
        UsageError: an unknown graph name or view.
    """
    if graph not in GRAPHS:
        raise UsageError(f"unknown graph {graph!r} (known: {', '.join(GRAPHS)})", param="graph")
    if store is None:
        from dlkg.stores import MemoryStore

        store = MemoryStore()
    graphs = _view_graphs(view)
    quads = []
    for iri in graphs[graph]:
        name = ox.NamedNode(iri)
        quads.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in store.graph_triples(iri))
    if inferred:
        from dlkg.reason import infer

        everything = quads if graph == "all" else quads + [
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(iri)) for iri in graphs["all"]
            for t in store.graph_triples(iri)]
        name = ox.NamedNode(graphs["data"][0])
        quads.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in infer(everything))
    return quads


def _view_graphs(view) -> dict[str, tuple[str, ...]]:
    """:data:`GRAPHS` with "data" the view's statements."""
    if view is None:
        return GRAPHS
    from dlkg.timeviews import resolve

    data = resolve(view).graph
    return {"ontology": (ONTOLOGY_GRAPH,), "data": (data,), "all": (ONTOLOGY_GRAPH, data)}


def export_graph(*, format: str = "turtle", graph: str = "all", inferred: bool = False, frame: bool = False,
                 profile: str | None = None, context: str = "embed", store=None, view=None) -> bytes:
    """The graph serialized in one format.

    Args:
        format: ``jsonld``, ``turtle``, ``nt``, ``nq``, ``trig`` or ``rdfxml``. ``nq`` and ``trig``
            keep each graph in its named graph; the others, JSON-LD included, merge them.
        graph: ``ontology``, ``data`` or ``all``.
        inferred: Add what the OWL reasoner infers (into the data graph).
        frame: JSON-LD only: nest one object per framework (data graph).
        profile: ``schema``: schema.org SoftwareApplications (JSON-LD or any other format);
            ``datacube``: Table 14.1 as a W3C RDF Data Cube (:mod:`dlkg.datacube`).
        context: JSON-LD: ``embed`` the context in the document (self-contained: expands
            with no document loader) or name its published ``url``. The schema.org profile's
            small context is always embedded.
        store: Where to read the graph; the packaged graph when omitted.
        view: The dated view whose statements are exported (``2018``, the default, or
            ``current``; :mod:`dlkg.timeviews`).

    Raises:
        UsageError: an unknown format, graph, profile, view or context mode, or options that
            do not go together.

    >>> document = json.loads(export_graph(format="jsonld", graph="ontology"))
    >>> document["@context"]["dlkg"]
    'https://w3id.org/dlkg/ontology#'
    >>> json.loads(export_graph(format="jsonld", graph="ontology", context="url"))["@context"]
    'https://w3id.org/dlkg/ontology/1.0.0/context.jsonld'
    """
    formats.get(format, kinds=formats.RDF_KINDS, choices=EXPORT_FORMATS)
    if context not in CONTEXT_MODES:
        raise UsageError(f"unknown context mode {context!r} (known: {', '.join(CONTEXT_MODES)})", param="context")
    if profile is not None and profile not in PROFILES:
        raise UsageError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})", param="profile")
    if frame and (format != "jsonld" or profile):
        raise UsageError("--frame applies to plain JSON-LD (--format jsonld, no --profile)", param="frame")
    quads = export_quads(graph=graph, inferred=inferred, store=store, view=view)
    if profile == "schema":
        quads = schema_profile(quads)
    elif profile == "datacube":
        from dlkg.datacube import datacube_profile

        from dlkg.timeviews import resolve

        quads = datacube_profile(quads, view=resolve(view).name)
    quads = canonical_quads(quads)
    if format == "jsonld":
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        if profile == "schema":
            return _dump(_compact(triples, _SCHEMA_CONTEXT))
        document = _framed(triples) if frame else _compact(triples, {"@context": _context_url()})
        if context == "embed":
            from dlkg.jsonld import context_document

            # The same terms, so the compacted keys stay valid: only the reference is replaced.
            document["@context"] = context_document()["@context"]
        return _dump(document)
    return write_rdf(quads, format)


# -- schema.org profile ------------------------------------------------------------------

_SCHEMA_CONTEXT = {"@context": {"@vocab": "https://schema.org/", "res": RES}}


def schema_profile(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The schema.org view of the quads, by the CONSTRUCT mapping in ``ontology/schema-profile.rq``."""
    store = ox.Store()
    store.extend(quads)
    mapping = (ONTOLOGY_DIR / "schema-profile.rq").read_text(encoding="utf-8")
    return [ox.Quad(t.subject, t.predicate, t.object) for t in store.query(mapping, use_default_graph_as_union=True)]


# -- JSON-LD -----------------------------------------------------------------------------

def _context_url() -> str:
    from dlkg.jsonld import CONTEXT_URL

    return CONTEXT_URL


_RDF_TYPE = RDF + "type"


def _expanded(triples: list[ox.Triple]) -> list:
    """Expanded JSON-LD of the triples, with ``rdf:type`` as ``@type`` (Oxigraph writes it as a
    plain property, which framing by type would not match)."""
    nodes = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"[]")
    for node in nodes:
        types = node.pop(_RDF_TYPE, None)
        if types is not None:
            if all("@id" in t for t in types):
                node["@type"] = [t["@id"] for t in types]
            else:  # a literal rdf:type value cannot be @type; keep it as it was
                node[_RDF_TYPE] = types
    return nodes


def _options() -> dict:
    from dlkg.jsonld import document_loader

    return {"documentLoader": document_loader}


def _compact(triples: list[ox.Triple], context: dict) -> dict:
    from pyld import jsonld

    compacted = jsonld.compact(_expanded(triples), context, options=_options())
    if "@graph" not in compacted:  # one node: keep the document shape the same for every graph
        context_value = compacted.pop("@context")
        compacted = {"@context": context_value, "@graph": [compacted] if compacted else []}
    return compacted


def _framed(triples: list[ox.Triple]) -> dict:
    """Frameworks nested by the frame, then the triples the frame does not reach, flat."""
    from pyld import jsonld

    from dlkg.jsonld import frame_document

    framed = jsonld.frame(_expanded(triples), frame_document(),
                          options={**_options(), "omitGraph": False, "omitDefault": True})
    reached = _to_triples(framed)
    rest = [t for t in triples if t not in reached]
    if rest:
        framed["@graph"].extend(_compact(rest, {"@context": _context_url()})["@graph"])
    return framed


def _to_triples(document: dict) -> set[ox.Triple]:
    # Expanded by pyld, read by Oxigraph: pyld's own toRdf rewrites xsd:double lexical forms
    # ("1.5" -> "1.5E0"), which would make framed triples look unreached.
    from pyld import jsonld

    expanded = json.dumps(jsonld.expand(document, _options()))
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(expanded, format=ox.RdfFormat.JSON_LD)}


def _dump(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
