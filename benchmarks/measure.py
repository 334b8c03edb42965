"""The measurements: each one a record of median/min/max seconds over repeated runs.

Everything that is compared runs side by side in the same run, alternating where it can, so a
noisy shared machine hits both sides alike; the figures that matter are the ratios.

Operations that load data, validate or export run in a fresh child process per repeat
(:mod:`benchmarks.child`), so each has its own peak memory, read from ``os.wait4``.
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.generate import dataset

__all__ = ["Config", "Launcher", "Run", "machine_info", "run_measured"]

ROOT = Path(__file__).resolve().parent.parent


#: The question the cold start of `dlkg ask` is measured with (the flagship query's question).
ASK_QUESTION = "哪些框架支持Python接口并且能在Android上运行？"
COLD_ASK = "dlkg ask (flagship question)"
#: The export peer: pyoxigraph's own JSON-LD writer on the same store.
PYOXIGRAPH_JSONLD = "pyoxigraph Store.dump(format=JSON_LD)"
VALIDATE = "dlkg validate (SHACL + QC + HermiT)"
#: The peer of issue 16: pySHACL on the shapes as they were before validation was layered.
VALIDATE_PEER = "pySHACL on shapes-2026-12.ttl (peer)"
#: The parts of a run, in the order they run (``--only`` picks some).
SECTIONS = ("cold-start", "serve", "load-embedded", "load-server", "memory", "queries", "validate", "export")


@dataclass
class Config:
    """What one run measures.

    Attributes:
        quick: The everyday run (sizes up to 1e5, fewer repeats, caps on the slow parts).
        sizes: Graph sizes in triples.
        repeat: Repeats for the fast measurements (queries, loads); slow ones use fewer.
        out: Where results go.
        work: Where generated data and stores go (kept between runs: data is reused).
        seed: Generator seed.
    """

    quick: bool = False
    sizes: tuple[int, ...] = (1_000, 10_000, 100_000, 1_000_000)
    repeat: int = 5
    out: Path = ROOT / "benchmarks" / "results"
    work: Path = ROOT / "benchmarks" / ".work"
    seed: int = 0
    #: The sections to run (:data:`SECTIONS`); empty: all of them.
    only: tuple[str, ...] = ()
    cold_start_repeat: int = 20
    #: Seconds one validate/export run may take; larger sizes are skipped once the last
    #: measured size predicts more (cost grows at least linearly).
    slow_budget: float = 240.0
    #: rdflib: repeats, and seconds one query may take before it is stopped.
    rdflib_repeat: int = 3
    rdflib_cap: float = 60.0
    log: object = field(default=sys.stderr)

    @classmethod
    def for_run(cls, *, quick: bool, sizes=None, repeat=None, out=None, work=None, seed: int = 0,
                only: tuple[str, ...] = ()) -> Config:
        if quick:
            config = cls(quick=True, sizes=(1_000, 10_000, 100_000), repeat=3, cold_start_repeat=10,
                         slow_budget=8.0, rdflib_repeat=1, rdflib_cap=2.0)
        else:
            config = cls()
        if sizes:
            config.sizes = tuple(sizes)
        if repeat:
            config.repeat = repeat
        if out:
            config.out = Path(out)
        if work:
            config.work = Path(work)
        config.seed = seed
        config.only = tuple(only)
        return config


def machine_info() -> dict:
    """nproc, CPU, memory, Python and library versions."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("dlkg", "pyoxigraph", "oxigraph", "rdflib", "pyshacl", "owlready2", "pyld", "httpx", "click"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    java = shutil.which("java")
    git = {}
    try:
        git["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        git["dlkg_modified"] = bool(subprocess.run(["git", "status", "--porcelain", "--", "dlkg", "ontology", "queries"],
                                                   cwd=ROOT, capture_output=True, text=True).stdout.strip())
    except OSError:
        pass
    return {"git": git, "nproc": os.cpu_count(), "cpu": cpu, "memory_mb": memory, "python": sys.version.split()[0],
            "implementation": platform.python_implementation(), "platform": platform.platform(),
            "versions": versions, "java": bool(java)}


@dataclass
class Measured:
    """A finished child process: wall seconds, peak memory, exit code, its JSON answer."""

    seconds: float
    maxrss_mb: float
    returncode: int
    answer: dict | None
    timed_out: bool = False
    stderr: str = ""


