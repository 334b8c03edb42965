"""Stores backed by pyoxigraph: the in-memory packaged graph and the embedded on-disk store."""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pyoxigraph as ox

from dlkg import rdf
from dlkg.errors import InputError, QueryError, StoreError, UsageError
from dlkg.progress import reading
from dlkg.resources import DATA_FILE, DATA_GRAPH, ONTOLOGY_FILE, ONTOLOGY_GRAPH
from dlkg.sparql import Term, bind_values
from dlkg.stores.base import (DIGEST_LIMIT, Dataset, LoadReport, QueryResult, Store, result_from_pyoxigraph,
                              same_graph_in_time)

__all__ = ["MemoryStore", "OxigraphStore", "run_query", "packaged_files"]

_POSITION = re.compile(r"error at (\d+):(\d+): ")
_STAGING = "urn:dlkg:staging:"
#: Quads per ``bulk_extend`` call of a load. Peak memory loading 1e6 triples: 50,000: 81 MB,
#: 100,000: 130 MB, 200,000: 225 MB (``bulk_load`` of the whole file: 905 MB); 50,000 was the
#: slowest, 100,000 and 200,000 within the noise of each other on 2 cores.
LOAD_BATCH = 100_000
#: The load's read-back uses one query per predicate when there are at least this many
#: triples per predicate (below that, the queries' overhead beats what they save).
_TRIPLES_PER_QUERY = 1_000


def packaged_files() -> list[tuple[Path, ox.NamedNode]]:
    """The packaged ontology and data files, each with the named graph it goes into."""
    return [(ONTOLOGY_FILE, ox.NamedNode(ONTOLOGY_GRAPH)), (DATA_FILE, ox.NamedNode(DATA_GRAPH))]


