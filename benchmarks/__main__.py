"""``python -m benchmarks [--quick]``: measure, print the Markdown table, write JSON and plots."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path


def _size(text: str) -> int:
    try:
        return int(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 1e4 or 10000)") from None


def main(argv: list[str] | None = None) -> int:
    from benchmarks.measure import SECTIONS

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark dlkg against raw pyoxigraph, rdflib, a plain Graph Store Protocol POST and "
                    "python -c pass, on generated graphs of growing size. Prints a Markdown table and writes "
                    "results-{quick,full}.json, table-{quick,full}.md and PNG plots to --out.")
    parser.add_argument("--quick", action="store_true",
                        help="the everyday run: sizes up to 1e5, fewer repeats, validate/export and rdflib capped "
                             "(about two minutes)")
    parser.add_argument("--sizes", type=_size, nargs="+", metavar="N",
                        help="graph sizes in triples (default 1e3 1e4 1e5 1e6; --quick: up to 1e5)")
    parser.add_argument("--repeat", type=int, metavar="N",
                        help="repeats of each fast measurement (default 5; --quick: 3)")
    parser.add_argument("--out", type=Path, metavar="DIR", help="results folder (default benchmarks/results)")
    parser.add_argument("--work", type=Path, metavar="DIR",
                        help="scratch folder for generated data and stores (default benchmarks/.work)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--no-plots", action="store_true", help="do not draw the PNG plots")
    parser.add_argument("--only", nargs="+", metavar="SECTION", default=(),
                        choices=SECTIONS,
                        help="run only these parts (results go to results-KIND-SECTION.json, beside the whole runs')")
    args = parser.parse_args(argv)

    from benchmarks.measure import Config, Run
    from benchmarks.report import markdown

    config = Config.for_run(quick=args.quick, sizes=args.sizes, repeat=args.repeat, out=args.out, work=args.work,
                            seed=args.seed, only=tuple(args.only))
    command = "python -m benchmarks " + shlex.join(argv if argv is not None else sys.argv[1:])
    start = time.perf_counter()
    run = Run(config)
    run.run_all()
    wall = time.perf_counter() - start
    path = run.save(wall, command.strip())
    import json

    document = json.loads(path.read_text(encoding="utf-8"))
    table = markdown(document)
    kind = ("quick" if config.quick else "full") + "".join(f"-{part}" for part in config.only)
    (config.out / f"table-{kind}.md").write_text(table, encoding="utf-8")
    print(table)
    if not args.no_plots:
        try:
            from benchmarks.plot import plot_all
        except ImportError as err:
            print(f"plots skipped: {err} (pip install -e '.[bench]')", file=sys.stderr)
        else:
            for png in plot_all(document, config.out, suffix=kind):
                print(f"plot: {png}", file=sys.stderr)
    print(f"results: {path} ({wall:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