#: A small process that starts the measured commands (see :class:`Launcher`).
_LAUNCHER_CODE = r"""
import json, os, subprocess, sys, threading, time
for line in sys.stdin:
    job = json.loads(line)
    with open(job["stdout"], "wb") if job["stdout"] else open(os.devnull, "wb") as out, \
            open(job["stderr"], "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(job["argv"], stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=job["env"],
                                cwd=job["cwd"])
        timed_out = threading.Event()
        timer = threading.Timer(job["timeout"], lambda: (timed_out.set(), proc.kill())) if job["timeout"] else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        if timer:
            timer.cancel()
    print(json.dumps({"seconds": seconds, "maxrss_kb": usage.ru_maxrss, "status": status,
                      "timed_out": timed_out.is_set()}), flush=True)
"""


class Launcher:
    """Starts measured commands from a process that stays small.

    Linux starts a child's peak-memory figure (``ru_maxrss``) at its parent's resident size
    when it forks, and keeps it across ``exec``: a command started by this process, which
    holds generated graphs of a million triples, would report at least this process's size.
    The launcher is started first, while this process is small, and forks every measured
    command itself.
    """

    _running: Launcher | None = None

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER_CODE], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.lock = threading.Lock()

    @classmethod
    def start(cls) -> None:
        """Start the one launcher of this process (before the process grows)."""
        if cls._running is None:
            cls._running = cls()

    def run(self, argv: list[str], *, stdout: str | None, stderr: str, env: dict | None,
            timeout: float | None) -> dict:
        job = {"argv": argv, "stdout": stdout, "stderr": stderr, "env": env if env is not None else dict(os.environ),
               "cwd": str(ROOT), "timeout": timeout}
        with self.lock:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
            return json.loads(self.proc.stdout.readline())


def run_measured(argv: list[str], *, timeout: float | None = None, env: dict | None = None,
                 want_answer: bool = False) -> Measured:
    """Run a command through the :class:`Launcher`; its wall time and peak resident memory
    (``ru_maxrss`` from ``wait4``).

    With ``want_answer`` the last stdout line is parsed as JSON, otherwise stdout is dropped.
    """
    with tempfile.TemporaryDirectory(prefix="dlkg-bench-run-") as folder:
        out_path = os.path.join(folder, "stdout") if want_answer else None
        err_path = os.path.join(folder, "stderr")
        Launcher.start()  # started here when no run started it earlier
        done = Launcher._running.run(argv, stdout=out_path, stderr=err_path, env=env, timeout=timeout)
        seconds, maxrss_kb, status, timed_out = done["seconds"], done["maxrss_kb"], done["status"], done["timed_out"]
        returncode = os.waitstatus_to_exitcode(status)
        with open(err_path, "rb") as handle:
            stderr = handle.read().decode("utf-8", "replace")
        answer = None
        if want_answer and returncode == 0:
            with open(out_path, "rb") as handle:
                lines = [line for line in handle.read().decode("utf-8", "replace").splitlines() if line.strip()]
            if lines:
                answer = json.loads(lines[-1])
    return Measured(seconds, maxrss_kb / 1024, returncode, answer, timed_out, stderr[-2000:])


def child_env(work: Path) -> dict:
    """The environment of child processes: the repository importable, and a bytecode cache.

    Bytecode is cached under the work folder (``PYTHONPYCACHEPREFIX``) even where the
    environment says ``PYTHONDONTWRITEBYTECODE``: an installed package has its ``.pyc`` files,
    and compiling dlkg's modules on every start would add about 20 ms to the cold start.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def dlkg_command() -> str:
    """The ``dlkg`` console script of this interpreter's environment."""
    beside = Path(sys.executable).parent / "dlkg"
    if beside.exists():
        return str(beside)
    found = shutil.which("dlkg")
    if not found:
        raise SystemExit("the dlkg command is not installed (pip install -e .)")
    return found


def stats(times: list[float]) -> dict:
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times), "repeats": len(times)}


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


