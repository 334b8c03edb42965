"""JSON-LD: the one writer of dlkg's JSON-LD (compacted or framed with a context, one node at a
time, streamed), and a pyld document loader that serves dlkg's context and frame from the
package and refuses every other URL.

The writer compacts each term itself from the context's definitions, so that its cost is
linear in the graph and its memory one node (or, framed, the nodes the frame nests):

- a property whose context term fits the value is written with the term (an IRI for
  ``@type: @id`` / ``@vocab`` terms, the lexical form for a term's own datatype, a language
  map for ``@container: @language``); every other value goes under the property's compact
  IRI in expanded form (``{"id": ...}``, ``{"@value", "@language"}``, ``{"@value", "@type"}``),
  so that nothing the context cannot say is lost or changed;
- ``rdf:type`` is ``@type`` (vocabulary-relative where it can be) but for literal objects;
- IRIs are compacted with the context's prefixes (and ``@vocab`` where a vocabulary IRI is
  expected), never into a string that would expand back to another IRI;
- literals keep their lexical form as a string ``@value`` (numbers and booleans too), so
  ``toRdf`` gives back the very literal.

>>> import pyoxigraph as ox
>>> p = ox.NamedNode("https://w3id.org/dlkg/ontology#runsOn")
>>> t = ox.Triple(ox.NamedNode("https://w3id.org/dlkg/resource/Torch"), p, ox.NamedNode("https://w3id.org/dlkg/resource/iOS"))
>>> JsonLdWriter(context_document()["@context"]).node([t])
{'id': 'res:Torch', 'runsOn': 'res:iOS'}
>>> document_loader(CONTEXT_URL)["documentUrl"]
'https://w3id.org/dlkg/ontology/1.0.0/context.jsonld'
>>> document_loader("https://example.org/evil.jsonld")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pyld.jsonld.JsonLdError: ('Refusing to load a remote JSON-LD document: https://example.org/evil.jsonld ...',)
Type: loading document failed
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import IO

import pyoxigraph as ox

from dlkg.errors import InputError
from dlkg.namespaces import RDF, XSD
from dlkg.resources import ONTOLOGY_DIR
from dlkg.terms import sort_key

__all__ = ["CONTEXT_URL", "FRAME_FILE", "CONTEXT_FILE", "document_loader", "context_document", "frame_document",
           "JsonLdWriter", "Frame", "write_document", "sorted_subjects"]

#: The published IRI of dlkg's JSON-LD context; its version follows the ontology's.
CONTEXT_URL = "https://w3id.org/dlkg/ontology/1.0.0/context.jsonld"
CONTEXT_FILE = ONTOLOGY_DIR / "context.jsonld"
FRAME_FILE = ONTOLOGY_DIR / "frame.jsonld"
_LOCAL = {CONTEXT_URL: CONTEXT_FILE}

_RDF_TYPE = RDF + "type"
_XSD_STRING = XSD + "string"


@cache
def _read(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def document_loader(url: str, options: dict | None = None) -> dict:
    """A pyld document loader: dlkg's own context from the package, nothing from the network."""
    from pyld import jsonld

    if url in _LOCAL:
        return {"contextUrl": None, "documentUrl": url, "document": _read(_LOCAL[url])}
    raise jsonld.JsonLdError(f"Refusing to load a remote JSON-LD document: {url} (dlkg never fetches contexts).",
                             "loading document failed")


def context_document() -> dict:
    """The committed context file's content."""
    return _read(CONTEXT_FILE)


def frame_document() -> dict:
    """The committed frame file's content."""
    return _read(FRAME_FILE)


# -- the compactor -----------------------------------------------------------------------

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class _Definition:
    """One context term: its IRI, its type coercion (``@id``, ``@vocab``, a datatype IRI or
    None) and its container (``@language`` or None; a term with anything else is never used)."""

    name: str
    iri: str
    coerce: str | None = None
    container: str | None = None


