"""The web application: the SPARQL endpoint, linked data for every dlkg IRI, and the pages.

Routes:

- ``/sparql``: SPARQL 1.1 Protocol query operation (GET, POST form, POST direct), read-only,
  open to browser clients of any origin (CORS); without a query, the service description
  (:mod:`dlkg.serve.description`), or the editor for a browser;
- ``/resource/NAME``: the thing ``https://w3id.org/dlkg/resource/NAME``; 303 See Other to a
  document about it, ``/page/NAME`` (HTML) or ``/data/NAME.ttl`` (``.nt``, ``.jsonld``,
  ``.rdf``) by content negotiation; the 303 for an RDF type also carries the description;
- ``/data/NAME[.EXT]``: the description of a resource (its triples and those pointing at it);
- ``/ontology`` (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.html``): the ontology; its terms
  ``https://w3id.org/dlkg/ontology#Term`` are fragments of it, so it is answered directly
  (200, ``Vary: Accept``, ``Content-Location``); ``/ontology/1.0.0`` likewise, and
  ``/ontology/1.0.0/context.jsonld`` is the JSON-LD context;
- ``/graph/data``, ``/graph/ontology``: the two named graphs;
- ``/``: Table 14.1 rebuilt from the graph, with facet filters and a zh/en switch;
  ``/page/NAME``: a framework's page (or any resource's); ``/editor``: the SPARQL editor
  with the canned queries; ``/diagram``: the picture of the graph; ``/static/...``: the
  pages' own CSS and JavaScript (nothing from elsewhere).

Pages are rendered on the server and read without JavaScript; ``static/dlkg.js`` only makes
the filters apply at once and runs editor queries in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from dlkg import formats
from dlkg.errors import DlkgError, InputError, QueryTimeout, ResultTooLarge, StoreError, UpdateRefused
from dlkg.resources import DATA_GRAPH, ONTOLOGY_DIR, ONTOLOGY_GRAPH, ONTOLOGY_IRI, RES
from dlkg.executor import CheckedQuery, Dataset, QueryExecutor
from dlkg.serve.description import service_description
from dlkg.serve.fairness import FairSlots
from dlkg.serve.i18n import LANGUAGES, TEXT, pick_language
from dlkg.serve.negotiation import choose
from dlkg.serve.protocol import (
    FORMATS,
    GRAPH_FORMATS,
    LINKED_DATA_TYPES,
    ProtocolError,
    content_type,
    negotiate,
    parse_request,
    serialize,
    serialize_triples,
)
from dlkg.serve.security import LOOPBACK_HOSTS, Guard, RateLimit
from dlkg.serve.site import Site, template_environment
from dlkg.sparql import query_form
from dlkg.stores import QueryResult, Store, open_store, viewing

__all__ = ["create_app", "DEFAULT_QUERY_TIMEOUT", "DEFAULT_ROW_LIMIT", "DEFAULT_RATE_LIMIT", "DEFAULT_MAX_BODY"]

HERE = Path(__file__).resolve().parent
#: Seconds a query from a client may run.
DEFAULT_QUERY_TIMEOUT = 10.0
#: Most rows (or triples) a query result may have.
DEFAULT_ROW_LIMIT = 10_000
#: Requests per client: (bucket size, seconds to refill it).
DEFAULT_RATE_LIMIT = (120, 60.0)
#: Largest request body accepted, in bytes (a guard-sized query, form-encoded, fits).
DEFAULT_MAX_BODY = 512 * 1024

# Linked-data representations by URL extension, from the format table (dlkg.formats).
_EXTENSION_OF = {**{name: formats.FORMATS[name].extension for name in GRAPH_FORMATS}, "html": "html"}
_EXTENSIONS = {ext: name for name, ext in _EXTENSION_OF.items()}
_MEDIA_OF = {**{name: formats.FORMATS[name].media_type for name in GRAPH_FORMATS}, "html": "text/html"}
_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
             "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: Read-only paths any origin may read (and, for the endpoint, POST a query to).
_CORS_PATHS = ("/sparql", "/resource/", "/data/", "/ontology", "/graph/")
_GRAPHS = {"data": DATA_GRAPH, "ontology": ONTOLOGY_GRAPH}
#: Documents may be reused for a minute, then revalidated by their ETag (the store may be reloaded).
_DOCUMENT_CACHE = "public, max-age=60, must-revalidate"


class _Docs:
    """The ontology documentation and diagrams (:func:`dlkg.docs.build_docs`), drawn once
    into a temporary folder; ``error`` says why not when Graphviz (or dlkg.docs) is missing.

    They are drawn from the packaged files when the store holds the packaged graph (same
    triple counts), else from the store's own two graphs, exported first."""

    FILES = ("frameworks.svg", "frameworks.png", "classes.svg", "classes.png", "index.html")

    def __init__(self, store: Store, directory: Path | None = None) -> None:
        self.store = store
        self._own = directory is None
        self.directory = directory
        self.error = ""
        self.built = False
        self._lock = threading.Lock()

    def _sources(self, folder: Path) -> dict[str, Path]:
        from dlkg.export import serialize_triples as write_nt
        from dlkg.resources import DATA_FILE, ONTOLOGY_FILE
        from dlkg.stores import MemoryStore

        packaged = MemoryStore()
        graphs = {"ontology": ONTOLOGY_GRAPH, "data": DATA_GRAPH}
        if all(self.store.count(iri) == packaged.count(iri) for iri in graphs.values()):
            return {"ontology": ONTOLOGY_FILE, "data": DATA_FILE}
        sources = {}
        for name, iri in graphs.items():
            sources[name] = folder / f"served-{name}.nt"
            sources[name].write_bytes(write_nt(self.store.graph_triples(iri), "nt"))
        return sources

    def ensure(self) -> bool:
        with self._lock:
            if not self.built:
                self.built = True
                try:
                    from dlkg.docs import build_docs
                except ImportError:
                    self.error = "this dlkg has no dlkg.docs module"
                    return False
                if self.directory is None:
                    self.directory = Path(tempfile.mkdtemp(prefix="dlkg-serve-docs-"))
                try:
                    with tempfile.TemporaryDirectory(prefix="dlkg-serve-sources-") as folder:
                        build_docs(self.directory, **self._sources(Path(folder)))
                except (DlkgError, OSError) as err:
                    self.error = str(err)
            return not self.error

    def path(self, name: str) -> Path | None:
        if name not in self.FILES or not self.ensure() or self.directory is None:
            return None
        path = self.directory / name
        return path if path.is_file() else None

    def close(self) -> None:
        if self._own and self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)


