"""Export: the graph in every RDF format, deterministic to the byte.

- Blank nodes are renamed by RDF canonicalization (RDFC-1.0) and triples are sorted, so the
  same graph always gives the same bytes.
- JSON-LD is written by dlkg's own streaming writer (:mod:`dlkg.jsonld`), one node at a time
  in subject order, compacted with the committed context (``ontology/context.jsonld``), embedded in
  the document by default (``context="embed"``), so that any JSON-LD processor (pyld,
  jsonld.js) expands it with no document loader and no network; ``context="url"`` names it by
  its published IRI :data:`~dlkg.jsonld.CONTEXT_URL` instead (smaller, for processors that
  can fetch or preload it); ``frame=True`` nests one object per framework with the
  committed frame (``ontology/frame.jsonld``), then lists every triple the frame does not reach
  as flat nodes, so nothing is lost; ``profile="schema"`` gives schema.org
  SoftwareApplications by the mapping in ``ontology/schema-profile.rq``.
- Nothing is fetched; JSON-LD needs no JSON-LD processor to write, and only blank nodes
  (the lines that hold one) go through the canonical labelling (:func:`dlkg.canon.canonical_lines`).
- :func:`write_export` streams to a file (``dlkg export -o``, stdout): JSON-LD of a graph
  of 10^6 triples never exists whole in memory.

>>> text = export_graph(format="nt", graph="data").decode()
>>> '<https://w3id.org/dlkg/resource/Torch> <https://w3id.org/dlkg/ontology#runsOn> <https://w3id.org/dlkg/resource/iOS> .' in text
True
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import IO

import pyoxigraph as ox

from dlkg import formats
from dlkg.errors import UsageError
from dlkg.namespaces import OUTPUT_PREFIXES, RDF
from dlkg.resources import DATA_GRAPH, DLKG, ONTOLOGY_DIR, ONTOLOGY_GRAPH, RES
from dlkg.terms import sorted_quads, sorted_triples

__all__ = ["EXPORT_FORMATS", "CONTEXT_MODES", "write_rdf", "GRAPHS", "PROFILES", "export_graph", "write_export",
           "export_quads", "serialize_triples", "canonical_quads"]

#: The formats ``dlkg export`` writes (:mod:`dlkg.formats` names them).
EXPORT_FORMATS: tuple[str, ...] = ("jsonld", "turtle", "nt", "nq", "trig", "rdfxml")
GRAPHS: dict[str, tuple[str, ...]] = {"ontology": (ONTOLOGY_GRAPH,), "data": (DATA_GRAPH,),
                                      "all": (ONTOLOGY_GRAPH, DATA_GRAPH)}
PROFILES = ("schema", "datacube")
#: How a JSON-LD export gives its context: ``embed`` (the context object itself, the default)
#: or ``url`` (the published context IRI).
CONTEXT_MODES = ("embed", "url")


def write_rdf(statements: Iterable[ox.Triple] | Iterable[ox.Quad], format: str) -> bytes:
    """Triples (or quads) in an RDF format, sorted, with dlkg's prefixes where the format has
    prefixes (JSON-LD: compacted with dlkg's context, embedded; :mod:`dlkg.jsonld`): the one
    writer of RDF behind exports, results and pages. Quads written in a triple format or in
    JSON-LD lose their graph names.

    >>> t = ox.Triple(ox.NamedNode(RES + "Torch"), ox.NamedNode(RDF + "type"), ox.NamedNode(DLKG + "MobileFramework"))
    >>> print(write_rdf([t], "turtle").decode().splitlines()[-1])
    res:Torch a dlkg:MobileFramework .

    Raises:
        UsageError: the name is no RDF format.
    """
    fmt = formats.get(format, kinds=formats.RDF_KINDS)
    items = list(statements)
    if fmt.name == "jsonld":  # the one JSON-LD writer, the context embedded (graph names merged)
        from dlkg.jsonld import context_document, write_document

        body = ox.serialize([ox.Triple(t.subject, t.predicate, t.object) for t in items],
                            format=ox.RdfFormat.N_TRIPLES) or b""
        buffer = io.BytesIO()
        definitions = context_document()["@context"]
        write_document(buffer, set(body.splitlines()), definitions, context_value=definitions)
        return buffer.getvalue()
    if fmt.rdf.supports_datasets:
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
    store, graphs = _source(graph, store, view)
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


def _source(graph: str, store, view):
    """(the store, :data:`GRAPHS` for the view): the packaged graph when no store is given.

    Raises:
        UsageError: an unknown graph name or view.
    """
    if graph not in GRAPHS:
        raise UsageError(f"unknown graph {graph!r} (known: {', '.join(GRAPHS)})", param="graph")
    if store is None:
        from dlkg.stores import MemoryStore

        store = MemoryStore()
    return store, _view_graphs(view)


def _view_graphs(view) -> dict[str, tuple[str, ...]]:
    """:data:`GRAPHS` with "data" the view's statements."""
    if view is None:
        return GRAPHS
    from dlkg.timeviews import resolve

    data = resolve(view).graph
    return {"ontology": (ONTOLOGY_GRAPH,), "data": (data,), "all": (ONTOLOGY_GRAPH, data)}


def export_graph(*, format: str = "turtle", graph: str = "all", inferred: bool = False, frame: bool = False,
                 profile: str | None = None, context: str = "embed", store=None, view=None) -> bytes:
    """The graph serialized in one format: :func:`write_export` (same options) into bytes.
    """
    buffer = io.BytesIO()
    write_export(buffer, format=format, graph=graph, inferred=inferred, frame=frame, profile=profile, context=context,
                 store=store, view=view)
    return buffer.getvalue()


def write_export(out: IO[bytes], *, format: str = "turtle", graph: str = "all", inferred: bool = False,
                 frame: bool = False, profile: str | None = None, context: str = "embed", store=None,
                 view=None) -> None:
    """Write the graph in one format to a binary file; JSON-LD is streamed node by node.

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
    """
    formats.get(format, kinds=formats.RDF_KINDS, choices=EXPORT_FORMATS)
    if context not in CONTEXT_MODES:
        raise UsageError(f"unknown context mode {context!r} (known: {', '.join(CONTEXT_MODES)})", param="context")
    if profile is not None and profile not in PROFILES:
        raise UsageError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})", param="profile")
    if frame and (format != "jsonld" or profile):
        raise UsageError("--frame applies to plain JSON-LD (--format jsonld, no --profile)", param="frame")
    if format == "jsonld":
        _write_jsonld(out, graph=graph, inferred=inferred, frame=frame, profile=profile, context=context,
                      store=store, view=view)
        return
    out.write(write_rdf(canonical_quads(_profiled(export_quads(graph=graph, inferred=inferred, store=store, view=view),
                                                  profile, view)), format))


