"""Markdown tables and target checks from a results document (``results-*.json``)."""

from __future__ import annotations

import math
import re

__all__ = ["targets", "markdown"]

COLD = "dlkg query python-on-android"
LOAD_API, LOAD_RAW = "dlkg load (Python API)", "pyoxigraph bulk_load"
LOAD_REPLACE = "dlkg load, replacing a loaded graph"
LOAD_CLI, LOAD_RAW_CLI = "dlkg load (command)", "pyoxigraph bulk_load (python -c)"
POST = "plain GSP POST (httpx)"
EMBEDDED, RAW, RDFLIB = "dlkg (embedded store)", "pyoxigraph", "rdflib"
VALIDATE, EXPORT = "dlkg validate (SHACL + QC + HermiT)", "dlkg export_graph(format='jsonld')"


def _size(n: int | None) -> str:
    if n is None:
        return "–"
    exponent = int(round(math.log10(n)))
    return f"1e{exponent}" if 10 ** exponent == n else f"{n:,}"


def _secs(s: float | None) -> str:
    if s is None:
        return "–"
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.1f} ms" if s < 0.1 else f"{s * 1e3:.0f} ms"
    return f"{s:.2f} s" if s < 100 else f"{s:.0f} s"


def _geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def _find(records, operation, engine, size=None):
    for r in records:
        if r["operation"] == operation and r["engine"] == engine and (size is None or r["size"] == size):
            return r
    return None


def _sizes(records, operation_prefix) -> list[int]:
    return sorted({r["size"] for r in records if r["operation"].startswith(operation_prefix) and r["size"]})


def _query_ratios(records, size):
    """Per query at one size: (name, rows, dlkg, pyoxigraph, rdflib record)."""
    out = []
    for r in records:
        if r["operation"].startswith("query:") and r["engine"] == EMBEDDED and r["size"] == size:
            name = r["operation"].split(":", 1)[1]
            out.append((name, r.get("rows"), r, _find(records, r["operation"], RAW, size),
                        _find(records, r["operation"], RDFLIB, size)))
    return sorted(out)


