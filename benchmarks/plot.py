"""Log-log plots of cost against graph size, one line per engine (matplotlib, Agg backend)."""

from __future__ import annotations

import math
from pathlib import Path

__all__ = ["plot_all"]


def _series(records, operation, engine, value="median_s"):
    points = sorted((r["size"], r[value], r.get("min_s"), r.get("max_s")) for r in records
                    if r["operation"] == operation and r["engine"] == engine and r.get(value) and r["size"])
    return points


def _geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _line(ax, points, label, marker="o", style="-"):
    if not points:
        return
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    if all(p[2] is not None for p in points):
        lower = [y - p[2] for y, p in zip(ys, points)]
        upper = [p[3] - y for y, p in zip(ys, points)]
        ax.errorbar(xs, ys, yerr=[lower, upper], label=label, marker=marker, linestyle=style, capsize=3)
    else:
        ax.plot(xs, ys, label=label, marker=marker, linestyle=style)


def _finish(ax, title, ylabel="seconds (median, bars: min–max)"):
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("graph size (triples)")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)


def plot_all(doc: dict, out: Path, *, suffix: str) -> list[Path]:
    """Draw the plots of a results document into ``out``; the PNG paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    records = doc["records"]
    written = []

    def save(fig, name):
        path = Path(out) / f"{name}-{suffix}.png"
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)

    # Loads.
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    for engine in ("dlkg load (Python API)", "pyoxigraph bulk_load", "dlkg load (command)",
                   "pyoxigraph bulk_load (python -c)"):
        _line(left, _series(records, "load-embedded", engine), engine, style="-" if "command" not in engine
              and "python -c" not in engine else "--")
    _line(left, _series(records, "load-embedded", "dlkg load, replacing a loaded graph"),
          "dlkg load, replacing a loaded graph", marker="^", style="-.")
    _line(left, [(s, t, None, None) for s, t, *_ in _series(records, "load-for-queries", "rdflib Graph.parse")],
          "rdflib Graph.parse (in memory, for reference)", marker="s", style=":")
    _finish(left, "Load into the embedded store")
    for engine in ("dlkg load (Python API)", "plain GSP POST (httpx)"):
        _line(right, _series(records, "load-server", engine), engine)
    _finish(right, "Load into the Oxigraph server")
    save(fig, "load")

    # Queries: the flagship and the geometric mean over all canned queries.
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    engines = ("dlkg (embedded store)", "pyoxigraph", "rdflib")
    for engine in engines:
        _line(left, _series(records, "query:python-on-android", engine), engine)
    _finish(left, "Canned query python-on-android")
    sizes = sorted({r["size"] for r in records if r["operation"].startswith("query:") and r["size"]})
    names = sorted({r["operation"] for r in records if r["operation"].startswith("query:")})
    for engine in engines:
        points = []
        for size in sizes:
            values = [r["median_s"] for r in records if r["operation"] in names and r["engine"] == engine
                      and r["size"] == size and r.get("median_s")]
            complete = len(values) == len(names)
            if values:
                points.append((size, _geomean(values), None, None, complete))
        label = engine if all(p[4] for p in points) else f"{engine} (only the queries it finished)"
        _line(right, [p[:4] for p in points], label)
    _finish(right, f"Geometric mean over the {len(names)} canned queries")
    save(fig, "queries")

    # Validate, export.
    fig, ax = plt.subplots(figsize=(6.5, 4.8))
    _line(ax, _series(records, "validate", "dlkg validate (SHACL + QC + HermiT)"), "validate (SHACL + QC + HermiT)")
    _line(ax, _series(records, "export-jsonld", "dlkg export_graph(format='jsonld')"), "export JSON-LD")
    _line(ax, _series(records, "export-jsonld", "pyoxigraph Store.dump(format=JSON_LD)"), "pyoxigraph JSON-LD (peer)",
          style="--")
    _line(ax, _series(records, "load-embedded", "dlkg load (Python API)"), "dlkg load (for scale)", style=":")
    _finish(ax, "Validate and JSON-LD export")
    save(fig, "validate-export")

    # Peak memory.
    fig, ax = plt.subplots(figsize=(6.5, 4.8))
    for operation, engine, label in (
            ("memory", "baseline (interpreter + imports)", "baseline: interpreter + imports"),
            ("memory", "file as parsed pyoxigraph quads (list)", "file as parsed quads (list)"),
            ("load-embedded", "dlkg load (Python API)", "dlkg load → embedded"),
            ("load-embedded", "pyoxigraph bulk_load", "pyoxigraph bulk_load"),
            ("load-embedded", "dlkg load, replacing a loaded graph", "dlkg load → embedded, replacing"),
            ("load-server", "dlkg load (Python API)", "dlkg load → server"),
            ("load-server", "plain GSP POST (httpx)", "plain GSP POST"),
            ("validate", "dlkg validate (SHACL + QC + HermiT)", "validate"),
            ("export-jsonld", "dlkg export_graph(format='jsonld')", "export JSON-LD")):
        _line(ax, [(s, m, None, None) for s, m, *_ in _series(records, operation, engine, "peak_rss_mb")], label)
    _finish(ax, "Peak memory (RSS of the process)", ylabel="MB")
    save(fig, "memory")
    return written


if __name__ == "__main__":  # pragma: no cover - redraw from a results file
    import json
    import sys

    source = Path(sys.argv[1])
    document = json.loads(source.read_text(encoding="utf-8"))
    for png in plot_all(document, source.parent, suffix=document["kind"]):
        print(png)