class JsonLdWriter:
    """Compacts triples into JSON-LD node objects with one context (a dict, as in a context
    document's ``@context``): JSON-LD 1.1 compaction for what RDF gives, without an
    expanded document in between.

    Args:
        context: The context's definitions (``@vocab``, prefixes, terms); no remote contexts.

    Raises:
        InputError: the context uses what the writer does not read (a remote or nested context).
    """

    def __init__(self, context: Mapping) -> None:
        if not isinstance(context, Mapping):
            raise InputError("the JSON-LD writer needs the context's definitions, not a reference", param="context")
        self.vocab: str | None = context.get("@vocab")
        #: A default language makes plain strings language-tagged: then xsd:string is written typed.
        self.default_language = context.get("@language")
        self.names = {name for name in context if not name.startswith("@")}
        raw = {name: value for name, value in context.items() if not name.startswith("@")}
        self.aliases = {value: name for name, value in sorted(raw.items(), reverse=True)
                        if isinstance(value, str) and value.startswith("@")}
        self.prefixes: list[tuple[str, str]] = sorted(
            ((name, value) for name, value in raw.items() if isinstance(value, str) and not value.startswith("@")
             and value[-1:] in ":/?#[]@" and ":" not in name), key=lambda p: (-len(p[1]), p[0]))
        self.by_iri: dict[str, list[_Definition]] = {}
        for name, value in sorted(raw.items(), key=lambda item: (len(item[0]), item[0])):
            definition = self._definition(name, value)
            if definition is not None:
                self.by_iri.setdefault(definition.iri, []).append(definition)
        # Where a vocabulary IRI is read (@type, @vocab-typed values) a term stands for its own
        # IRI whatever its coercion: the shortest such term, as JSON-LD's term selection picks.
        self.terms: dict[str, str] = {}
        for name, value in sorted(raw.items(), key=lambda item: (len(item[0]), item[0])):
            target = value.get("@id") if isinstance(value, Mapping) else value
            if isinstance(target, str) and not target.startswith("@"):
                self.terms.setdefault(self._expand(target), name)
        self.id_key = self.aliases.get("@id", "@id")
        self.type_key = self.aliases.get("@type", "@type")
        self._caches: dict[str, dict[str, str]] = {"vocab": {}, "id": {}, "key": {}}

    def _definition(self, name: str, value) -> _Definition | None:
        if isinstance(value, str):
            return None if value.startswith("@") else _Definition(name, self._expand(value))
        if not isinstance(value, Mapping) or set(value) - {"@id", "@type", "@container"} or "@id" not in value:
            return None  # reverse, nested, scoped, language-tagged terms: the writer never picks them
        coerce = value.get("@type")
        if coerce is not None and coerce not in ("@id", "@vocab"):
            coerce = self._expand(coerce)
        container = value.get("@container")
        if container == "@set":
            container = None
        if container not in (None, "@language"):
            return None  # @list, @index, @graph...: the values are written under the compact IRI
        return _Definition(name, self._expand(value["@id"]), coerce, container)

    def _expand(self, value: str) -> str:
        """A context value (CURIE, vocabulary term or absolute IRI) as an absolute IRI."""
        prefix, colon, suffix = value.partition(":")
        if colon and not suffix.startswith("//"):
            for name, iri in self.prefixes:
                if name == prefix:
                    return iri + suffix
            return value
        return value if colon else (self.vocab or "") + value

    # -- IRIs ----------------------------------------------------------------------------

    def iri(self, iri: str, *, vocab: bool, key: bool = False) -> str:
        """The shortest string that expands back to ``iri``: with ``vocab`` (where a type or an
        ``@vocab``-typed value is read) the term for it or vocabulary-relative; else a CURIE or
        the IRI itself. A ``key`` (a property no term fits) is never a term: a term's
        coercion would change the values under it.

        >>> writer = JsonLdWriter(context_document()["@context"])
        >>> dlkg = "https://w3id.org/dlkg/ontology#"
        >>> writer.iri(dlkg + "runsOn", vocab=True), writer.iri(dlkg + "runsOn", vocab=True, key=True)
        ('runsOn', 'dlkg:runsOn')
        >>> writer.iri(dlkg + "Framework", vocab=True), writer.iri(dlkg + "Framework", vocab=False)
        ('Framework', 'dlkg:Framework')

        Raises:
            InputError: the IRI cannot be written with this context (its scheme is a prefix).
        """
        cache = self._caches["key" if key else "vocab" if vocab else "id"]
        found = cache.get(iri)
        if found is None:
            found = cache[iri] = self._compact_iri(iri, vocab, terms=vocab and not key)
        return found

    def _usable(self, text: str) -> bool:
        # A string that is a term, a keyword or looks like an IRI with a scheme would expand
        # to something else.
        return bool(text) and text not in self.names and not text.startswith("@")

    def _compact_iri(self, iri: str, vocab: bool, *, terms: bool) -> str:
        if terms and iri in self.terms:
            return self.terms[iri]
        if vocab and self.vocab and iri.startswith(self.vocab):
            suffix = iri[len(self.vocab):]
            if self._usable(suffix) and ":" not in suffix:
                return suffix
        for name, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                suffix = iri[len(namespace):]
                curie = f"{name}:{suffix}"
                if not suffix.startswith("//") and curie not in self.names:
                    return curie
        scheme, _, rest = iri.partition(":")
        if scheme in self.names and not rest.startswith("//"):
            raise InputError(f"the IRI {iri} cannot be written in JSON-LD with this context: {scheme!r} is one of its "
                             "terms", param="format")
        return iri

    def _reference(self, term: ox.NamedNode | ox.BlankNode, *, vocab: bool = False) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else self.iri(term.value, vocab=vocab)

    # -- values --------------------------------------------------------------------------

    def _expanded_value(self, term: Term) -> object:
        """A value in the form every JSON-LD processor reads the same under any key."""
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            datatype = term.datatype.value
            if datatype == _XSD_STRING and self.default_language is None:
                return term.value
            return {"@value": term.value, "@type": self.iri(datatype, vocab=True)}
        if isinstance(term, (ox.NamedNode, ox.BlankNode)):
            return {self.id_key: self._reference(term)}
        raise InputError(f"JSON-LD cannot write the quoted triple {term}", param="format")

    def _with_term(self, definition: _Definition, term: Term) -> object | None:
        """The value written under ``definition``'s term, or None if the term does not fit it."""
        if isinstance(term, ox.Literal):
            if definition.container == "@language":
                return term.value if term.language else None
            if definition.coerce is None:
                return None if definition.container else self._expanded_value(term)
            if term.language is None and definition.coerce == term.datatype.value:
                return term.value
            return None
        if definition.container is not None:
            return None
        if definition.coerce == "@id":
            return self._reference(term)
        if definition.coerce == "@vocab" and isinstance(term, ox.NamedNode):
            return self.iri(term.value, vocab=True)
        return self._expanded_value(term) if definition.coerce is None else None

    # -- nodes ---------------------------------------------------------------------------

    def node(self, triples: Iterable[ox.Triple], *, embed: Callable[[ox.Triple], dict | None] | None = None) -> dict:
        """One node object from its triples (one subject, sorted by :func:`dlkg.terms.triple_key`).

        ``embed(triple)`` may give a node object to write in place of the triple's object (framing).
        """
        node: dict = {}
        types: list[str] = []
        subject = None
        for triple in triples:
            if subject is None:
                subject = triple.subject
                node[self.id_key] = self._reference(subject)
                node[self.type_key] = types
            obj = triple.object
            predicate = triple.predicate.value
            if predicate == _RDF_TYPE and not isinstance(obj, ox.Literal):
                types.append(self._reference(obj, vocab=True))
                continue
            nested = embed(triple) if embed is not None else None
            key, value, language = self._property(predicate, obj, nested)
            if language is not None:
                languages = node.setdefault(key, {})
                languages.setdefault(language, []).append(value)
            else:
                node.setdefault(key, []).append(value)
        if not types:
            del node[self.type_key]
        for key, values in node.items():
            if isinstance(values, list) and len(values) == 1:
                node[key] = values[0]
            elif isinstance(values, dict) and key != self.id_key:
                for language, texts in values.items():
                    if len(texts) == 1:
                        values[language] = texts[0]
        return node

    def _property(self, predicate: str, obj: Term, nested: dict | None) -> tuple[str, object, str | None]:
        """(key, value, language-map key or None) for one property value."""
        for definition in self.by_iri.get(predicate, ()):
            if nested is not None:
                if definition.container is None and (definition.coerce in ("@id", None)
                                                     or (definition.coerce == "@vocab" and isinstance(obj, ox.NamedNode))):
                    return definition.name, nested, None
                continue
            value = self._with_term(definition, obj)
            if value is not None:
                language = obj.language if definition.container == "@language" else None
                return definition.name, value, language
        key = self.iri(predicate, vocab=True, key=True)
        return key, nested if nested is not None else self._expanded_value(obj), None


