"""JSON-LD without the network: a document loader that serves dlkg's context and frame from
the package and refuses every other URL, and the JSON-LD views (compacted, framed, schema.org).

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
from functools import cache

from pyld import jsonld

from dlkg.resources import ONTOLOGY_DIR

__all__ = ["CONTEXT_URL", "FRAME_FILE", "CONTEXT_FILE", "document_loader", "context_document", "frame_document"]

#: The published IRI of dlkg's JSON-LD context; its version follows the ontology's.
CONTEXT_URL = "https://w3id.org/dlkg/ontology/1.0.0/context.jsonld"
CONTEXT_FILE = ONTOLOGY_DIR / "context.jsonld"
FRAME_FILE = ONTOLOGY_DIR / "frame.jsonld"
_LOCAL = {CONTEXT_URL: CONTEXT_FILE}


@cache
def _read(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def document_loader(url: str, options: dict | None = None) -> dict:
    """A pyld document loader: dlkg's own context from the package, nothing from the network."""
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