class _Server:
    """Everything the routes share."""

    def __init__(self, store: Store, *, owns_store: bool, executor: QueryExecutor,
                 max_concurrent_queries: int, docs: _Docs) -> None:
        self.store = store
        self.owns_store = owns_store
        self.site = Site(store)
        #: One site per dated view the pages have shown, each on its own handle of the store.
        self._sites: dict[str, Site] = {}
        self._sites_lock = threading.Lock()
        self.executor = executor
        self.max_concurrent = max_concurrent_queries
        self._slots: FairSlots | None = None
        self.docs = docs
        self.templates = Jinja2Templates(env=template_environment())

    def site_for(self, view) -> Site:
        """The pages' reading of a dated view (:class:`~dlkg.timeviews.View`): the store's own
        view is :attr:`site`; another one reads a handle of the store pointed at it
        (:func:`dlkg.stores.viewing`), made once.

        Raises:
            UsageError: the store does not hold that view's graph.
        """
        from dlkg.timeviews import BOOK

        if view is (self.store.view or BOOK):
            return self.site
        with self._sites_lock:
            if view.name not in self._sites:
                self._sites[view.name] = Site(viewing(self.store, view))
            return self._sites[view.name]

    @property
    def slots(self) -> FairSlots:
        if self._slots is None:
            self._slots = FairSlots(self.max_concurrent)
        return self._slots

    async def run(self, query: CheckedQuery, dataset: Dataset, base_iri: str, fmt: str | None = None, *,
                  client: str = ""):
        """Run a checked query for ``client`` (its address) in a fair share of the query
        slots; the result, or with ``fmt`` its serialization, made in the query worker (only
        bytes cross the pipe)."""
        try:
            await self.slots.acquire(client, self.executor.timeout)
        except TimeoutError:
            raise ProtocolError(503, "the server is busy with other queries; retry shortly",
                                {"Retry-After": "5"}) from None
        try:
            render = partial(serialize, fmt=fmt) if fmt is not None else None
            return await self.executor.run_async(query, dataset=dataset, base_iri=base_iri, render=render)
        finally:
            self.slots.release(client)


#: The request field for each parameter name a library error may carry (``InputError.param``).
_REQUEST_FIELDS = {"dataset": "default-graph-uri/named-graph-uri"}


