"""The ``dlkg`` command: a thin layer over the library, one library call per verb.

Exit codes: 0 ok; 1 a check or query failed; 2 usage or input error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from dlkg import __version__
from dlkg.errors import DlkgError

__all__ = ["main"]


def _fail(err: DlkgError) -> None:
    click.echo(f"dlkg: error: {err}", err=True)
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dlkg")
def main() -> None:
    """dlkg: a knowledge graph of deep-learning frameworks (Table 14.1 of 《解析卷积神经网络》).

    Exit codes: 0 ok, 1 a check or query failed, 2 usage or input error.
    """


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--no-reason", is_flag=True, help="Skip the OWL consistency check (HermiT, needs Java).")
@handles_errors
def validate(files: tuple[str, ...], no_reason: bool) -> None:
    """Validate the graph: parse, SHACL shapes, QC checks, OWL consistency.

    FILES are data files to check instead of the packaged data. Exit 1 on any problem.
    """
    from dlkg.errors import CheckFailed
    from dlkg.validate import validate as run

    report = run(files or None, reason=not no_reason)
    if not report.conforms:
        raise CheckFailed(f"{len(report.problems)} problem(s) found", [str(p) for p in report.problems])
    checks = "SHACL shapes, QC checks" + ("" if no_reason else ", OWL consistency (HermiT)")
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
@handles_errors
def table(lang: str, fmt: str, output: str | None) -> None:
    """Rebuild Table 14.1 from the graph, by SPARQL."""
    from dlkg.output import write_output
    from dlkg.table import build_table, render

    write_output(render(build_table(lang=lang), fmt), output)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@handles_errors
def mappings(output: str | None) -> None:
    """Print the ontology's alignment with Wikidata, schema.org, DOAP and SWO as SSSOM TSV."""
    from dlkg.mappings import sssom_table
    from dlkg.output import write_output

    write_output(sssom_table(), output)


if __name__ == "__main__":  # pragma: no cover
    main()