def _profiled(quads: list[ox.Quad], profile: str | None, view) -> list[ox.Quad]:
    """The quads of a profile (or the quads themselves)."""
    if profile == "schema":
        return schema_profile(quads)
    if profile == "datacube":
        from dlkg.datacube import datacube_profile
        from dlkg.timeviews import resolve

        return datacube_profile(quads, view=resolve(view).name)
    return quads


def _write_jsonld(out: IO[bytes], *, graph: str, inferred: bool, frame: bool, profile: str | None, context: str,
                  store, view) -> None:
    """JSON-LD by :func:`dlkg.jsonld.write_document`, from the graph's N-Triples lines."""
    from dlkg.canon import canonical_lines
    from dlkg.jsonld import CONTEXT_URL, context_document, frame_document, write_document

    if inferred or profile:
        quads = _profiled(export_quads(graph=graph, inferred=inferred, store=store, view=view), profile, view)
        body = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads],
                            format=ox.RdfFormat.N_TRIPLES) or b""
    else:  # straight from the store: no Python object per triple until its node is written
        store, graphs = _source(graph, store, view)
        body = b"\n".join(store.graph_ntriples(iri) for iri in graphs[graph])
    lines = canonical_lines(body)  # each line once (graphs merged); blank nodes canonically named
    del body
    if profile == "schema":
        definitions = value = _SCHEMA_CONTEXT["@context"]
    else:
        definitions = context_document()["@context"]
        value = definitions if context == "embed" else CONTEXT_URL
    write_document(out, lines, definitions, context_value=value, frame=frame_document() if frame else None)


# -- schema.org profile ------------------------------------------------------------------

_SCHEMA_CONTEXT = {"@context": {"@vocab": "https://schema.org/", "res": RES}}


def schema_profile(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The schema.org view of the quads, by the CONSTRUCT mapping in ``ontology/schema-profile.rq``."""
    store = ox.Store()
    store.extend(quads)
    mapping = (ONTOLOGY_DIR / "schema-profile.rq").read_text(encoding="utf-8")
    return [ox.Quad(t.subject, t.predicate, t.object) for t in store.query(mapping, use_default_graph_as_union=True)]
