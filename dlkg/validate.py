"""Validation: parsing, SHACL shapes (pySHACL), QC SPARQL checks, OWL consistency (HermiT).

>>> report = validate(reason=False)
>>> report.conforms, report.problems
(True, [])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dlkg import rdf
from dlkg.errors import CheckFailed
from dlkg.resources import DATA_GRAPH, ONTOLOGY_GRAPH, QC_DIR, SHAPES_FILE
from dlkg.stores.oxigraph import packaged_files, run_query

__all__ = ["Problem", "ValidationReport", "validate", "qc_checks", "data_files", "store_quads",
           "packaged_descriptions"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the graph, in plain words.

    Attributes:
        check: What found it: ``shacl``, a QC check's name, or ``owl``.
        focus: The node the problem is about.
        path: The property involved, where there is one.
        value: The offending value, where there is one.
        message: What is wrong.
    """

    check: str
    focus: str
    path: str
    value: str
    message: str

    def __str__(self) -> str:
        parts = [f"[{self.check}] {self.focus}"]
        if self.path:
            parts.append(f"property {self.path}")
        if self.value:
            parts.append(f"value {self.value}")
        return ": ".join([", ".join(parts), self.message])


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`: it conforms when no problem was found."""

    problems: list[Problem] = field(default_factory=list)
    triples: int = 0

    @property
    def conforms(self) -> bool:
        return not self.problems


def data_files(files: Sequence[str | Path] | None) -> list[tuple[Path, ox.NamedNode | None]]:
    """The packaged ontology plus the given data files (or the packaged data when none)."""
    packaged = packaged_files()
    if not files:
        return packaged
    return [packaged[0]] + [(Path(f), ox.NamedNode(DATA_GRAPH)) for f in files]


def qc_checks() -> dict[str, str]:
    """The QC checks: name (file stem) to SPARQL text, sorted by name."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(QC_DIR.glob("*-violation.rq"))}


def _run_qc(store: ox.Store) -> list[Problem]:
    problems = []
    for name, query in qc_checks().items():
        result = run_query(store, query)
        for row in result.rows:
            entity, prop, value = (term.value if term is not None else "" for term in row[:3])
            problems.append(Problem(name, entity, prop, value, f"QC check {name} fired"))
    return problems


def _run_shacl(quads: list[ox.Quad]) -> list[Problem]:
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    graph = rdf.to_rdflib(quads)
    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=False)
    problems = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        def text(predicate):
            node = report.value(result, predicate)
            return "" if node is None or isinstance(node, rdflib.BNode) else str(node)
        message, value = text(SH.resultMessage) or "shape violated", text(SH.value)
        if value:
            # The triple is there: say that its value is what fails, never that it is missing.
            message = f"the value is not known to fit ({message})"
        problems.append(Problem("shacl", text(SH.focusNode), text(SH.resultPath), value, message))
    return problems


def store_quads(store) -> list[ox.Quad]:
    """The quads of dlkg's two named graphs as a store holds them."""
    quads = []
    for graph in (ONTOLOGY_GRAPH, DATA_GRAPH):
        name = ox.NamedNode(graph)
        quads.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in store.graph_triples(graph))
    return quads


def packaged_descriptions(quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """What the packaged data says about the packaged individuals the user's data refers to
    but does not describe itself (``dlkg:runsOn res:Linux``: that ``res:Linux`` is a
    platform), so that checks judge the user's data by the same facts the user relies on.

    >>> linux = ox.NamedNode("https://w3id.org/dlkg/resource/Linux")
    >>> mine = ox.Quad(ox.NamedNode("http://example.org/MyNet"), ox.NamedNode("https://w3id.org/dlkg/ontology#runsOn"), linux)
    >>> sorted({q.predicate.value.rsplit("#", 1)[-1] for q in packaged_descriptions([mine])})
    ['label', 'type']
    """
    described = {q.subject for q in quads}
    referred = {q.object for q in quads if isinstance(q.object, ox.NamedNode)} - described
    if not referred:
        return []
    packaged = [pair for pair in packaged_files() if pair[1].value == DATA_GRAPH]
    return [q for q in rdf.read_quads(packaged) if q.subject in referred]


def validate(files: Sequence[str | Path] | None = None, *, reason: bool = True, store=None) -> ValidationReport:
    """Validate the ontology with the packaged data, or with the given data files.

    Args:
        files: Data files to check instead of the packaged data (the packaged ontology,
            shapes and checks are always used; so is what the packaged data says about the
            packaged individuals the files refer to, such as ``res:Linux``).
        reason: Also check OWL consistency with HermiT (needs Java; about 1-2 s).
        store: Check what this store holds in dlkg's two graphs instead of files.

    Returns:
        The report: every problem found by SHACL, the QC checks and the reasoner.

    Raises:
        InputError: a file does not parse (the message names file, line and column).
    """
    quads = store_quads(store) if store is not None else list(rdf.read_quads(data_files(files)))
    if files and store is None:
        quads.extend(packaged_descriptions(quads))
    store = ox.Store()
    store.extend(quads)
    problems = _run_shacl(quads) + _run_qc(store)
    if reason:
        from dlkg.reason import check_consistency

        try:
            check_consistency(quads)
        except CheckFailed as err:
            problems.extend(Problem("owl", "", "", "", line) for line in err.problems)
    return ValidationReport(sorted(set(problems)), len(quads))
