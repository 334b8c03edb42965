"""OWL reasoning with owlready2 and HermiT: consistency, and the facts the reasoner infers.

owlready2 does not read Turtle, so the graph is handed to it as N-Triples in a temporary
file; every run uses a fresh ``World`` (the default world would keep earlier inferences).
Imports never leave the machine: the graph is loaded from that one local file.

``check_consistency(..., cache=True)`` (what ``dlkg validate`` uses on the ontology) keeps the
verdict on a consistent graph under ``$XDG_CACHE_HOME/dlkg/hermit/`` (``~/.cache`` without it),
named by the graph's canonical digest and owlready2's version: an unchanged ontology is not
reasoned on again (HermiT's Java start is about 2 s). Only "consistent" is kept.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from dlkg.errors import CheckFailed, DlkgError
from dlkg.namespaces import OWL, RDF

__all__ = ["infer", "check_consistency", "ReasonerUnavailable"]

_RDF_TYPE = f"{RDF}type"
_OWL_IMPORTS = ox.NamedNode(f"{OWL}imports")
_TRIVIAL_TYPES = {f"{OWL}Thing", f"{OWL}NamedIndividual", f"{OWL}Ontology"}


class ReasonerUnavailable(DlkgError):
    """The reasoner could not run (Java missing). Exit code 1."""


def _reasoned_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The triples HermiT is given: owlready2 follows owl:imports over HTTP even when told to
    stay local, so they are dropped and the reasoner sees exactly these."""
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.predicate != _OWL_IMPORTS]


def _run_hermit(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    import owlready2

    text = ox.serialize(_reasoned_triples(quads), format=ox.RdfFormat.N_TRIPLES)
    with tempfile.TemporaryDirectory(prefix="dlkg-reason-") as folder:
        path = os.path.join(folder, "graph.nt")
        with open(path, "wb") as handle:
            handle.write(text)
        world = owlready2.World()
        world.get_ontology("file://" + path).load(format="ntriples")
        inferred = world.get_ontology("urn:dlkg:inferred#")
        try:
            with inferred:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            raise CheckFailed("the ontology and data are inconsistent (HermiT found a contradiction)",
                              ["OWL: the ontology and data are inconsistent (HermiT)"]) from None
        except FileNotFoundError as err:
            raise ReasonerUnavailable(f"cannot run the HermiT reasoner: Java is not installed ({err.filename or 'java'} not found); install a Java runtime 11 or newer") from None
        triples = []
        for s, p, o in inferred.get_triples():
            predicate = world._unabbreviate(p)
            if predicate != _RDF_TYPE or o < 0 or s < 0:
                continue
            obj = world._unabbreviate(o)
            if obj in _TRIVIAL_TYPES:
                continue
            triples.append(ox.Triple(ox.NamedNode(world._unabbreviate(s)), ox.NamedNode(predicate), ox.NamedNode(obj)))
        return triples


def infer(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The class memberships HermiT infers that the graph does not state, sorted.

    Args:
        quads: The ontology and data.

    Returns:
        ``rdf:type`` triples (for example each framework's defined classes), sorted.

    Raises:
        CheckFailed: the graph is inconsistent.
        ReasonerUnavailable: Java is missing.
    """
    quads = list(quads)
    stated = {(q.subject, q.predicate, q.object) for q in quads}
    inferred = {t for t in _run_hermit(quads) if (t.subject, t.predicate, t.object) not in stated}
    return sorted(inferred, key=lambda t: (t.subject.value, t.object.value))


def _verdict_file(quads: list[ox.Quad]) -> Path:
    import owlready2

    from dlkg.canon import graph_digest

    digest = graph_digest(_reasoned_triples(quads))
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "dlkg" / "hermit" / f"{digest}-owlready2-{owlready2.VERSION}.consistent"


def check_consistency(quads: Iterable[ox.Quad], *, cache: bool = False) -> None:
    """Raise :class:`CheckFailed` when the graph is inconsistent under OWL 2 semantics.

    Args:
        quads: The graph.
        cache: Skip HermiT when this graph was found consistent before (see the module's
            docstring), and keep the verdict when it is.
    """
    quads = list(quads)
    verdict = _verdict_file(quads) if cache else None
    if verdict is not None and verdict.exists():
        return
    _run_hermit(quads)
    if verdict is not None:
        try:
            verdict.parent.mkdir(parents=True, exist_ok=True)
            verdict.touch()
        except OSError:  # a read-only home: reason again next time
            pass
