"""`dlkg export --profile datacube`: each view's table as a W3C RDF Data Cube, checked against the
spec's integrity constraints (https://www.w3.org/TR/vocab-data-cube/#wf-rules, section 11.1;
one ASK query per constraint in tests/data/datacube-ic/, true on a violation).

IC-20 and IC-21 (hierarchical code lists) are templates over each qb:HierarchicalCodeList's
parent property; the cube has no code list, and test_no_code_lists checks that they stay moot.

Counts by hand: the book's view has 9 rows × 10 columns, every cell filled: 90 observations.
The current view has 14 rows × 10 columns less the two capability cells no page supports
(Caffe's automatic differentiation, Theano's pretrained models): 138.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg.datacube import QB, datacube_quads
from tests.conftest import run_dlkg

ICS = sorted((Path(__file__).parent / "data" / "datacube-ic").glob("ic-*.rq"))
CUBE = "https://w3id.org/dlkg/resource/datacube/"


def ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(query))


def cube_store(quads) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return store


@pytest.fixture(scope="module", params=["2018", "current"])
def cube(request):
    return request.param, cube_store(datacube_quads(view=request.param))


def test_all_constraints_present():
    assert len(ICS) == 20  # IC-1 .. IC-19, IC-19 in its two forms


@pytest.mark.parametrize("ic", ICS, ids=[p.stem for p in ICS])
def test_integrity_constraint_holds(cube, ic):
    _, store = cube
    assert ask(store, ic.read_text(encoding="utf-8")) is False  # an ASK: true means a violation


def test_observation_counts_and_slice(cube):
    view, store = cube
    observations = list(store.query(f"SELECT ?o WHERE {{ ?o a <{QB}Observation> }}"))
    assert len(observations) == {"2018": 90, "current": 138}[view]
    in_slice = list(store.query(f"SELECT ?o WHERE {{ <{CUBE}{view}/slice> <{QB}observation> ?o }}"))
    assert len(in_slice) == len(observations)


def test_no_code_lists(cube):
    _, store = cube
    assert ask(store, f"ASK {{ {{ ?d <{QB}codeList> ?l }} UNION {{ ?l a <{QB}HierarchicalCodeList> }} }}") is False


def test_cells_by_hand():
    # Book 14.1: Theano's multi-GPU 不支持; PyTorch's platforms Linux, Mac OS X.
    book = cube_store(datacube_quads(view="2018"))
    # Current: Theano multi-GPU conditional after
    # https://github.com/Theano/Theano/blob/0f4f011bacf45d663a6e482db109001bfb7a0077/doc/tutorial/using_multi_gpu.txt;
    # PyTorch adds Windows (https://pytorch.org/get-started), Android and iOS (https://docs.pytorch.org/executorch/stable).
    current = cube_store(datacube_quads(view="current"))

    def value(store, view, cell):
        rows = list(store.query(f"SELECT ?v WHERE {{ <{CUBE}{view}/{cell}> <{CUBE}value> ?v }}"))
        assert len(rows) == 1
        return rows[0][0].value

    assert value(book, "2018", "Theano/Table14-1-multigpu") == "https://w3id.org/dlkg/ontology#NotSupported"
    assert value(current, "current", "Theano/Table14-1-multigpu") == "https://w3id.org/dlkg/ontology#Conditional"
    assert value(book, "2018", "PyTorch/Table14-1-platform") == "Linux, Mac OS X"
    assert value(current, "current", "PyTorch/Table14-1-platform") == "Linux, Mac OS X, Windows, Android, iOS"
    assert ask(current, f"ASK {{ <{CUBE}current/Caffe/Table14-1-autodiff> ?p ?o }}") is False  # unknown: no observation


def test_a_broken_cube_violates_the_constraints():
    quads = datacube_quads(view="2018")
    broken = cube_store(q for q in quads if not (q.predicate.value == QB + "dataSet"
                                                 and q.subject.value.endswith("/Keras/Table14-1-multigpu")))
    ic1, ic18 = (next(p for p in ICS if p.stem.startswith(prefix)) for prefix in ("ic-01", "ic-18"))
    assert ask(broken, ic1.read_text(encoding="utf-8")) is True
    assert ask(broken, ic18.read_text(encoding="utf-8")) is True


def test_cli_export_is_the_books_cube():
    done = run_dlkg("export", "--profile", "datacube", "--format", "nt")
    assert done.returncode == 0, done.stderr
    store = ox.Store()
    store.load(done.stdout.encode(), format=ox.RdfFormat.N_TRIPLES)
    assert len(list(store.query(f"SELECT ?o WHERE {{ ?o a <{QB}Observation> }}"))) == 90
    for ic in ICS:
        assert ask(store, ic.read_text(encoding="utf-8")) is False, ic.stem
