"""``dlkg.views`` and the internal queries: one view model per page kind, read by ``.rq``
files that the catalogue's loader reads (with the one PREFIX block)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg import views
from dlkg.catalogue import internal_queries
from dlkg.errors import UsageError
from dlkg.profile import profile_text
from dlkg.resources import RES
from dlkg.stores import open_store

PACKAGE = Path(__file__).resolve().parent.parent / "dlkg"
FOLDERS = [PACKAGE / "queries", PACKAGE / "serve" / "queries"]


@pytest.fixture(scope="module")
def store():
    return open_store()


@pytest.mark.parametrize("folder", FOLDERS, ids=["dlkg", "serve"])
def test_every_internal_query_has_a_header_and_parses(folder):
    catalogue = internal_queries(str(folder.parent / "module.py"))
    names = catalogue.names()
    assert len(names) >= 8
    for name in names:
        query = catalogue.get(name)
        assert query.summary, name
        assert query.text.startswith("PREFIX dlkg: <https://w3id.org/dlkg/ontology#>\n")
        ox.Store().query(query.text)  # valid SPARQL with the prologue (raises SyntaxError otherwise)


def test_run_refuses_a_parameter_the_query_does_not_have(store):
    catalogue = internal_queries(str(PACKAGE / "views.py"))
    with pytest.raises(UsageError, match="profile-bullets: no parameter frameworkk"):
        catalogue.run(store, "profile-bullets", frameworkk=ox.NamedNode(RES + "Keras"))


def test_keras_profile_view(store):
    view = views.framework_profile(store, RES + "Keras", "en", labels=views.Labels(store))
    assert view["name"] == "Keras"
    rows = {row["label"]: [t["label"] for t in row["terms"]] for row in view["profile"]}
    assert rows["has backend"] == ["Deeplearning4j", "TensorFlow", "Theano"]
    assert rows["implemented in"] == ["Python"]
    levels = {c["capability"]["label"]: c["level"] for c in view["capabilities"]}
    assert levels["single-machine multi-GPU parallelism"] == "conditional"
    assert levels["automatic differentiation"] == "supported"
    assert [b["zh"] for b in view["strengths"]][0] == "受Torch启发的直观API"
    assert view["capabilities"][0]["capability"]["path"].startswith("/ontology#")


def test_show_is_the_page_view_as_text(store):
    view = views.framework_profile(store, RES + "Keras", "en", labels=views.Labels(store))
    text = profile_text(view)
    assert text.splitlines()[:2] == ["Keras", "====="]
    assert "has backend" in text and "Deeplearning4j, TensorFlow, Theano" in text
    # The conditional cell with its condition, what Table 14.1 printed (不支持) and footnote e.
    assert ("capability: single-machine multi-GPU parallelism  conditional (Supported with the TensorFlow backend; "
            "not supported with the Theano backend.); printed: not supported; footnote e: Single-machine multi-GPU "
            "is not supported with Theano as the backend; it is supported with TensorFlow as the backend.") in text
    assert "capability: pretrained models                     supported; footnote d: https://keras.io/applications/" in text


def test_show_lists_values_in_the_printed_order(store):
    # Table 14.1's Torch row: developers and platforms as printed, not alphabetical.
    text = profile_text(views.framework_profile(store, RES + "Torch", "en", labels=views.Labels(store)))
    lines = {line.split("  ")[0]: line.split("  ")[-1].strip() for line in text.splitlines() if "  " in line}
    assert lines["developed by"] == "Ronan Collobert, Koray Kavukcuoglu, Clement Farabet"
    assert lines["runs on"] == "Linux, Mac OS X, Windows, Android, iOS"
    assert lines["has interface"] == "Lua, LuaJIT, C, utility library for C++/OpenCL"


def test_notes_in_the_page_language():
    assert views.in_language([ox.Literal("x", language="en"), ox.Literal("叉", language="zh")], "zh") == "叉"
    assert views.in_language([ox.Literal("x", language="en"), ox.Literal("叉", language="zh")], "en") == "x"


def test_ontology_terms_view_is_the_docs_view(store):
    groups = views.ontology_terms(store, "zh")
    assert [g["heading"] for g in groups] == ["Classes", "Object properties", "Datatype properties",
                                              "Annotation properties", "Named individuals"]
    framework = next(t for g in groups for t in g["terms"] if t["anchor"] == "Framework")
    assert framework["label"] == "开发框架" and framework["iri"] == "https://w3id.org/dlkg/ontology#Framework"


def test_bullet_labels_in_chinese(store):
    # "Caffe weakness 6" is dlkg's own name for the bullet (not the book's): it has a Chinese
    # form, so the Chinese pages do not fall back to English.
    labels = views.Labels(store)
    assert labels.label(RES + "Caffe-bullet-10", "zh") == "Caffe 缺点 6"
    assert labels.label(RES + "Caffe-bullet-1", "zh") == "Caffe 优点 1"
    assert labels.label(RES + "Caffe-bullet-10", "en") == "Caffe weakness 6"