def targets(doc: dict) -> list[dict]:
    """Each target: what, the measured figure, the limit, met or not."""
    records = doc["records"]
    out = []
    dl, py = _find(records, "cold-start", COLD), _find(records, "cold-start", "python -c pass")
    if dl and py:
        ratio = dl["median_s"] / py["median_s"]
        out.append({"target": "cold start of `dlkg query python-on-android` ≤ 3x `python -c pass`",
                    "figure": f"{ratio:.1f}x ({_secs(dl['median_s'])} vs {_secs(py['median_s'])})", "met": ratio <= 3})
    asked = _find(records, "cold-start", "dlkg ask (flagship question)")
    if dl and asked:
        ratio = asked["median_s"] / dl["median_s"]
        out.append({"target": "cold start of `dlkg ask` ≤ 2x cold `dlkg query python-on-android` (issue 15)",
                    "figure": f"{ratio:.2f}x ({_secs(asked['median_s'])} vs {_secs(dl['median_s'])})", "met": ratio <= 2})
    query_sizes = _sizes(records, "query:")
    worst, worst_where = 0.0, ""
    means = []
    for size in query_sizes:
        ratios = [(_paired(d, p), name) for name, _, d, p, _ in _query_ratios(records, size) if p]
        means.append(f"{_size(size)}: {_geomean([r for r, _ in ratios]):.2f}")
        top = max(ratios)
        if top[0] > worst:
            worst, worst_where = top[0], f"{top[1]} at {_size(size)}"
    if query_sizes:
        out.append({"target": "canned queries on the embedded store ≤ 1.5x raw pyoxigraph (every query, every size; median of back-to-back ratios)",
                    "figure": f"geometric mean {', '.join(means)}; worst {worst:.2f}x ({worst_where})",
                    "met": worst <= 1.5})
        top_size = query_sizes[-1]
        lows, engine_lows = [], []
        for name, _, d, p, rd in _query_ratios(records, top_size):
            if rd is None:
                continue
            if rd.get("median_s"):
                lows.append((rd["median_s"] / d["median_s"], name, ""))
                if p:  # the same query on raw pyoxigraph: what the engine alone gets against rdflib
                    engine_lows.append((rd["median_s"] / p["median_s"], name))
            elif rd.get("timeout_s"):
                lows.append((rd["timeout_s"] / d["median_s"], name, ", a lower bound: rdflib was stopped"))
            elif rd.get("skipped"):
                lows.append((_skip_bound(rd["skipped"]) / d["median_s"], name, ", a lower bound: rdflib was skipped"))
        if lows:
            low = min(lows)
            measured = [r for r, _, note in lows if not note]
            below = sum(1 for r, _, _ in lows if r < 10)
            out.append({"target": f"canned queries at least 10x faster than rdflib at {_size(top_size)} triples",
                        "figure": f"lowest speed-up {low[0]:.1f}x ({low[1]}{low[2]}); geometric mean over the "
                                  f"{len(measured)} queries rdflib finished: {_geomean(measured):.0f}x; {below} of {len(lows)} under 10x"
                                  + (f"; raw pyoxigraph on the same on-disk data (no dlkg layer) is under 10x for "
                                     f"{sum(1 for r, _ in engine_lows if r < 10)} of them, lowest {min(engine_lows)[0]:.1f}x "
                                     f"({min(engine_lows)[1]})" if engine_lows else ""),
                        "met": low[0] >= 10 and top_size >= 1_000_000,
                        "note": "" if top_size >= 1_000_000 else "quick run: the target is for 1e6 triples"})
    load_sizes = _sizes(records, "load-embedded")
    if load_sizes:
        top = load_sizes[-1]
        api = _find(records, "load-embedded", LOAD_API, top)["median_s"]
        raw = _find(records, "load-embedded", LOAD_RAW, top)["median_s"]
        cli = _find(records, "load-embedded", LOAD_CLI, top)
        raw_cli = _find(records, "load-embedded", LOAD_RAW_CLI, top)
        ratios = [raw / api]
        figure = f"{raw / api:.2f}x in-process"
        if cli and raw_cli:
            ratios.append(raw_cli["median_s"] / cli["median_s"])
            figure = f"{ratios[-1]:.2f}x as commands, " + figure
        others = [f"{_size(s)}: {_find(records, 'load-embedded', LOAD_RAW, s)['median_s'] / _find(records, 'load-embedded', LOAD_API, s)['median_s']:.2f}x"
                  for s in load_sizes[:-1]]
        if others:
            figure += f" (in-process at {', '.join(others)})"
        out.append({"target": f"`dlkg load` into the embedded store ≥ 0.8x raw `bulk_load` throughput ({_size(top)} triples)",
                    "figure": figure, "met": min(ratios) >= 0.8})
    replace_sizes = [s for s in _sizes(records, "load-embedded") if _find(records, "load-embedded", LOAD_REPLACE, s)
                     and _find(records, "load-embedded", LOAD_REPLACE, s).get("median_s")]
    if replace_sizes:
        top = replace_sizes[-1]
        fresh, again = _find(records, "load-embedded", LOAD_API, top), _find(records, "load-embedded", LOAD_REPLACE, top)
        time_ratio = again["median_s"] / fresh["median_s"]
        memory_ratio = again["peak_rss_mb"] / fresh["peak_rss_mb"]
        out.append({"target": f"replacing a loaded graph ≤ 1.5x a fresh `dlkg load`, time and peak memory ({_size(top)} triples)",
                    "figure": f"{time_ratio:.2f}x time, {memory_ratio:.2f}x peak memory",
                    "met": time_ratio <= 1.5 and memory_ratio <= 1.5})
    server_sizes = [s for s in _sizes(records, "load-server") if _find(records, "load-server", POST, s)]
    if server_sizes:
        top = server_sizes[-1]
        d = _find(records, "load-server", LOAD_API, top)["median_s"]
        p = _find(records, "load-server", POST, top)["median_s"]
        others = [f"{_size(s)}: {_find(records, 'load-server', POST, s)['median_s'] / _find(records, 'load-server', LOAD_API, s)['median_s']:.2f}x"
                  for s in server_sizes[:-1]]
        out.append({"target": f"`dlkg load` into the Oxigraph server ≥ 0.7x a plain GSP POST ({_size(top)} triples)",
                    "figure": f"{p / d:.2f}x" + (f" ({', '.join(others)})" if others else ""), "met": p / d >= 0.7})
    if load_sizes:
        top = load_sizes[-1]
        load = _find(records, "load-embedded", LOAD_API, top)
        parsed = _find(records, "memory", "file as parsed pyoxigraph quads (list)", top)
        base = _find(records, "memory", "baseline (interpreter + imports)", top)
        if load and parsed and base:
            over = load["peak_rss_mb"] - base["peak_rss_mb"]
            objects = parsed["peak_rss_mb"] - base["peak_rss_mb"]
            out.append({"target": f"loading {_size(top)} triples into the embedded store streams (peak well under the "
                                  "file as parsed objects)",
                        "figure": f"peak {load['peak_rss_mb']:.0f} MB ({over:.0f} MB over the {base['peak_rss_mb']:.0f} MB "
                                  f"baseline); the file ({load.get('file_mb', 0):.0f} MB) as parsed quads: "
                                  f"{parsed['peak_rss_mb']:.0f} MB ({objects:.0f} MB over baseline)",
                        "met": over < 0.5 * objects})
    serve = {(r["engine"], r["clients"]): r for r in records if r["operation"] == "serve"}
    for clients in sorted({c for _, c in serve}):
        d, o = serve.get(("dlkg serve", clients)), serve.get(("oxigraph serve-read-only", clients))
        if d and o:
            ratio = d["qps"] / o["qps"]
            out.append({"target": f"`dlkg serve` answers the flagship query from {clients} client(s) at ≥ 0.5x the "
                                  "queries/s of `oxigraph serve-read-only --union-default-graph`, no errors",
                        "figure": f"{ratio:.2f}x ({d['qps']:.0f} vs {o['qps']:.0f} q/s; p50 {d['p50_ms']:.2f} vs "
                                  f"{o['p50_ms']:.2f} ms; {d['errors']} errors)",
                        "met": ratio >= 0.5 and d["errors"] == 0})
    return out + _scale_targets(records)


