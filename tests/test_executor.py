"""The query executor and its worker pool: one policy for the CLI and the server, time limits
kept by pre-started worker processes that are killed and replaced, never a fork per query."""

from __future__ import annotations

import asyncio
import os
import time
from functools import partial

import pytest

from dlkg.errors import InputError, QueryError, QueryTimeout, ResultTooLarge
from dlkg.executor import CheckedQuery, QueryExecutor
from dlkg.loader import load
from dlkg.resources import ONTOLOGY_FILE, ROOT
from dlkg.serve.protocol import serialize
from dlkg.stores import MemoryStore, OxigraphStore
from dlkg.worker import WorkerDied, WorkerPool

FLAGSHIP = (ROOT / "queries" / "python-on-android.rq").read_text(encoding="utf-8")
#: A cross product of the graph with itself four times: far longer than any limit here.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: Table 14.1: TensorFlow's interfaces include Python, Caffe runs on no mobile platform.
ASK_TRUE = ("ASK { <https://w3id.org/dlkg/resource/TensorFlow> <https://w3id.org/dlkg/ontology#hasInterface> "
            "<https://w3id.org/dlkg/resource/Python> }")
ASK_FALSE = ("ASK { <https://w3id.org/dlkg/resource/Caffe> <https://w3id.org/dlkg/ontology#runsOn> "
             "<https://w3id.org/dlkg/resource/Android> }")


def _sleep_then(seconds: float, answer: str) -> str:
    time.sleep(seconds)
    return answer


def _die() -> None:
    os._exit(3)


def _wait_for_size(pool: WorkerPool, size: int) -> list[int]:
    deadline = time.monotonic() + 10
    while len(pool.pids) < size and time.monotonic() < deadline:
        time.sleep(0.02)
    return pool.pids


# -- the pool --------------------------------------------------------------------------------

def test_pool_answers_from_the_same_processes():
    with WorkerPool(_sleep_then, size=2) as pool:
        pids = pool.pids
        assert len(pids) == 2 and os.getpid() not in pids
        assert [pool.call(0, str(n), timeout=10) for n in range(6)] == ["0", "1", "2", "3", "4", "5"]
        assert pool.pids == pids  # no fork per call


def test_pool_kills_an_overrunning_worker_and_replaces_it():
    with WorkerPool(_sleep_then, size=2) as pool:
        before = set(pool.pids)
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            pool.call(60, "late", timeout=0.5)
        assert time.monotonic() - started < 5
        after = set(_wait_for_size(pool, 2))
        assert len(after) == 2 and len(before & after) == 1
        with pytest.raises(ProcessLookupError):
            os.kill((before - after).pop(), 0)
        assert pool.call(0, "next", timeout=10) == "next"


def test_pool_replaces_a_worker_that_died():
    with WorkerPool(lambda kind: _die() if kind == "die" else kind, size=1) as pool:
        first = pool.pids
        with pytest.raises(WorkerDied):
            pool.call("die", timeout=10)
        assert pool.call("alive", timeout=10) == "alive"
        assert pool.pids != first


def test_pool_memory_cap_and_replacement():
    with WorkerPool(lambda n: len(bytearray(n)), size=1, memory=256 << 20) as pool:
        first = pool.pids
        with pytest.raises(MemoryError):
            pool.call(4 << 30, timeout=30)
        assert pool.call(1000, timeout=30) == 1000
        assert _wait_for_size(pool, 1) != first  # a worker that ran out of memory is not reused


def test_pool_async_call_and_timeout():
    async def scenario(pool: WorkerPool) -> tuple:
        fast = await pool.call_async(0, "fast", timeout=10)
        try:
            await pool.call_async(60, "late", timeout=0.5)
        except TimeoutError:
            late = "stopped"
        return fast, late, await pool.call_async(0, "again", timeout=10)

    with WorkerPool(_sleep_then, size=1) as pool:
        assert asyncio.run(scenario(pool)) == ("fast", "stopped", "again")


