"""Every canned query on three engines over the same data, side by side (run in a child process).

- ``dlkg``: :func:`dlkg.query.run_canned` on an :class:`~dlkg.stores.OxigraphStore` (the
  embedded on-disk store) loaded with ``dlkg load``: the ontology and the data each in its
  named graph, queries over their union;
- ``pyoxigraph``: the same query text with the same ``VALUES``-bound parameters on a raw
  on-disk ``pyoxigraph.Store`` filled with ``bulk_load``, solutions read into tuples;
- ``rdflib``: the same text on an in-memory ``rdflib.Graph`` holding the same triples.

The engines run alternately, query by query, so a noisy machine hits them alike. Every engine
must return the same number of rows, or the run stops.
"""

from __future__ import annotations

import signal
import statistics
import time
from pathlib import Path

__all__ = ["run_query_benchmark", "bound_text"]


class _TooSlow(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _TooSlow()


def bound_text(query, bindings) -> str:
    """The query text with its default parameters bound as dlkg binds them (a VALUES block)."""
    from dlkg.sparql import bind_values

    return bind_values(query.text, bindings)


def _raw_rows(store, text: str) -> list[tuple]:
    return [tuple(solution) for solution in store.query(text, use_default_graph_as_union=True)]


def _summary(times: list[float]) -> dict:
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times), "repeats": len(times),
            "times": times}


def run_query_benchmark(args: dict) -> dict:
    """Load the data into the three engines and time every canned query on each.

    ``args``: ``data`` (N-Triples file), ``ontology``, ``dlkg_store`` and ``raw_store``
    (folders), ``repeats``, ``rdflib`` (bool), ``rdflib_repeats``, ``rdflib_cap`` (seconds
    per run), ``rdflib_skip`` (query name to reason), ``queries`` (names, or all).
    """
    import pyoxigraph as ox

    from dlkg.catalogue import Catalogue
    from dlkg.loader import load
    from dlkg.query import bind_parameters, run_canned
    from dlkg.resources import DATA_GRAPH, ONTOLOGY_GRAPH
    from dlkg.stores import OxigraphStore

    data, ontology = args["data"], args["ontology"]
    out: dict = {"load": {}, "queries": []}

    start = time.perf_counter()
    store = OxigraphStore(args["dlkg_store"])
    load(store, [ontology], graph=ONTOLOGY_GRAPH)
    load(store, [data], graph=DATA_GRAPH)
    out["load"]["dlkg"] = time.perf_counter() - start

    start = time.perf_counter()
    raw = ox.Store(args["raw_store"])
    raw.bulk_load(path=ontology, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    raw.bulk_load(path=data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(DATA_GRAPH))
    out["load"]["pyoxigraph"] = time.perf_counter() - start
    out["triples"] = len(raw)

    graph = None
    if args.get("rdflib", True):
        import rdflib

        start = time.perf_counter()
        graph = rdflib.Graph()
        graph.parse(ontology, format="turtle")
        graph.parse(data, format="nt")
        out["load"]["rdflib"] = time.perf_counter() - start
        list(graph.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1"))  # builds rdflib's SPARQL machinery once

    catalogue = Catalogue()
    repeats = int(args.get("repeats", 5))
    rdflib_repeats = int(args.get("rdflib_repeats", 2))
    cap = float(args.get("rdflib_cap", 60))
    skip = args.get("rdflib_skip", {})
    # The queries that choose their graphs themselves (the history queries read both views by
    # GRAPH) have nothing to read in a generated graph of one view, and rdflib's Graph has no
    # named graphs: the benchmark times the queries of a view.
    from dlkg.sparql import names_graphs

    names = args.get("queries") or [n for n in catalogue.names() if not names_graphs(catalogue.get(n).text)]
    signal.signal(signal.SIGALRM, _alarm)
    for name in names:
        query = catalogue.get(name)
        text = bound_text(query, bind_parameters(query, {}))
        # Warm-up, and the row-count check between the two Oxigraph engines.
        rows = len(run_canned(name, store=store, catalogue=catalogue).rows)
        raw_count = len(_raw_rows(raw, text))
        if raw_count != rows:
            raise AssertionError(f"{name}: dlkg returned {rows} rows, raw pyoxigraph {raw_count}")
        # A fast query is timed in batches of k calls (k from the warm-up, a batch lasting about
        # 20 ms), so timer resolution and scheduler noise do not dominate it.
        t0 = time.perf_counter()
        run_canned(name, store=store, catalogue=catalogue)
        batch = max(1, min(500, int(0.02 / max(time.perf_counter() - t0, 1e-6))))
        times: dict[str, list[float]] = {"dlkg": [], "pyoxigraph": []}
        for r in range(repeats):
            order = ("dlkg", "pyoxigraph") if r % 2 == 0 else ("pyoxigraph", "dlkg")
            for engine in order:
                t0 = time.perf_counter()
                for _ in range(batch):
                    if engine == "dlkg":
                        run_canned(name, store=store, catalogue=catalogue)
                    else:
                        _raw_rows(raw, text)
                times[engine].append((time.perf_counter() - t0) / batch)
        record = {"name": name, "rows": rows, "text": text, "batch": batch,
                  "dlkg": _summary(times["dlkg"]), "pyoxigraph": _summary(times["pyoxigraph"])}
        if graph is not None:
            if name in skip:
                record["rdflib"] = {"skipped": skip[name]}
            else:
                record["rdflib"] = _time_rdflib(graph, name, text, rows, rdflib_repeats, cap)
        out["queries"].append(record)
    store.close()
    return out


def _time_rdflib(graph, name: str, text: str, rows: int, repeats: int, cap: float) -> dict:
    times = []
    for _ in range(repeats):
        signal.setitimer(signal.ITIMER_REAL, cap)
        t0 = time.perf_counter()
        try:
            count = len(list(graph.query(text)))
        except _TooSlow:
            return {"timeout_s": cap, "completed": times,
                    "note": f"stopped after {cap:g} s (a lower bound on its latency)"}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        times.append(time.perf_counter() - t0)
        if count != rows:
            raise AssertionError(f"{name}: dlkg returned {rows} rows, rdflib {count}")
        if sum(times) > cap:  # one slow run is enough: do not spend the cap again
            break
    return _summary(times)


if __name__ == "__main__":  # pragma: no cover - a quick manual check
    import json
    import sys

    print(json.dumps(run_query_benchmark(json.loads(Path(sys.argv[1]).read_text())), indent=1))
