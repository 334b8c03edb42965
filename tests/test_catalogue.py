"""The canned-query catalogue: grlc headers, parameters, and header errors with file and line."""

from __future__ import annotations

import pytest

from dlkg.catalogue import Catalogue, parse_query_text
from dlkg.errors import InputError, UsageError

Q = "SELECT ?f WHERE { ?f ?p ?_x }"


def test_every_packaged_query_parses_and_is_valid_sparql(store):
    import pyoxigraph as ox

    for query in Catalogue():
        assert query.summary, query.name
        # valid SPARQL: Oxigraph's parser accepts it (parameters left unbound)
        store.native.query(query.text, use_default_graph_as_union=True)
        for key in query.defaults:
            assert key in query.parameters


def test_parameters_required_and_optional():
    q = parse_query_text("#+ summary: s\nSELECT * WHERE { ?a ?_x ?__y . FILTER(?b != '?_z') }", name="q")
    assert q.parameters == ("x", "y")
    assert q.optional == {"y"}
    assert (q.variable("x"), q.variable("y")) == ("_x", "__y")


def test_lists_and_defaults():
    q = parse_query_text("#+ summary: s\n#+ tags:\n#+   - a\n#+   - b\n#+ defaults:\n#+   - x: Py thon\n"
                         "#+ enumerate:\n#+   - x\n" + Q, name="q")
    assert (q.tags, q.defaults, q.enumerate) == (("a", "b"), {"x": "Py thon"}, ("x",))


@pytest.mark.parametrize(("text", "line", "words"), [
    ("#+ summary: s\n#+ colour: red\n" + Q, 2, "unknown header key 'colour'"),
    ("#+ summary: s\n#+ this is not a key\n" + Q, 2, "malformed header line"),
    ("#+ description: d\n" + Q, 1, "missing '#+ summary:'"),
    ("#+ summary: s\n#+ defaults:\n#+   - novalue\n" + Q, 3, "a default must read"),
    ("#+ summary: s\n#+ summary: t\n" + Q, 2, "given twice"),
    ("#+ summary: s\n#+ tags: inline\n" + Q, 2, "takes '- item' lines"),
])
def test_header_errors_name_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "bad-query.rq"
    with pytest.raises(InputError) as caught:
        parse_query_text(text, name="bad-query", path=path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert words in str(caught.value)


def test_default_for_unknown_parameter_is_an_error():
    with pytest.raises(InputError, match="not a parameter"):
        parse_query_text("#+ summary: s\n#+ defaults:\n#+   - y: 1\n" + Q, name="q")


def test_names_are_kebab_case():
    with pytest.raises(InputError, match="kebab-case"):
        parse_query_text("#+ summary: s\n" + Q, name="Bad_Name")


def test_unknown_name_suggests_closest():
    with pytest.raises(UsageError, match="closest: frameworks-by-platform"):
        Catalogue().get("framework-by-platfrom")


def test_catalogue_from_a_folder(tmp_path):
    (tmp_path / "one.rq").write_text("#+ summary: one\nASK {}", encoding="utf-8")
    assert Catalogue(tmp_path).names() == ["one"]
    assert Catalogue(tmp_path).get("one").summary == "one"