# -- framing -----------------------------------------------------------------------------

@dataclass
class Frame:
    """A JSON-LD frame as the writer applies it: nodes of ``type`` at the top, each nesting the
    nodes its properties reach (``@embed: @always``, but never a node already above it)
    unless a property's frame says ``@never``; properties a frame does not name inherit
    its ``@embed``.

    >>> frame = Frame.read(frame_document(), JsonLdWriter(context_document()["@context"]))
    >>> frame.type, frame.embed, frame.properties["https://w3id.org/dlkg/ontology#hasBackend"].embed
    ('https://w3id.org/dlkg/ontology#Framework', True, False)
    """

    type: str | None
    embed: bool
    properties: dict[str, Frame] = field(default_factory=dict)

    @classmethod
    def read(cls, document: Mapping, writer: JsonLdWriter, *, inherited: bool = True) -> Frame:
        """A frame document's frame, its terms expanded by ``writer``'s context.

        Raises:
            InputError: an ``@embed`` value the writer does not apply (``@once`` is not kept).
        """
        embed = document.get("@embed", "@always" if inherited else "@never")
        if embed not in ("@always", "@never"):
            raise InputError(f"the frame's @embed {embed!r} is not applied (only @always and @never)", param="frame")
        kind = document.get("@type")
        frame = cls(writer._expand(kind) if isinstance(kind, str) else None, embed == "@always")
        for key, value in document.items():
            if not key.startswith("@") and isinstance(value, Mapping):
                iri = next((d.iri for ds in writer.by_iri.values() for d in ds if d.name == key), writer._expand(key))
                frame.properties[iri] = cls.read(value, writer, inherited=frame.embed)
        return frame

    def below(self, predicate: str) -> Frame:
        """The frame of a property's values: its own, or one that inherits ``@embed``."""
        return self.properties.get(predicate) or Frame(None, self.embed)