def _scale_targets(records: list[dict]) -> list[dict]:
    """Issue 16's targets, each at the sizes it names that the run measured."""
    out = []
    sizes = [s for s in _sizes(records, "load-embedded") if s >= 10_000 and _find(records, "load-embedded", LOAD_RAW, s)]
    if sizes:
        ratios = {s: _find(records, "load-embedded", LOAD_RAW, s)["median_s"]
                  / _find(records, "load-embedded", LOAD_API, s)["median_s"] for s in sizes}
        out.append({"target": "`dlkg load` into the embedded store ≥ 0.8x raw `bulk_load` throughput at every size "
                              "from 1e4 (issue 16: 1e4, 1e5, 2e5, 1e6)",
                    "figure": ", ".join(f"{_size(s)}: {r:.2f}x" for s, r in ratios.items()),
                    "met": min(ratios.values()) >= 0.8})
    peer = _find(records, "validate", VALIDATE, 10_000)
    if peer and peer.get("ratio_to_peer"):
        out.append({"target": "`dlkg validate` at 1e4 ≥ 10x faster than pySHACL on the shapes of 2026-12 (issue 16)",
                    "figure": f"{peer['ratio_to_peer']:.1f}x ({_secs(peer['median_s'])})",
                    "met": peer["ratio_to_peer"] >= 10})
    for size, limit in ((100_000, 30), (1_000_000, 300)):
        run = _find(records, "validate", VALIDATE, size)
        if run and run.get("median_s"):
            memory = run["peak_rss_mb"] < 2048 if size == 1_000_000 else True
            out.append({"target": f"`dlkg validate` at {_size(size)} under {limit} s"
                                  + (", peak under 2 GB" if size == 1_000_000 else "") + " (issue 16)",
                        "figure": f"{_secs(run['median_s'])}, peak {run['peak_rss_mb']:.0f} MB",
                        "met": run["median_s"] < limit and memory})
    exports = [r for r in records if r["operation"] == "export-jsonld" and r["size"] in (100_000, 1_000_000)
               and r.get("ratio_to_pyoxigraph")]
    if exports:
        top = exports[-1]
        memory = top["size"] != 1_000_000 or top["peak_rss_mb"] < 1024
        out.append({"target": "JSON-LD export within 10x pyoxigraph's JSON-LD writer at 1e5 and 1e6, peak under 1 GB "
                              "at 1e6 (issue 16)",
                    "figure": ", ".join(f"{_size(r['size'])}: {r['ratio_to_pyoxigraph']:.1f}x" for r in exports)
                              + f"; peak {top['peak_rss_mb']:.0f} MB at {_size(top['size'])}",
                    "met": memory and all(r["ratio_to_pyoxigraph"] <= 10 for r in exports)})
    return out


def _paired(d: dict, p: dict) -> float:
    """dlkg / pyoxigraph: the median of the ratios of back-to-back runs (robust to drifts in load)."""
    return d.get("paired_ratio_to_pyoxigraph") or d["median_s"] / p["median_s"]


