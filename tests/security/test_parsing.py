"""Hostile input files: DTDs and entity bombs, remote and file contexts, imports, deep nesting,
huge literals. Each is refused with one line (exit 2) or read correctly; nothing is fetched."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest

from dlkg import rdf
from dlkg.errors import InputError
from dlkg.reason import infer
from dlkg.resources import ONTOLOGY_FILE
from tests.conftest import ROOT, run_dlkg

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&f;</ex:p></rdf:Description>
</rdf:RDF>
"""


def test_billion_laughs_is_refused_fast(tmp_path):
    path = tmp_path / "laughs.rdf"
    path.write_text(BILLION_LAUGHS)
    # In a child process with a memory cap, so a regression fails the test, not the machine.
    code = (f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
            f"sys.argv = ['dlkg', 'validate', '--no-reason', {str(path)!r}]; from dlkg.cli import main; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert "DTD or entity declarations is refused" in done.stderr


def test_external_entity_is_refused(tmp_path, listener):
    path = tmp_path / "xxe.rdf"
    path.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "{listener.url}secret"> <!ENTITY local SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&secret;&local;</ex:p></rdf:Description>
</rdf:RDF>
""")
    with pytest.raises(InputError, match="DTD"):
        rdf.parse(path)
    assert listener.connections == 0


def test_plain_rdfxml_still_reads(tmp_path):
    path = tmp_path / "ok.rdf"
    path.write_text("""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>b</ex:p></rdf:Description>
</rdf:RDF>
""")
    assert len(rdf.parse(path)) == 1


@pytest.mark.parametrize("context", ["http", "file"])
def test_jsonld_contexts_are_never_loaded(tmp_path, listener, context):
    local = tmp_path / "context.jsonld"
    local.write_text('{"@context": {"name": "http://example.org/name"}}')
    url = f"{listener.url}context.jsonld" if context == "http" else local.as_uri()
    path = tmp_path / "data.jsonld"
    path.write_text(f'{{"@context": "{url}", "@id": "http://example.org/a", "name": "x"}}')
    done = run_dlkg("validate", "--no-reason", str(path))
    assert done.returncode == 2 and "data.jsonld" in done.stderr and "remote context" in done.stderr
    assert listener.connections == 0


def test_owl_imports_are_not_followed(tmp_path, listener):
    imports = ox.Quad(ox.NamedNode("https://w3id.org/dlkg/ontology"), ox.NamedNode("http://www.w3.org/2002/07/owl#imports"),
                      ox.NamedNode(f"{listener.url}evil.owl"))
    inferred = infer([*rdf.parse(ONTOLOGY_FILE), imports])
    assert inferred == []  # the ontology alone has no individuals to classify
    assert listener.connections == 0


def test_turtle_collections_1000_deep_read_correctly(tmp_path):
    path = tmp_path / "deep.ttl"
    path.write_text("<http://e/s> <http://e/p> " + "( " * 1000 + "1 " + ") " * 1000 + ".\n")
    # 1000 nested one-element lists: rdf:first and rdf:rest per list, plus the first triple.
    assert len(rdf.parse(path)) == 2001


def test_jsonld_nested_1000_deep_reads_correctly(tmp_path):
    path = tmp_path / "deep.jsonld"
    path.write_text('{"@id": "http://e/top", "http://e/p": ' * 1000 + '1' + '}' * 1000)
    assert len(rdf.parse(path)) == 1000


def test_jsonld_nested_far_too_deep_is_an_input_error(tmp_path):
    path = tmp_path / "deeper.jsonld"
    path.write_text('{"http://e/p": ' * 100_000 + '1' + '}' * 100_000)
    with pytest.raises(InputError):
        rdf.parse(path)


def test_100mb_literal_is_refused(tmp_path):
    path = tmp_path / "huge.nt"
    with open(path, "w") as handle:
        handle.write('<http://e/s> <http://e/p> "')
        handle.write("x" * (100 * 1024 * 1024))
        handle.write('" .\n')
    done = run_dlkg("validate", "--no-reason", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "huge.nt: a term too large for the parser" in done.stderr  # Oxigraph caps a token at 16 MiB


def test_literal_cap_below_the_parser_limit(tmp_path):
    path = tmp_path / "big-literal.nt"
    path.write_text('<http://e/s> <http://e/p> "' + "x" * 2000 + '" .\n')
    done = run_dlkg("validate", "--no-reason", str(path), env={"DLKG_MAX_LITERAL_CHARS": "1000"})
    assert done.returncode == 2 and "a literal of 2,000 characters; the limit is 1,000" in done.stderr


def test_file_size_cap(tmp_path):
    path = tmp_path / "big.nt"
    path.write_text('<http://e/s> <http://e/p> "0123456789" .\n' * 100)
    done = run_dlkg("validate", "--no-reason", str(path), env={"DLKG_MAX_FILE_BYTES": "1000"})
    assert done.returncode == 2 and "the limit is 1,000" in done.stderr


def test_relative_iris_in_jsonld_resolve_against_the_file(tmp_path):
    # Without a base, Oxigraph's JSON-LD parser drops such triples without a word.
    path = tmp_path / "relative.jsonld"
    path.write_text('{"@id": "foo", "http://example.org/p": {"@id": "bar"}}')
    quads = rdf.parse(path)
    assert [(q.subject.value, q.object.value) for q in quads] == [((tmp_path / "foo").as_uri(), (tmp_path / "bar").as_uri())]
