"""The SPARQL endpoint's speed: ``dlkg serve`` beside ``oxigraph serve-read-only`` on the same data.

Both servers hold the packaged graph (the ontology and the data, each in its named graph;
Oxigraph's queries see their union, as dlkg's do) and answer the flagship canned query
(``queries/python-on-android.rq``, SPARQL results JSON) from 1 and from 8 concurrent clients:
threads, each with its own keep-alive ``httpx.Client``, asking again as soon as they have an
answer, for a fixed time. Every answer is checked (status 200, the two frameworks); any
other answer is counted as an error, and a run with errors fails the target.

Run from :class:`benchmarks.measure.Run` (``python -m benchmarks``, also ``--quick``); by hand::

    python -m benchmarks.serve --seconds 5
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["CLIENTS", "FLAGSHIP", "measure_endpoints"]

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "queries" / "python-on-android.rq"
#: Concurrent clients of each measurement.
CLIENTS = (1, 8)
#: The flagship query's answer, worked out from Table 14.1: Python interface and Android.
EXPECTED = ["Deeplearning4j", "MXNet"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({process.returncode}): {log.read_text()[-1000:]}")
        try:
            httpx.get(url, params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"},
                      timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url}: the server did not answer within 60 s")


@contextmanager
def _server(argv: list[str], url: str, folder: Path, name: str) -> Iterator[str]:
    log = folder / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT)
    try:
        _wait_ready(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def dlkg_endpoint(folder: Path, *, workers: int | None = None) -> Iterator[str]:
    """``dlkg serve`` on the packaged graph (in memory), no rate limit to speak of."""
    port = _free_port()
    command = Path(sys.executable).parent / "dlkg"
    argv = [str(command), "serve", "--port", str(port), "--rate-limit", str(10**9)]
    if workers:
        argv += ["--workers", str(workers)]
    with _server(argv, f"http://127.0.0.1:{port}/sparql", folder, "dlkg") as url:
        yield url


@contextmanager
def oxigraph_endpoint(folder: Path) -> Iterator[str]:
    """``oxigraph serve-read-only --union-default-graph`` on a store holding the packaged graph."""
    import pyoxigraph as ox

    from dlkg.stores.oxigraph import packaged_files

    location = folder / "oxigraph-store"
    store = ox.Store(str(location))
    for path, graph in packaged_files():
        store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=graph)
    store.flush()
    del store  # the server opens the folder itself
    port = _free_port()
    executable = Path(sys.executable).parent / "oxigraph"
    argv = [str(executable), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
            "--union-default-graph"]
    with _server(argv, f"http://127.0.0.1:{port}/query", folder, "oxigraph") as url:
        yield url


def _labels(body: bytes) -> list[str]:
    return sorted(b["label"]["value"] for b in json.loads(body)["results"]["bindings"])


def load(url: str, query: str, *, clients: int, seconds: float) -> dict:
    """``clients`` threads asking ``query`` back to back for ``seconds``: queries/s, latency, errors."""
    import httpx

    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    start_line = threading.Barrier(clients + 1)
    stop = threading.Event()
    params = {"query": query}
    headers = {"Accept": "application/sparql-results+json"}

    def client(index: int) -> None:
        with httpx.Client(timeout=30) as http:
            for _ in range(3):  # connected and warm before the clock starts
                http.get(url, params=params, headers=headers)
            start_line.wait()
            own = latencies[index]
            while not stop.is_set():
                t0 = time.perf_counter()
                try:
                    response = http.get(url, params=params, headers=headers)
                    ok = response.status_code == 200 and _labels(response.content) == EXPECTED
                    if not ok:
                        errors.append(f"{response.status_code}: {response.text[:200]}")
                except (httpx.HTTPError, ValueError, KeyError) as err:
                    errors.append(f"{type(err).__name__}: {err}")
                    continue
                own.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(60)
    wall = time.perf_counter() - started
    every = sorted(t for own in latencies for t in own)
    return {"clients": clients, "queries": len(every), "seconds": wall, "qps": len(every) / wall,
            "p50_ms": statistics.median(every) * 1e3 if every else None,
            "p90_ms": every[int(len(every) * 0.9)] * 1e3 if every else None,
            "errors": len(errors), "first_error": errors[0] if errors else None}


def measure_endpoints(*, seconds: float, rounds: int = 1, workers: int | None = None) -> list[dict]:
    """Both endpoints side by side, from each number of :data:`CLIENTS`, alternating which goes
    first; ``rounds`` alternations, the best queries/s of each kept (noise only slows down)."""
    query = FLAGSHIP.read_text(encoding="utf-8")
    results: dict[tuple[str, int], list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="dlkg-bench-serve-") as scratch:
        folder = Path(scratch)
        with dlkg_endpoint(folder, workers=workers) as dlkg_url, oxigraph_endpoint(folder) as oxigraph_url:
            urls = {"dlkg serve": dlkg_url, "oxigraph serve-read-only": oxigraph_url}
            for round_ in range(rounds):
                for clients in CLIENTS:
                    order = list(urls) if (round_ + clients) % 2 == 0 else list(reversed(urls))
                    for engine in order:
                        results.setdefault((engine, clients), []).append(
                            load(urls[engine], query, clients=clients, seconds=seconds))
    records = []
    for (engine, clients), runs in results.items():
        best = max(runs, key=lambda r: r["qps"])
        records.append({"engine": engine, **best, "errors": sum(r["errors"] for r in runs),
                        "rounds": len(runs), "cpus": os.cpu_count()})
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per measurement (default 5)")
    parser.add_argument("--rounds", type=int, default=1, help="alternations of the two servers (default 1)")
    parser.add_argument("--workers", type=int, default=None, help="dlkg serve --workers (default: CPUs)")
    args = parser.parse_args(argv)
    records = measure_endpoints(seconds=args.seconds, rounds=args.rounds, workers=args.workers)
    by = {(r["engine"], r["clients"]): r for r in records}
    for clients in CLIENTS:
        d, o = by[("dlkg serve", clients)], by[("oxigraph serve-read-only", clients)]
        print(f"{clients} client(s): dlkg {d['qps']:.0f} q/s p50 {d['p50_ms']:.2f} ms ({d['errors']} errors); "
              f"oxigraph {o['qps']:.0f} q/s p50 {o['p50_ms']:.2f} ms; ratio {d['qps'] / o['qps']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
