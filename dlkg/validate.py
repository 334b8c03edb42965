"""Validation in layers, each on the engine that does it best, reported as one list.

- SHACL Core (``ontology/shapes.ttl``) with pySHACL, on just the triples the shapes look at,
  a shard of focus nodes at a time (:func:`run_shacl`);
- SPARQL checks in Oxigraph, once over the whole graph: the QC checks (``ontology/qc/``,
  including the three that were SHACL-SPARQL constraints) and the OWL 2 RL checks of the data
  (``dlkg/queries/owl-rl-*.rq``: disjoint classes, disjoint properties, functional properties);
- HermiT on the ontology, where a DL reasoner is needed, in a thread beside the rest.

>>> report = validate(reason=False)
>>> report.conforms, report.problems
(True, [])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dlkg import rdf
from dlkg.background import Background
from dlkg.errors import CheckFailed
from dlkg.namespaces import RDF, RDFS
from dlkg.resources import DATA_GRAPH, ONTOLOGY_GRAPH, QC_DIR, SHAPES_FILE
from dlkg.stores.oxigraph import packaged_files, run_query

__all__ = ["Problem", "ValidationReport", "validate", "qc_checks", "owl_rl_checks", "check_header", "run_checks", "run_shacl",
           "shape_predicates", "data_files", "store_quads", "packaged_descriptions", "SHARD_SIZE"]

#: Focus nodes per pySHACL run: about 10,000 triples each in generated data; memory stays
#: bounded and time linear (see benchmarks/README.md, issue 16).
SHARD_SIZE = 2_000

_HEADER_LINE = re.compile(r"^#\s*(message|reported as):\s*(.*?)\s*$", re.MULTILINE)
_VARIABLE = re.compile(r"\{\?([A-Za-z_][A-Za-z0-9_]*)\}")


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


def owl_rl_checks() -> dict[str, str]:
    """The OWL 2 RL checks (``dlkg/queries/owl-rl-*.rq``): name to SPARQL text with dlkg's
    prefixes, sorted by name. Each finds one kind of clash the ontology declares (disjoint
    classes, disjoint properties, two different values of a functional property)."""
    from dlkg.catalogue import internal_queries

    queries = internal_queries(__file__)
    return {name: queries.get(name).text for name in queries.names() if name.startswith("owl-rl-")}


def check_header(text: str) -> dict[str, str]:
    """The ``# key: value`` lines of a check that say how its rows are reported.

    ``# message:`` is the wording of each row's problem, with ``{?name}`` standing for a
    variable of the row; ``# reported as:`` names the layer the problem is reported under
    (``shacl`` for checks that were SHACL-SPARQL constraints, ``owl`` for the OWL 2 RL checks);
    without them a row is "QC check NAME fired" under the check's own name.

    >>> check_header("# message: a {?x} is wrong\\n# reported as: shacl\\nSELECT ?entity ?property ?value WHERE {}")
    {'message': 'a {?x} is wrong', 'reported as': 'shacl'}
    """
    return dict(match.groups() for match in _HEADER_LINE.finditer(text))


def _problem(check: str, focus: str, path: str, value: str, message: str) -> Problem:
    if value:
        # The triple is there: say that its value is what fails, never that it is missing.
        message = f"the value is not known to fit ({message})"
    return Problem(check, focus, path, value, message)


def run_checks(store: ox.Store, checks: dict[str, str]) -> list[Problem]:
    """Run SPARQL checks (name to text) on the store: one problem per row, worded by the
    check's header (:func:`check_header`), its ``?entity ?property ?value`` as focus, path and value."""
    problems = []
    for name, query in checks.items():
        header = check_header(query)
        result = run_query(store, query)
        for row in result.rows:
            terms = {var: ("" if term is None else term.value) for var, term in zip(result.variables, row)}
            entity, prop, value = (terms.get(var, "") for var in ("entity", "property", "value"))
            if "message" not in header:
                problems.append(Problem(name, entity, prop, value, f"QC check {name} fired"))
                continue
            message = _VARIABLE.sub(lambda m: terms.get(m.group(1), ""), header["message"])
            check = header.get("reported as", name)
            # SHACL's wording: a value that fails is never called missing (see _shacl_problems).
            problems.append(_problem(check, entity, prop, value, message) if check == "shacl"
                            else Problem(check, entity, prop, value, message))
    return problems


