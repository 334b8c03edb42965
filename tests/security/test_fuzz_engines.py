"""Any string, bound as a parameter, reaches every engine as the same literal.

Values enter queries as a VALUES block of Oxigraph-serialized terms (dlkg.sparql.bind_values);
this checks that the text means the same literal to pyoxigraph, rdflib's SPARQL engine, a
real Oxigraph server and a real Virtuoso.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlkg.sparql import bind_values

QUERY = "SELECT ?v ?length WHERE { BIND(?x AS ?v) BIND(STRLEN(?x) AS ?length) }"
# Virtuoso stores strings in a narrow/wide mix that cannot hold NUL; everything else must pass.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(TEXT)
def test_rdflib_engine(value):
    query = bind_values(QUERY, {"x": ox.Literal(value)})
    row = next(iter(rdflib.Graph().query(query)))
    assert str(row[0]) == value and int(row[1]) == len(value)


@pytest.mark.servers
@pytest.mark.parametrize("fixture", ["store", "embedded_store", "oxigraph_server_store", "virtuoso_store"])
def test_every_store(request, fixture):
    store = request.getfixturevalue(fixture)

    @settings(max_examples=60 if "server" in fixture or "virtuoso" in fixture else 150, deadline=None)
    @given(TEXT)
    def round_trip(value):
        result = store.query(QUERY, bindings={"x": ox.Literal(value)})
        assert result.rows[0][0] == ox.Literal(value)
        assert int(result.rows[0][1].value) == len(value)

    round_trip()


@pytest.mark.parametrize("value", ['a"b', "a\\b", "new\nline", "tab\there", 'x\n" } UNION { ?s ?p ?o } #\\"',
                                   "}", "中文", "\r", "'''", '"""'])
def test_known_hard_cases_in_rdflib(value):
    row = next(iter(rdflib.Graph().query(bind_values(QUERY, {"x": ox.Literal(value)}))))
    assert str(row[0]) == value
