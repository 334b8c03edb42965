"""The table of one view as a W3C RDF Data Cube (``dlkg export --profile datacube``).

The mapping is the CONSTRUCT query ``queries/datacube.rq`` (as ``ontology/schema-profile.rq``
is for ``--profile schema``): one ``qb:Observation`` per known cell, dimensions framework,
column and view, one measure (the cell's values or support level), the view as the
``qb:Slice`` of one ``qb:DataSet`` with its ``qb:DataStructureDefinition``. It runs over the
ontology and one view, never both views at once.

>>> cube = datacube_quads(view="2018")
>>> len({q.subject for q in cube if q.object == ox.NamedNode(QB + "Observation")})
90
"""

from __future__ import annotations

import pyoxigraph as ox

from dlkg.catalogue import internal_queries

from dlkg.resources import ONTOLOGY_GRAPH

__all__ = ["QB", "datacube_profile", "datacube_quads"]

QB = "http://purl.org/linked-data/cube#"
#: View name to (its named graph, the IRI that stands for the view in the cube). The book's view
#: has no dlkg:View node: the table as printed stands for it.
_QUERIES = internal_queries(__file__)  # dlkg/queries/datacube.rq


def datacube_profile(quads: list[ox.Quad], *, view: str = "2018") -> list[ox.Quad]:
    """The Data Cube of ``quads`` (the ontology and ONE view), by ``queries/datacube.rq``.

    Args:
        quads: The ontology's and one view's quads (in any graphs: they are read merged).
        view: The view's name, ``2018`` or ``current``: names the cube's IRIs and its view.

    Raises:
        UsageError: an unknown view.
    """
    from dlkg.sparql import bind_values

    store = ox.Store()
    store.extend(quads)
    query = bind_values(_QUERIES.get("datacube").text,
                        {"_view": ox.NamedNode(_view_iris(view)[1]), "_name": ox.Literal(view)})
    return [ox.Quad(t.subject, t.predicate, t.object) for t in store.query(query, use_default_graph_as_union=True)]


def datacube_quads(*, view: str = "2018") -> list[ox.Quad]:
    """The packaged view ``view`` as a Data Cube (the ontology and that view's graph only).

    Raises:
        UsageError: an unknown view.
    """
    from dlkg.diff import views_store

    store = views_store()
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
             for graph in (ONTOLOGY_GRAPH, _view_iris(view)[0]) for t in store.graph_triples(graph)]
    return datacube_profile(quads, view=view)


def _view_iris(view: str) -> tuple[str, str]:
    """The view's graph and IRI (:mod:`dlkg.timeviews`, the one table of views)."""
    from dlkg import timeviews

    found = timeviews.resolve(view)
    return found.graph, found.iri
