"""Operations run in a fresh child process, so each has its own peak memory (``ru_maxrss``).

``python -m benchmarks.child OP JSON`` runs one operation and prints one JSON line with the
seconds it took (timed inside the child, without interpreter start-up) and what it returned.
The parent reads the child's peak resident memory from ``os.wait4``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["OPERATIONS"]


def _noop(args: dict) -> dict:
    """Imports only: the baseline for peak memory."""
    import pyoxigraph  # noqa: F401

    import dlkg.stores  # noqa: F401

    return {"seconds": 0.0}


def _dlkg_load(store: Callable[[dict], Callable]) -> Callable[[dict], dict]:
    """A job timing the opening of a store and ``dlkg.loader.load`` of ``args["file"]`` into it;
    ``store(args)`` imports what the store needs (outside the timing) and says how to open it."""
    def job(args: dict) -> dict:
        from dlkg.loader import load

        opener = store(args)
        start = time.perf_counter()
        with opener() as opened:
            reports = load(opened, [args["file"]], graph=args["graph"])
        return _report(time.perf_counter() - start, reports[0])
    return job


def _embedded(args: dict) -> Callable:
    from dlkg.stores import OxigraphStore

    return lambda: OxigraphStore(args["store"])


def _remote(args: dict) -> Callable:
    from dlkg.stores.remote import RemoteStore

    return lambda: RemoteStore(args["query_url"])


def _report(seconds: float, report) -> dict:
    return {"seconds": seconds, "triples": report.triples, "stored": report.stored, "method": report.method,
            "load_seconds": report.seconds, "verify_seconds": getattr(report, "verify_seconds", None),
            "same_digest": getattr(report, "same_digest", None)}


def _raw_bulk_load(args: dict) -> dict:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store(args["store"])
    store.bulk_load(path=args["file"], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(args["graph"]))
    store.flush()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "stored": len(store)}


def _gsp_post(args: dict) -> dict:
    import httpx

    start = time.perf_counter()
    with open(args["file"], "rb") as handle:
        body = handle.read()
    response = httpx.post(args["gsp_url"], params={"graph": args["graph"]}, content=body,
                          headers={"Content-Type": "application/n-triples"}, timeout=3600)
    response.raise_for_status()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "status": response.status_code}


def _parse_objects(args: dict) -> dict:
    """The file as parsed objects in memory: pyoxigraph quads in a list (what
    MemoryStore and validate hold)."""
    import pyoxigraph as ox

    start = time.perf_counter()
    quads = list(ox.parse(path=args["file"], format=ox.RdfFormat.N_TRIPLES))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "triples": len(quads)}


def _rdflib_parse(args: dict) -> dict:
    import rdflib

    start = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(args["file"], format="nt")
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "triples": len(graph)}


def _validate(args: dict) -> dict:
    from dlkg.validate import validate

    start = time.perf_counter()
    report = validate([args["file"]], reason=args.get("reason", True))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "conforms": report.conforms, "problems": [str(p) for p in report.problems[:5]],
            "triples": report.triples}


def _validate_pyshacl_peer(args: dict) -> dict:
    """The peer of issue 16: pySHACL running the shapes as they were before it (frozen in
    ``benchmarks/peers/shapes-2026-12.ttl``, with its three SHACL-SPARQL constraints) on the
    ontology and the data in one rdflib graph, as ``dlkg validate`` did then (no inference)."""
    import pyshacl
    import rdflib

    from dlkg import rdf
    from dlkg.validate import data_files

    start = time.perf_counter()
    graph = rdf.to_rdflib(rdf.read_quads(data_files([args["file"]])))
    shapes = rdflib.Graph().parse(Path(__file__).parent / "peers" / "shapes-2026-12.ttl", format="turtle")
    conforms, _, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=False)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "conforms": conforms}


def _export_jsonld(args: dict) -> dict:
    """``dlkg export --format jsonld`` as the command runs it: streamed to a file."""
    from dlkg.export import write_export
    from dlkg.stores import OxigraphStore

    start = time.perf_counter()
    with OxigraphStore(args["store"]) as store, open(args["out"], "wb") as out:
        write_export(out, format="jsonld", graph="all", store=store)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "bytes": Path(args["out"]).stat().st_size}


def _export_jsonld_pyoxigraph(args: dict) -> dict:
    """The peer: pyoxigraph's own JSON-LD writer dumping the same store (both graphs) to a file."""
    import pyoxigraph as ox

    from dlkg.stores import OxigraphStore

    start = time.perf_counter()
    with OxigraphStore(args["store"]) as store:
        store.native.dump(output=args["out"], format=ox.RdfFormat.JSON_LD)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "bytes": Path(args["out"]).stat().st_size}


def _queries(args: dict) -> dict:
    from benchmarks.queries import run_query_benchmark

    return run_query_benchmark(args)


OPERATIONS = {
    "noop": _noop,
    "dlkg-load-embedded": _dlkg_load(_embedded),
    "raw-bulk-load": _raw_bulk_load,
    "dlkg-load-remote": _dlkg_load(_remote),
    "gsp-post": _gsp_post,
    "parse-objects": _parse_objects,
    "rdflib-parse": _rdflib_parse,
    "validate": _validate,
    "validate-pyshacl-peer": _validate_pyshacl_peer,
    "export-jsonld": _export_jsonld,
    "export-jsonld-pyoxigraph": _export_jsonld_pyoxigraph,
    "queries": _queries,
}


def main(argv: list[str]) -> int:
    op, raw = argv[0], argv[1] if len(argv) > 1 else "{}"
    args = json.loads(raw)
    result = OPERATIONS[op](args)
    out = args.get("result_file")
    text = json.dumps(result)
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write("\n" + text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