def _status_of(err: DlkgError) -> int:
    if isinstance(err, UpdateRefused):
        return 403  # the server is read-only
    if isinstance(err, InputError):
        return 400
    if isinstance(err, ResultTooLarge):
        # The query is fine but asks for more than the server gives at once (RFC 9110 422:
        # well-formed, not processable as sent); the client can page with LIMIT/OFFSET. Not
        # 413, which is about the request's own size, and not 500: nothing failed.
        return 422
    if isinstance(err, QueryTimeout):
        return 503
    if isinstance(err, StoreError):
        return 502
    return 500  # engine failures


def _client(request: Request) -> str:
    """Who asks, for fairness: the client's address."""
    return request.client.host if request.client else ""


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


# -- the SPARQL endpoint ---------------------------------------------------------------------

#: What ``GET /sparql`` without a query offers: the service description in each RDF format,
#: then the editor, so that only an Accept that prefers HTML gets the editor (ties: RDF).
_DESCRIPTION_TYPES = [*((m, f) for m, f in FORMATS["graph"] if f in ("turtle", "jsonld", "nt", "rdfxml")),
                      ("text/html", "html")]


async def _describe_service(request: Request) -> Response:
    """``GET /sparql`` with no query: the service description, or for a browser the editor."""
    server: _Server = request.app.state.server
    media = choose(request.headers.get("accept"), [m for m, _ in _DESCRIPTION_TYPES])
    if media is None:
        offered = ", ".join(dict.fromkeys(m for m, _ in _DESCRIPTION_TYPES))
        return _text(406, "missing the query parameter (SPARQL 1.1 Protocol: ?query=...); without one this "
                          f"URL answers its service description, as one of: {offered}", {"Vary": "Accept"})
    fmt = dict(_DESCRIPTION_TYPES)[media]
    if fmt == "html":
        return RedirectResponse("/editor", status_code=303, headers={"Vary": "Accept"})
    endpoint = str(request.url.replace(query="", fragment=""))
    triples = await run_in_threadpool(service_description, server.store, endpoint)
    return _document(request, serialize_triples(triples, fmt), {"Content-Type": content_type(media), "Vary": "Accept"})


#: Answers at least this long are gzipped for clients that accept it (smaller ones gain little).
_GZIP_FROM = 1024


