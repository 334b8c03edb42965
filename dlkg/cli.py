"""The ``dlkg`` command: a thin layer over the library, one library call per verb.

Exit codes: 0 ok; 1 a check or query failed; 2 usage or input error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from dlkg import __version__, formats
from dlkg.errors import DlkgError
from dlkg.export import EXPORT_FORMATS  # light: the JSON-LD tooling it uses is imported when exporting

__all__ = ["main", "error_line", "OPTION_NAMES", "VERB_OPTION_NAMES"]

#: dlkg.results.SELECT_FORMATS + GRAPH_FORMATS, from the format table rather than the result
#: writers, so that building the command does not import them (start-up time: see benchmarks/).
RESULT_FORMATS: tuple[str, ...] = formats.names(*formats.ROW_KINDS) + ("turtle", "nt", "jsonld", "rdfxml")


#: The option that sets each parameter the library's errors name (``DlkgError.param``, the
#: Python API's names), with the verbs that spell one differently. Click defines the options
#: below; test_cli checks that every option here is one of them.
OPTION_NAMES: dict[str, str] = {
    "store": "--store", "graph": "--graph", "format": "--format", "lang": "--lang", "profile": "--profile",
    "frame": "--frame", "params": "--param", "update_url": "--update-url", "host": "--host",
    "interface": "--interface", "platform": "--platform", "language": "--language", "developer": "--developer",
    "supports": "--supports", "lacks": "--lacks", "repair": "--repair", "union": "--union",
    "context": "--context", "view": "--view", "as_of": "--as-of",
}
VERB_OPTION_NAMES: dict[str, dict[str, str]] = {"load": {"store": "--into"}}


def error_line(err: DlkgError, verb: str | None = None) -> str:
    """The one line ``dlkg`` prints for an error: parameters named as ``verb``'s options.

    >>> from dlkg.errors import UsageError
    >>> error_line(UsageError("unsupported store location 'ftp://x'", param="store"), "query")
    "dlkg: error: --store: unsupported store location 'ftp://x'"
    >>> error_line(UsageError("unsupported store location 'ftp://x'", param="store"), "load")
    "dlkg: error: --into: unsupported store location 'ftp://x'"
    """
    return f"dlkg: error: {err.describe({**OPTION_NAMES, **VERB_OPTION_NAMES.get(verb or '', {})})}"


def _fail(err: DlkgError) -> None:
    context = click.get_current_context(silent=True)
    click.echo(error_line(err, context.info_name if context else None), err=True)
    for line in getattr(err, "problems", [])[:50]:
        click.echo(f"  {line}", err=True)
    sys.exit(err.exit_code)


def handles_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn dlkg errors into one line on stderr and their exit code, never a traceback."""
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DlkgError as err:
            _fail(err)
        except KeyboardInterrupt:
            click.echo("dlkg: interrupted", err=True)
            sys.exit(130)
    return wrapper


def store_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--store STORE``: where to read the graph (default: the packaged graph in memory)."""
    return click.option("--store", "store", metavar="STORE", default=None,
                        help="Store to read: a folder (embedded Oxigraph) or nothing for the packaged graph.")(command)


def result_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--format``, ``-o`` and ``--timeout``, shared by every query verb."""
    command = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
                           help="Stop the query after SECONDS (exit 1).")(command)
    command = click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")(command)
    return click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default=None,
                        help="table (default on a terminal), csv (default otherwise), tsv, json, xml (SPARQL XML), "
                             "md; turtle, nt, jsonld, rdfxml for CONSTRUCT/DESCRIBE.")(command)


def _emit(result, fmt: str | None, output: str | None, store=None) -> None:
    """Write a result, saying which view it is of (the store's; the book's by default)."""
    from dlkg.output import write_output
    from dlkg.results import default_format, format_result, view_note
    from dlkg.timeviews import BOOK

    view = getattr(store, "view", None) or BOOK
    fmt = fmt or default_format(result, to_terminal=output is None and sys.stdout.isatty())
    data = format_result(result, fmt, view=view)
    note = view_note(fmt, view)
    if note:
        click.echo(note, err=True)
    write_output(data, output)