def _bytes_of(n: int) -> bytes:
    return bytes(range(256)) * (n // 256)


def test_long_answers_arrive_whole_on_uvloop_and_after_it():
    """A 20 MB answer comes in many pieces; uvloop's reader leaves the pipe non-blocking, and
    both the asynchronous call and a blocking call afterwards still get every byte."""
    import uvloop

    size = 20 << 20

    async def scenario(pool: WorkerPool) -> list[bytes]:
        return [await pool.call_async(size, timeout=30) for _ in range(3)]

    with WorkerPool(_bytes_of, size=1) as pool:
        answers = uvloop.run(scenario(pool))
        answers.append(pool.call(size, timeout=30))
    assert [len(a) for a in answers] == [size] * 4
    assert all(a == _bytes_of(size) for a in answers)


# -- the executor ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store() -> MemoryStore:
    return MemoryStore()


def test_executor_with_workers_answers_the_flagship(store):
    with QueryExecutor(store, timeout=10, max_rows=100, workers=2) as executor:
        assert executor.workers == 2
        assert executor.run(FLAGSHIP).values("label") == ["Deeplearning4j", "MXNet"]
        assert executor.run(ASK_TRUE).boolean is True and executor.run(ASK_FALSE).boolean is False
        body = executor.run(FLAGSHIP, render=partial(serialize, fmt="csv"))
        assert body.decode().split("\r\n")[1:3] == ["https://w3id.org/dlkg/resource/Deeplearning4j,Deeplearning4j",
                                                    "https://w3id.org/dlkg/resource/MXNet,MXNet"]


def test_executor_timeout_stops_replaces_and_answers_next(store):
    with QueryExecutor(store, timeout=1, workers=1) as executor:
        before = executor.worker_pids
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="time limit of 1 s"):
            executor.run(SLOW)
        assert time.monotonic() - started < 5
        assert executor.run(ASK_TRUE).boolean is True
        assert len(executor.worker_pids) == 1 and executor.worker_pids != before


def test_executor_without_workers_keeps_the_limit_one_shot(store):
    executor = QueryExecutor(store, timeout=1)
    assert executor.workers == 0
    with pytest.raises(QueryTimeout):
        executor.run(SLOW)
    assert executor.run(ASK_FALSE).boolean is False


def test_guard_runs_in_check_and_a_checked_query_passes_through(store):
    executor = QueryExecutor(store)
    with pytest.raises(InputError, match=r"query:1:18: SERVICE is refused"):
        executor.run("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    checked = executor.check(ASK_TRUE)
    assert isinstance(checked, CheckedQuery) and executor.check(checked) is checked
    assert executor.run(checked).boolean is True
    # Canned queries are vetted: an executor without the guard runs what the guard refuses.
    assert QueryExecutor(store, guard=False).run("SELECT * WHERE { ?s ?p ?o } LIMIT 1").kind == "select"


def test_row_cap_and_errors_cross_from_the_worker(store):
    with QueryExecutor(store, timeout=10, max_rows=5, workers=1) as executor:
        with pytest.raises(ResultTooLarge, match="more than 5 rows"):
            executor.run("SELECT ?s WHERE { ?s a <https://w3id.org/dlkg/ontology#Framework> }")  # nine
        with pytest.raises(InputError) as syntax:
            executor.run("SELECT ?s WHERE { ?s ?p }")
        assert syntax.value.line == 1
        assert executor.run("SELECT ?s WHERE { ?s a <https://w3id.org/dlkg/ontology#Framework> } LIMIT 5").rows


def test_embedded_store_workers_read_the_folder(tmp_path):
    with OxigraphStore(tmp_path / "kg") as embedded:
        load(embedded)
        extra = "https://example.org/graph/extra"
        load(embedded, [ONTOLOGY_FILE], graph=extra)
        # Workers open the folder read-only while this process holds it open.
        with QueryExecutor(embedded, timeout=10, workers=2) as executor:
            assert executor.run(FLAGSHIP).values("label") == ["Deeplearning4j", "MXNet"]
            assert executor.worker_pids and os.getpid() not in executor.worker_pids
            # The store's own named graphs may be named in FROM (nothing is fetched), others not.
            ask = ("ASK FROM <{}> WHERE {{ <https://w3id.org/dlkg/ontology#{}> a "
                   "<http://www.w3.org/2002/07/owl#Class> }}")
            assert executor.run(ask.format(extra, "Framework")).boolean is True
            assert executor.run(ask.format(extra, "Caffe")).boolean is False  # an instance, not a class
            with pytest.raises(InputError, match="FROM <https://example.org/elsewhere> is refused"):
                executor.run("SELECT * FROM <https://example.org/elsewhere> WHERE { ?s ?p ?o }")


def test_worker_failure_is_one_line_query_error(store):
    with QueryExecutor(store, timeout=10, workers=1, memory=32 << 20) as executor:
        with pytest.raises(QueryError):
            # Every triple times every triple, as a result set: far past 32 MiB.
            executor.run("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
        assert executor.run(ASK_TRUE).boolean is True