# -- SHACL Core, on the triples the shapes look at, a shard of focus nodes at a time -------

def _shapes():
    import rdflib

    return rdflib.Graph().parse(SHAPES_FILE, format="turtle")


def shape_predicates(shapes) -> tuple[set[str], set[str]]:
    """The predicates the SHACL shapes look at: those of their paths, targets and property
    pair constraints, plus ``rdf:type`` and ``rdfs:subClassOf`` (targets and ``sh:class``),
    and, apart, the predicates of inverse paths (a focus node's incoming triples).

    Raises:
        CheckFailed: a shape is not SHACL Core with property or inverse paths (a SPARQL
            constraint, a sequence or other complex path), so the triples cannot be cut down.
    """
    import rdflib
    from rdflib.namespace import RDF, RDFS, SH

    if any(shapes.triples((None, SH.sparql, None))) or any(shapes.triples((None, SH.select, None))):
        raise CheckFailed("the shapes hold a SPARQL constraint: move it to ontology/qc/",
                          ["ontology/shapes.ttl: SHACL Core only"])
    forward, inverse = {str(RDF.type), str(RDFS.subClassOf)}, set()
    for path in shapes.objects(None, SH.path):
        if isinstance(path, rdflib.URIRef):
            forward.add(str(path))
        elif isinstance(shapes.value(path, SH.inversePath), rdflib.URIRef):
            inverse.add(str(shapes.value(path, SH.inversePath)))
        else:
            raise CheckFailed("a shape has a complex path: only properties and their inverses are supported",
                              ["ontology/shapes.ttl: SHACL Core with simple paths only"])
    for predicate in (SH.targetSubjectsOf, SH.targetObjectsOf, SH.disjoint, SH.equals, SH.lessThan,
                      SH.lessThanOrEquals):
        forward.update(str(o) for o in shapes.objects(None, predicate))
    return forward, inverse


def _shacl_problems(report) -> list[Problem]:
    import rdflib
    from rdflib.namespace import SH

    problems = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        def text(predicate):
            node = report.value(result, predicate)
            return "" if node is None or isinstance(node, rdflib.BNode) else str(node)
        problems.append(_problem("shacl", text(SH.focusNode), text(SH.resultPath), text(SH.value),
                                 text(SH.resultMessage) or "shape violated"))
    return problems


def _shards(store: ox.Store, forward: set[str], inverse: set[str], size: int):
    """Groups of focus nodes with the triples that decide them: each node's own triples of
    the shapes' predicates, its incoming triples of inverse-path predicates, the types of
    the values of both, and every ``rdfs:subClassOf`` triple. SHACL Core shapes with
    property and inverse paths (no ``sh:node``) look at nothing else."""
    type_, subclass = ox.NamedNode(f"{RDF}type"), ox.NamedNode(f"{RDFS}subClassOf")
    forward_nodes = [ox.NamedNode(p) for p in sorted(forward)]
    wanted = set(forward_nodes)
    inverse_nodes = [ox.NamedNode(p) for p in sorted(inverse)]
    schema = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, subclass, None)]
    subjects = sorted({q.subject for p in forward_nodes for q in store.quads_for_pattern(None, p, None)}
                      | {q.object for p in inverse_nodes for q in store.quads_for_pattern(None, p, None)
                         if not isinstance(q.object, ox.Literal)}, key=str)
    for start in range(0, len(subjects), size):
        chunk = subjects[start:start + size]
        triples = set(schema)
        for node in chunk:
            triples.update(ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(node, None, None)
                           if q.predicate in wanted)
            for p in inverse_nodes:
                triples.update(ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, p, node))
        values = {t.object for t in triples if not isinstance(t.object, ox.Literal)} | {t.subject for t in triples}
        for value in values - set(chunk):
            triples.update(ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(value, type_, None))
        yield chunk, sorted(triples, key=str)