def view_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--view NAME`` and ``--as-of DATE``: read a dated view of the graph (default: the book's)."""
    command = click.option("--as-of", "as_of", metavar="DATE",
                           help="Read the latest view dated on or before DATE (YYYY-MM-DD).")(command)
    return click.option("--view", "view", type=click.Choice(["2018", "current"]), default=None,
                        help="Read this view: 2018 (the book's, the default) or current (read from public pages).")(command)


def graph_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--graph IRI`` and ``--union``: read data a store holds outside dlkg's graphs."""
    command = click.option("--union", is_flag=True,
                           help="Read everything the store holds (every graph, the default one included).")(command)
    return click.option("--graph", "graphs", multiple=True, metavar="IRI",
                        help="Read this named graph of the store instead of dlkg's (repeatable: merged).")(command)


def _open(store: str | None, **options: Any):
    from dlkg.stores import open_store

    return open_store(store, **options)


def _read(store: str | None, graphs: tuple[str, ...] = (), union: bool = False, *, timeout: float | None = None,
          view: str | None = None, as_of: str | None = None):
    """Open a store to read it: refused if it does not exist (never created), read read-only
    while `dlkg serve` holds it, refused if it holds none of dlkg's graphs unless ``graphs``
    or ``union`` say what to read instead; pointed at the view ``view`` / ``as_of`` name.
    ``timeout`` bounds every request to a remote store, the check of its graphs included."""
    from dlkg.stores import read_graphs

    chosen = None
    if view is not None or as_of is not None:
        from dlkg.timeviews import resolve

        chosen = resolve(view, as_of)
    opened = _open(store, read_only=True, timeout=timeout)
    if store is None and not graphs and not union and chosen is None:
        return opened  # the packaged graph: dlkg's graphs, nothing to check (start-up time)
    return read_graphs(opened, graphs=graphs, union=union, view=chosen)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dlkg")
def main() -> None:
    """dlkg: a knowledge graph of deep-learning frameworks (Table 14.1 of 《解析卷积神经网络》).

    Exit codes: 0 ok, 1 a check or query failed, 2 usage or input error.
    """


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--no-reason", is_flag=True, help="Skip the ontology's OWL consistency check (HermiT, needs Java); the OWL 2 RL checks of the data still run.")
@store_option
@handles_errors
def validate(files: tuple[str, ...], no_reason: bool, store: str | None) -> None:
    """Validate the graph: parse, SHACL shapes, QC and OWL 2 RL checks, OWL consistency.

    FILES are data files to check instead of the packaged data; --store checks what a store
    holds in dlkg's two graphs. Exit 1 on any problem.
    """
    from dlkg.errors import CheckFailed, UsageError
    from dlkg.validate import validate as run

    if files and store:
        raise UsageError("give FILEs or --store, not both", param="store")
    report = run(files or None, reason=not no_reason, store=_read(store) if store else None)
    if not report.conforms:
        raise CheckFailed(f"{len(report.problems)} problem(s) found", [str(p) for p in report.problems])
    checks = "SHACL shapes, QC and OWL 2 RL checks" + ("" if no_reason else ", the ontology's OWL consistency (HermiT)")
    click.echo(f"ok: {report.triples} triples conform ({checks})")


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt"]), default="turtle", show_default=True)
@handles_errors
def reason(output: str | None, fmt: str) -> None:
    """Print the triples the OWL reasoner (HermiT) infers, such as MobileFramework members."""
    from dlkg.export import serialize_triples
    from dlkg.reason import infer
    from dlkg.stores.oxigraph import packaged_files
    from dlkg import rdf
    from dlkg.output import write_output

    triples = infer(rdf.read_quads(packaged_files()))
    write_output(serialize_triples(triples, fmt), output)


@main.command()
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="zh: the source's headers and words; en: English headers and Yes/No.")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "html"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@store_option
@graph_options
@view_options
@handles_errors
def table(lang: str, fmt: str, output: str | None, store: str | None, graphs: tuple[str, ...], union: bool,
          view: str | None, as_of: str | None) -> None:
    """Rebuild Table 14.1 from the graph, by SPARQL (of the book's view, or another)."""
    from dlkg.output import write_output
    from dlkg.table import build_table, render

    write_output(render(build_table(lang=lang, store=_read(store, graphs, union, view=view, as_of=as_of)), fmt),
                 output)


@main.command()
@click.option("--format", "fmt", metavar="[" + "|".join(EXPORT_FORMATS) + "]", default=None,
              help="Default: turtle, or jsonld with --frame. RDF/XML is rdfxml ('xml' names SPARQL XML results).")
