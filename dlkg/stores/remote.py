"""A remote triple store over the SPARQL 1.1 protocols: Query (through SPARQLWrapper),
Update, and the Graph Store HTTP Protocol (through :mod:`dlkg.stores.http`, the one HTTP client).

Queries run over the dataset whose default graph is the merge of dlkg's two named graphs
(``default-graph-uri``), so every store kind gives the same answers whatever else it holds.

For loads the store offers a small write interface, each request streamed from disk and
bounded: :meth:`~RemoteStore.put` (Graph Store PUT, retried: it replaces whole),
:meth:`~RemoteStore.post` (Graph Store POST, retried only when the caller's check says it did
not apply), :meth:`~RemoteStore.insert` (``INSERT DATA`` batches), :meth:`~RemoteStore.update`
(one SPARQL Update, never retried blindly), plus :meth:`~RemoteStore.is_empty`,
:meth:`~RemoteStore.count`, :meth:`~RemoteStore.graph_ntriples` and
:meth:`~RemoteStore.writes_are_atomic` (Oxigraph, told by its ``Server`` header). How a load
uses them to stay atomic is :mod:`dlkg.loader.remote`'s business.
"""

from __future__ import annotations

import http.client
import math
import re
import socket
import threading
import urllib.error
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from dlkg.errors import InputError, QueryError, QueryTimeout, StoreError, UsageError
from dlkg.resources import DATA_GRAPH, ONTOLOGY_GRAPH
from dlkg.sparql import Term, bind_values, query_form
from dlkg.catalogue import internal_queries
from dlkg.stores.base import Dataset, QueryResult, Store, result_from_pyoxigraph
from dlkg.stores.http import (Answer, Deadline, Retry, Session, declared_length, read_capped,
                              send_with_retries)

__all__ = ["RemoteStore", "derive_endpoints"]

_CANCELLED = b"The SPARQL operation has been cancelled"
_CHUNK = 64 * 1024
_RESULTS_TYPES = frozenset({"application/sparql-results+json", "application/json"})
#: Read timeout, without ``--timeout``, for the one update that moves a staged graph into
#: place (it copies the whole graph on the store's side: minutes for a large graph on
#: Virtuoso), and for queries (a store may be busy with such a copy).
_MOVE_TIMEOUT = 1800.0
_INSERT_BATCH = 5000
#: Products (``Server`` header tokens, lower case, before the ``/``) whose Graph Store PUT
#: and POST write the whole body in one transaction. Oxigraph's server: a SIGKILL mid-request
#: leaves the graph as it was (tests/faults/test_load_faults.py). Not Virtuoso: it commits in parts.
_ATOMIC_WRITE_SERVERS = frozenset({"oxigraph"})
_NTRIPLES = "application/n-triples"


def derive_endpoints(query_url: str, *, authenticated: bool) -> tuple[str | None, str | None]:
    """The update and Graph Store Protocol URLs that usually go with a query URL.

    >>> derive_endpoints("http://127.0.0.1:7878/query", authenticated=False)
    ('http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
    >>> derive_endpoints("http://127.0.0.1:8890/sparql", authenticated=True)
    ('http://127.0.0.1:8890/sparql-auth', 'http://127.0.0.1:8890/sparql-graph-crud-auth')
    >>> derive_endpoints("http://example.org/endpoint", authenticated=False)
    (None, None)
    """
    parts = urlsplit(query_url)

    def with_path(path: str) -> str:
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))

    path = parts.path.rstrip("/")
    if path.endswith("/query"):  # Oxigraph server
        base = path[: -len("/query")]
        return with_path(base + "/update"), with_path(base + "/store")
    if path.endswith("/sparql"):  # Virtuoso
        suffix = "-auth" if authenticated else ""
        return with_path(path + suffix), with_path(path + "-graph-crud" + suffix)
    return None, None