def run_shacl(store: ox.Store, *, shard_size: int = SHARD_SIZE) -> list[Problem]:
    """The SHACL Core shapes of ``ontology/shapes.ttl`` checked with pySHACL (no inference)
    over what the store holds, ``shard_size`` focus nodes at a time, so that time grows
    linearly and memory stays bounded whatever the size of the graph.

    Each shard holds exactly the triples that decide its focus nodes (see :func:`_shards`);
    its report is kept for those nodes only (the other nodes in it are there for their types).
    """
    import pyshacl

    shapes = _shapes()
    forward, inverse = shape_predicates(shapes)
    problems = []
    for chunk, triples in _shards(store, forward, inverse, shard_size):
        # No pySHACL focus_nodes: it would also skip the value nodes that sh:or / sh:node
        # shapes check. The report is cut down to the shard's own focus nodes instead.
        _, report, _ = pyshacl.validate(rdf.to_rdflib(triples), shacl_graph=shapes, inference="none",
                                        advanced=True, allow_warnings=False, inplace=True)
        names = {n.value for n in chunk if isinstance(n, ox.NamedNode)}
        blank = any(isinstance(n, ox.BlankNode) for n in chunk)
        problems.extend(p for p in _shacl_problems(report) if p.focus in names or (blank and not p.focus))
    return problems


def store_quads(store) -> list[ox.Quad]:
    """The quads of dlkg's two named graphs as a store holds them."""
    quads = []
    for graph in (ONTOLOGY_GRAPH, DATA_GRAPH):
        name = ox.NamedNode(graph)
        quads.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in store.graph_triples(graph))
    return quads


def packaged_descriptions(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """What the packaged data says about the packaged individuals the user's data refers to
    but does not describe itself (``dlkg:runsOn res:Linux``: that ``res:Linux`` is a
    platform), so that checks judge the user's data by the same facts the user relies on.

    >>> linux = ox.NamedNode("https://w3id.org/dlkg/resource/Linux")
    >>> mine = ox.Quad(ox.NamedNode("http://example.org/MyNet"), ox.NamedNode("https://w3id.org/dlkg/ontology#runsOn"), linux)
    >>> sorted({q.predicate.value.rsplit("#", 1)[-1] for q in packaged_descriptions([mine])})
    ['label', 'type']
    """
    described, referred = set(), set()
    for q in quads:
        described.add(q.subject)
        if isinstance(q.object, ox.NamedNode):
            referred.add(q.object)
    referred -= described
    if not referred:
        return []
    packaged = [pair for pair in packaged_files() if pair[1].value == DATA_GRAPH]
    return [q for q in rdf.read_quads(packaged) if q.subject in referred]


def _hermit_problems(quads: list[ox.Quad]) -> list[Problem]:
    """HermiT on the ontology: its clashes as problems. An ontology HermiT found consistent
    before is not reasoned on again (:func:`dlkg.reason.check_consistency` with ``cache``).

    Raises:
        ReasonerUnavailable: no Java, or HermiT failed.
    """
    from dlkg.reason import check_consistency

    try:
        check_consistency(quads, cache=True)
    except CheckFailed as err:
        return [Problem("owl", "", "", "", line) for line in err.problems]
    return []


def validate(files: Sequence[str | Path] | None = None, *, reason: bool = True, store=None,
             shard_size: int = SHARD_SIZE) -> ValidationReport:
    """Validate the ontology with the packaged data, or with the given data files.

    Args:
        files: Data files to check instead of the packaged data (the packaged ontology,
            shapes and checks are always used; so is what the packaged data says about the
            packaged individuals the files refer to, such as ``res:Linux``).
        reason: Also check the ontology's OWL consistency with HermiT (needs Java; about
            1-2 s, beside the other checks). The data's clashes with the ontology are found
            by the OWL 2 RL checks either way.
        store: Check what this store holds in dlkg's two graphs instead of files.
        shard_size: Focus nodes per SHACL run (:func:`run_shacl`).

    Returns:
        The report: every problem found by SHACL, the QC and OWL 2 RL checks and the reasoner.

    Raises:
        InputError: a file does not parse (the message names file, line and column).
    """
    memory = ox.Store()
    if store is not None:
        memory.extend(store_quads(store))
    else:
        memory.extend(rdf.read_quads(data_files(files)))
        if files:
            memory.extend(packaged_descriptions(memory.quads_for_pattern(None, None, None, None)))
    hermit = None
    if reason:  # the reasoner runs in Java, so the checks of the data go on beside it
        ontology = list(memory.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))
        hermit = Background(_hermit_problems, ontology, name="dlkg-hermit")
    problems = (run_checks(memory, qc_checks()) + run_checks(memory, owl_rl_checks())
                + run_shacl(memory, shard_size=shard_size))
    if hermit is not None:
        problems.extend(hermit.result())
    return ValidationReport(sorted(set(problems)), len(memory))