@click.option("--graph", type=click.Choice(["ontology", "data", "all"]), default="all", show_default=True)
@click.option("--inferred", is_flag=True, help="Add what the OWL reasoner (HermiT) infers.")
@click.option("--frame", is_flag=True, help="JSON-LD: one nested object per framework (JSON-LD 1.1 Framing).")
@click.option("--profile", type=click.Choice(["schema", "datacube"]),
              help="schema: frameworks as schema.org SoftwareApplications; datacube: the table as a W3C RDF Data Cube.")
@click.option("--context", type=click.Choice(["embed", "url"]), default="embed", show_default=True,
              help="JSON-LD: embed the context (self-contained: any JSON-LD processor expands it offline), "
                   "or name its published URL.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@store_option
@view_options
@handles_errors
def export(fmt: str | None, graph: str, inferred: bool, frame: bool, profile: str | None, context: str,
           output: str | None, store: str | None, view: str | None, as_of: str | None) -> None:
    """Export the graph as JSON-LD (compacted, framed, schema.org or a Data Cube) or any RDF format."""
    from dlkg.export import write_export
    from dlkg.output import open_output
    from dlkg.timeviews import resolve

    chosen = resolve(view, as_of)
    fmt = fmt or ("jsonld" if frame else "turtle")
    options = dict(format=fmt, graph=graph, inferred=inferred, frame=frame, profile=profile, context=context,
                   store=_read(store) if store else None, view=chosen)
    with open_output(output) as out:  # streamed: a file is only put in place once complete
        write_export(out, **options)
    from dlkg.results import view_note

    click.echo(view_note(fmt, chosen), err=True)  # RDF documents have no place for it


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@handles_errors
def mappings(output: str | None) -> None:
    """Print the ontology's alignment with Wikidata, schema.org, DOAP and SWO as SSSOM TSV."""
    from dlkg.mappings import sssom_table
    from dlkg.output import write_output

    write_output(sssom_table(), output)


@main.command("queries")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@handles_errors
def list_queries(fmt: str) -> None:
    """List the canned queries: name, summary, parameters."""
    import json

    from dlkg.catalogue import Catalogue

    entries = [{"name": q.name, "summary": q.summary, "summary_zh": q.summary_zh,
                "parameters": [{"name": p, "required": p not in q.optional, "default": q.defaults.get(p)}
                               for p in q.parameters]} for q in Catalogue()]
    if fmt == "json":
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    width = max(len(e["name"]) for e in entries)
    for entry in entries:
        params = " ".join(f"{p['name']}={p['default'] or '?'}" for p in entry["parameters"])
        click.echo(f"{entry['name']:<{width}}  {entry['summary']}" + (f"  [{params}]" if params else ""))


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    from dlkg.errors import UsageError

    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"expected KEY=VALUE, got {pair!r}", param="params")
        params[key] = value
    return params


@main.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter value (repeatable).")
@store_option
@graph_options
@view_options
@result_options
@handles_errors
def query_command(name: str, params: tuple[str, ...], store: str | None, graphs: tuple[str, ...], union: bool,
                  view: str | None, as_of: str | None, fmt: str | None, output: str | None,
                  timeout: float | None) -> None:
    """Run the canned query NAME (see 'dlkg queries'); in the current view, with each row's sources."""
    from dlkg.query import run_canned

    read = _read(store, graphs, union, timeout=timeout, view=view, as_of=as_of)
    _emit(run_canned(name, _parse_params(params), store=read, timeout=timeout), fmt, output, read)


@main.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False), help="Read the query from FILE.")
@click.option("--allow-service", is_flag=True, help="Let SERVICE clauses run (they make the engine fetch remote URLs).")
@click.option("--max-rows", type=click.IntRange(min=1), default=100_000, show_default=True,
              help="Refuse results with more rows (exit 1) rather than return part of them.")
