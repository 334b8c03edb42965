"""Synthetic graphs shaped like ``data/frameworks.ttl``, at any size, deterministic from a seed.

Each generated framework is modelled exactly as the real nine are:

- a ``dlkg:Framework`` with direct ``dlkg:developedBy``, ``dlkg:implementedIn``,
  ``dlkg:runsOn`` and ``dlkg:hasInterface`` triples, each mirrored by ``dlkg:ListEntry`` nodes
  (column, position, value) of a generated table, plus the framework's own row entry;
- one ``dlkg:CapabilityStatement`` per capability column of the table (automatic
  differentiation, pretrained models, CNN, RNN, single-machine multi-GPU), with its support
  level, column and ``prov:wasDerivedFrom``; unconditional cells also carry the direct
  ``dlkg:supports`` / ``dlkg:doesNotSupport`` triple, conditional ones their condition in
  English and Chinese (and neither direct triple);
- bilingual ``dlkg:Strength`` / ``dlkg:Weakness`` nodes (text ``@zh`` and ``@en``, position,
  section) with ``prov:wasDerivedFrom``; some speak about capabilities and back extra
  statements (multi-machine multi-GPU, commercial support), as in section 14.2;
- sometimes a model zoo, backends (other generated frameworks), integrations and adopters.

The shared vocabulary (languages, platforms, a few agents) keeps the real IRIs (``res:Python``,
``res:Android``...), so the canned queries that name them find rows; everything generated
lives under ``https://w3id.org/dlkg/resource/gen/``. The first nine frameworks carry the real
frameworks' names, so canned queries whose default parameter names one (``Caffe``,
``TensorFlow``...) return rows too, and every fifth framework has a Python interface and runs
on Android, so the flagship query ``python-on-android`` grows with the graph.

The output is N-Triples (one triple per line, no blank nodes), so the same seed and size
always give the same bytes; :func:`write_turtle` converts to Turtle.

>>> triples = generate_triples(1000, seed=1)
>>> 1000 <= len(triples) < 1400
True
>>> triples == generate_triples(1000, seed=1)
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from dlkg.namespaces import DCTERMS as DCT
from dlkg.namespaces import DLKG, OUTPUT_PREFIXES, OWL, PROV, RDF, RDFS, RES, SKOS, XSD

__all__ = ["DLKG", "RES", "GEN", "SIZES", "generate_triples", "write_ntriples", "write_turtle", "dataset"]

GEN = RES + "gen/"

#: The sizes (triples) of the full run; ``--quick`` stops at 1e5.
SIZES = (1_000, 10_000, 100_000, 1_000_000)

_TYPE = f"<{RDF}type>"
_LABEL = f"<{RDFS}label>"
_NAMED = f"<{OWL}NamedIndividual>"
_DERIVED = f"<{PROV}wasDerivedFrom>"

# The nine real frameworks' names: the first nine generated frameworks carry them.
_REAL_NAMES = ("Caffe", "Deeplearning4j", "Keras", "MXNet", "MatConvNet", "TensorFlow", "Theano", "Torch", "PyTorch")

# Shared vocabulary, with the real IRIs (local name, class(es), English label, alt label).
_LANGUAGES = (("CPlusPlus", "C++"), ("C", "C"), ("Java", "Java"), ("Python", "Python"), ("MATLAB", "MATLAB"),
              ("Lua", "Lua"), ("LuaJIT", "LuaJIT"), ("Scala", "Scala"), ("Clojure", "Clojure"), ("Julia", "Julia"),
              ("JavaScript", "JavaScript"), ("Go", "Go"), ("R", "R"), ("Perl", "Perl"))
_PLATFORMS = (("Linux", ("OperatingSystem",), "Linux", None), ("MacOSX", ("OperatingSystem",), "Mac OS X", "macOS"),
              ("Windows", ("OperatingSystem",), "Windows", None),
              ("Android", ("OperatingSystem", "MobilePlatform"), "Android", None),
              ("iOS", ("OperatingSystem", "MobilePlatform"), "iOS", None),
              ("AWS", ("CloudPlatform",), "AWS", None), ("JavaScriptPlatform", ("JavaScriptRuntime",), "JavaScript", None),
              ("CrossPlatform", ("CrossPlatform",), "Cross-platform", None))
_AGENTS = (("Facebook", "Organization", "Facebook"), ("GoogleBrain", "Organization", "Google Brain"),
           ("BVLC", "Organization", "BVLC"), ("DMLC", "Organization", "Distributed (Deep) Machine Learning Community"),
           ("FrancoisChollet", "Person", "Francois Chollet"), ("AmazonWebServices", "Organization", "Amazon Web Services"))
_SOFTWARE = (("Hadoop", "Hadoop"), ("Spark", "Spark"))

# The capability columns of the table, in the order of Table 14.1.
_CAPABILITY_COLUMNS = (("autodiff", "AutomaticDifferentiation", "自动求导", "Automatic differentiation"),
                       ("pretrained", "PretrainedModels", "预训练模型", "Pretrained models"),
                       ("cnn", "CNNDevelopment", "CNN开发", "CNN development"),
                       ("rnn", "RNNDevelopment", "RNN开发", "RNN development"),
                       ("multigpu", "SingleMachineMultiGPU", "单机多卡并行", "Single-machine multi-GPU"))
_LIST_COLUMNS = (("developer", "developedBy", "开发者", "Developer"),
                 ("language", "implementedIn", "开发语言", "Implementation language"),
                 ("platform", "runsOn", "支持平台", "Supported platforms"),
                 ("interface", "hasInterface", "支持接口", "Supported interfaces"))
_EXTRA_CAPABILITIES = ("MultiMachineMultiGPU", "CommercialSupport", "ReinforcementLearning")

_STRENGTHS = (("适合前馈网络和图像处理", "Well suited to feed-forward networks and image processing"),
              ("适合微调已有的网络模型", "Well suited to fine-tuning existing network models"),
              ("提供方便的Python接口", "Offers a convenient Python interface"),
              ("适用于分布式集群", "Suited to distributed clusters"),
              ("文档详尽，社区活跃", "Thorough documentation and an active community"),
              ("计算图可以动态构建", "The computation graph can be built dynamically"))
_WEAKNESSES = (("不支持多机多卡", "Does not run on several machines with several GPUs"),
               ("需要用C++编写新的层", "New layers have to be written in C++"),
               ("不提供商业支持", "No commercial support"),
               ("编译时间较长", "Compiling takes rather long"),
               ("扩展性稍差", "Somewhat poor extensibility"),
               ("框架更新缓慢", "The framework is updated slowly"))


def _iri(value: str) -> str:
    return f"<{value}>"


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def _int(value: int) -> str:
    return _lit(str(value), datatype=XSD + "integer")


class _Writer:
    """Collects N-Triples lines; lazily emits the description of pool members on first use."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.described: set[str] = set()

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def types(self, s: str, *classes: str) -> None:
        for cls in classes:
            self.add(s, _TYPE, cls)


