"""Profiles behind the missed targets: ``python -m benchmarks.profiles [--out DIR]``.

Each profile writes a text file (cProfile's top entries, timings of the parts, and an
experiment that removes the suspected cause in this process only, to measure its effect):

- ``cold-start.txt``: cProfile of ``dlkg query python-on-android``; the floor of the same
  work done with pyoxigraph alone;
- ``load-embedded.txt``: cProfile of ``dlkg.loader.load`` into a fresh embedded store; the
  same load without the read-back digest;
- ``load-server.txt``: the remote load's phases (parse to N-Triples, PUT, MOVE, read-back);
  the same load without the staging graph and digest;
- ``validate.txt``: cProfile of ``validate`` (SHACL); the shapes without their three SPARQL
  constraints, and those constraints run once over the whole graph in Oxigraph;
- ``query-overhead.txt``: where the dlkg layer's time goes on a sub-millisecond query.

Nothing in dlkg is changed: experiments patch module attributes in this process only.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.generate import dataset
from benchmarks.measure import ROOT, child_env, dlkg_command, run_measured

DATA_GRAPH = "https://w3id.org/dlkg/graph/data"


def _stats(profile: cProfile.Profile, sort: str, limit: int, *restrict) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats(sort).print_stats(*restrict, limit)
    return out.getvalue()


@contextmanager
def _timer(label: str, sink: list):
    start = time.perf_counter()
    yield
    sink.append(f"{label:55} {time.perf_counter() - start:8.3f} s")


def cold_start(work: Path) -> str:
    env = child_env(work)
    dlkg = [dlkg_command(), "query", "python-on-android"]
    prof = work / "cold.prof"
    for _ in range(2):
        run_measured(dlkg, env=env)
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), *dlkg], env=env, capture_output=True, check=True)
    profile = pstats.Stats(str(prof))
    out = io.StringIO()
    profile.stream = out
    profile.strip_dirs().sort_stats("cumulative").print_stats(30)
    profile.sort_stats("tottime").print_stats(15)
    # The same work as the command with pyoxigraph alone (plain strings for paths), then with
    # the standard modules dlkg's query path cannot do without: the ladder between the two
    # shows where the rest of the time goes.
    floor = (
        "import pyoxigraph as ox, sys\n"
        f"root = {str(ROOT)!r}\n"
        "s = ox.Store()\n"
        "s.load(path=root + '/ontology/dlkg.ttl', format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode('https://w3id.org/dlkg/graph/ontology'))\n"
        "s.load(path=root + '/data/frameworks.ttl', format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode('https://w3id.org/dlkg/graph/data'))\n"
        "q = open(root + '/queries/python-on-android.rq', encoding='utf-8').read()\n"
        "r = s.query(q, use_default_graph_as_union=True)\n"
        "sys.stdout.buffer.write(r.serialize(format=ox.QueryResultsFormat.CSV))\n")
    rows = {"dlkg query python-on-android": dlkg,
            "pyoxigraph alone, same work (floor)": [sys.executable, "-c", floor],
            "floor + import re, pathlib, json": [sys.executable, "-c", "import re, pathlib, json\n" + floor],
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import click'": [sys.executable, "-c", "import click"],
            "python -c 'import pyoxigraph'": [sys.executable, "-c", "import pyoxigraph"],
            "dlkg query through click (no short way)": [
                sys.executable, "-c", "import sys; from dlkg.cli import main; main(args=sys.argv[1:], prog_name='dlkg')",
                "query", "python-on-android"]}
    times: dict[str, list[float]] = {k: [] for k in rows}
    for _ in range(15):
        for key, argv in rows.items():
            done = run_measured(argv, env=env)
            assert done.returncode == 0, done.stderr
            times[key].append(done.seconds)
    import statistics

    base = statistics.median(times["python -c pass"])
    lines = [f"{k:40} {statistics.median(v) * 1e3:7.1f} ms  ({statistics.median(v) / base:.1f}x python -c pass)"
             for k, v in times.items()]
    imports = subprocess.run([sys.executable, "-X", "importtime", *dlkg], env=env, capture_output=True, text=True)
    top = sorted((line for line in imports.stderr.splitlines() if line.startswith("import time:") and "|" in line
                  and line.split("|")[1].strip().isdigit()),
                 key=lambda line: -int(line.split("|")[1]))[:25]
    return ("Cold start, medians of 15 alternating runs:\n" + "\n".join(lines) +
            "\n\npython -X importtime (top 25 by cumulative microseconds):\n" + "\n".join(top) +
            "\n\ncProfile of the command:\n" + out.getvalue())


def load_embedded(work: Path, path: Path) -> str:
    import dlkg.stores.oxigraph as oxi
    from dlkg.loader import load
    from dlkg.stores import OxigraphStore

    report: list[str] = []

    def fresh() -> Path:
        target = work / "prof-store"
        shutil.rmtree(target, ignore_errors=True)
        return target

    profile = cProfile.Profile()
    store = OxigraphStore(fresh())
    profile.enable()
    result = load(store, [path], graph=DATA_GRAPH)[0]
    profile.disable()
    store.close()
    del store
    report.append(f"dlkg load: {result}")
    import pyoxigraph as ox

    for label, limit in (("dlkg load as is", None), ("dlkg load, read-back digest off (DIGEST_LIMIT = 0)", 0)):
        saved = oxi.DIGEST_LIMIT
        if limit is not None:
            oxi.DIGEST_LIMIT = limit
        try:
            for _ in range(2):
                store = OxigraphStore(fresh())
                with _timer(label, report):
                    load(store, [path], graph=DATA_GRAPH)
                store.close()
                del store
        finally:
            oxi.DIGEST_LIMIT = saved
        for _ in range(2):
            raw = ox.Store(str(fresh()))
            with _timer("pyoxigraph bulk_load(path=...)", report):
                raw.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(DATA_GRAPH))
                raw.flush()
            del raw
    return "\n".join(report) + "\n\ncProfile of dlkg load:\n" + _stats(profile, "cumulative", 30)


def load_server(work: Path, path: Path) -> str:
    sys.path.insert(0, str(ROOT))
    import httpx

    import dlkg.stores.remote as remote
    from dlkg.loader import load
    from dlkg.stores.remote import RemoteStore
    from tests.support.servers import oxigraph_server

    report: list[str] = []
    phases: dict[str, float] = {}

    def timed(name, func):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - start
        return wrapper

    shutil.rmtree(work / "prof-servers", ignore_errors=True)
    with oxigraph_server(work / "prof-servers") as server:
        def drop() -> None:
            httpx.post(server.update_url, data={"update": "DROP SILENT ALL"}).raise_for_status()

        drop()
        with _timer("plain GSP POST of the file", report):
            httpx.post(server.gsp_url, params={"graph": DATA_GRAPH}, content=path.read_bytes(),
                       headers={"Content-Type": "application/n-triples"}, timeout=3600).raise_for_status()
        drop()
        saved = {name: getattr(remote, name) for name in ("_to_ntriples", "ntriples_digest")}
        saved_methods = {name: getattr(RemoteStore, name)
                         for name in ("_post_into_empty", "_put", "_update", "_is_empty", "count", "graph_ntriples")}
        remote._to_ntriples = timed("parse files, write N-Triples (_to_ntriples)", remote._to_ntriples)
        remote.ntriples_digest = timed("canonical digests, both sides (files' side in a thread)", remote.ntriples_digest)
        RemoteStore._is_empty = timed("ASK: is the target empty? (_is_empty)", RemoteStore._is_empty)
        RemoteStore._post_into_empty = timed("GSP POST straight into the empty target", RemoteStore._post_into_empty)
        RemoteStore._put = timed("GSP PUT into a staging graph (_put; not on this path)", RemoteStore._put)
        RemoteStore._update = timed("SPARQL Update MOVE staging -> target (_update)", RemoteStore._update)
        RemoteStore.count = timed("COUNT read-back (count)", RemoteStore.count)
        RemoteStore.graph_ntriples = timed("read back: Graph Store GET (graph_ntriples)", RemoteStore.graph_ntriples)
        profile = cProfile.Profile()
        try:
            with RemoteStore(server.query_url) as store:
                with _timer("dlkg load (whole)", report):
                    profile.enable()
                    load(store, [path], graph=DATA_GRAPH)
                    profile.disable()
        finally:
            for name, value in saved.items():
                setattr(remote, name, value)
            for name, value in saved_methods.items():
                setattr(RemoteStore, name, value)
        report += [f"  {name:53} {seconds:8.3f} s" for name, seconds in phases.items()]
    return "\n".join(report) + "\n\ncProfile of dlkg load (client side; waits on the server show as socket recv):\n" + \
        _stats(profile, "cumulative", 30)


def load_memory(work: Path, path: Path) -> str:
    """Peak memory of loading a large N-Triples file: bulk_load whole, and in chunks of lines."""
    env = child_env(work)
    graph = DATA_GRAPH
    whole = ("import sys, pyoxigraph as ox\n"
             "s = ox.Store(sys.argv[1])\n"
             "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(sys.argv[3]))\n"
             "s.flush(); print(len(s))\n")
    chunked = ("import sys, itertools, pyoxigraph as ox\n"
               "s = ox.Store(sys.argv[1]); g = ox.NamedNode(sys.argv[3])\n"
               "with open(sys.argv[2], 'rb') as f:\n"
               "    while True:\n"
               "        lines = list(itertools.islice(f, 100_000))\n"
               "        if not lines: break\n"
               "        s.bulk_load(input=b''.join(lines), format=ox.RdfFormat.N_TRIPLES, to_graph=g)\n"
               "s.flush(); print(len(s))\n")
    extend = ("import sys, itertools, pyoxigraph as ox\n"
              "s = ox.Store(sys.argv[1]); g = ox.NamedNode(sys.argv[3])\n"
              "quads = ox.parse(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES)\n"
              "while batch := [ox.Quad(q.subject, q.predicate, q.object, g) for q in itertools.islice(quads, 100_000)]:\n"
              "    s.bulk_extend(batch)\n"
              "s.flush(); print(len(s))\n")
    lines = []
    for label, script in (("bulk_load(path=file), whole file", whole),
                          ("bulk_load of 100,000-line chunks", chunked),
                          ("one parser, bulk_extend per 100,000 quads", extend)):
        for _ in range(2):
            store = work / "prof-memory-store"
            shutil.rmtree(store, ignore_errors=True)
            done = run_measured([sys.executable, "-c", script, str(store), str(path), graph], env=env, want_answer=True)
            assert done.returncode == 0, done.stderr
            lines.append(f"{label:40} {done.seconds:7.2f} s   peak RSS {done.maxrss_mb:6.0f} MB   ({done.answer} quads)")
    size = path.stat().st_size / 2**20
    return f"File: {path.name}, {size:.0f} MB\n" + "\n".join(lines) + "\n"


def server_put_post(work: Path, path: Path) -> str:
    """PUT against POST of the same N-Triples body into an empty graph of an Oxigraph server."""
    sys.path.insert(0, str(ROOT))
    import httpx

    from tests.support.servers import oxigraph_server

    shutil.rmtree(work / "prof-servers", ignore_errors=True)
    lines = []
    body = path.read_bytes()
    with oxigraph_server(work / "prof-servers") as server:
        for _ in range(2):
            for method in ("PUT", "POST"):
                httpx.post(server.update_url, data={"update": "DROP SILENT ALL"}).raise_for_status()
                start = time.perf_counter()
                httpx.request(method, server.gsp_url, params={"graph": DATA_GRAPH}, content=body,
                              headers={"Content-Type": "application/n-triples"}, timeout=3600).raise_for_status()
                lines.append(f"GSP {method:4} into an empty graph: {time.perf_counter() - start:7.2f} s")
            httpx.post(server.update_url, data={"update": "DROP SILENT ALL"}).raise_for_status()
            httpx.request("POST", server.gsp_url, params={"graph": "urn:dlkg:staging:x"}, content=body,
                          headers={"Content-Type": "application/n-triples"}, timeout=3600).raise_for_status()
            start = time.perf_counter()
            httpx.post(server.update_url, data={"update": f"MOVE <urn:dlkg:staging:x> TO <{DATA_GRAPH}>"},
                       timeout=3600).raise_for_status()
            lines.append(f"MOVE staging -> empty target:      {time.perf_counter() - start:7.2f} s")
    return f"File: {path.name}\n" + "\n".join(lines) + "\n"


def validate_profile(work: Path, path: Path) -> str:
    import pyoxigraph as ox
    import pyshacl
    import rdflib

    from dlkg import rdf
    from dlkg.validate import data_files, validate

    report: list[str] = []
    profile = cProfile.Profile()
    with _timer("validate(reason=False): SHACL + QC", report):
        profile.enable()
        validate([path], reason=False)
        profile.disable()
    with _timer("validate(reason=True): SHACL + QC + HermiT", report):
        validate([path], reason=True)
    quads = list(rdf.read_quads(data_files([path])))
    graph = rdf.to_rdflib(quads)
    # The shapes as they were before issue 16 moved their SPARQL constraints to QC checks.
    shapes = rdflib.Graph().parse(Path(__file__).parent / "peers" / "shapes-2026-12.ttl", format="turtle")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    constraints = list(shapes.objects(None, SH.sparql))
    selects = [str(shapes.value(c, SH.select)) for c in constraints]
    without = rdflib.Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            without.add(triple)
    with _timer("pyshacl, the shapes of 2026-12 (the peer)", report):
        pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    with _timer("pyshacl, shapes without their 3 SPARQL constraints", report):
        pyshacl.validate(graph, shacl_graph=without, inference="none", advanced=True)
    store = ox.Store()
    store.extend(quads)
    prefixes = ("PREFIX dlkg: <https://w3id.org/dlkg/ontology#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n")
    with _timer("the 3 SPARQL constraints, once over the graph, Oxigraph", report):
        for select in selects:
            list(store.query(prefixes + select.replace("$this", "?this"), use_default_graph_as_union=True))
    return "\n".join(report) + "\n\ncProfile of validate(reason=False):\n" + _stats(profile, "cumulative", 35)


def query_overhead(work: Path, path: Path, *, calls: int = 200) -> str:
    import functools
    import importlib
    import statistics

    from dlkg.catalogue import Catalogue
    from dlkg.loader import load
    from dlkg.query import bind_parameters, run_canned
    from dlkg.resources import ONTOLOGY_FILE, ONTOLOGY_GRAPH
    from dlkg.stores import OxigraphStore

    sparql = importlib.import_module("dlkg.sparql")  # the module: `import dlkg.sparql as` gives the facade's function
    folder = work / "prof-query-store"
    shutil.rmtree(folder, ignore_errors=True)
    store = OxigraphStore(folder)
    load(store, [ONTOLOGY_FILE], graph=ONTOLOGY_GRAPH)
    load(store, [path], graph=DATA_GRAPH)
    catalogue = Catalogue()
    report: list[str] = []

    def bench(label: str, names=("python-on-android", "frameworks-without-autodiff", "model-zoos",
                                 "conditional-support", "frameworks-by-interface", "sources"), calls: int = 200) -> None:
        for name in names:
            query = catalogue.get(name)
            text = sparql.bind_values(query.text, bind_parameters(query, {}))
            results = {"dlkg": [], "raw": []}
            for _ in range(7):
                for key in results:
                    start = time.perf_counter()
                    for _ in range(calls):
                        if key == "dlkg":
                            run_canned(name, store=store, catalogue=catalogue)
                        else:
                            [tuple(s) for s in store.native.query(text, use_default_graph_as_union=True)]
                    results[key].append((time.perf_counter() - start) / calls)
            d, r = statistics.median(results["dlkg"]), statistics.median(results["raw"])
            report.append(f"{label:28} {name:28} dlkg {d * 1e6:6.0f} µs  pyoxigraph {r * 1e6:6.0f} µs  "
                          f"ratio {d / r:.2f}  overhead {(d - r) * 1e6:4.0f} µs")

    bench = functools.partial(bench, calls=calls)
    bench("as is")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(10 * calls):
        run_canned("python-on-android", store=store, catalogue=catalogue)
    profile.disable()
    original_graph = OxigraphStore._default_graph
    OxigraphStore._default_graph = lambda self: None  # union default graph, as pyoxigraph alone
    original = sparql.blank_out
    try:
        bench("union default graph")
        sparql.blank_out = functools.lru_cache(maxsize=512)(original)
        bench("union + blank_out cached")
    finally:
        sparql.blank_out = original
        OxigraphStore._default_graph = original_graph
    store.close()
    return "\n".join(report) + f"\n\ncProfile of {10 * calls} run_canned('python-on-android'):\n" + _stats(profile, "tottime", 20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiles", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "profiles")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    parser.add_argument("--only", nargs="*", help="names of the profiles to run")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    data = args.work / "data"
    big, _ = dataset(data, 100_000)
    mid, _ = dataset(data, 10_000)
    small, _ = dataset(data, 1_000)
    jobs = {"cold-start": lambda: cold_start(args.work),
            "load-embedded": lambda: load_embedded(args.work, big),
            "load-server": lambda: load_server(args.work, big),
            "validate": lambda: validate_profile(args.work, mid),
            "query-overhead": lambda: query_overhead(args.work, small),
            "load-memory": lambda: load_memory(args.work, dataset(data, 1_000_000)[0]),
            "server-put-post": lambda: server_put_post(args.work, big),
            "query-overhead-1e5": lambda: query_overhead(args.work, big, calls=3)}
    for name, job in jobs.items():
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        text = job()
        header = f"# {name}: python -m benchmarks.profiles --only {name}\n\n"
        (args.out / f"{name}.txt").write_text(header + text, encoding="utf-8")
        print(f"{name}: {time.perf_counter() - start:.0f} s -> {args.out / (name + '.txt')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
