"""What the pages show, read from the store by SPARQL: the table with its facets, a framework's
profile, any resource's description, the ontology's terms and the canned queries.

The store is read-only while the server runs, so what every page needs once (labels, the
table in each language, the facet values) is read once and kept.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from dlkg.errors import UsageError
from dlkg.resources import DLKG, RES
from dlkg.stores import QueryResult, Store
from dlkg.table import Table, build_table

__all__ = ["Site", "Option", "FacetState", "LEVELS", "FACET_PROPERTIES", "local_path"]

_PREFIXES = f"""PREFIX dlkg: <{DLKG}>
PREFIX res: <{RES}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
W3ID = "https://w3id.org/dlkg/"

#: URL parameter -> support level IRI, in the order the page offers them.
LEVELS: dict[str, str] = {"supported": DLKG + "Supported", "not-supported": DLKG + "NotSupported",
                          "conditional": DLKG + "Conditional"}
#: Facet parameter -> (dlkg.find facet name, property linking a framework to the value).
FACET_PROPERTIES: dict[str, tuple[str, str]] = {
    "interface": ("interface", DLKG + "hasInterface"),
    "platform": ("platform", DLKG + "runsOn"),
    "language": ("language", DLKG + "implementedIn"),
}
#: dlkg.find's facet names -> the page's URL parameters (for error messages).
_PARAMETER_OF = {"supports": "capability", "lacks": "capability"}
#: Profile properties of a framework, in the order the page lists them.
PROFILE_PROPERTIES = ("developedBy", "implementedIn", "runsOn", "hasInterface", "hasBackend", "integratesWith",
                      "adoptedBy")


def local_path(iri: str) -> str | None:
    """The local server path that serves a dlkg IRI (``None`` for IRIs of other vocabularies).

    >>> local_path("https://w3id.org/dlkg/resource/Caffe"), local_path("https://w3id.org/dlkg/ontology#Framework")
    ('/resource/Caffe', '/ontology#Framework')
    >>> local_path("http://www.w3.org/2002/07/owl#Class") is None
    True
    """
    if iri.startswith(W3ID):
        return "/" + iri[len(W3ID):]
    return None


@dataclass(frozen=True)
class Option:
    """One value of a facet: what goes in the URL, what is shown, how many frameworks have it."""

    value: str
    label: str
    count: int = 0


@dataclass
class FacetState:
    """The facet values a request selected, and the frameworks that match them all."""

    selected: dict[str, list[str]] = field(default_factory=dict)
    level: str = ""
    matches: list[str] | None = None  # framework IRIs; None: no filter given
    error: str = ""

    @property
    def active(self) -> bool:
        return self.matches is not None