def _d(name: str) -> str:
    return _iri(DLKG + name)


def _fixed_part(w: _Writer) -> None:
    """The source documents and the generated table with its columns."""
    source = _iri(GEN + "Source")
    w.types(source, _iri(DCT + "BibliographicResource"), _iri(PROV + "Entity"))
    w.add(source, _LABEL, _lit("Generated benchmark table", "en"))
    w.add(source, _iri(DCT + "title"), _lit("Generated benchmark table", "en"))
    w.add(source, _iri(DCT + "title"), _lit("生成的基准表", "zh"))
    table = _iri(GEN + "Table")
    w.types(table, _iri(DCT + "BibliographicResource"), _iri(PROV + "Entity"))
    w.add(table, _LABEL, _lit("Generated comparison table", "en"))
    w.add(table, _LABEL, _lit("生成的框架对比表", "zh"))
    w.add(table, _iri(DCT + "title"), _lit("Generated comparison table", "en"))
    w.add(table, _iri(DCT + "identifier"), _lit("G.1"))
    w.add(table, _iri(DCT + "isPartOf"), source)
    columns = [("framework", None, "开发框架", "Framework")] + list(_LIST_COLUMNS)
    def add_column(position: int, key: str, zh: str, en: str):
        column = _iri(GEN + f"Table-{key}")
        w.types(column, _NAMED, _d("TableColumn"))
        w.add(column, _LABEL, _lit(zh, "zh"))
        w.add(column, _LABEL, _lit(en, "en"))
        w.add(column, _d("position"), _int(position))
        w.add(column, _iri(DCT + "isPartOf"), table)
        return column

    position = 0
    for key, prop, zh, en in columns:
        position += 1
        column = add_column(position, key, zh, en)
        if prop:
            w.add(column, _d("listProperty"), _d(prop))
    for key, capability, zh, en in _CAPABILITY_COLUMNS:
        position += 1
        column = add_column(position, key, zh, en)
        w.add(column, _d("capabilityColumn"), _d(capability))
        w.add(column, _d("positiveWord"), _lit("支持", "zh"))
        w.add(column, _d("positiveWord"), _lit("Yes", "en"))
        w.add(column, _d("negativeWord"), _lit("不支持", "zh"))
        w.add(column, _d("negativeWord"), _lit("No", "en"))


