"""Where the packaged ontology, data, shapes, QC checks and canned queries live.

In a wheel they sit inside the package (``dlkg/_files/``); in a source checkout they are the
plain top-level folders ``ontology/``, ``data/`` and ``queries/``.

>>> ONTOLOGY_FILE.name, DATA_FILE.name, CURRENT_FILE.name
('dlkg.ttl', 'frameworks.ttl', 'current.ttl')
>>> ONTOLOGY_FILE.is_file() and DATA_FILE.is_file() and CURRENT_FILE.is_file() and SHAPES_FILE.is_file()
True
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ROOT",
    "ONTOLOGY_DIR",
    "ONTOLOGY_FILE",
    "SHAPES_FILE",
    "QC_DIR",
    "DATA_FILE",
    "CURRENT_FILE",
    "QUERIES_DIR",
    "ONTOLOGY_GRAPH",
    "DATA_GRAPH",
    "CURRENT_GRAPH",
    "ONTOLOGY_IRI",
    "DLKG",
    "RES",
]


def _root() -> Path:
    packaged = Path(__file__).resolve().parent / "_files"
    if (packaged / "ontology").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


ROOT: Path = _root()
ONTOLOGY_DIR: Path = ROOT / "ontology"
ONTOLOGY_FILE: Path = ONTOLOGY_DIR / "dlkg.ttl"
SHAPES_FILE: Path = ONTOLOGY_DIR / "shapes.ttl"
QC_DIR: Path = ONTOLOGY_DIR / "qc"
DATA_FILE: Path = ROOT / "data" / "frameworks.ttl"
#: The current view (facts read from public pages), beside the book's view in DATA_FILE.
CURRENT_FILE: Path = ROOT / "data" / "current.ttl"
QUERIES_DIR: Path = ROOT / "queries"

ONTOLOGY_IRI = "https://w3id.org/dlkg/ontology"
DLKG = "https://w3id.org/dlkg/ontology#"
RES = "https://w3id.org/dlkg/resource/"
#: Named graphs the ontology and the data are loaded into (documented in the README).
ONTOLOGY_GRAPH = "https://w3id.org/dlkg/graph/ontology"
DATA_GRAPH = "https://w3id.org/dlkg/graph/data"
#: The named graph of the current view; it is queried with the ontology, without DATA_GRAPH.
CURRENT_GRAPH = "https://w3id.org/dlkg/graph/current"
