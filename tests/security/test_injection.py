"""User values are bound as RDF terms: quotes, braces and UNION in a value cannot change a query."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlkg.errors import UsageError
from dlkg.find import find
from dlkg.query import run_canned
from dlkg.sparql import bind_values

HOSTILE = [
    'Python" } UNION { ?framework ?p ?label } #',
    "Python' } UNION { ?framework ?p ?label } #",
    'Python"@en) || true || ("',
    "}} UNION {{ ?framework ?p ?label }}",
    'x\n" } UNION { ?framework ?p ?label } #\\"',
    'a\\" } ?framework ?p ?label { "',
    "Python\t",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_parameter_cannot_change_the_query(store, value):
    result = run_canned("frameworks-by-interface", {"interface": value}, store=store)
    assert result.rows == ()


@pytest.mark.parametrize("value", HOSTILE)
def test_two_hostile_parameters_side_by_side(store, value):
    result = run_canned("compare-frameworks", {"a": value, "b": value + '\\"'}, store=store)
    assert result.rows == ()


@pytest.mark.parametrize("value", HOSTILE)
def test_facet_value_is_looked_up_not_pasted(store, value):
    with pytest.raises(UsageError, match="unknown value"):
        find(interface=[value], store=store)


def test_iri_with_angle_bracket_is_refused():
    with pytest.raises(ValueError):
        ox.NamedNode("http://example.org/x> } UNION { ?s ?p ?o")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_string_round_trips_as_the_same_literal(store, value):
    query = bind_values("SELECT ?v WHERE { BIND(?x AS ?v) }", {"x": ox.Literal(value)})
    assert store.native.query(query).__next__()["v"] == ox.Literal(value)