class _Pools:
    """Languages, platforms, agents and libraries: the shared real ones, then generated ones
    that are described the first time a framework uses them."""

    def __init__(self, rng: random.Random, w: _Writer) -> None:
        self.rng = rng
        self.w = w
        self.languages = [RES + local for local, _ in _LANGUAGES]
        self.platforms = [RES + local for local, *_ in _PLATFORMS]
        self.agents = [RES + local for local, *_ in _AGENTS]
        self.software = [RES + local for local, _ in _SOFTWARE]
        self.libraries: list[str] = []
        self._shared = {RES + local: ("ProgrammingLanguage", label, None) for local, label in _LANGUAGES}
        self._shared.update({RES + local: (classes, label, alt) for local, classes, label, alt in _PLATFORMS})
        self._shared.update({RES + local: (cls, label, None) for local, cls, label in _AGENTS})
        self._shared.update({RES + local: ("Software", label, None) for local, label in _SOFTWARE})

    def grow(self, frameworks: int) -> None:
        """Grow the pools with the graph: about one new agent per framework, one new language
        per 25 and one new platform per 40."""
        while len(self.agents) < 6 + frameworks:
            n = len(self.agents)
            self.agents.append(GEN + f"agent/{n}")
        while len(self.languages) < 14 + frameworks // 25:
            self.languages.append(GEN + f"language/{len(self.languages)}")
        while len(self.platforms) < 8 + frameworks // 40:
            self.platforms.append(GEN + f"platform/{len(self.platforms)}")
        while len(self.libraries) < 1 + frameworks // 50:
            self.libraries.append(GEN + f"library/{len(self.libraries)}")

    def describe(self, iri: str) -> None:
        w = self.w
        if iri in w.described:
            return
        w.described.add(iri)
        node = _iri(iri)
        if iri in self._shared:
            classes, label, alt = self._shared[iri]
            classes = (classes,) if isinstance(classes, str) else classes
            w.types(node, _NAMED, *(_d(cls) for cls in classes))
            w.add(node, _LABEL, _lit(label, "en"))
            if alt:
                w.add(node, _iri(SKOS + "altLabel"), _lit(alt, "en"))
            return
        kind, number = iri[len(GEN):].split("/")
        if kind == "agent":
            cls = "Organization" if int(number) % 3 else "Person"
            w.types(node, _NAMED, _d(cls))
            w.add(node, _LABEL, _lit(f"{'Lab' if cls == 'Organization' else 'Developer'} {number}", "en"))
            if int(number) % 4 == 0:
                w.add(node, _LABEL, _lit(f"开发团队{number}", "zh"))
        elif kind == "language":
            w.types(node, _NAMED, _d("ProgrammingLanguage"))
            w.add(node, _LABEL, _lit(f"Lang{number}", "en"))
        elif kind == "platform":
            cls = ("OperatingSystem", "CloudPlatform", "MobilePlatform")[int(number) % 3]
            w.types(node, _NAMED, _d(cls))
            w.add(node, _LABEL, _lit(f"Platform {number}", "en"))
        elif kind == "library":
            w.types(node, _NAMED, _d("SoftwareLibrary"))
            w.add(node, _LABEL, _lit(f"utility library {number}", "en"))

    def pick(self, pool: list[str], count: int, *, forced: tuple[str, ...] = ()) -> list[str]:
        chosen = list(forced)
        # Weighted toward the start of the pool (the shared, well-known values), as in reality.
        while len(chosen) < count:
            index = min(int(self.rng.expovariate(1 / 6)), len(pool) - 1) if self.rng.random() < 0.7 \
                else self.rng.randrange(len(pool))
            if pool[index] not in chosen:
                chosen.append(pool[index])
        for iri in chosen:
            self.describe(iri)
        return chosen


def _name(i: int) -> str:
    return _REAL_NAMES[i] if i < len(_REAL_NAMES) else f"Framework {i}"