class Site:
    """Read-only views of one store for the pages, cached."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._tables: dict[str, Table] = {}

    def query(self, text: str, **bindings: ox.NamedNode | ox.Literal) -> QueryResult:
        """Run one of the pages' own (vetted) queries."""
        return self.store.query(_PREFIXES + text, bindings=bindings or None)

    # -- labels ------------------------------------------------------------------------

    @cached_property
    def _labels(self) -> dict[str, dict[str, str]]:
        labels: dict[str, dict[str, str]] = {}
        for subject, label in self.query("SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(isIRI(?s)) }").rows:
            labels.setdefault(subject.value, {}).setdefault(label.language or "", label.value)
        return labels

    def label(self, iri: str, lang: str = "en") -> str:
        """The IRI's label in ``lang`` (else English, else untagged, else its local name)."""
        found = self._labels.get(iri, {})
        for key in (lang, "en", ""):
            if found.get(key):
                return found[key]
        return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri

    def has_label(self, iri: str, lang: str) -> bool:
        return lang in self._labels.get(iri, {})

    # -- Table 14.1 and its facets ---------------------------------------------------------

    def table(self, lang: str) -> Table:
        """Table 14.1 rebuilt from the graph (:func:`dlkg.table.build_table`), per language."""
        with self._lock:
            if lang not in self._tables:
                self._tables[lang] = build_table(lang=lang, store=self.store)
            return self._tables[lang]

    @cached_property
    def cell_levels(self) -> dict[tuple[str, int], str]:
        """(framework IRI, column index) -> the statement's actual support level parameter
        (``supported``, ``not-supported``, ``conditional``), for colouring the table's cells."""
        columns = [row[0].value for row in self.query(
            "SELECT ?column WHERE { ?column a dlkg:TableColumn ; dcterms:isPartOf res:Table14-1 ; "
            "dlkg:position ?position } ORDER BY ?position").rows]
        index = {column: i for i, column in enumerate(columns)}
        by_level = {iri: name for name, iri in LEVELS.items()}
        levels = {}
        for framework, column, level in self.query(
                "SELECT ?framework ?column ?level WHERE { ?s a dlkg:CapabilityStatement ; "
                "dlkg:statementAbout ?framework ; dlkg:column ?column ; dlkg:supportLevel ?level }").rows:
            if column.value in index and level.value in by_level:
                levels[(framework.value, index[column.value])] = by_level[level.value]
        return levels

    @cached_property
    def _facet_counts(self) -> dict[str, list[tuple[str, int]]]:
        counts = {}
        for name, (_, prop) in FACET_PROPERTIES.items():
            rows = self.query(f"SELECT ?value (COUNT(DISTINCT ?framework) AS ?n) WHERE {{ "
                              f"?framework a dlkg:Framework ; <{prop}> ?value }} GROUP BY ?value").rows
            counts[name] = [(value.value, int(n.value)) for value, n in rows]
        return counts

    def facet_options(self, lang: str) -> dict[str, list[Option]]:
        """The values of each facet (interface, platform, language): English label in the URL,
        the label in ``lang`` on the page, sorted by English label."""
        options = {}
        for name, values in self._facet_counts.items():
            items = [Option(self.label(iri, "en"), self.label(iri, lang), n) for iri, n in values]
            options[name] = sorted(items, key=lambda o: (o.value.casefold(), o.value))
        return options

    @cached_property
    def capabilities(self) -> list[tuple[str, str]]:
        """(short name, capability IRI) of every capability, in the table's column order first."""
        rows = self.query("SELECT ?capability ?short (MIN(?position) AS ?column) WHERE { "
                          "?capability a dlkg:Capability ; skos:notation ?short . "
                          "OPTIONAL { ?c dlkg:capabilityColumn ?capability ; dlkg:position ?position } } "
                          "GROUP BY ?capability ?short").rows
        ordered = sorted(rows, key=lambda r: (int(r[2].value) if r[2] is not None else 99, r[1].value))
        return [(short.value, capability.value) for capability, short, _ in ordered]

    def capability_options(self, lang: str) -> list[Option]:
        return [Option(short, self.label(iri, lang)) for short, iri in self.capabilities]

    def level_options(self, lang: str) -> list[Option]:
        return [Option(name, self.label(iri, lang)) for name, iri in LEVELS.items()]

    def frameworks(self) -> list[str]:
        """Framework IRIs in the table's row order."""
        return [row.framework for row in self.table("en").rows]

    def filter(self, params: Mapping[str, Sequence[str]]) -> FacetState:
        """The frameworks matching every selected facet value.

        ``interface``, ``platform``, ``language``: every given value must hold (as ``dlkg
        find``). ``capability`` with ``level`` (``supported``, the default, ``not-supported``,
        ``conditional``): every given capability has that support level. A ``level`` without
        capabilities: the framework has some capability at that level.
        """
        from dlkg.find import find, resolve

        state = FacetState()
        facets: dict[str, list[str]] = {}
        for name, (facet, _) in FACET_PROPERTIES.items():
            values = [v for v in params.get(name, []) if v]
            if values:
                state.selected[name] = values
                facets[facet] = values
        capabilities = [v for v in params.get("capability", []) if v]
        if capabilities:
            state.selected["capability"] = capabilities
        levels = [v for v in params.get("level", []) if v]
        state.level = levels[-1] if levels else ""
        if state.level and state.level not in LEVELS:
            state.error = f"unknown support level {state.level!r}; known: {', '.join(LEVELS)}"
            state.matches = []
            return state
        if not facets and not capabilities and not state.level:
            return state
        level = state.level or "supported"
        try:
            if capabilities and level == "supported":
                facets["supports"] = capabilities
            elif capabilities and level == "not-supported":
                facets["lacks"] = capabilities
            matched = [row[0].value for row in find(store=self.store, **facets).rows]
            if capabilities and level == "conditional":
                for capability in capabilities:
                    iri = resolve("supports", capability, self.store)
                    allowed = {row[0].value for row in self.query(
                        "SELECT DISTINCT ?framework WHERE { ?s dlkg:statementAbout ?framework ; "
                        "dlkg:capability ?capability ; dlkg:supportLevel dlkg:Conditional }", capability=iri).rows}
                    matched = [f for f in matched if f in allowed]
            elif not capabilities and state.level:
                allowed = {row[0].value for row in self.query(
                    "SELECT DISTINCT ?framework WHERE { ?s dlkg:statementAbout ?framework ; dlkg:supportLevel ?level }",
                    level=ox.NamedNode(LEVELS[level])).rows}
                matched = [f for f in matched if f in allowed]
        except UsageError as err:
            facet = err.param or ""
            state.error = f"{_PARAMETER_OF.get(facet, facet)}: {err.message}"
            state.matches = []
            return state
        order = {iri: i for i, iri in enumerate(self.frameworks())}
        state.matches = sorted(matched, key=lambda iri: order.get(iri, len(order)))
        return state

    # -- resources -----------------------------------------------------------------------

    def exists(self, iri: str) -> bool:
        """Whether the store says anything about the IRI (as subject or object)."""
        return bool(self.query("ASK { { ?r ?p ?o } UNION { ?s ?q ?r } }", r=ox.NamedNode(iri)).boolean)

    def describe(self, iri: str) -> list[ox.Triple]:
        """The IRI's triples: those it is the subject of, and those that point at it."""
        return list(self.query("CONSTRUCT { ?r ?p ?o . ?s ?q ?r } WHERE { { ?r ?p ?o } UNION { ?s ?q ?r } }",
                               r=ox.NamedNode(iri)).triples)

    def is_framework(self, iri: str) -> bool:
        return bool(self.query("ASK { ?r a dlkg:Framework }", r=ox.NamedNode(iri)).boolean)

    def framework(self, iri: str, lang: str) -> dict:
        """What a framework's page shows: profile, capabilities with their sources, strengths
        and weaknesses with their sources, links."""
        node = ox.NamedNode(iri)
        positions = {(entry_value.value, prop.value): int(position.value)
                     for entry_value, prop, position in self.query(
                         "SELECT ?value ?property ?position WHERE { ?entry dlkg:entryOf ?f ; dlkg:value ?value ; "
                         "dlkg:position ?position ; dlkg:column/dlkg:listProperty ?property }", f=node).rows}
        profile = []
        for local in PROFILE_PROPERTIES:
            prop = DLKG + local
            values = [row[0].value for row in self.query("SELECT ?o WHERE { ?f ?p ?o }", f=node,
                                                         p=ox.NamedNode(prop)).rows]
            if values:
                values.sort(key=lambda v: (positions.get((v, prop), 99), self.label(v, "en").casefold()))
                profile.append({"property": prop, "label": self.label(prop, lang),
                                "terms": [self._link(v, lang) for v in values]})

        sources = self._sources(
            "SELECT ?item ?source WHERE { { ?item dlkg:statementAbout ?f } UNION "
            "{ ?f dlkg:hasStrength|dlkg:hasWeakness ?item } ?item prov:wasDerivedFrom ?source }", node, lang)
        notes = {item.value: note.value for item, note in self.query(
            "SELECT ?item ?note WHERE { { ?item dlkg:statementAbout ?f } UNION { ?f dlkg:hasStrength|dlkg:hasWeakness ?item } "
            "?item dlkg:sourceNote ?note }", f=node).rows}
        capability_order = {iri: i for i, (_, iri) in enumerate(self.capabilities)}
        level_names = {v: k for k, v in LEVELS.items()}
        capabilities = []
        for statement, capability, level, condition, marker in self.query(
                "SELECT ?statement ?capability ?level ?condition ?marker WHERE { "
                "?statement dlkg:statementAbout ?f ; dlkg:capability ?capability ; dlkg:supportLevel ?level . "
                "OPTIONAL { ?statement dlkg:condition ?condition FILTER(LANG(?condition) = ?lang) } "
                "OPTIONAL { ?statement dlkg:footnote/dlkg:marker ?marker } }",
                f=node, lang=ox.Literal(lang)).rows:
            capabilities.append({
                "iri": statement.value, "path": local_path(statement.value),
                "capability": self._link(capability.value, lang),
                "level": level_names.get(level.value, ""), "level_label": self.label(level.value, lang),
                "condition": condition.value if condition else "", "marker": marker.value if marker else "",
                "sources": sources.get(statement.value, []), "note": notes.get(statement.value, ""),
                "order": capability_order.get(capability.value, 99)})
        capabilities.sort(key=lambda c: c["order"])

        bullets: dict[str, list[dict]] = {"strength": [], "weakness": []}
        concerns: dict[str, list[dict]] = {}
        for bullet, capability in self.query(
                "SELECT ?bullet ?capability WHERE { ?f dlkg:hasStrength|dlkg:hasWeakness ?bullet . "
                "?bullet dlkg:concernsCapability ?capability }", f=node).rows:
            concerns.setdefault(bullet.value, []).append(self._link(capability.value, lang))
        for bullet, kind, _, zh, en in self.query(
                "SELECT ?bullet ?kind ?position ?zh ?en WHERE { "
                "{ ?f dlkg:hasStrength ?bullet BIND(\"strength\" AS ?kind) } UNION "
                "{ ?f dlkg:hasWeakness ?bullet BIND(\"weakness\" AS ?kind) } "
                "?bullet dlkg:position ?position ; dlkg:text ?zh , ?en . "
                "FILTER(LANG(?zh) = \"zh\" && LANG(?en) = \"en\") } ORDER BY ?position", f=node).rows:
            bullets[kind.value].append({
                "iri": bullet.value, "path": local_path(bullet.value), "zh": zh.value, "en": en.value,
                "sources": sources.get(bullet.value, []), "note": notes.get(bullet.value, ""),
                "concerns": concerns.get(bullet.value, [])})
        zoos = [row[0].value for row in self.query("SELECT ?zoo WHERE { ?f dlkg:modelZoo ?zoo } ORDER BY ?zoo",
                                                   f=node).rows]
        derived = [self._link(row[0].value, lang) for row in self.query(
            "SELECT ?source WHERE { ?f prov:wasDerivedFrom ?source } ORDER BY ?source", f=node).rows]
        # Where the OCR lost part of the framework's section, an empty list means "lost", not "none".
        section_notes = [row[0].value for row in self.query(
            "SELECT ?note WHERE { ?f prov:wasDerivedFrom ?section . ?section dlkg:sourceNote ?note }", f=node).rows]
        return {"iri": iri, "name": self.label(iri, "en"), "profile": profile, "capabilities": capabilities,
                "strengths": bullets["strength"], "weaknesses": bullets["weakness"], "model_zoos": zoos,
                "derived_from": derived, "section_note": " ".join(section_notes)}

    def _sources(self, text: str, node: ox.NamedNode, lang: str) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for item, source in self.query(text, f=node).rows:
            found.setdefault(item.value, []).append(self._link(source.value, lang))
        for links in found.values():
            links.sort(key=lambda link: link["label"])
        return found

    def _link(self, iri: str, lang: str) -> dict:
        return {"iri": iri, "label": self.label(iri, lang), "path": local_path(iri)}

    def term(self, term, lang: str) -> dict:
        """A term of a description, ready for a template: a link, a literal or a blank node."""
        if isinstance(term, ox.NamedNode):
            return {"kind": "iri", **self._link(term.value, lang)}
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            short = datatype.rsplit("#", 1)[-1] if datatype != "http://www.w3.org/2001/XMLSchema#string" else ""
            return {"kind": "literal", "value": term.value, "language": term.language or "",
                    "datatype": "" if term.language else short}
        return {"kind": "blank", "value": str(term)}

    def resource(self, iri: str, lang: str) -> dict:
        """Any resource's page: its label, its types, what it says and what points at it."""
        node = ox.NamedNode(iri)
        outgoing: dict[str, list[dict]] = {}
        for prop, value in self.query("SELECT ?p ?o WHERE { ?r ?p ?o } ORDER BY ?p ?o", r=node).rows:
            outgoing.setdefault(prop.value, []).append(self.term(value, lang))
        incoming: dict[str, list[dict]] = {}
        for subject, prop in self.query("SELECT ?s ?p WHERE { ?s ?p ?r } ORDER BY ?p ?s", r=node).rows:
            incoming.setdefault(prop.value, []).append(self.term(subject, lang))
        return {"iri": iri, "label": self.label(iri, lang),
                "outgoing": [{"property": self._link(p, lang), "terms": v} for p, v in outgoing.items()],
                "incoming": [{"property": self._link(p, lang), "terms": v} for p, v in incoming.items()]}

    # -- ontology ------------------------------------------------------------------------

    def ontology_terms(self, lang: str) -> list[dict]:
        """The dlkg terms, grouped by kind, each with label, comment, domain, range, parents."""
        kinds = (("Class", "owl:Class"), ("ObjectProperty", "owl:ObjectProperty"),
                 ("DatatypeProperty", "owl:DatatypeProperty"), ("AnnotationProperty", "owl:AnnotationProperty"),
                 ("NamedIndividual", "owl:NamedIndividual"))
        groups = []
        seen: set[str] = set()
        for kind, curie in kinds:
            terms = []
            for (term,) in self.query(
                    f"SELECT DISTINCT ?term WHERE {{ ?term a {curie} FILTER(STRSTARTS(STR(?term), STR(dlkg:))) }}").rows:
                if term.value in seen:
                    continue
                seen.add(term.value)
                details: dict[str, list[dict]] = {}
                for prop, value in self.query(
                        "SELECT ?p ?o WHERE { VALUES ?p { rdfs:subClassOf rdfs:subPropertyOf rdfs:domain rdfs:range "
                        "owl:equivalentClass owl:inverseOf } ?t ?p ?o FILTER(isIRI(?o)) }", t=term).rows:
                    details.setdefault(prop.value.rsplit("#", 1)[-1], []).append(self._link(value.value, lang))
                comments = {c.language: c.value for (c,) in self.query(
                    "SELECT ?c WHERE { ?t rdfs:comment ?c }", t=term).rows}
                terms.append({"iri": term.value, "anchor": term.value[len(DLKG):], "label": self.label(term.value, lang),
                              "comment": comments.get(lang) or comments.get("en") or "", "details": details})
            terms.sort(key=lambda t: t["anchor"].casefold())
            groups.append({"kind": kind, "terms": terms})
        return groups