# -- documents ---------------------------------------------------------------------------

def sorted_subjects(lines: Iterable[bytes]) -> list[list[bytes]]:
    """N-Triples lines (as Oxigraph writes them, each once) grouped by subject, the groups in
    the order of :func:`dlkg.terms.sort_key` of their subjects: IRIs, then blank nodes.

    >>> [len(g) for g in sorted_subjects([b'_:b <http://e/p> "1" .', b'<http://e/a> <http://e/p> "1" .', b'<http://e/a> <http://e/q> "2" .'])]
    [2, 1]
    """
    groups: dict[bytes, list[bytes]] = {}
    for line in lines:
        if line:
            groups.setdefault(line[:line.index(b" ")], []).append(line)
    # Subject order: IRIs before blank nodes; by value (UTF-8 bytes sort as code points).
    return [groups[s] for s in sorted(groups, key=lambda s: (0, s[1:-1]) if s[:1] == b"<" else (1, s[2:]))]


def _triples(group: list[bytes]) -> list[ox.Triple]:
    triples = [ox.Triple(t.subject, t.predicate, t.object)
               for t in ox.parse(b"\n".join(group), format=ox.RdfFormat.N_TRIPLES)]
    triples.sort(key=lambda t: (t.predicate.value, sort_key(t.object)))
    return triples


def write_document(out: IO[bytes], lines: Iterable[bytes], context: Mapping, *, context_value: object,
                   frame: Mapping | None = None) -> None:
    """Write a JSON-LD document ``{"@context": ..., "@graph": [...]}`` of a graph to ``out``,
    one node object at a time, in subject order; the same graph always gives the same bytes.

    Args:
        out: A binary file.
        lines: The graph as N-Triples lines written by Oxigraph, each once, blank nodes
            already named as they should appear.
        context: The context's definitions the nodes are compacted with.
        context_value: What the document's ``@context`` says (the definitions or their URL).
        frame: A frame document: its typed nodes first, nesting what they reach, then every
            triple no nested node holds, as flat nodes (so nothing is lost).
    """
    writer = JsonLdWriter(context)
    groups = sorted_subjects(lines)
    out.write(b'{\n  "@context": ' + _dumps(context_value, 2).encode("utf-8") + b',\n  "@graph": [')
    first = True
    for node in (_framed(writer, groups, Frame.read(frame, writer)) if frame is not None
                 else (writer.node(_triples(group)) for group in groups)):
        out.write((",\n    " if not first else "\n    ") .encode() + _dumps(node, 4).encode("utf-8"))
        first = False
    out.write(b"\n  ]\n}\n" if not first else b"]\n}\n")


def _dumps(value: object, indent: int) -> str:
    # The strings JSON writes hold no raw newline: each newline starts a line to indent.
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * indent)


def _framed(writer: JsonLdWriter, groups: list[list[bytes]], frame: Frame) -> Iterator[dict]:
    """The frame's nodes, then the rest: framing nests any node anywhere, so the graph is held."""
    index: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]] = {}
    for group in groups:
        triples = _triples(group)
        index[triples[0].subject] = triples
    reached: set[ox.Triple] = set()

    def render(subject, current: Frame, above: frozenset) -> dict:
        triples = index[subject]
        reached.update(triples)

        def embed(triple: ox.Triple) -> dict | None:
            below = current.below(triple.predicate.value)
            obj = triple.object
            if below.embed and obj in index and obj not in above and obj != subject:
                return render(obj, below, above | {subject})
            return None

        return writer.node(triples, embed=embed)

    rdf_type = ox.NamedNode(_RDF_TYPE)
    kind = ox.NamedNode(frame.type) if frame.type else None
    roots = [s for s, triples in index.items()
             if kind is None or any(t.predicate == rdf_type and t.object == kind for t in triples)]
    for subject in roots:
        yield render(subject, frame, frozenset())
    for subject, triples in index.items():
        rest = [t for t in triples if t not in reached]
        if rest:
            yield writer.node(rest)