def _framework(i: int, rng: random.Random, w: _Writer, pools: _Pools, names: list[str]) -> None:
    fw_iri = GEN + f"framework/{i}"
    fw = _iri(fw_iri)
    name = _name(i)
    names.append(fw_iri)
    table = _iri(GEN + "Table")
    section = _iri(GEN + f"section/{i}")

    # The section of the source the bullets come from.
    w.types(section, _iri(DCT + "BibliographicResource"), _iri(PROV + "Entity"))
    w.add(section, _LABEL, _lit(f"G.2.{i + 1} {name}", "en"))
    w.add(section, _iri(DCT + "title"), _lit(name, "en"))
    w.add(section, _iri(DCT + "identifier"), _lit(f"G.2.{i + 1}"))
    w.add(section, _iri(DCT + "isPartOf"), _iri(GEN + "Source"))

    w.types(fw, _NAMED, _d("Framework"))
    w.add(fw, _LABEL, _lit(name, "en"))
    if i % 6 == 0:
        w.add(fw, _LABEL, _lit(f"框架{i}", "zh"))
    if i % 10 == 3:
        w.add(fw, _iri(SKOS + "altLabel"), _lit(f"FW{i}", "en"))

    python_on_android = i % 5 == 1
    lists = {
        "developer": pools.pick(pools.agents, 1 + (rng.random() < 0.3) + (rng.random() < 0.1)),
        "language": pools.pick(pools.languages, 1 + (rng.random() < 0.35)),
        "platform": pools.pick(pools.platforms, rng.randint(1, 5),
                               forced=(RES + "Linux", RES + "Android") if python_on_android else ()),
        "interface": pools.pick(pools.languages, rng.randint(1, 4),
                                forced=(RES + "Python",) if python_on_android else ()),
    }
    if rng.random() < 0.05 and pools.libraries:
        library = rng.choice(pools.libraries)
        if library not in lists["interface"]:
            pools.describe(library)
            lists["interface"].append(library)

    # The row entry and the list entries, in table order.
    def entry(node: str, column: str, position: int, value: str) -> None:
        n = _iri(node)
        w.types(n, _NAMED, _d("ListEntry"))
        w.add(n, _d("entryOf"), fw)
        w.add(n, _d("column"), _iri(GEN + f"Table-{column}"))
        w.add(n, _d("position"), _int(position))
        w.add(n, _d("value"), _iri(value))
        w.add(n, _DERIVED, table)

    entry(fw_iri + "/row", "framework", i + 1, fw_iri)
    for key, prop, _, _ in _LIST_COLUMNS:
        for position, value in enumerate(lists[key], 1):
            w.add(fw, _d(prop), _iri(value))
            entry(fw_iri + f"/{key}-{position}", key, position, value)

    # Strengths and weaknesses (section 14.2's bullets), bilingual.
    bullets: list[tuple[str, str | None, bool]] = []
    n_strengths, n_weaknesses = rng.randint(1, 5), rng.randint(0, 4)
    for k in range(n_strengths + n_weaknesses):
        strength = k < n_strengths
        zh, en = rng.choice(_STRENGTHS if strength else _WEAKNESSES)
        bullet = _iri(fw_iri + f"/bullet-{k + 1}")
        kind = "Strength" if strength else "Weakness"
        w.types(bullet, _NAMED, _d(kind))
        w.add(bullet, _LABEL, _lit(f"{name} {kind.lower()} {k + 1}", "en"))
        w.add(bullet, _d("text"), _lit(f"{zh}（{k + 1}）", "zh"))
        w.add(bullet, _d("text"), _lit(f"{en} ({k + 1}).", "en"))
        w.add(bullet, _d("position"), _int(k + 1))
        concerns = None
        if rng.random() < 0.3:
            concerns = rng.choice(_EXTRA_CAPABILITIES[:2])
            w.add(bullet, _d("concernsCapability"), _d(concerns))
        w.add(bullet, _DERIVED, section)
        w.add(fw, _d("hasStrength" if strength else "hasWeakness"), bullet)
        bullets.append((fw_iri + f"/bullet-{k + 1}", concerns, strength))

    # Capability statements: one per capability column, plus those a bullet backs.
    def statement(capability: str, level: str, column: str | None, sources: list[str], extra=()) -> None:
        node = _iri(fw_iri + f"/{capability}")
        w.types(node, _NAMED, _d("CapabilityStatement"))
        w.add(node, _d("statementAbout"), fw)
        w.add(node, _d("capability"), _d(capability))
        w.add(node, _d("supportLevel"), _d(level))
        if column:
            w.add(node, _d("column"), _iri(GEN + f"Table-{column}"))
        for p, o in extra:
            w.add(node, p, o)
        for source in sources:
            w.add(node, _DERIVED, source)
        w.add(fw, _d("hasCapabilityStatement"), node)
        if level == "Supported":
            w.add(fw, _d("supports"), _d(capability))
        elif level == "NotSupported":
            w.add(fw, _d("doesNotSupport"), _d(capability))

    pretrained = False
    for column, capability, _, _ in _CAPABILITY_COLUMNS:
        roll = rng.random()
        if capability == "SingleMachineMultiGPU" and i >= 2 and roll < 0.06:
            yes, no = rng.sample(range(i), 2)
            statement(capability, "Conditional", column, [table], extra=(
                (_d("printedSupportLevel"), _d("NotSupported")),
                (_d("condition"), _lit(f"Supported with the {_name(yes)} backend; not with {_name(no)}.", "en")),
                (_d("condition"), _lit(f"{_name(no)}作为后端时不支持；{_name(yes)}作为后端时可支持。", "zh")),
                (_d("supportedWith"), _iri(names[yes])),
                (_d("notSupportedWith"), _iri(names[no]))))
            continue
        level = "Supported" if roll < 0.65 else "NotSupported"
        pretrained |= capability == "PretrainedModels" and level == "Supported"
        statement(capability, level, column, [table])
    stated: set[str] = set()
    for bullet, concerns, strength in bullets:
        if concerns and concerns not in stated:
            stated.add(concerns)
            statement(concerns, "Supported" if strength else "NotSupported", None, [_iri(bullet), section])

    if pretrained:
        w.add(fw, _d("modelZoo"), _iri(fw_iri + "/model-zoo"))
    if i >= 3 and rng.random() < 0.1:
        for backend in rng.sample(names[:-1], rng.randint(1, 2)):
            w.add(fw, _d("hasBackend"), _iri(backend))
    if rng.random() < 0.08:
        software = rng.choice(pools.software)
        pools.describe(software)
        w.add(fw, _d("integratesWith"), _iri(software))
    if rng.random() < 0.1:
        adopter = pools.pick(pools.agents, 1)[0]
        if adopter not in lists["developer"]:
            w.add(fw, _d("adoptedBy"), _iri(adopter))
    w.add(fw, _DERIVED, table)
    w.add(fw, _DERIVED, section)