class RemoteStore(Store):
    """A SPARQL 1.1 store at a URL.

    Args:
        query_url: The SPARQL query endpoint.
        update_url: The SPARQL Update endpoint (derived from ``query_url`` when omitted).
        gsp_url: The Graph Store Protocol endpoint (derived when omitted; ``""`` for a store
            without one, which then gets ``INSERT DATA`` batches).
        timeout: Seconds any one operation may take (a query, a Graph Store request),
            retries and their waits included.
        default_graphs: The graphs whose merge queries run over.
        atomic_gsp_writes: Whether the Graph Store endpoint applies each PUT or POST all or
            nothing, so that a load replacing an empty graph may POST straight into it (no
            staging graph, no ``MOVE``). None (the default): tell from the ``Server`` header
            the endpoint answers with (yes for Oxigraph); True or False: say so (False always
            stages).
    """

    kind = "remote"

    @classmethod
    def open(cls, location: str, *, update_url: str | None = None, gsp_url: str | None = None,
             timeout: float | None = None, read_only: bool = False) -> RemoteStore:
        return cls(location, update_url=update_url, gsp_url=gsp_url, timeout=timeout)

    def __init__(self, query_url: str, *, update_url: str | None = None, gsp_url: str | None = None,
                 timeout: float | None = None, default_graphs: tuple[str, ...] = (ONTOLOGY_GRAPH, DATA_GRAPH),
                 atomic_gsp_writes: bool | None = None) -> None:
        if urlsplit(query_url).scheme not in ("http", "https") or not urlsplit(query_url).netloc:
            raise UsageError(f"not an http(s) URL: {query_url!r}", param="store")
        self.query_url = query_url
        self._http = Session(query_url, timeout=timeout)
        self._credentials = self._http.credentials
        derived_update, derived_gsp = derive_endpoints(query_url, authenticated=self._credentials is not None)
        self.update_url = update_url or derived_update
        self.gsp_url = gsp_url if gsp_url is not None else derived_gsp  # "" means: the store has none
        self.timeout = timeout
        self.default_graphs = default_graphs
        #: The scheme and realm SPARQLWrapper answers with: Digest in Virtuoso's realm until a
        #: 401 challenge of the query endpoint says otherwise (SPARQLWrapper needs telling).
        self._query_auth: tuple[str, str | None] = ("digest", "SPARQL")
        self._query_auth_learned = False
        self.atomic_gsp_writes = atomic_gsp_writes
        #: ``Server`` header products of the Graph Store endpoint (lower case), once probed.
        self._gsp_products: frozenset[str] | None = None

    # -- queries -------------------------------------------------------------------------

    def query(self, query: str, *, bindings: Mapping[str, Term] | None = None,
              timeout: float | None = None, max_rows: int | None = None, dataset: Dataset | None = None,
              base_iri: str | None = None) -> QueryResult:
        text = bind_values(query, bindings or {})
        if base_iri:
            text = f"BASE {ox.NamedNode(base_iri)}\n{text}"
        if dataset:
            return self._run(text, timeout=timeout, default_graphs=dataset.default_graphs,
                             named_graphs=dataset.named_graphs, max_rows=max_rows)
        return self._run(text, timeout=timeout, default_graphs=self.default_graphs or (), max_rows=max_rows)

    def count(self, graph: str) -> int:
        result = self._internal("graph-count", graph=ox.NamedNode(graph))
        return int(result.rows[0][0].value)

    def graph_triples(self, graph: str) -> list[ox.Triple]:
        return list(self._internal("graph-triples", graph=ox.NamedNode(graph)).triples)

    def graph_ntriples(self, graph: str) -> bytes:
        """One named graph as N-Triples (Oxigraph's writer), in no particular order.

        Read with a Graph Store GET where there is an endpoint: the bytes go to the digest
        without becoming Python objects when the server writes N-Triples exactly as the local
        pyoxigraph does (the same Oxigraph version); any other answer (Virtuoso's tabs and
        ``\\U`` escapes, Turtle) is parsed and written again. Without an endpoint, a CONSTRUCT.

        Raises:
            StoreError: the endpoint failed, or its answer is not RDF or does not parse.
        """
        if not self.gsp_url:
            return super().graph_ntriples(graph)
        url = self.gsp_url
        answer = self._http.request("GET", url, what="Graph Store GET", params={"graph": graph},
                                    headers={"Accept": _NTRIPLES})  # a read: safe to repeat
        with answer:  # type: ignore[union-attr]
            if answer.status == 404:  # no such graph (Oxigraph, Virtuoso): no triples
                return b""
            answer.raise_for(url, "Graph Store GET")
            self._gsp_products = _products(answer.headers)
            content_type = answer.content_type
            fmt = ox.RdfFormat.from_media_type(content_type) if content_type else None
            if fmt is None or fmt.supports_datasets:
                raise StoreError(f"Graph Store GET at {url} answered {content_type or 'no content type'}, not an RDF graph")
            if fmt == ox.RdfFormat.N_TRIPLES and f"oxigraph/{ox.__version__}" in self._gsp_products:
                return answer.read()
            try:
                return ox.serialize(ox.parse(answer.body, format=fmt, base_iri=graph),
                                    format=ox.RdfFormat.N_TRIPLES) or b""
            except (SyntaxError, ValueError) as err:
                raise StoreError(f"Graph Store GET at {url} sent a graph that does not parse ({err}); "
                                 "it may be cut short") from None

    def _run(self, text: str, *, timeout: float | None = None, default_graphs: tuple[str, ...],
             named_graphs: tuple[str, ...] = (), max_rows: int | None = None) -> QueryResult:
        from SPARQLWrapper import GET, JSON, POST, TURTLE, SPARQLWrapper

        form = query_form(text)
        if not form:
            raise InputError("not a SELECT, ASK, CONSTRUCT or DESCRIBE query", path="query")
        wrapper = SPARQLWrapper(self.query_url)
        wrapper.setQuery(text)
        wrapper.setMethod(POST if len(text) > 1500 else GET)
        wrapper.setReturnFormat(TURTLE if form in ("construct", "describe") else JSON)
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        limit = timeout or self.timeout
        with self._send_query(wrapper, Deadline(limit)) as answer:
            self._check_complete(answer, form)
            try:
                if form in ("construct", "describe"):
                    fmt = ox.RdfFormat.from_media_type(answer.content_type)
                    return result_from_pyoxigraph(ox.parse(answer.body, format=fmt), text, max_rows=max_rows)
                return result_from_pyoxigraph(ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON),
                                              text, max_rows=max_rows)
            except (SyntaxError, ValueError) as err:
                head = answer.text().encode("utf-8")
                if answer.content_type in _RESULTS_TYPES and not head.lstrip().startswith(b'{"head"') and b'"head"' not in head:
                    raise StoreError(f"not a SPARQL endpoint: {self.query_url} answered JSON that is not SPARQL results") from None
                raise QueryError(f"{self.query_url} sent an answer that does not parse ({err}); it may be cut short") from None

    def _send_query(self, wrapper, deadline: Deadline) -> Answer:
        """Send a query with SPARQLWrapper and read its answer (capped, within the deadline),
        retrying (queries are safe to repeat) when the connection fails or the store answers
        5xx; every other failure is one line naming the URL and the cause."""
        def timed_out() -> QueryTimeout:
            if deadline.seconds is None:
                return QueryTimeout(f"{self.query_url} did not answer: a read waited {_MOVE_TIMEOUT:g} s")
            return QueryTimeout(f"{self.query_url} did not answer within the time limit of {deadline.seconds:g} s")

        def attempt(cancel: threading.Event) -> Answer:
            # SPARQLWrapper takes whole seconds; the deadline itself is kept by send_with_retries.
            wrapper.setTimeout(max(1, math.ceil(deadline.read_timeout(_MOVE_TIMEOUT))))
            response = self._urlopen(wrapper, timed_out)
            try:
                headers = httpx.Headers(list(response.headers.items()))
                body = read_capped(iter(lambda: response.read1(_CHUNK), b""), url=self.query_url, what="query",
                                   cancel=cancel, declared=declared_length(headers))
                return Answer(response.getcode(), response.reason, headers, body)
            except (socket.timeout, TimeoutError):
                raise timed_out() from None
            except (http.client.HTTPException, ConnectionError) as err:
                raise Retry(f"connection lost ({type(err).__name__})") from None
            finally:
                response.close()

        return send_with_retries(attempt, url=self.query_url, what="query", deadline=deadline,  # type: ignore[return-value]
                                 expired=timed_out)

    def _urlopen(self, wrapper, timed_out):
        """SPARQLWrapper's response to the query (a urllib response, its body not read yet),
        answering the query endpoint's auth challenge, Basic or Digest.

        Raises:
            Retry: a connection error or a 5xx answer.
        """
        from SPARQLWrapper import BASIC, DIGEST
        from SPARQLWrapper.SPARQLExceptions import (EndPointInternalError, EndPointNotFound, QueryBadFormed,
                                                    SPARQLWrapperException, Unauthorized)

        while True:
            if self._credentials:
                scheme, realm = self._query_auth
                wrapper.setHTTPAuth(BASIC if scheme == "basic" else DIGEST)
                wrapper.setCredentials(*self._credentials, realm=realm or "SPARQL")
            try:
                return wrapper.query().response
            except QueryBadFormed as err:
                raise InputError(f"the store refused the query: {_server_message(err)}", path="query") from None
            except EndPointNotFound:
                raise StoreError(f"not a SPARQL endpoint: {self.query_url} answered 404 Not Found") from None
            except Unauthorized:
                # SPARQLWrapper keeps no header of the 401, and must be told the scheme (and a
                # Digest realm) before it sends: ask the challenge once, then send again.
                if self._credentials and not self._query_auth_learned:
                    self._query_auth_learned = True
                    learned = self._http.challenge(wrapper.endpoint)
                    if learned[0] in ("basic", "digest") and learned != self._query_auth:
                        self._query_auth = learned
                        continue
                raise StoreError(f"{self.query_url} refused the credentials (401)") from None
            except (socket.timeout, TimeoutError):
                raise timed_out() from None
            except EndPointInternalError as err:
                raise Retry(f"the store failed (5xx): {_server_message(err)}") from None
            except SPARQLWrapperException as err:
                raise StoreError(f"query failed at {self.query_url}: {_server_message(err)}") from None
            except urllib.error.HTTPError as err:
                if err.code < 500:
                    raise StoreError(f"query failed at {self.query_url}: HTTP {err.code} {err.reason}") from None
                raise Retry(f"HTTP {err.code} {err.reason}") from None
            except urllib.error.URLError as err:
                if isinstance(err.reason, (socket.timeout, TimeoutError)):
                    raise timed_out() from None
                raise Retry(f"cannot connect ({err.reason})", maybe_applied=False) from None
            except (http.client.HTTPException, ConnectionError) as err:
                raise Retry(f"connection lost ({type(err).__name__})") from None

    def _check_complete(self, answer: Answer, form: str) -> None:
        content_type = answer.content_type
        if content_type in ("text/html", "application/xhtml+xml"):
            raise StoreError(f"not a SPARQL endpoint: {self.query_url} answered an HTML page")
        if answer.status == 206 or "S1TAT" in (answer.headers.get("X-SQL-State") or ""):
            raise QueryTimeout(f"{self.query_url} answered only part of the result (it hit its own time limit)")
        if _CANCELLED in _tail(answer.body, 200):
            raise QueryTimeout(f"{self.query_url} cancelled the query (its own time limit) and cut the answer short")
        graph = form in ("construct", "describe")
        if (graph and ox.RdfFormat.from_media_type(content_type) is None) or (
                not graph and content_type not in _RESULTS_TYPES):
            raise StoreError(f"not a SPARQL endpoint: {self.query_url} answered {content_type or 'no content type'}")

    # -- loads ---------------------------------------------------------------------------

    def writes_are_atomic(self) -> bool:
        """Whether a Graph Store write is all or nothing here: as configured, else by the
        ``Server`` header of one small GET (of a graph that does not exist)."""
        if self.atomic_gsp_writes is not None:
            return self.atomic_gsp_writes
        return bool(self._probe_gsp() & _ATOMIC_WRITE_SERVERS)

    def _probe_gsp(self) -> frozenset[str]:
        """The Graph Store endpoint's ``Server`` products, asked once per store (a GET of a
        graph that does not exist: a 404 says enough, and HEAD is no good, as Oxigraph 0.5
        sends a body with a 404 to HEAD, which breaks the kept-alive connection).

        Advisory, so one try: any failure means "unknown", the load stages, and its PUT then
        reports the failure after its retries. It also learns the auth challenge."""
        if self._gsp_products is None:
            try:
                answer = self._http.request("GET", self.gsp_url, what="Graph Store request", retry=False,
                                            params={"graph": f"urn:dlkg:probe:{uuid.uuid4()}"})
            except StoreError:
                return frozenset()
            with answer:  # type: ignore[union-attr]
                self._gsp_products = _products(answer.headers)
        return self._gsp_products

    def holds_graph(self, graph: str) -> bool:
        return bool(self._internal("graph-holds-triples", graph=ox.NamedNode(graph)).boolean)

    def is_empty(self, graph: ox.NamedNode) -> bool:
        """Whether the graph holds no triple (one ASK: cheap whatever the graph's size)."""
        return not self.holds_graph(graph.value)

    def named_graphs(self) -> frozenset[str]:
        # Over the whole store: with dlkg's graphs as default-graph-uri the protocol's dataset
        # has no named graphs at all.
        return frozenset(row[0].value for row in self._internal("named-graphs").rows
                         if isinstance(row[0], ox.NamedNode))

    def _internal(self, name: str, **graphs: ox.NamedNode) -> QueryResult:
        """One of the stores' internal queries, run over the whole store (no default graphs:
        the protocol's ``default-graph-uri`` would hide the named graphs from ``GRAPH``)."""
        query = internal_queries(__file__).get(name)
        return self._run(bind_values(query.text, {f"_{k}": v for k, v in graphs.items()}), default_graphs=())

    def post(self, graph: ox.NamedNode, path: Path, *, settled, attempts: int = 4) -> None:
        """Add an N-Triples file to a graph with one Graph Store POST, streamed from disk.

        A POST is never retried blindly (a second copy would add every blank node again):
        after a failure that may have reached the server, ``settled()`` is asked whether it
        was applied (True: not sent again), as :func:`~dlkg.stores.http.send_with_retries`
        does; the caller (the loader) knows how to tell.

        Raises:
            StoreError: the last failure, one line naming the URL and the cause.
        """
        url = self.gsp_url
        params = {"graph": graph.value}
        self._learn_challenge(url, params)
        answer = self._http.request("POST", url, what="Graph Store POST", params=params, body=path,
                                    headers={"Content-Type": _NTRIPLES}, read_timeout=_MOVE_TIMEOUT,
                                    attempts=attempts, settled=settled)
        if answer is not None:  # None: settled() showed it applied
            with answer:
                answer.raise_for(url, "Graph Store POST")

    def put(self, graph: ox.NamedNode, path: Path) -> None:
        """Replace a graph by an N-Triples file with one Graph Store PUT, streamed from disk;
        retried (a PUT replaces whole, so sending it again is safe).

        Raises:
            StoreError: the last failure, one line naming the URL and the cause.
        """
        url = self.gsp_url
        params = {"graph": graph.value}
        self._learn_challenge(url, params)
        with self._http.request("PUT", url, what="Graph Store PUT", params=params, body=path,  # type: ignore[union-attr]
                                headers={"Content-Type": _NTRIPLES}) as answer:
            answer.raise_for(url, "Graph Store PUT")

    def _learn_challenge(self, url: str, params: dict[str, str]) -> None:
        """With credentials, learn the auth challenge with a small request before the big body
        goes out (the probe, when it was answered, did)."""
        if self._credentials and self._gsp_products is None:
            self._http.request("GET", url, what="Graph Store request", params=params).close()  # type: ignore[union-attr]

    def insert(self, graph: ox.NamedNode, path: Path) -> None:
        """Add an N-Triples file to a graph with SPARQL Update ``INSERT DATA`` batches (for a
        store without a Graph Store endpoint); never retried blindly."""
        lines: list[str] = []
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                lines.append(line)
                if len(lines) >= _INSERT_BATCH:
                    self.update(f"INSERT DATA {{ GRAPH {graph} {{ {''.join(lines)} }} }}", what="INSERT DATA")
                    lines = []
        if lines:
            self.update(f"INSERT DATA {{ GRAPH {graph} {{ {''.join(lines)} }} }}", what="INSERT DATA")

    def update(self, update: str, *, what: str) -> None:
        """Run one SPARQL Update; never retried blindly (a MOVE or INSERT that reached the store
        must not run twice).

        Raises:
            StoreError: it failed, one line (saying when whether it applied is unknown).
        """
        url = self.update_url
        # Never retried blindly: a MOVE or INSERT that reached the store must not run twice.
        with self._http.request("POST", url, what=what, data={"update": update}, retry=False,  # type: ignore[union-attr]
                                read_timeout=_MOVE_TIMEOUT) as answer:
            answer.raise_for(url, what)

    def staging_graphs(self) -> list[str]:
        """The staging graphs (``urn:dlkg:staging:...``) the store holds, sorted."""
        return sorted(row[0].value for row in self._internal("staging-graphs").rows)

    def repair(self) -> list[str]:
        """Drop every staging graph: what loads that died midway left (run it only when no
        load is running: a live load's staging graph looks the same)."""
        from dlkg.loader.remote import drop_quietly

        removed = self.staging_graphs()
        for graph in removed:
            drop_quietly(self, ox.NamedNode(graph))
        return removed

    def close(self) -> None:
        self._http.close()


def _products(headers: httpx.Headers) -> frozenset[str]:
    """The product tokens of a response's ``Server`` headers, lower case (``oxigraph/0.5.13``
    gives ``oxigraph`` and ``oxigraph/0.5.13``); a proxy may add its own header beside them.

    >>> sorted(_products(httpx.Headers([("Server", "BaseHTTP/0.6 Python/3.11"), ("Server", "Oxigraph/0.5.13")])))
    ['basehttp', 'basehttp/0.6', 'oxigraph', 'oxigraph/0.5.13', 'python', 'python/3.11']
    >>> _products(httpx.Headers())
    frozenset()
    """
    tokens = set()
    for value in headers.get_list("server"):
        for token in re.sub(r"\([^)]*\)", " ", value).replace(",", " ").lower().split():  # without comments
            tokens |= {token, token.split("/", 1)[0]}
    return frozenset(tokens)


def _tail(body: IO[bytes], n: int) -> bytes:
    """The last ``n`` bytes of a spooled answer."""
    size = body.seek(0, 2)
    body.seek(max(0, size - n))
    tail = body.read()
    body.seek(0)
    return tail


def _server_message(err: Exception) -> str:
    text = " ".join(str(err).split())
    return text[:300]