def _skip_bound(reason: str) -> float:
    """The lower bound a skip reason states ("predicted N s" or "stopped at N s")."""
    match = re.search(r"(?:predicted|stopped at) (\d+(?:\.\d+)?) s", reason)
    return float(match.group(1)) if match else float("nan")


def markdown(doc: dict) -> str:
    """The run's tables as Markdown."""
    records = doc["records"]
    lines = [f"Command: `{doc['command']}` — {doc['kind']} run, {doc['started']}, wall {doc['wall_s'] / 60:.1f} min; "
             f"machine: {doc['machine']['nproc']} cores, {doc['machine']['cpu']}, Python {doc['machine']['python']}, "
             f"pyoxigraph {doc['machine']['versions'].get('pyoxigraph')}, rdflib {doc['machine']['versions'].get('rdflib')}. "
             "Times are medians (min–max) of repeated runs.", ""]
    lines += ["### Targets", "", "| target | measured | met |", "|---|---|---|"]
    for t in targets(doc):
        mark = "yes" if t["met"] else ("n/a" if t.get("note") else "**no**")
        lines.append(f"| {t['target']} | {t['figure']}{' — ' + t['note'] if t.get('note') else ''} | {mark} |")

    serve = [r for r in records if r["operation"] == "serve"]
    if serve:
        lines += ["", "### SPARQL endpoint (flagship query, SPARQL JSON, keep-alive clients)", "",
                  "| server | clients | queries/s | p50 | p90 | errors |", "|---|---|---|---|---|---|"]
        for r in sorted(serve, key=lambda r: (r["clients"], r["engine"])):
            lines.append(f"| {r['engine']} | {r['clients']} | {r['qps']:.0f} | {r['p50_ms']:.2f} ms | "
                         f"{r['p90_ms']:.2f} ms | {r['errors']} |")

    lines += ["", "### Cold start", "", "| command | median | min–max | peak RSS |", "|---|---|---|---|"]
    for r in records:
        if r["operation"] == "cold-start":
            lines.append(f"| `{r['engine']}` | {_secs(r['median_s'])} | {_secs(r['min_s'])}–{_secs(r['max_s'])} | "
                         f"{r['peak_rss_mb']:.0f} MB |")

    lines += ["", "### Loads", "",
              "| into | size | engine | median | min–max | triples/s | ratio to reference | peak RSS |",
              "|---|---|---|---|---|---|---|---|"]
    refs = {LOAD_API: LOAD_RAW, LOAD_CLI: LOAD_RAW_CLI}
    for op, into in (("load-embedded", "embedded"), ("load-server", "Oxigraph server")):
        for size in _sizes(records, op):
            for r in [r for r in records if r["operation"] == op and r["size"] == size and r.get("median_s")]:
                ref_name = refs.get(r["engine"]) if op == "load-embedded" else (POST if r["engine"] == LOAD_API else None)
                ref = _find(records, op, ref_name, size) if ref_name else None
                ratio = f"{ref['median_s'] / r['median_s']:.2f}x" if ref else "(reference)"
                lines.append(f"| {into} | {_size(size)} | {r['engine']} | {_secs(r['median_s'])} | {_secs(r['min_s'])}–"
                             f"{_secs(r['max_s'])} | {r.get('throughput_tps', 0):,.0f} | {ratio} | {r['peak_rss_mb']:.0f} MB |")
    for size in _sizes(records, "load-for-queries"):
        r = _find(records, "load-for-queries", "rdflib Graph.parse", size)
        if r:
            lines.append(f"| rdflib Graph (for queries) | {_size(size)} | rdflib Graph.parse | {_secs(r['median_s'])} | – | "
                         f"{(r['triples'] or 0) / r['median_s']:,.0f} | – | – |")

    lines += ["", "### Canned queries, summary", "",
              "| size | queries | dlkg / pyoxigraph (geomean) | worst dlkg / pyoxigraph | rdflib / dlkg (geomean, queries rdflib ran) | rdflib runs |",
              "|---|---|---|---|---|---|"]
    query_sizes = _sizes(records, "query:")
    for size in query_sizes:
        rows = _query_ratios(records, size)
        ratios = [(_paired(d, p), n) for n, _, d, p, _ in rows]
        rd = [rdr["median_s"] / d["median_s"] for _, _, d, _, rdr in rows if rdr and rdr.get("median_s")]
        worst = max(ratios)
        lines.append(f"| {_size(size)} | {len(rows)} | {_geomean([r for r, _ in ratios]):.2f}x | {worst[0]:.2f}x ({worst[1]}) | "
                     f"{_geomean(rd):.0f}x | {len(rd)} of {len(rows)} |")

    for size in query_sizes[-1:]:
        lines += ["", f"### Canned queries at {_size(size)} triples", "",
                  "| query | rows | dlkg (embedded) | pyoxigraph | dlkg / pyoxigraph | rdflib | rdflib / dlkg |",
                  "|---|---|---|---|---|---|---|"]
        for name, n_rows, d, p, rd in _query_ratios(records, size):
            if rd is None:
                rd_text, rd_ratio = "–", "–"
            elif rd.get("median_s"):
                rd_text, rd_ratio = _secs(rd["median_s"]), f"{rd['median_s'] / d['median_s']:.0f}x"
            elif rd.get("timeout_s"):
                rd_text, rd_ratio = f"> {rd['timeout_s']:g} s (stopped)", f"> {rd['timeout_s'] / d['median_s']:.0f}x"
            else:
                bound = _skip_bound(rd.get("skipped", ""))
                rd_text = f"skipped ({rd.get('skipped')})"
                rd_ratio = f"> {bound / d['median_s']:.0f}x" if bound == bound else "–"
            lines.append(f"| {name} | {n_rows} | {_secs(d['median_s'])} | {_secs(p['median_s'])} | "
                         f"{_paired(d, p):.2f}x | {rd_text} | {rd_ratio} |")

    lines += ["", "### Validate and export", "", "| operation | size | median | min–max | runs | peak RSS | note |",
              "|---|---|---|---|---|---|---|"]
    for op in ("validate", "validate-peer", "export-jsonld"):
        for r in [r for r in records if r["operation"] == op]:
            if r.get("median_s"):
                note = f"{r['ratio_to_pyoxigraph']:.1f}x pyoxigraph's JSON-LD" if r.get("ratio_to_pyoxigraph") else ""
                if r.get("ratio_to_peer"):
                    note = f"{r['ratio_to_peer']:.1f}x faster than the peer (pySHACL, shapes of 2026-12)"
                lines.append(f"| {r['engine']} | {_size(r['size'])} | {_secs(r['median_s'])} | {_secs(r['min_s'])}–"
                             f"{_secs(r['max_s'])} | {r['repeats']} | {r['peak_rss_mb']:.0f} MB | {note} |")
            else:
                lines.append(f"| {r['engine']} | {_size(r['size'])} | – | – | 0 | – | {r.get('skipped', '')} |")

    lines += ["", "### Peak memory (RSS of a fresh child process)", "",
              "| size | file | baseline (imports) | parsed quads (list) | dlkg load embedded | bulk_load | dlkg load → server | GSP POST | validate | export JSON-LD |",
              "|---|---|---|---|---|---|---|---|---|---|"]

    def mb(op, engine, size):
        r = _find(records, op, engine, size)
        return f"{r['peak_rss_mb']:.0f} MB" if r and r.get("peak_rss_mb") else "–"

    for size in _sizes(records, "memory"):
        parsed = _find(records, "memory", "file as parsed pyoxigraph quads (list)", size)
        lines.append(f"| {_size(size)} | {parsed.get('file_mb', 0):.1f} MB | {mb('memory', 'baseline (interpreter + imports)', size)} | "
                     f"{mb('memory', 'file as parsed pyoxigraph quads (list)', size)} | {mb('load-embedded', LOAD_API, size)} | "
                     f"{mb('load-embedded', LOAD_RAW, size)} | {mb('load-server', LOAD_API, size)} | {mb('load-server', POST, size)} | "
                     f"{mb('validate', VALIDATE, size)} | "
                     f"{mb('export-jsonld', EXPORT, size)} |")
    imports = doc.get("importtime")
    if imports:
        lines += ["", f"### Where the cold start goes (`python -X importtime`): imports {imports['total_import_us'] / 1e3:.0f} ms "
                  f"of {imports['wall_s_same_moment'] * 1e3:.0f} ms", "", "| module (top level) | cumulative |", "|---|---|"]
        for e in imports["top_level"][:8]:
            lines.append(f"| {e['module']} | {e['cumulative_us'] / 1e3:.1f} ms |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    import json
    import sys

    print(markdown(json.load(open(sys.argv[1], encoding="utf-8"))))