def generate_triples(size: int, *, seed: int = 0) -> list[str]:
    """N-Triples lines (each ending in a newline) of a graph of about ``size`` triples.

    Frameworks are added until the graph holds at least ``size`` triples (each adds about
    200), so the result is at most one framework's worth above ``size``.
    """
    rng = random.Random(seed)
    w = _Writer()
    _fixed_part(w)
    pools = _Pools(rng, w)
    for iri in (RES + "Python", RES + "Linux", RES + "Android"):
        pools.describe(iri)
    names: list[str] = []
    i = 0
    while len(w.lines) < size:
        pools.grow(i + 1)
        _framework(i, rng, w, pools, names)
        i += 1
    return w.lines


def write_ntriples(path: str | Path, size: int, *, seed: int = 0) -> int:
    """Write a generated graph as N-Triples; the number of triples."""
    lines = generate_triples(size, seed=seed)
    Path(path).write_text("".join(lines), encoding="utf-8")
    return len(lines)


def write_turtle(nt_path: str | Path, ttl_path: str | Path) -> None:
    """Convert a generated N-Triples file to Turtle (same triples, dlkg's prefixes)."""
    import pyoxigraph as ox

    prefixes = {**OUTPUT_PREFIXES, "gen": GEN}
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(nt_path),
                                                                           format=ox.RdfFormat.N_TRIPLES)]
    ox.serialize(triples, output=str(ttl_path), format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def dataset(folder: str | Path, size: int, *, seed: int = 0) -> tuple[Path, int]:
    """The generated N-Triples file for a size and seed in ``folder`` (made once, then reused)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"gen-{size}-seed{seed}.nt"
    count_path = path.with_suffix(".count")
    if not path.exists() or not count_path.exists():
        tmp = path.with_suffix(".tmp")
        count = write_ntriples(tmp, size, seed=seed)
        tmp.replace(path)
        count_path.write_text(str(count))
    return path, int(count_path.read_text())


def _main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate",
                                     description="Write a generated dlkg-shaped graph.")
    parser.add_argument("size", type=int, help="about how many triples")
    parser.add_argument("output", help="file to write (.nt or .ttl)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = Path(args.output)
    if out.suffix == ".ttl":
        nt = out.with_suffix(".nt.tmp")
        count = write_ntriples(nt, args.size, seed=args.seed)
        write_turtle(nt, out)
        nt.unlink()
    else:
        count = write_ntriples(out, args.size, seed=args.seed)
    print(f"{count} triples -> {out}")


def iter_sizes(quick: bool) -> Iterator[int]:
    """The sizes of a run."""
    yield from (s for s in SIZES if not quick or s <= 100_000)


if __name__ == "__main__":
    _main()