def _compressed(request: Request, body: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """The body gzipped when it is long enough and the client accepts gzip; ``Vary`` says so.

    Done here for documents and query results rather than by a middleware around every
    response: a middleware's wrapping cost a fifth of the throughput of small answers."""
    if len(body) < _GZIP_FROM:
        return body, headers
    vary = ", ".join(filter(None, (headers.get("Vary"), "Accept-Encoding")))
    headers = {**headers, "Vary": vary}
    if not _accepts_gzip(request.headers.get("accept-encoding", "")):
        return body, headers
    import gzip

    return gzip.compress(body, compresslevel=6), {**headers, "Content-Encoding": "gzip"}


def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` header takes gzip (``q=0`` refuses it).

    >>> _accepts_gzip("gzip, deflate"), _accepts_gzip("br;q=1, gzip;q=0"), _accepts_gzip("*")
    (True, False, True)
    """
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip().removeprefix("q=").strip() if params.strip().startswith("q=") else "1"
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


def _document(request: Request, body: bytes, headers: dict[str, str], status: int = 200) -> Response:
    """A document's response: with a validator (a weak ``ETag``: gzip may re-encode it) and a
    short ``Cache-Control``; ``304 Not Modified`` when the client holds this very version."""
    tag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {**headers, "ETag": tag, "Cache-Control": _DOCUMENT_CACHE}
    if status == 200 and tag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        kept = {k: v for k, v in headers.items() if k in ("ETag", "Cache-Control", "Vary", "Content-Location")}
        return Response(status_code=304, headers=kept)
    body, headers = _compressed(request, body, headers)
    return Response(body, status_code=status, headers=headers)


async def sparql_endpoint(request: Request) -> Response:
    server: _Server = request.app.state.server
    params = request.query_params
    if request.method == "GET" and "query" not in params and "update" not in params:
        return await _describe_service(request)
    try:
        body = await request.body() if request.method == "POST" else b""
        parsed = parse_request(request.method, request.query_params.multi_items(),
                               request.headers.get("content-type"), body)
        checked = server.executor.check(parsed.query)
        form = query_form(parsed.query)
        kind = "graph" if form in ("construct", "describe") else form
        media, fmt = negotiate(kind, request.headers.get("accept"), parsed.formats)
        base = str(request.url.replace(query="", fragment=""))
        payload = await server.run(checked, parsed.dataset, base, fmt, client=_client(request))
    except ProtocolError as err:
        return _text(err.status, err.message, err.headers)
    except DlkgError as err:
        return _text(_status_of(err), err.describe(_REQUEST_FIELDS))
    payload, headers = _compressed(request, payload, {"Content-Type": content_type(media), "Vary": "Accept",
                                                      "Cache-Control": "no-store"})
    return Response(payload, media_type=None, headers=headers)


# -- linked data -------------------------------------------------------------------------------

def _negotiated(request: Request) -> str | None:
    media = choose(request.headers.get("accept"), [m for m, _ in LINKED_DATA_TYPES])
    return dict(LINKED_DATA_TYPES)[media] if media else None


def _document_format(request: Request, fmt: str | None, path: str) -> tuple[str, dict] | Response:
    """The format to answer a document request in, with its headers: the one the URL's
    extension names, or else the one ``Accept`` negotiates (then ``Vary`` and
    ``Content-Location`` say so); a 406 response when nothing acceptable is offered."""
    if fmt is not None:
        return fmt, {}
    fmt = _negotiated(request)
    if fmt is None:
        return _not_acceptable()
    return fmt, {"Vary": "Accept", "Content-Location": f"{path}.{_EXTENSION_OF[fmt]}"}


def _not_acceptable() -> Response:
    offered = ", ".join(dict.fromkeys(m for m, _ in LINKED_DATA_TYPES))
    return _text(406, f"none of the accepted media types is available here; available: {offered}",
                 {"Vary": "Accept"})


def _split_extension(name: str) -> tuple[str, str | None]:
    stem, dot, ext = name.rpartition(".")
    if dot and ext in _EXTENSIONS:
        return stem, _EXTENSIONS[ext]
    return name, None


def _resource_iri(name: str) -> str | None:
    try:
        return ox.NamedNode(RES + name).value if name and "#" not in name else None
    except ValueError:
        return None


def resource(request: Request) -> Response:
    """``/resource/NAME``: 303 See Other to the document that describes the thing."""
    server: _Server = request.app.state.server
    name = request.path_params["name"]
    iri = _resource_iri(name)
    if iri is None or not server.site.exists(iri):
        return _not_found(request)
    fmt = _negotiated(request)
    if fmt is None:
        return _not_acceptable()
    if fmt == "html":
        target = f"/page/{name}"
        link = html.escape(target)
        note = f'<!DOCTYPE html><title>See Other</title><p>See <a href="{link}">{link}</a></p>\n'
        return Response(note, status_code=303, media_type="text/html",
                        headers={"Location": target, "Vary": "Accept"})
    # The description comes along, so a client that does not follow redirects still gets it.
    body = serialize_triples(server.site.describe(iri), fmt)
    return _document(request, body, {"Location": f"/data/{name}.{_EXTENSION_OF[fmt]}",
                                      "Content-Type": content_type(_MEDIA_OF[fmt]), "Vary": "Accept"}, status=303)


def data(request: Request) -> Response:
    """``/data/NAME[.EXT]``: the description of a resource, as a document."""
    server: _Server = request.app.state.server
    name, fmt = _split_extension(request.path_params["name"])
    iri = _resource_iri(name)
    if iri is None or not server.site.exists(iri):
        return _not_found(request)
    chosen = _document_format(request, fmt, f"/data/{name}")
    if isinstance(chosen, Response):
        return chosen
    fmt, headers = chosen
    if fmt == "html":
        return RedirectResponse(f"/page/{name}", status_code=303, headers={"Vary": "Accept"} if headers else None)
    body = serialize_triples(server.site.describe(iri), fmt)
    return _document(request, body, {**headers, "Content-Type": content_type(_MEDIA_OF[fmt]),
                                      "Link": f'<{iri}>; rel="describes"'})


def ontology(request: Request) -> Response:
    """``/ontology[.EXT]`` (and ``/ontology/1.0.0``): the ontology; terms are its fragments."""
    server: _Server = request.app.state.server
    fmt = _EXTENSIONS.get(request.path_params.get("ext", ""), None)
    if "ext" in request.path_params and fmt is None:
        return _not_found(request)
    chosen = _document_format(request, fmt, "/ontology")
    if isinstance(chosen, Response):
        return chosen
    fmt, headers = chosen
    if fmt == "html":
        lang = _lang(request)
        response = _render(request, "ontology.html", lang, title=TEXT[lang]["nav_ontology"], nav="ontology",
                           groups=server.site.ontology_terms(lang), ontology_iri=ONTOLOGY_IRI,
                           has_docs=server.docs.ensure(), alternates=_alternates("/ontology"))
        response.headers.update(headers)
        return response
    body = serialize_triples(server.store.graph_triples(ONTOLOGY_GRAPH), fmt)
    return _document(request, body, {**headers, "Content-Type": content_type(_MEDIA_OF[fmt])})


def context_document(request: Request) -> Response:
    """The JSON-LD context published at ``https://w3id.org/dlkg/ontology/1.0.0/context.jsonld``."""
    return FileResponse(ONTOLOGY_DIR / "context.jsonld", media_type="application/ld+json")


def named_graph(request: Request) -> Response:
    """``/graph/data``, ``/graph/ontology``: a named graph's triples."""
    server: _Server = request.app.state.server
    name, fmt = _split_extension(request.path_params["name"])
    if name not in _GRAPHS:
        return _not_found(request)
    chosen = _document_format(request, fmt, f"/graph/{name}")
    if isinstance(chosen, Response):
        return chosen
    fmt, headers = chosen
    triples = server.store.graph_triples(_GRAPHS[name])
    if fmt == "html":
        lang = _lang(request)
        response = _render(request, "graph.html", lang, title=_GRAPHS[name], nav="", graph_iri=_GRAPHS[name],
                           count=len(triples), alternates=_alternates(f"/graph/{name}"))
        response.headers.update(headers)
        return response
    return _document(request, serialize_triples(triples, fmt), {**headers, "Content-Type": content_type(_MEDIA_OF[fmt])})


def _alternates(base: str) -> list[dict]:
    return [{"type": _MEDIA_OF[fmt], "href": f"{base}.{_EXTENSION_OF[fmt]}", "label": formats.FORMATS[fmt].label}
            for fmt in GRAPH_FORMATS]


# -- pages ---------------------------------------------------------------------------------------

def _lang(request: Request) -> str:
    return pick_language(request.query_params.get("lang"), request.headers.get("accept-language"))


def _url(path: str, params: Iterable[tuple[str, str]]) -> str:
    query = urlencode(list(params))
    return f"{path}?{query}" if query else path


def _render(request: Request, template: str, lang: str, *, status: int = 200, **context) -> Response:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    # One leading slash: a path like //evil.example/x must not become a protocol-relative link.
    path = "/" + request.url.path.lstrip("/")
    switch = {code: _url(path, [*params, ("lang", code)]) for code in LANGUAGES}
    response = request.app.state.server.templates.TemplateResponse(
        request, template, {"lang": lang, "t": TEXT[lang], "switch": switch, "alternates": [], **context},
        status_code=status)
    response.headers["Content-Security-Policy"] = _PAGE_CSP
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def _not_found(request: Request, message: str | None = None) -> Response:
    if choose(request.headers.get("accept"), ["text/plain", "text/html"]) == "text/html":
        lang = _lang(request)
        return _render(request, "error.html", lang, status=404, title=TEXT[lang]["not_found"],
                       message=message or TEXT[lang]["not_found"], nav="")
    return _text(404, message or f"nothing is served at {request.url.path}")


def _viewed(request: Request) -> tuple[Site, dict] | Response:
    """The site of the dated view a page asks for (``?view=2018|current`` or ``?as_of=DATE``,
    as ``--view`` and ``--as-of``; the store's own by default) and what the page's view switch
    shows; a 400 page for a view that is unknown or not in the store."""
    from dlkg.timeviews import BOOK, resolve, views

    server: _Server = request.app.state.server
    lang = _lang(request)
    asked, as_of = request.query_params.get("view"), request.query_params.get("as_of")
    try:
        view = resolve(asked or None, as_of or None) if asked or as_of else server.store.view or BOOK
        site = server.site_for(view)
    except DlkgError as err:
        return _render(request, "error.html", lang, status=400, title=TEXT[lang]["bad_request"],
                       message=err.describe(), nav="")
    default = server.store.view or BOOK
    path = "/" + request.url.path.lstrip("/")
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("view", "as_of")]
    switch = [{"name": v.name, "label": v.label(lang), "current": v is view,
               "href": _url(path, kept + ([] if v is default else [("view", v.name)]))} for v in views()]
    return site, {"view": view, "view_caption": view.caption(lang), "view_switch": switch,
                  "view_query": "" if view is default else f"&view={view.name}"}


def _elsewhere(request: Request, iri: str, shown) -> str | None:
    """What a 404 for a resource says when another dated view has it (a framework of today
    that the book does not know): which view, and the address that shows it there."""
    from dlkg.timeviews import views

    server: _Server = request.app.state.server
    lang = _lang(request)
    for other in views():
        try:
            if other is not shown and server.site_for(other).exists(iri):
                where = _url("/" + request.url.path.lstrip("/"), [("lang", lang), ("view", other.name)])
                if lang == "zh":
                    return f"{shown.label(lang)}中没有它；{other.label(lang)}中有：{where}"
                return f"not in {shown.label(lang)}; {other.label(lang)} has it: {where}"
        except DlkgError:  # the store does not hold that view
            continue
    return None


def comparison(request: Request) -> Response:
    """``/``: Table 14.1 rebuilt from the graph, filtered by the facets in the URL, in the
    dated view asked for."""
    viewed = _viewed(request)
    if isinstance(viewed, Response):
        return viewed
    site, view = viewed
    lang = _lang(request)
    table = site.table(lang)
    params = {key: request.query_params.getlist(key) for key in request.query_params.keys()
              if key not in ("view", "as_of")}
    state = site.filter(params)
    rows = table.rows if not state.active else [r for r in table.rows if r.framework in set(state.matches or [])]
    levels = site.cell_levels
    body_rows = []
    for row in rows:
        name = row.framework[len(RES):] if row.framework.startswith(RES) else row.framework
        cells = [{"text": c.text, "marker": c.marker, "level": levels.get((row.framework, i), "")}
                 for i, c in enumerate(row.cells)]
        body_rows.append({"framework": row.framework, "name": name, "cells": cells})
    return _render(request, "index.html", lang, status=400 if state.error else 200, title=table.title, nav="table",
                   table=table, rows=body_rows, total=len(table.rows), state=state,
                   facets=site.facet_options(lang), capabilities=site.capability_options(lang),
                   levels=site.level_options(lang), **view)


def page(request: Request) -> Response:
    """``/page/NAME``: a framework's page (in the dated view asked for), or any other resource's."""
    viewed = _viewed(request)
    if isinstance(viewed, Response):
        return viewed
    site, view = viewed
    name = request.path_params["name"]
    iri = _resource_iri(name)
    if iri is None or not site.exists(iri):
        return _not_found(request, iri and _elsewhere(request, iri, view["view"]))
    lang = _lang(request)
    alternates = _alternates(f"/data/{name}")
    if site.is_framework(iri):
        framework = site.framework(iri, lang)
        others = [{"name": f[len(RES):], "label": site.label(f, lang)} for f in site.frameworks() if f != iri]
        return _render(request, "framework.html", lang, title=framework["name"], nav="table", fw=framework,
                       others=others, alternates=alternates, **view)
    return _render(request, "resource.html", lang, title=site.label(iri, lang), nav="", res=site.resource(iri, lang),
                   alternates=alternates)


def _canned(lang: str) -> list[dict]:
    from dlkg.catalogue import Catalogue
    from dlkg.query import bind_parameters
    from dlkg.sparql import bind_values

    items = []
    for query in Catalogue():
        text = bind_values(query.text, bind_parameters(query, {}))
        items.append({"name": query.name, "summary": (query.summary_zh if lang == "zh" else "") or query.summary,
                      "text": text, "parameters": {p: query.defaults.get(p, "") for p in query.parameters}})
    return items


async def editor(request: Request) -> Response:
    """``/editor``: the SPARQL editor; ``?canned=NAME`` loads a canned query, ``?query=...`` runs one."""
    server: _Server = request.app.state.server
    lang = _lang(request)
    canned = await run_in_threadpool(_canned, lang)
    by_name = {c["name"]: c for c in canned}
    text = request.query_params.get("query")
    chosen = request.query_params.get("canned", "")
    error, result, status = "", None, 200
    if chosen and chosen not in by_name:
        error, status = f"no canned query named {chosen!r}", 404
    if text is None:
        text = by_name[chosen]["text"] if chosen in by_name else by_name.get("python-on-android", canned[0])["text"]
    elif text.strip():
        try:
            result = await server.run(server.executor.check(text), Dataset(),
                                      str(request.url.replace(path="/sparql", query="", fragment="")),
                                      client=_client(request))
        except ProtocolError as err:
            error, status = err.message, err.status
        except DlkgError as err:
            error, status = err.describe(_REQUEST_FIELDS), _status_of(err)
    view = _result_view(server.site, result, lang) if result is not None else None
    return _render(request, "editor.html", lang, status=status, title=TEXT[lang]["nav_sparql"], nav="sparql",
                   canned=canned, chosen=chosen, text=text, result=view, error=error,
                   limits={"timeout": server.executor.timeout, "rows": server.executor.max_rows})


def _result_view(site: Site, result: QueryResult, lang: str) -> dict:
    if result.kind == "ask":
        return {"kind": "ask", "boolean": result.boolean}
    if result.kind == "graph":
        return {"kind": "graph", "text": serialize(result, "turtle").decode("utf-8"), "count": len(result.triples)}
    rows = [[site.term(term, lang) if term is not None else None for term in row] for row in result.rows]
    return {"kind": "select", "variables": result.variables, "rows": rows, "count": len(rows)}


def diagram(request: Request) -> Response:
    """``/diagram``: the picture of the graph (drawn by Graphviz via :mod:`dlkg.docs`)."""
    server: _Server = request.app.state.server
    lang = _lang(request)
    available = server.docs.ensure()
    return _render(request, "diagram.html", lang, title=TEXT[lang]["nav_diagram"], nav="diagram",
                   available=available, reason=server.docs.error)


def changes(request: Request) -> Response:
    """``/changes``: what changed since the book, cell by cell, with sources
    (:func:`dlkg.diff.diff_views`, which reads its own store of both views)."""
    from dlkg.diff import diff_views

    lang = _lang(request)
    found = diff_views(source="2018", target="current", lang=lang)
    return _render(request, "changes.html", lang, title=TEXT[lang]["nav_changes"], nav="changes", changes=found)


# -- dlkg ask: GET /ask?q=... ----------------------------------------------------------------------

async def ask_page(request: Request) -> Response:
    """``/ask?q=...``: a question in plain English or Chinese answered from the server's store
    (:func:`dlkg.ask.ask`, on its own handle of the store for the view the question names); a
    page, or JSON (the reading beside the SPARQL results) for a client that asks for
    ``application/json`` or ``format=json``. Not understood: 422 with questions it can answer."""
    from dlkg.ask import ask
    from dlkg.errors import QuestionNotUnderstood, UsageError

    question = request.query_params.get("q", "")
    wants_json = request.query_params.get("format") == "json" or \
        choose(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json"
    lang = _lang(request)
    view = request.query_params.get("view") or None
    answer, refused, status = None, None, 200
    if question.strip():
        try:
            answer = await run_in_threadpool(partial(ask, question, view=view, store=request.app.state.server.store))
        except QuestionNotUnderstood as err:
            refused, status = {"message": err.args[0], "suggestions": err.problems}, 422
        except UsageError as err:
            refused, status = {"message": err.message, "suggestions": []}, 400
    elif wants_json:
        refused, status = {"message": "no question: give it as q", "suggestions": []}, 400
    if wants_json:
        body = answer.as_dict() if answer else {"question": question, "error": refused["message"],
                                                "suggestions": refused["suggestions"]}
        import json

        return Response(json.dumps(body, ensure_ascii=False, indent=1), status_code=status,
                        media_type="application/json", headers={"Vary": "Accept"})
    columns, rows, sources = [], [], []
    if answer is not None:
        shown = answer.shown()
        if shown.kind == "select":
            columns = list(shown.variables)
            rows = [[term.value if term is not None else "" for term in row] for row in shown.rows]
        sources = [{"source": s, "title": t or s, "page": "/page/" + s[len(RES):] if s.startswith(RES) else ""}
                   for s, t in answer.sources]
    return _render(request, "ask.html", lang, status=status, title=TEXT[lang]["ask_title"], nav="",
                   question=question, answer=answer, refused=refused, columns=columns, rows=rows, sources=sources)


def docs_file(request: Request) -> Response:
    server: _Server = request.app.state.server
    path = server.docs.path(request.path_params["file"])
    if path is None:
        return _not_found(request)
    response = FileResponse(path)
    if path.suffix == ".html":  # the generated documentation carries its own inline style
        response.headers["Content-Security-Policy"] = _PAGE_CSP.replace("style-src 'self'",
                                                                        "style-src 'self' 'unsafe-inline'")
    return response


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return _not_found(request)
    return _text(exc.status_code, str(exc.detail), dict(exc.headers or {}))


# -- the application -----------------------------------------------------------------------------

class _Application(Starlette):
    """Starlette behind the one :class:`~dlkg.serve.security.Guard`, outside Starlette's own
    error handler, so that a 500 (an unexpected exception) carries its headers like every
    other response."""

    def __init__(self, *, guard: dict, **options) -> None:
        self._guard = guard
        super().__init__(**options)

    def build_middleware_stack(self):
        return Guard(super().build_middleware_stack(), **self._guard)


def create_app(store: Store | str | None = None, *, allowed_hosts: Sequence[str] | None = None,
               query_timeout: float = DEFAULT_QUERY_TIMEOUT,
               row_limit: int | None = DEFAULT_ROW_LIMIT,
               rate_limit: tuple[int, float] | None = DEFAULT_RATE_LIMIT, max_body: int = DEFAULT_MAX_BODY,
               workers: int | None = None, max_concurrent_queries: int | None = None,
               worker_memory: int | None = 2 << 30,
               docs_dir: str | Path | None = None, draw_at_start: bool = False) -> Starlette:
    """The dlkg web application (an ASGI app: run it with uvicorn, or :func:`dlkg.serve.serve`).

    Args:
        store: A :class:`~dlkg.stores.Store`, a store location string (as ``--store``), or
            ``None`` for the packaged graph in memory.
        allowed_hosts: Host names the server answers to (``*.example.org`` patterns allowed);
            loopback names by default. Others get 400 (DNS-rebinding protection).
        query_timeout: Seconds a client's query may run; it is stopped (its worker process
            killed) after that and the client gets 503.
        row_limit: Most rows (or triples) in a result; more is a 422 that says so, never a
            silently cut result. ``None``: no cap.
        rate_limit: ``(requests, seconds)`` per client address, or ``None``: the bucket holds
            ``requests`` and refills in ``seconds``; an empty one gets 429 with Retry-After.
        max_body: Largest request body, in bytes (413 beyond).
        workers: Query worker processes kept started for a local store (default: the number
            of CPUs); a query over the time limit has its worker killed and replaced. A remote
            store needs none (its client keeps the deadline).
        max_concurrent_queries: Queries run at once (default: ``workers``, or 4 for a remote
            store); more wait (up to the time limit, then 503), served in turn by client, and
            one client holds at most all but one of them (:class:`~dlkg.serve.fairness.FairSlots`).
        worker_memory: Bytes of memory one query worker may add (``None``: no cap).
        docs_dir: Where to draw the diagrams (a temporary folder by default).
        draw_at_start: Draw the diagrams when the server starts (else on first use).
    """
    owns = isinstance(store, str) or store is None
    the_store = open_store(store) if owns else store
    # The workers are forked now, before the server starts its threads: a quiet process to copy.
    executor = QueryExecutor(the_store, timeout=query_timeout, max_rows=row_limit, memory=worker_memory,
                             workers=workers or os.cpu_count() or 1)
    docs = _Docs(the_store, Path(docs_dir) if docs_dir is not None else None)
    server = _Server(the_store, owns_store=owns, executor=executor,
                     max_concurrent_queries=max_concurrent_queries or executor.workers or 4, docs=docs)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        if draw_at_start:
            threading.Thread(target=docs.ensure, name="dlkg-docs", daemon=True).start()
        try:
            yield
        finally:
            docs.close()
            executor.close()
            if server.owns_store:
                server.store.close()

    routes = [
        Route("/", comparison, methods=["GET"]),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/editor", editor, methods=["GET"]),
        Route("/diagram", diagram, methods=["GET"]),
        Route("/changes", changes, methods=["GET"]),
        Route("/ask", ask_page, methods=["GET"]),
        Route("/docs/{file}", docs_file, methods=["GET"]),
        Route("/page/{name:path}", page, methods=["GET"]),
        Route("/resource/{name:path}", resource, methods=["GET"]),
        Route("/data/{name:path}", data, methods=["GET"]),
        Route("/ontology", ontology, methods=["GET"]),
        Route("/ontology.{ext}", ontology, methods=["GET"]),
        Route("/ontology/1.0.0", ontology, methods=["GET"]),
        Route("/ontology/1.0.0/context.jsonld", context_document, methods=["GET"]),
        Route("/graph/{name}", named_graph, methods=["GET"]),
        Route("/favicon.ico", lambda request: RedirectResponse("/static/favicon.svg", status_code=301)),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    # Documents and results are gzipped where they are made (_compressed), not by a middleware.
    guard = {"allowed_hosts": tuple(allowed_hosts or LOOPBACK_HOSTS), "cors_paths": _CORS_PATHS,
             "cors_post_paths": ("/sparql",), "max_body": max_body,
             "rate_limit": RateLimit(*rate_limit) if rate_limit is not None else None}
    app = _Application(guard=guard, routes=routes, lifespan=lifespan, exception_handlers={HTTPException: _http_error})
    app.state.server = server
    return app