@store_option
@graph_options
@view_options
@result_options
@handles_errors
def sparql(query: str | None, file: str | None, allow_service: bool, max_rows: int, store: str | None,
           graphs: tuple[str, ...], union: bool, view: str | None, as_of: str | None, fmt: str | None,
           output: str | None, timeout: float | None) -> None:
    """Run any SELECT, ASK, CONSTRUCT or DESCRIBE query: QUERY, -f FILE, or - for stdin.

    User queries run under a time limit (--timeout, default 60 s) and a row cap (--max-rows).
    """
    from dlkg.errors import InputError, UsageError
    from dlkg.query import run_sparql

    if (query is None) == (file is None):
        raise UsageError("give exactly one of QUERY, -f FILE or - (stdin)")
    if "-" in (query, file):  # `dlkg sparql -` and `dlkg sparql -f -` both read standard input
        query = sys.stdin.read()
    elif file is not None:
        try:
            with open(file, encoding="utf-8") as handle:
                query = handle.read()
        except OSError as err:
            raise InputError(err.strerror or str(err), path=file) from None
    from dlkg.query import DEFAULT_TIMEOUT

    read = _read(store, graphs, union, timeout=timeout or DEFAULT_TIMEOUT, view=view, as_of=as_of)
    _emit(run_sparql(query, store=read, timeout=timeout or DEFAULT_TIMEOUT, max_rows=max_rows,
                     allow_service=allow_service), fmt, output, read)


@main.command()
@click.option("--interface", multiple=True, metavar="X", help="Has interface X (支持接口), e.g. Python.")
@click.option("--platform", multiple=True, metavar="X", help="Runs on platform X (支持平台), e.g. Android.")
@click.option("--language", multiple=True, metavar="X", help="Implemented in language X (开发语言).")
@click.option("--developer", multiple=True, metavar="X", help="Developed by X (开发者).")
@click.option("--supports", multiple=True, metavar="CAP", help="Supports capability CAP (autodiff, rnn, multi-gpu, ...).")
@click.option("--lacks", multiple=True, metavar="CAP", help="The source says it does not support CAP.")
@store_option
@graph_options
@view_options
@result_options
@handles_errors
def find(store: str | None, graphs: tuple[str, ...], union: bool, view: str | None, as_of: str | None,
         fmt: str | None, output: str | None, timeout: float | None, **facets: tuple[str, ...]) -> None:
    """Find frameworks by facets; every option given must hold. Values match labels, any case."""
    from dlkg.find import find as run

    read = _read(store, graphs, union, timeout=timeout, view=view, as_of=as_of)
    _emit(run(store=read, timeout=timeout, **facets), fmt, output, read)


@main.command()
@click.argument("question")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="The answer's language (default: the question's).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json: the SPARQL 1.1 results of the query that ran, with the reading.")
@store_option
@view_options
@handles_errors
def ask(question: str, lang: str | None, fmt: str, store: str | None, view: str | None, as_of: str | None) -> None:
    """Answer QUESTION in plain English or Chinese from the graph, with the query that ran and
    the sources; a question it cannot read exits 1 with questions it can answer."""
    from dlkg.ask import ask as answer
    from dlkg.output import write_output

    chosen = None
    if view is not None or as_of is not None:
        from dlkg.timeviews import resolve

        chosen = resolve(view, as_of)
    read = _read(store) if store is not None else None
    result = answer(question, lang=lang, view=chosen, store=read)
    if fmt == "json":
        import json

        write_output(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        write_output(result.to_text())


@main.command()
@click.argument("framework")
@store_option
@graph_options
@view_options
@handles_errors
def show(framework: str, store: str | None, graphs: tuple[str, ...], union: bool, view: str | None,
         as_of: str | None) -> None:
    """Show one framework's profile, strengths and weaknesses (of the book's view, or another)."""
    from dlkg.output import write_output
    from dlkg.profile import render_profile

    write_output(render_profile(framework, store=_read(store, graphs, union, view=view, as_of=as_of)))


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--into", "into", required=True, metavar="STORE",
              help="A folder (embedded Oxigraph store, created if missing) or a SPARQL query endpoint URL.")
@click.option("--graph", metavar="IRI", help="Named graph for FILEs (without FILEs: the documented graphs).")
@click.option("--replace/--append", default=True, show_default=True,
              help="Swap the graph's content atomically (default), or add to it.")
@click.option("--dry-run", is_flag=True, help="Parse and count; write nothing.")
@click.option("--repair", is_flag=True,
              help="Only remove what loads killed midway left in the store (no load running), and say what.")