class Run:
    """One benchmark run: records, in the order measured."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.records: list[dict] = []
        self.extra: dict = {}
        self.started = datetime.now(timezone.utc)
        self.env = child_env(config.work)
        self.files: dict[int, tuple[Path, int]] = {}
        self.machine = machine_info()  # at the start: the code measured is the code checked out now
        Launcher.start()  # while this process is small: see Launcher

    # -- helpers -----------------------------------------------------------------------

    def say(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=self.config.log, flush=True)

    def record(self, operation: str, engine: str, size: int | None, times: list[float] | None, *,
               triples: int | None = None, peak_mb: list[float] | None = None, **extra) -> dict:
        rec: dict = {"operation": operation, "engine": engine, "size": size, "triples": triples,
                     "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        if times:
            rec.update(stats(times))
            if triples and operation.startswith("load"):
                rec["throughput_tps"] = triples / rec["median_s"]
        if peak_mb:
            rec["peak_rss_mb"] = max(peak_mb)
        rec.update(extra)
        self.records.append(rec)
        return rec

    def child(self, op: str, args: dict, *, timeout: float | None = None) -> Measured:
        argv = [sys.executable, "-m", "benchmarks.child", op, json.dumps(args)]
        done = run_measured(argv, timeout=timeout, env=self.env, want_answer=True)
        if done.returncode != 0 and not done.timed_out:
            raise RuntimeError(f"benchmark child {op} failed (exit {done.returncode}):\n{done.stderr}")
        return done

    def data(self, size: int) -> tuple[Path, int]:
        if size not in self.files:
            t0 = time.perf_counter()
            self.files[size] = dataset(self.config.work / "data", size, seed=self.config.seed)
            self.say(f"data {size:,}: {self.files[size][1]:,} triples ({time.perf_counter() - t0:.1f} s)")
        return self.files[size]

    def fresh(self, name: str) -> Path:
        path = self.config.work / "stores" / name
        if path.exists():
            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    # -- cold start --------------------------------------------------------------------

    def cold_start(self) -> None:
        n = self.config.cold_start_repeat
        dlkg = [dlkg_command(), "query", "python-on-android"]
        bare = [sys.executable, "-c", "pass"]
        ask = [dlkg_command(), "ask", ASK_QUESTION]  # issue 15: within 2x the cold `dlkg query`
        times: dict[str, list[float]] = {"dlkg": [], "python": [], "ask": []}
        rss: dict[str, list[float]] = {"dlkg": [], "python": [], "ask": []}
        env = self.env
        for argv in (dlkg, bare, ask, dlkg, bare, ask):  # unmeasured runs: bytecode cached, page cache warm
            run_measured(argv, env=env)
        for i in range(n):
            order = (("dlkg", dlkg), ("python", bare), ("ask", ask))
            for key, argv in order if i % 2 == 0 else order[::-1]:
                done = run_measured(argv, env=env)
                if done.returncode != 0:
                    raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr}")
                times[key].append(done.seconds)
                rss[key].append(done.maxrss_mb)
        ratio = statistics.median(times["dlkg"]) / statistics.median(times["python"])
        self.record("cold-start", "dlkg query python-on-android", None, times["dlkg"], peak_mb=rss["dlkg"],
                    ratio_to_python=ratio)
        self.record("cold-start", "python -c pass", None, times["python"], peak_mb=rss["python"])
        self.record("cold-start", COLD_ASK, None, times["ask"], peak_mb=rss["ask"],
                    ratio_to_python=statistics.median(times["ask"]) / statistics.median(times["python"]),
                    ratio_to_query=statistics.median(times["ask"]) / statistics.median(times["dlkg"]))
        self.extra["importtime"] = self.import_profile(dlkg)
        self.say(f"cold start: dlkg {statistics.median(times['dlkg']) * 1e3:.0f} ms, "
                 f"python -c pass {statistics.median(times['python']) * 1e3:.0f} ms ({ratio:.1f}x), "
                 f"dlkg ask {statistics.median(times['ask']) * 1e3:.0f} ms")

    def import_profile(self, dlkg: list[str]) -> dict:
        """``python -X importtime`` of the command: total import time and the costliest modules."""
        done = subprocess.run([sys.executable, "-X", "importtime", *dlkg], capture_output=True, text=True, cwd=ROOT,
                              env=self.env)
        entries = []
        for line in done.stderr.splitlines():
            match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
            if match:
                entries.append({"module": match.group(4), "self_us": int(match.group(1)),
                                "cumulative_us": int(match.group(2)), "depth": len(match.group(3)) // 2})
        top_level = [e for e in entries if e["depth"] == 0]
        wall = statistics.median(run_measured(dlkg, env=self.env).seconds for _ in range(3))
        return {"total_import_us": sum(e["cumulative_us"] for e in top_level),
                "pythondontwritebytecode_in_environment": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
                "wall_s_same_moment": wall,
                "top_level": sorted(top_level, key=lambda e: -e["cumulative_us"])[:12],
                "top_self": sorted(entries, key=lambda e: -e["self_us"])[:12]}

    # -- loads -------------------------------------------------------------------------

    def repeats(self, size: int, *, slow: bool = False) -> int:
        """Repeats at a size: fewer at 1e6, where one run takes long and noise matters less."""
        n = self.config.repeat
        if size >= 1_000_000:
            n = min(n, 2 if slow else 3)
        elif size >= 100_000 and (slow or self.config.quick):
            n = min(n, 2 if self.config.quick else 3)
        return n

    def loads_embedded(self, size: int) -> None:
        from dlkg.resources import DATA_GRAPH

        path, triples = self.data(size)
        n = self.repeats(size)
        engines = ["dlkg", "pyoxigraph"]
        if not self.config.quick or size <= 10_000:  # the command-line pair costs a process start each
            engines += ["dlkg-cli", "pyoxigraph-cli"]
        times: dict[str, list[float]] = {k: [] for k in engines}
        rss: dict[str, list[float]] = {k: [] for k in engines}
        raw_script = ("import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); "
                      "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(sys.argv[3])); "
                      "s.flush()")
        for i in range(n):
            for engine in engines if i % 2 == 0 else list(reversed(engines)):
                store = self.fresh(f"load-{engine}")
                if engine == "dlkg":
                    done = self.child("dlkg-load-embedded", {"store": str(store), "file": str(path), "graph": DATA_GRAPH})
                    assert done.answer["stored"] == triples, done.answer
                    seconds = done.answer["seconds"]
                elif engine == "pyoxigraph":
                    done = self.child("raw-bulk-load", {"store": str(store), "file": str(path), "graph": DATA_GRAPH})
                    assert done.answer["stored"] == triples, done.answer
                    seconds = done.answer["seconds"]
                elif engine == "dlkg-cli":
                    done = run_measured([dlkg_command(), "load", str(path), "--into", str(store), "--graph", DATA_GRAPH],
                                        env=self.env)
                    assert done.returncode == 0, done.stderr
                    seconds = done.seconds
                else:
                    done = run_measured([sys.executable, "-c", raw_script, str(store), str(path), DATA_GRAPH], env=self.env)
                    assert done.returncode == 0, done.stderr
                    seconds = done.seconds
                times[engine].append(seconds)
                rss[engine].append(done.maxrss_mb)
        labels = {"dlkg": ("dlkg load (Python API)", "in-process"), "pyoxigraph": ("pyoxigraph bulk_load", "in-process"),
                  "dlkg-cli": ("dlkg load (command)", "process"), "pyoxigraph-cli": ("pyoxigraph bulk_load (python -c)", "process")}
        for engine in engines:
            label, scope = labels[engine]
            self.record("load-embedded", label, size, times[engine], triples=triples, peak_mb=rss[engine], scope=scope,
                        file_mb=path.stat().st_size / 2**20)
        ratio = statistics.median(times["pyoxigraph"]) / statistics.median(times["dlkg"])
        cli = ""
        if "dlkg-cli" in times:
            cli = f"; commands {statistics.median(times['pyoxigraph-cli']) / statistics.median(times['dlkg-cli']):.2f}"
        self.say(f"load embedded {size:,}: dlkg {statistics.median(times['dlkg']):.2f} s, bulk_load "
                 f"{statistics.median(times['pyoxigraph']):.2f} s (throughput ratio {ratio:.2f}{cli})")
        self.load_replace(size)

    def load_replace(self, size: int) -> None:
        """``dlkg load`` again into the graph it filled: a new version of the store, switched
        to in one step (issue 12: at most 1.5x a fresh load, in time and peak memory)."""
        from dlkg.resources import DATA_GRAPH

        path, triples = self.data(size)
        times, rss = [], []
        store = self.fresh("load-replace")
        self.child("dlkg-load-embedded", {"store": str(store), "file": str(path), "graph": DATA_GRAPH})
        for _ in range(1 if size >= 1_000_000 else self.repeats(size, slow=True)):
            done = self.child("dlkg-load-embedded", {"store": str(store), "file": str(path), "graph": DATA_GRAPH},
                              timeout=self.config.slow_budget * 2)
            if done.timed_out:
                self.record("load-embedded", "dlkg load, replacing a loaded graph", size, None,
                            triples=triples, skipped=f"stopped after {self.config.slow_budget * 2:g} s")
                return
            assert done.answer["stored"] == triples, done.answer
            times.append(done.answer["seconds"])
            rss.append(done.maxrss_mb)
        self.record("load-embedded", "dlkg load, replacing a loaded graph", size, times, triples=triples,
                    peak_mb=rss, method=done.answer["method"], file_mb=path.stat().st_size / 2**20)
        self.say(f"load embedded {size:,}, replacing: {statistics.median(times):.2f} s, peak {max(rss):.0f} MB")

    def loads_server(self, size: int) -> None:
        sys.path.insert(0, str(ROOT))
        import httpx

        from dlkg.resources import DATA_GRAPH
        from tests.support.servers import have_oxigraph, oxigraph_server

        if not have_oxigraph():
            self.record("load-server", "dlkg load (Python API)", size, None, skipped="no oxigraph server (pip install oxigraph)")
            self.say("load server: skipped (pip install oxigraph)")
            return
        if self.config.quick and size > 10_000:
            self.say(f"load server {size:,}: not in --quick (a fresh server per run; see the full run)")
            return
        path, triples = self.data(size)
        n = self.repeats(size, slow=True)
        times: dict[str, list[float]] = {"dlkg": [], "post": []}
        rss: dict[str, list[float]] = {"dlkg": [], "post": []}
        methods: set[str] = set()
        workdir = self.config.work / "servers"
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            for i in range(n):
                # A fresh server (fresh folder) for every measured run: one server reused with
                # DROP SILENT ALL in between gets slower load after load (its store keeps the
                # dropped data until compaction), so the order, not the method, decided the ratio.
                for engine in ("dlkg", "post") if i % 2 == 0 else ("post", "dlkg"):
                    folder = Path(tempfile.mkdtemp(prefix=f"{engine}-", dir=workdir))
                    try:
                        with oxigraph_server(folder) as server:
                            if engine == "dlkg":
                                done = self.child("dlkg-load-remote", {"query_url": server.query_url, "file": str(path),
                                                                       "graph": DATA_GRAPH})
                                assert done.answer["stored"] == triples, done.answer
                                methods.add(done.answer["method"])
                            else:
                                done = self.child("gsp-post", {"gsp_url": server.gsp_url, "file": str(path),
                                                               "graph": DATA_GRAPH})
                                count = httpx.post(server.query_url, data={"query": f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{DATA_GRAPH}> {{ ?s ?p ?o }} }}"},
                                                   headers={"Accept": "application/sparql-results+json"}).json()
                                assert int(count["results"]["bindings"][0]["n"]["value"]) == triples
                    finally:
                        shutil.rmtree(folder, ignore_errors=True)
                    times[engine].append(done.answer["seconds"])
                    rss[engine].append(done.maxrss_mb)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        self.record("load-server", "dlkg load (Python API)", size, times["dlkg"], triples=triples, peak_mb=rss["dlkg"],
                    method="/".join(sorted(methods)), file_mb=path.stat().st_size / 2**20)
        self.record("load-server", "plain GSP POST (httpx)", size, times["post"], triples=triples, peak_mb=rss["post"],
                    file_mb=path.stat().st_size / 2**20)
        ratio = statistics.median(times["post"]) / statistics.median(times["dlkg"])
        self.say(f"load server {size:,}: dlkg {statistics.median(times['dlkg']):.2f} s, POST "
                 f"{statistics.median(times['post']):.2f} s (throughput ratio {ratio:.2f})")

    def memory_reference(self, size: int) -> None:
        """Peak memory of the file held as parsed objects (pyoxigraph quads, rdflib graph), and the baseline."""
        path, triples = self.data(size)
        done = self.child("noop", {})
        self.record("memory", "baseline (interpreter + imports)", size, [done.answer["seconds"] or 1e-9],
                    peak_mb=[done.maxrss_mb], triples=triples)
        done = self.child("parse-objects", {"file": str(path)})
        self.record("memory", "file as parsed pyoxigraph quads (list)", size, [done.answer["seconds"]],
                    peak_mb=[done.maxrss_mb], triples=triples, file_mb=path.stat().st_size / 2**20)
        self.say(f"memory {size:,}: parsed quads peak {done.maxrss_mb:.0f} MB (file {path.stat().st_size / 2**20:.0f} MB)")

    # -- queries -----------------------------------------------------------------------

    def queries(self, size: int) -> None:
        from dlkg.resources import ONTOLOGY_FILE

        path, triples = self.data(size)
        rdflib_skip = self._rdflib_skips(size)
        large = size >= 1_000_000
        args = {"data": str(path), "ontology": str(ONTOLOGY_FILE), "dlkg_store": str(self.fresh("query-dlkg")),
                "raw_store": str(self.fresh("query-raw")), "repeats": self.repeats(size),
                "rdflib": True, "rdflib_repeats": 1 if large else self.config.rdflib_repeat,
                "rdflib_cap": self.config.rdflib_cap, "rdflib_skip": rdflib_skip}
        done = self.child("queries", args)
        answer = done.answer
        self.record("load-for-queries", "dlkg load (ontology + data)", size, [answer["load"]["dlkg"]], triples=triples)
        self.record("load-for-queries", "pyoxigraph bulk_load", size, [answer["load"]["pyoxigraph"]], triples=triples)
        if "rdflib" in answer["load"]:
            self.record("load-for-queries", "rdflib Graph.parse", size, [answer["load"]["rdflib"]], triples=triples)
        self.record("memory", "queries child (3 engines loaded)", size, [sum(answer["load"].values())],
                    peak_mb=[done.maxrss_mb], triples=triples)
        ratios, rd_ratios = [], []
        for q in answer["queries"]:
            for engine, label in (("dlkg", "dlkg (embedded store)"), ("pyoxigraph", "pyoxigraph"), ("rdflib", "rdflib")):
                result = q.get(engine)
                if result is None:
                    continue
                if "median_s" in result:
                    extra = {"batch": q.get("batch")} if engine != "rdflib" else {}
                    if engine == "dlkg":
                        extra["paired_ratio_to_pyoxigraph"] = statistics.median(
                            d / p for d, p in zip(q["dlkg"]["times"], q["pyoxigraph"]["times"]))
                    self.record(f"query:{q['name']}", label, size, result["times"], triples=triples, rows=q["rows"],
                                **extra)
                else:
                    self.record(f"query:{q['name']}", label, size, None, triples=triples, rows=q["rows"],
                                skipped=result.get("skipped") or result.get("note"), timeout_s=result.get("timeout_s"))
            ratios.append(statistics.median(d / p for d, p in zip(q["dlkg"]["times"], q["pyoxigraph"]["times"])))
            if "median_s" in q.get("rdflib", {}):
                rd_ratios.append(q["rdflib"]["median_s"] / q["dlkg"]["median_s"])
        self.say(f"queries {size:,}: dlkg/pyoxigraph geomean {geomean(ratios):.2f}, max {max(ratios):.2f}; "
                 f"rdflib/dlkg geomean {geomean(rd_ratios):.1f} over {len(rd_ratios)} queries")

    def _rdflib_skips(self, size: int) -> dict:
        """In the full run, rdflib queries predicted (from the last size) to exceed the cap are skipped."""
        skips = {}
        previous = [r for r in self.records if r["operation"].startswith("query:") and r["engine"] == "rdflib"
                    and r["size"] is not None and r["size"] < size]
        if not previous:
            return skips
        last = max(r["size"] for r in previous)
        for r in previous:
            if r["size"] != last or r["operation"].split(":", 1)[1] in skips:
                continue
            name = r["operation"].split(":", 1)[1]
            if r.get("timeout_s"):
                skips[name] = f"stopped at {r['timeout_s']:g} s at {last:,} triples already"
            elif r.get("skipped"):
                skips[name] = r["skipped"]
            elif r["median_s"] * size / last > self.config.rdflib_cap:
                skips[name] = (f"predicted {r['median_s'] * size / last:.0f} s (took {r['median_s']:.1f} s at {last:,} "
                               f"triples, cost at least linear) > cap {self.config.rdflib_cap:g} s")
        return skips

    # -- validate and export -----------------------------------------------------------

    def _predicted_over(self, operation: str, size: int) -> str | None:
        done = [r for r in self.records if r["operation"] == operation and r.get("median_s") and r["size"] < size]
        skipped = [r for r in self.records if r["operation"] == operation and r.get("skipped") and r["size"] < size]
        if skipped:
            return f"skipped: a smaller size was already over the budget of {self.config.slow_budget:g} s"
        if not done:
            return None
        last = max(done, key=lambda r: r["size"])
        predicted = last["median_s"] * size / last["size"]
        if predicted > self.config.slow_budget:
            return (f"skipped: predicted at least {predicted:.0f} s from {last['median_s']:.1f} s at {last['size']:,} "
                    f"triples (cost grows at least linearly), over the budget of {self.config.slow_budget:g} s")
        return None

    def validate(self, size: int) -> None:
        path, triples = self.data(size)
        reason = self._predicted_over("validate", size)
        if reason:
            self.record("validate", VALIDATE, size, None, triples=triples, skipped=reason)
            self.say(f"validate {size:,}: {reason}")
            return
        # Side by side (issue 16): pySHACL on the shapes as they were before the layers, run
        # right after each dlkg run while it is predicted under the budget.
        peer_skip = self._predicted_over("validate-peer", size)
        times, rss, peer_times, peer_rss = [], [], [], []
        repeats = 1 if self.config.quick else (3 if size <= 1_000 else 1)
        for _ in range(repeats):
            done = self.child("validate", {"file": str(path), "reason": True}, timeout=self.config.slow_budget * 2)
            if done.timed_out:
                self.record("validate", VALIDATE, size, None, triples=triples,
                            skipped=f"stopped after {self.config.slow_budget * 2:g} s")
                return
            if not done.answer["conforms"]:
                raise AssertionError(f"generated data of size {size} does not conform: {done.answer['problems']}")
            times.append(done.answer["seconds"])
            rss.append(done.maxrss_mb)
            if not peer_skip:
                peer = self.child("validate-pyshacl-peer", {"file": str(path)}, timeout=self.config.slow_budget * 2)
                if peer.timed_out:
                    peer_skip = f"stopped after {self.config.slow_budget * 2:g} s"
                else:
                    peer_times.append(peer.answer["seconds"])
                    peer_rss.append(peer.maxrss_mb)
        extra = {}
        if peer_times:
            extra["ratio_to_peer"] = statistics.median(peer_times) / statistics.median(times)
            self.record("validate-peer", VALIDATE_PEER, size, peer_times, triples=triples, peak_mb=peer_rss)
        else:
            self.record("validate-peer", VALIDATE_PEER, size, None, triples=triples, skipped=peer_skip)
        self.record("validate", VALIDATE, size, times, triples=triples, peak_mb=rss, conforms=True, **extra)
        peer_text = (f"; pySHACL on the shapes of 2026-12 {statistics.median(peer_times):.1f} s, peak "
                     f"{max(peer_rss):.0f} MB: {extra['ratio_to_peer']:.1f}x faster") if peer_times else f"; peer {peer_skip}"
        self.say(f"validate {size:,}: {statistics.median(times):.1f} s, peak {max(rss):.0f} MB{peer_text}")

    def export(self, size: int) -> None:
        from dlkg.resources import ONTOLOGY_FILE

        path, triples = self.data(size)
        reason = self._predicted_over("export-jsonld", size)
        if reason:
            self.record("export-jsonld", "dlkg export_graph(format='jsonld')", size, None, triples=triples, skipped=reason)
            self.say(f"export {size:,}: {reason}")
            return
        store = self.fresh("export")
        done = self.child("dlkg-load-embedded", {"store": str(store), "file": str(ONTOLOGY_FILE),
                                                 "graph": "https://w3id.org/dlkg/graph/ontology"})
        done = self.child("dlkg-load-embedded", {"store": str(store), "file": str(path),
                                                 "graph": "https://w3id.org/dlkg/graph/data"})
        out = str(self.config.work / "export.jsonld")
        times, rss, size_bytes, peer_times, peer_rss = [], [], 0, [], []
        repeats = 1 if self.config.quick else (3 if size <= 10_000 else 1)
        for _ in range(repeats):  # side by side: the peer right after each dlkg run, on the same store
            done = self.child("export-jsonld", {"store": str(store), "out": out}, timeout=self.config.slow_budget * 2)
            if done.timed_out:
                self.record("export-jsonld", "dlkg export_graph(format='jsonld')", size, None, triples=triples,
                            skipped=f"stopped after {self.config.slow_budget * 2:g} s")
                return
            times.append(done.answer["seconds"])
            rss.append(done.maxrss_mb)
            size_bytes = done.answer["bytes"]
            peer = self.child("export-jsonld-pyoxigraph", {"store": str(store), "out": out})
            peer_times.append(peer.answer["seconds"])
            peer_rss.append(peer.maxrss_mb)
        Path(out).unlink(missing_ok=True)
        ratio = statistics.median(times) / statistics.median(peer_times)
        self.record("export-jsonld", PYOXIGRAPH_JSONLD, size, peer_times, triples=triples, peak_mb=peer_rss)
        self.record("export-jsonld", "dlkg export_graph(format='jsonld')", size, times, triples=triples, peak_mb=rss,
                    output_mb=size_bytes / 2**20, ratio_to_pyoxigraph=ratio)
        self.say(f"export jsonld {size:,}: {statistics.median(times):.1f} s, peak {max(rss):.0f} MB; pyoxigraph "
                 f"{statistics.median(peer_times):.2f} s, peak {max(peer_rss):.0f} MB: {ratio:.1f}x")

    # -- the whole run -----------------------------------------------------------------

    # -- the SPARQL endpoint ----------------------------------------------------------

    def serve(self) -> None:
        """``dlkg serve`` beside ``oxigraph serve-read-only`` on the packaged graph (:mod:`benchmarks.serve`)."""
        from benchmarks.serve import measure_endpoints

        seconds, rounds = (3.0, 1) if self.config.quick else (10.0, 2)
        for rec in measure_endpoints(seconds=seconds, rounds=rounds):
            self.record("serve", rec.pop("engine"), None, None, **rec)
        by = {(r["engine"], r["clients"]): r for r in self.records if r["operation"] == "serve"}
        for clients in sorted({c for _, c in by}):
            d, o = by[("dlkg serve", clients)], by[("oxigraph serve-read-only", clients)]
            self.say(f"serve, {clients} client(s): dlkg {d['qps']:.0f} q/s (p50 {d['p50_ms']:.2f} ms, "
                     f"{d['errors']} errors), oxigraph {o['qps']:.0f} q/s (p50 {o['p50_ms']:.2f} ms): "
                     f"{d['qps'] / o['qps']:.2f}x")

    def run_all(self) -> None:
        wanted = set(self.config.only or SECTIONS)
        if "cold-start" in wanted:
            self.cold_start()
        if "serve" in wanted:
            self.serve()
        per_size = [(name, method) for name, method in (
            ("load-embedded", self.loads_embedded), ("load-server", self.loads_server), ("memory", self.memory_reference),
            ("queries", self.queries), ("validate", self.validate), ("export", self.export)) if name in wanted]
        for size in self.config.sizes if per_size else ():
            self.data(size)
            for _, method in per_size:
                method(size)

    def save(self, wall: float, command: str) -> Path:
        self.config.out.mkdir(parents=True, exist_ok=True)
        name = ("quick" if self.config.quick else "full") + "".join(f"-{part}" for part in self.config.only)
        document = {"command": command, "kind": name, "started": self.started.isoformat(timespec="seconds"),
                    "wall_s": wall, "seed": self.config.seed, "sizes": list(self.config.sizes),
                    "repeat": self.config.repeat, "machine": self.machine, **self.extra, "records": self.records}
        path = self.config.out / f"results-{name}.json"
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return path