def run_query(store: ox.Store, query: str, bindings: Mapping[str, Term] | None = None, *,
              max_rows: int | None = None, default_graph: list | None = None, dataset: Dataset | None = None,
              base_iri: str | None = None) -> QueryResult:
    """Run a query on a pyoxigraph store over the union of its graphs, as a :class:`QueryResult`.

    >>> s = ox.Store()
    >>> s.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("b"), ox.NamedNode("http://x/g")))
    >>> run_query(s, "SELECT ?o WHERE { ?s ?p ?o }").values("o")
    ['b']
    >>> run_query(s, "SELECT ?o WHERE { ?s ?p ?o", ) # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dlkg.errors.InputError: query:1:27: ...
    """
    options: dict = {"base_iri": base_iri}
    try:
        if dataset:
            options["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
            options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
        elif default_graph is not None:
            options["default_graph"] = default_graph
        else:
            options["use_default_graph_as_union"] = True
    except ValueError as err:
        raise InputError(f"not an IRI in the dataset: {err}", path="default-graph-uri/named-graph-uri") from None
    try:
        answer = store.query(bind_values(query, bindings or {}), **options)
    except SyntaxError as err:
        message = str(err)
        match = _POSITION.match(message)
        if match:
            raise InputError(message[match.end():], path="query", line=int(match.group(1)),
                             column=int(match.group(2))) from None
        raise InputError(message, path="query") from None
    except (OSError, RuntimeError) as err:
        raise QueryError(f"the query failed: {' '.join(str(err).split())}") from None
    return result_from_pyoxigraph(answer, query, max_rows=max_rows)


def _count_quads(path: Path, fmt: ox.RdfFormat) -> int:
    """How many quads a file parses into, streaming (the literal cap applies, as in a load)."""
    with rdf.parse_errors(path):
        return sum(1 for _ in rdf.check_literals(ox.parse(path=path, format=fmt, base_iri=rdf.base_iri(path)), path))


class _PyoxigraphStore(Store):
    def __init__(self, store: ox.Store) -> None:
        self._store = store

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph store."""
        return self._store

    in_process = True

    def query(self, query: str, *, bindings: Mapping[str, Term] | None = None,
              timeout: float | None = None, max_rows: int | None = None, dataset: Dataset | None = None,
              base_iri: str | None = None) -> QueryResult:
        if timeout is not None:
            # pyoxigraph cannot stop a query: the executor runs it in a worker it can kill.
            from dlkg.executor import QueryExecutor

            return QueryExecutor(self, timeout=timeout, max_rows=max_rows, guard=False).run(
                query, bindings=bindings, dataset=dataset, base_iri=base_iri)
        return run_query(self._store, query, bindings, max_rows=max_rows, default_graph=self._default_graph(),
                         dataset=dataset, base_iri=base_iri)

    def named_graphs(self) -> frozenset[str]:
        return frozenset(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def _default_graph(self) -> list | None:
        """The graphs whose union queries see; None for all of them."""
        return None


class MemoryStore(_PyoxigraphStore):
    """An in-memory store holding the packaged ontology and data (or the given files).

    Args:
        files: ``(path, graph IRI)`` pairs to load instead of the packaged ones.

    >>> store = MemoryStore()
    >>> store.query("ASK { <https://w3id.org/dlkg/resource/Caffe> a ?c }").boolean
    True
    """

    kind = "memory"

    def __init__(self, files: list[tuple[Path, ox.NamedNode | None]] | None = None) -> None:
        store = ox.Store()
        if files is None:
            # The packaged files are ours and known good: Oxigraph reads them without a Python
            # object per triple, which is most of the start-up of `dlkg query`.
            for path, graph in packaged_files():
                store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=graph)
        else:
            store.extend(rdf.read_quads(files))
        super().__init__(store)


class OxigraphStore(_PyoxigraphStore):
    """An embedded, persistent on-disk Oxigraph store in a folder (no server needed).

    Args:
        path: The folder; created when missing.
    """

    kind = "oxigraph"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise UsageError("not a folder (an embedded store is a folder)", path=str(self.path))
        try:
            super().__init__(ox.Store(str(self.path)))
        except OSError as err:
            raise StoreError(f"cannot open the embedded store {self.path}: {err}") from None
        self._staging = self._has_staging()

    def worker_setup(self) -> None:
        # A forked copy of RocksDB's handle has none of its threads: a worker opens the
        # folder read-only for itself (this works while the parent holds the folder open).
        # The inherited handle stays referenced: closing it in the fork would wait on the
        # parent's threads.
        self._inherited = self._store
        self._store = ox.Store.read_only(str(self.path))

    def _has_staging(self) -> bool:
        return any(g.value.startswith(_STAGING) for g in self._store.named_graphs())

    def _default_graph(self) -> list | None:
        # Every graph but staging graphs: one left by a load that was killed must not show.
        # With none there (the usual case), the union flag is the faster way to say "all".
        # Whether there is one is known without asking the store on every query: the folder's
        # lock keeps other processes out, so only this object's loads make or drop one.
        if not self._staging:
            return None
        graphs = self._store.named_graphs()
        return [ox.DefaultGraph()] + [g for g in graphs if not g.value.startswith(_STAGING)]

    def graph_ntriples(self, graph: str) -> bytes:
        # Written by Oxigraph straight from the store: no Python object per triple.
        return self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""

    def _read_back_jobs(self, graph: str, triples: int) -> list[Callable[[], bytes]]:
        """Jobs that together write the graph out as N-Triples from the store, for the load's
        check; Oxigraph runs each without holding the GIL, so they can run in parallel.

        One ``CONSTRUCT`` per predicate, the predicate a constant of the template: Oxigraph
        then decodes two terms per triple instead of three, about a quarter faster than
        :meth:`graph_ntriples` (``dump``) at 1e5 triples, and the predicates split into two
        jobs of about equal triples. With few triples per predicate the queries would cost
        more than they save: one ``dump``. The queries see separate snapshots, which is sound
        only because the folder's lock keeps other writers out and this process is the one
        loading.
        """
        node = ox.NamedNode(graph)
        counts = sorted(((int(row[1].value), row[0]) for row in self._store.query(
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }} GROUP BY ?p")),
            key=lambda pair: -pair[0])
        if len(counts) * _TRIPLES_PER_QUERY > triples:
            return [lambda: self.graph_ntriples(graph)]
        halves: tuple[list[ox.NamedNode], list[ox.NamedNode]] = ([], [])
        sizes = [0, 0]
        for count, predicate in counts:  # largest first, each to the lighter half
            lighter = 0 if sizes[0] <= sizes[1] else 1
            halves[lighter].append(predicate)
            sizes[lighter] += count

        def job(predicates: list[ox.NamedNode]) -> bytes:
            return b"".join(self._store.query(f"CONSTRUCT {{ ?s {p} ?o }} WHERE {{ GRAPH {node} {{ ?s {p} ?o }} }}")
                            .serialize(format=ox.RdfFormat.N_TRIPLES) or b"" for p in predicates)

        return [lambda half=half: job(half) for half in halves if half]

    def _drop_stale_staging(self) -> None:
        # The folder's lock is exclusive, so any staging graph here is a dead load's leftover.
        for graph in list(self._store.named_graphs()):
            if graph.value.startswith(_STAGING):
                self._store.remove_graph(graph)
        self._staging = False

    def load(self, files: list, *, graph: str, replace: bool = True, dry_run: bool = False,
             batch_size: int = LOAD_BATCH) -> LoadReport:
        """Load files by streaming them into Oxigraph's bulk loader, swapping the graph atomically.

        Each file is read by one streaming parser whose quads go to ``bulk_extend`` in batches
        of ``batch_size``, so memory stays bounded by a batch, not the file. Literals longer
        than :data:`dlkg.rdf.MAX_LITERAL_CHARS` are refused (an :class:`InputError`).

        Into an empty graph the files go straight in (on failure the graph is emptied again,
        as it was). Otherwise they go into a staging graph first, and one SPARQL Update
        (``MOVE`` to replace, ``ADD`` to append; Oxigraph runs it as one transaction) puts them
        in place, so a failure midway leaves the graph exactly as it was.

        After a replacing load of at most :data:`DIGEST_LIMIT` triples, the graph is read back
        and compared, blank nodes canonicalized, with an independent parse of the files.

        Args:
            files: Paths of RDF files in triple formats (formats guessed from extensions).
            graph: The named graph's IRI.
            replace: Swap the graph's content for the files' (the default); otherwise add.
            dry_run: Parse and count, write nothing.
            batch_size: Quads per ``bulk_extend`` call.
        """
        start = time.perf_counter()
        target = ox.NamedNode(graph)
        sources = [(Path(f), rdf.guess_format(f)) for f in files]
        for path, fmt in sources:
            if fmt.supports_datasets:
                raise UsageError(f"{fmt.name} holds named graphs; load a triples format into --graph", path=str(path))
            rdf.check_file(path, fmt)
        if dry_run:
            parsed = sum(_count_quads(path, fmt) for path, fmt in sources)
            return LoadReport(graph, parsed, None, time.perf_counter() - start, "bulk_extend", dry_run=True)
        self._drop_stale_staging()
        direct = self.count(graph) == 0
        import uuid

        staging = target if direct else ox.NamedNode(f"{_STAGING}{uuid.uuid4()}")
        self._staging = not direct
        try:
            for path, fmt in sources:
                self._stream_file(path, fmt, staging, batch_size)
            parsed = None if direct else self.count(staging.value)
            if not direct:
                operation = "MOVE" if replace else "ADD"
                self._store.update(f"{operation} {staging} TO {target}" + ("" if replace else f" ; DROP GRAPH {staging}"))
        except BaseException:
            self._store.update(f"DROP SILENT GRAPH {staging}")
            raise
        finally:
            self._staging = self._has_staging()
        self._store.flush()
        method = "bulk_extend" if direct else f"bulk_extend+{'move' if replace else 'add'}"
        loaded = time.perf_counter()
        stored = self.count(graph)
        if parsed is None:  # loaded in place: the staging count would be this same count again
            parsed = stored
        digest = None
        if replace and stored == parsed and parsed <= DIGEST_LIMIT:
            digest = self._matches_files(graph, stored, sources)
        return LoadReport(graph, parsed, stored, loaded - start, method, same_digest=digest,
                          verify_seconds=time.perf_counter() - loaded)

    def _stream_file(self, path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode, batch_size: int) -> None:
        """Parse one file and write its triples into ``graph``, ``batch_size`` quads at a time.

        One parser per file: a blank-node label names the same node in every batch of the
        file, and ``rename_blank_nodes`` keeps it apart from the same label in another file
        (or in an earlier load), as ``bulk_load`` did. ``ox.parse`` raises syntax errors while
        it is iterated, so the iterating happens inside ``parse_errors``.
        """
        with rdf.parse_errors(path), reading(path, label=f"loading {path.name}") as handle:
            quads = ox.parse(input=handle, format=fmt, base_iri=rdf.base_iri(path), rename_blank_nodes=True)
            staged = (ox.Quad(q.subject, q.predicate, q.object, graph) for q in rdf.check_literals(quads, path))
            # bulk_extend pulls quads lazily and writes them when its input ends: one call per
            # batch bounds the memory by Oxigraph's copy of a batch (no Python list of it).
            while (first := next(staged, None)) is not None:
                self._store.bulk_extend(itertools.chain((first,), itertools.islice(staged, batch_size - 1)))

    def _matches_files(self, graph: str, triples: int, sources: list[tuple[Path, ox.RdfFormat]]) -> bool | None:
        """Whether the stored graph is isomorphic to an independent parse of the files
        (:func:`~dlkg.stores.base.same_graph_in_time`; None past its time limit).

        Oxigraph writes the stored graph (``triples`` of them) out without holding the GIL,
        so that runs in threads while this one parses the files again. The canonicalization
        comes after the threads end: it may fork a worker, and a fork should copy a quiet
        process.
        """
        jobs = self._read_back_jobs(graph, triples)
        bodies: list[bytes] = [b""] * len(jobs)
        errors: list[BaseException] = []

        def run(index: int) -> None:
            try:
                bodies[index] = jobs[index]()
            except BaseException as err:  # noqa: BLE001 - raised again in the loading thread
                errors.append(err)

        readers = [threading.Thread(target=run, args=(i,), name=f"dlkg-read-back-{i}", daemon=True)
                   for i in range(len(jobs))]
        for reader in readers:
            reader.start()
        try:
            # A fresh parser per file, renaming blank nodes per file as the load did; N-Quads
            # of default-graph quads are N-Triples lines.
            parts = []
            for path, fmt in sources:
                with rdf.parse_errors(path):
                    parts.append(ox.serialize(ox.parse(path=path, format=fmt, base_iri=rdf.base_iri(path),
                                                       rename_blank_nodes=True), format=ox.RdfFormat.N_QUADS) or b"")
        finally:
            for reader in readers:
                reader.join()
        if errors:
            raise StoreError(f"cannot read the graph <{graph}> back from the embedded store {self.path}: "
                             f"{errors[0]}") from None
        return same_graph_in_time(b"".join(bodies), b"".join(parts))

    def close(self) -> None:
        self._store.flush()