@click.option("--update-url", metavar="URL", help="SPARQL Update endpoint, when it cannot be derived from --into.")
@click.option("--gsp-url", metavar="URL",
              help="Graph Store Protocol endpoint, when it cannot be derived from --into ('' for a store without one).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Give up on each operation on a remote store (a request with its retries) after SECONDS.")
@handles_errors
def load(files: tuple[str, ...], into: str, graph: str | None, replace: bool, dry_run: bool, repair: bool,
         update_url: str | None, gsp_url: str | None, timeout: float | None) -> None:
    """Load the graph (or FILEs) into a store: a folder or a SPARQL endpoint.

    With no FILEs, the ontology and the data go into their own named graphs. Credentials for
    remote stores come from DLKG_STORE_USER / DLKG_STORE_PASSWORD or ~/.netrc.
    """
    from dlkg.errors import CheckFailed, UsageError
    from dlkg import loader

    if into in ("", "memory"):
        raise UsageError("the in-memory store cannot be loaded into; name a folder or an http(s) URL", param="store")
    if repair and (files or graph or dry_run):
        raise UsageError("--repair loads nothing; give it only with --into", param="repair")
    if repair:
        from pathlib import Path

        from dlkg.stores import kind_of

        folder = into.removeprefix("oxigraph:")
        if kind_of(into) == "oxigraph" and not Path(folder).exists():  # repair creates nothing
            raise UsageError(f"no store at {folder}; there is nothing to repair", param="store")
    with _open(into, update_url=update_url, gsp_url=gsp_url, timeout=timeout) as store:
        if repair:
            removed = loader.repair(store)
            click.echo(f"removed {len(removed)} leftover(s)" + "".join(f"\n  {name}" for name in removed))
            return
        reports = loader.load(store, files or None, graph=graph, replace=replace, dry_run=dry_run)
    for report in reports:
        click.echo(str(report))
    bad = [r for r in reports if not r.dry_run and not r.verified]
    if bad:
        raise CheckFailed(f"read-back check failed for {len(bad)} graph(s)")


@main.command()
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              metavar="DIR", help="Folder to write index.html and the diagrams (SVG, PNG) to.")
@handles_errors
def docs(out_dir: str) -> None:
    """Write the ontology's HTML documentation and diagrams (needs Graphviz's `dot`)."""
    from dlkg.docs import build_docs

    for path in build_docs(out_dir):
        click.echo(str(path))


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; 0.0.0.0 listens on every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port.")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="A host name to answer to (repeatable; default: the loopback names and --host). Others get 400.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              metavar="SECONDS", help="Stop a query after SECONDS (the client gets 503).")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Refuse results with more rows (422) rather than cut them.")
@click.option("--rate-limit", type=click.IntRange(min=0), default=None, metavar="N",
              help="Requests per client per minute (429 with Retry-After beyond); 0: none. "
                   "Default: none on a loopback --host, 120 otherwise.")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Query worker processes for a local store (default: the number of CPUs).")
@handles_errors
def serve(store: str | None, host: str, port: int, allowed_hosts: tuple[str, ...], timeout: float, max_rows: int,
          rate_limit: int | None, workers: int | None) -> None:
    """Serve the graph on the web: the SPARQL endpoint /sparql, linked data and pages (Ctrl-C stops)."""
    from dlkg.serve import serve as run

    limit = "auto" if rate_limit is None else (rate_limit, 60.0) if rate_limit else None
    run(store, host, port, allowed_hosts=allowed_hosts or None, query_timeout=timeout, row_limit=max_rows,
        rate_limit=limit, workers=workers)


@main.command()
@click.option("--from", "source", type=click.Choice(["2018", "current"]), default="2018", show_default=True,
              help="The view to compare from: 2018 (the book's) or current.")
@click.option("--to", "target", type=click.Choice(["2018", "current"]), default="current", show_default=True,
              help="The view to compare to.")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "json"]), default="md", show_default=True)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of labels, support levels and the Markdown headers.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@handles_errors
def diff(source: str, target: str, fmt: str, lang: str, output: str | None) -> None:
    """What changed between two views, cell by cell, with the sources on both sides."""
    from dlkg.diff import diff_views, render_diff
    from dlkg.output import write_output

    changes = diff_views(source=source, target=target, lang=lang)
    write_output(render_diff(changes, fmt, lang=lang, source=source, target=target), output)


if __name__ == "__main__":  # pragma: no cover
    main()
