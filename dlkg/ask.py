"""Questions in plain English or Chinese, answered from the graph (``dlkg ask``), or refused.

A question is read, never guessed: the names in it are spotted by longest match
(pyahocorasick) against the view's own labels, alternative labels and short names in both
languages (``queries/ask-lexicon.rq``) and a small hand-written lexicon of function words
(:data:`WORDS`); a name typed within a small edit distance (rapidfuzz, optimal string
alignment) is read as that name, and the reading says so. The reading is compiled into one
of the ``queries/ask-*.rq`` queries (or the canned ``conditional-support``), its values bound
as RDF terms by :func:`dlkg.sparql.bind_values`, and run by :class:`dlkg.executor.QueryExecutor`.
A question with a word that is neither a name nor a function word is refused, with the words
not understood and questions that can be answered. No model, no network: the same question
always gets the same answer.

>>> answer = ask("Which frameworks have a Python interface and run on Android?")
>>> answer.values()
['Deeplearning4j', 'MXNet']
>>> ask("哪些框架支持Python接口并且能在Android上运行？").sentence
'支持Python接口并且能在Android上运行的框架有2个：Deeplearning4j、MXNet。'
>>> ask("Does pytroch run on Android?").sentence
'No: PyTorch does not run on Android.'
>>> ask("Which frameworks run on BeOS?")
Traceback (most recent call last):
...
dlkg.errors.QuestionNotUnderstood: question: not understood: 'beos'
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pyoxigraph as ox

from dlkg.catalogue import internal_queries
from dlkg.errors import QuestionNotUnderstood, UsageError
from dlkg.find import FACETS

__all__ = ["ask", "read_question", "Answer", "Reading", "Condition", "WORDS", "EXAMPLES"]

_QUERIES = internal_queries(__file__)  # dlkg/queries/ask-*.rq

_CJK = re.compile(r"[\u3400-\u9fff]")

# -- the hand-written lexicon of function words -------------------------------------------
# Each word (any case) and its tag. Tags: ``q`` a question word (which, 哪些), ``yn`` a
# yes/no form, ``who`` who developed, ``count`` how many, ``neg`` a negation, ``pos`` a verb
# that ends a negation's reach, ``cue:FACET`` a word that says which facet a name is (run on:
# platform), ``view:NAME`` a view, ``cond`` conditions, ``fw`` the word "framework", ``_``
# a word that carries no meaning here.
_WORD_LIST = {
    "q": "which|what|list|show|name|give|tell 哪些 哪个 哪几个 哪种 哪一个 什么 列出 列举 有哪些",
    "yn": "does|do|is|are|can|did|has|have 吗 是否 能否 可否 是不是 有没有 能不能 可不可以 会不会",
    "who": "who 谁",
    "count": "how many|number of|count 多少 几个 几种 数量",
    "neg": "not|n't|doesn't|don't|does not|do not|cannot|can't|without|lack|lacks|lacking|no|nor|neither"
           "|isn't|aren't|is not|are not|other than|except 不 没有 不能 不支持 不提供 不是 无 除了 并非 但不 而不",
    "pos": "support|supports|supported|supporting|provide|provides|offer|offers|offering|with|having 支持 提供 具有 带有",
    "and": "and|both|also|as well as|but|while|yet|or 和 与 及 以及 并且 而且 并 且 同时 也 又 但 但是 却 或 或者",
    "cue:platform": "run on|runs on|running on|run|runs|platform|platforms|os|operating system|deploy on|available on"
                    " 平台 运行 上运行 跑 部署",
    "cue:interface": "interface|interfaces|api|apis|binding|bindings|bindings for 接口 编程接口",
    "cue:language": "implemented in|written in|developed in|built in|made in|language|languages|programming language|implementation language"
                    "|coded in 开发语言 语言 编写 实现 写的 写成 用",
    "cue:developer": "developed|develop|develops|developer|developers|made|created|built"
                     "|by 开发 开发的 开发者 开发了 研发 出品",
    "cue:capability": "capability|capabilities|feature|features 能力 功能 特性",
    "view:2018": "in 2018|2018|in the book|the book|book 2018年 书中 书里 原书 当年",
    "view:current": "today|now|currently|nowadays|these days|at present|current 现在 目前 如今 当前 今天 现今",
    "cond": "condition|conditions|conditional|conditionally|under what|when|how 条件 有条件 什么条件 什么情况 在什么条件下",
    "fw": "framework|frameworks|library|libraries|tool|tools|deep learning|deep-learning 框架 深度学习 开发框架 工具 库",
    "_": "the|a|an|of|in|on|for|to|that|which ones|ones|one|there|it|its|they|them|their|be|please|me|all"
         "|any|some|use|uses|using|used|able|able to|work|works|from|at|as|are there|is there|does it|were|was"
         "|ran|cell|cells|in total|altogether|all of"
         " 的 了 呢 吧 啊 呀 个 些 都 是 有 在 上 中 下 由 一共 总共 单元格 使用 以 可以 能 能够 可 会 请 问 请问 所有 一下 里 哪 它 它们"
         " 这 那 之 其 上面 其中 吗？ 什么的",
}


def _words(text: str) -> list[str]:
    """The words of one line of :data:`_WORD_LIST`: English phrases separated by ``|``
    (spaces inside a phrase kept), Chinese words by spaces."""
    words = []
    for part in text.split("|"):
        phrase: list[str] = []
        for token in part.split(" "):
            if _CJK.search(token):
                words.append(token)
            elif token:
                phrase.append(token)
        if phrase:
            words.append(" ".join(phrase))
    return words


#: The function words: word (lower case) to tag.
WORDS: dict[str, str] = {word: tag for tag, text in _WORD_LIST.items() for word in _words(text)}
# The few names people use that are no label in the data: word to a label that is one.
_ALIASES = {"安卓": "Android", "mac": "Mac OS X", "autograd": "automatic differentiation",
            "自动微分": "自动求导", "multi-gpu": "multi-gpu", "multiple gpus": "multi-gpu", "multi gpu": "multi-gpu",
            "多gpu": "multi-gpu", "多卡": "multi-gpu", "单机多卡": "multi-gpu", "多机多卡": "multi-machine",
            "分布式": "multi-machine", "distributed training": "multi-machine", "pre-trained models": "pretrained",
            "pretrained model": "pretrained", "预训练": "pretrained", "recurrent networks": "rnn",
            "recurrent neural networks": "rnn", "convolutional networks": "cnn", "cnns": "cnn", "rnns": "rnn"}
# Punctuation and spaces (both scripts) separate words; Latin words; Chinese characters.
_PUNCT = re.compile(r"[\s?？!！.。,，;；:：、\"'“”‘’()（）《》]+")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#.'/-]*[A-Za-z0-9+#]|[A-Za-z0-9]")

#: Questions it can answer, shown when it cannot read one: ``{framework}`` is filled in.
EXAMPLES = {
    "en": ["Which frameworks have a Python interface and run on Android?", "Who developed {framework}?",
           "Which platforms does {framework} run on?", "Does {framework} support automatic differentiation?",
           "How many frameworks support RNN development but not automatic differentiation?"],
    "zh": ["哪些框架支持Python接口并且能在Android上运行？", "谁开发了{framework}？", "{framework}支持哪些平台？",
           "{framework}支持自动求导吗？", "有多少个框架支持RNN开发但不支持自动求导？"],
}

_FACET_OF_KIND = {"platform": "platform", "interface": "interface", "language": "language",
                  "developer": "developer", "capability": "supports"}
_KIND_PREFERENCE = ("interface", "platform", "language", "developer", "capability", "framework")


class Condition:
    """One condition of a reading: a facet (``platform``...; ``supports``/``lacks`` for
    capabilities) and its value, negated or not."""

    __slots__ = ("facet", "value", "names", "negated")

    def __init__(self, facet: str, value: str, names: dict[str, str], negated: bool = False) -> None:
        self.facet, self.value, self.names, self.negated = facet, value, names, negated

    def name(self, lang: str) -> str:
        """The value's label in ``lang`` (English where it has none)."""
        return self.names.get(lang) or self.names["en"]

    @property
    def property(self) -> str:
        """The IRI of the property that links a framework to the value."""
        return FACETS[self.facet][0]

    def as_dict(self) -> dict:
        return {"facet": self.facet, "value": self.value, "label": self.names["en"], "negated": self.negated}


class Reading:
    """How a question was read.

    Attributes:
        intent: ``frameworks`` (which frameworks...), ``holds`` (yes/no), ``capability``
            (yes/no of one capability, or its condition), ``values`` (what a framework links
            to: its platforms, developers...), ``conditional`` (every conditional cell).
        lang: The question's language, ``en`` or ``zh``.
        view: The view named in the question, or None.
        framework: The framework asked about (IRI and labels), or None.
        conditions: The conditions, in the question's order.
        target: For ``values``, the facet asked for.
        count: Whether the question asks how many.
        corrections: ``(typed, read)`` pairs: names typed within a small edit distance.
    """

    __slots__ = ("intent", "lang", "view", "framework", "conditions", "target", "count", "corrections")

    def __init__(self, intent: str, lang: str, *, view: str | None = None, framework: Condition | None = None,
                 conditions: list[Condition] | None = None, target: str | None = None, count: bool = False,
                 corrections: list[tuple[str, str]] | None = None) -> None:
        self.intent, self.lang, self.view, self.framework = intent, lang, view, framework
        self.conditions, self.target, self.count = conditions or [], target, count
        self.corrections = corrections or []

    def as_dict(self) -> dict:
        return {"intent": self.intent, "lang": self.lang, "view": self.view,
                "framework": self.framework.as_dict()["value"] if self.framework else None,
                "conditions": [c.as_dict() for c in self.conditions], "target": self.target,
                "count": self.count, "corrections": [{"typed": t, "read": r} for t, r in self.corrections]}

    def describe(self) -> str:
        """The reading in one line (shown with every answer)."""
        parts = [f"intent {self.intent}"]
        if self.framework:
            parts.append(f"framework = {self.framework.names['en']}")
        parts += [f"{c.facet} {'≠' if c.negated else '='} {c.names['en']}" for c in self.conditions]
        if self.target:
            parts.append(f"asks for: {self.target}")
        if self.count:
            parts.append("count")
        parts += [f"read {t!r} as {r}" for t, r in self.corrections]
        return "; ".join(parts)


# -- the lexicon ---------------------------------------------------------------------------

class _Lexicon:
    """The names of one store's view: spotted by one Aho-Corasick automaton with the words."""

    def __init__(self, rows) -> None:
        import ahocorasick

        self.entities: dict[str, dict] = {}      # IRI -> {"kinds": set, "names": {lang: label}}
        names: dict[str, set[str]] = {}          # lower-case name -> IRIs
        for entity, kind, name, en, zh in rows:
            info = self.entities.setdefault(entity.value, {"kinds": set(), "names": {}})
            info["kinds"].add(kind.value)
            if en is not None:
                info["names"]["en"] = en.value
            if zh is not None:
                info["names"]["zh"] = zh.value
            names.setdefault(name.value.lower(), set()).add(entity.value)
        for info in self.entities.values():
            info["names"].setdefault("en", next(iter(info["names"].values()), ""))
        for alias, target in _ALIASES.items():
            if target.lower() in names:
                names.setdefault(alias, set()).update(names[target.lower()])
        self.names = names
        self.automaton = ahocorasick.Automaton()
        for word, tag in WORDS.items():
            self.automaton.add_word(word, (word, "word", tag))
        for name, iris in names.items():  # a name wins over a function word spelled the same (Go, R)
            self.automaton.add_word(name, (name, "name", frozenset(iris)))
        self.automaton.make_automaton()
        # Latin names for reading typos: lower-case name -> IRIs.
        self.latin = {name: iris for name, iris in names.items() if not _CJK.search(name) and len(name) >= 4}


@lru_cache(maxsize=None)
def _function_words():
    """An automaton of the function words alone: the view a question names is read with it,
    before any store is opened."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word, tag in WORDS.items():
        automaton.add_word(word, (word, "word", tag))
    automaton.make_automaton()
    return automaton


# -- reading -------------------------------------------------------------------------------

def _language(question: str) -> str:
    return "zh" if _CJK.search(question) else "en"


def _bounded(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a whole word where it starts or ends with a Latin letter."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not ((text[start].isascii() and text[start].isalnum() and before.isascii() and before.isalnum())
                or (text[end - 1].isascii() and text[end - 1].isalnum() and after.isascii() and after.isalnum()))


def _spot(text: str, automaton) -> list[tuple[int, int, str, object]]:
    """Longest, leftmost, whole-word matches of an automaton's words: ``(start, end, kind, payload)``."""
    lowered = text.lower() if len(text.lower()) == len(text) else text
    spans = []
    for end, (key, kind, payload) in automaton.iter_long(lowered):
        start = end - len(key) + 1
        if _bounded(lowered, start, end + 1):
            spans.append((start, end + 1, kind, payload))
    return spans


def _leftovers(text: str, spans) -> list[tuple[int, str]]:
    """The words no span covers: Latin words, and runs of other characters (Chinese)."""
    covered = [False] * len(text)
    for start, end, _, _ in spans:
        covered[start:end] = [True] * (end - start)
    out, i = [], 0
    while i < len(text):
        if covered[i] or _PUNCT.fullmatch(text[i]):
            i += 1
            continue
        j = i
        while j < len(text) and not covered[j] and not _PUNCT.fullmatch(text[j]):
            j += 1
        piece = text[i:j]
        for match in _LATIN_WORD.finditer(piece):
            out.append((i + match.start(), match.group(0)))
        for match in re.finditer(r"[^A-Za-z0-9+#.'/\-]+", piece):
            out.append((i + match.start(), match.group(0)))
        i = j
    return out


def _typo(word: str, lexicon: _Lexicon) -> tuple[str, frozenset[str]] | None:
    """The one name a word is a typo of (optimal string alignment distance 1, or 2 for names
    of 8 letters or more), or None: nothing close, or two names equally close."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    lowered = word.lower()
    if len(lowered) < 4:
        return None
    limit = 2 if len(lowered) >= 8 else 1
    found = process.extract(lowered, list(lexicon.latin), scorer=OSA.distance, score_cutoff=limit, limit=None)
    if not found:
        return None
    best = min(score for _, score, _ in found)
    closest = {name for name, score, _ in found if score == best}
    iris = frozenset().union(*(lexicon.latin[n] for n in closest))
    if len(iris) != 1:
        return None
    return sorted(closest)[0], iris


def _suggestions(lang: str, framework: str | None) -> list[str]:
    return [q.format(framework=framework or "Keras") for q in EXAMPLES[lang]]


def read_question(question: str, *, lexicon: _Lexicon, lang: str | None = None) -> Reading:
    """Read a question against a lexicon (see :func:`ask`).

    Raises:
        QuestionNotUnderstood: a word that is neither a name nor a function word, or no
            question that can be asked of the graph; the error's ``problems`` are questions
            that can be answered.
    """
    lang = lang or _language(question)
    text = question.strip()
    spans = _spot(text, lexicon.automaton)
    corrections, unknown = [], []
    for start, word in _leftovers(text, spans):
        typo = _typo(word, lexicon) if not _CJK.search(word) else None
        if typo is None:
            unknown.append(word)
            continue
        corrections.append((word, typo[1]))
        spans.append((start, start + len(word), "name", typo[1]))
    spans.sort()
    framework_hint = None
    for _, _, kind, payload in spans:
        if kind == "name":
            for iri in payload:
                if "framework" in lexicon.entities[iri]["kinds"]:
                    framework_hint = lexicon.entities[iri]["names"]["en"]
    if unknown:
        words = ", ".join(repr(w.lower()) for w in unknown)
        message = f"not understood: {words}" if lang == "en" else f"没有读懂：{words}"
        raise QuestionNotUnderstood(message, _suggestions(lang, framework_hint))

    tags = [(start, payload) for start, _, kind, payload in spans if kind == "word"]
    has = {tag for _, tag in tags}
    view = next((tag.split(":")[1] for tag in has if tag.startswith("view:")), None)
    if "view:2018" in has and "view:current" in has:
        raise QuestionNotUnderstood("the question names two views" if lang == "en" else "问题同时提到了两个视图",
                                    _suggestions(lang, framework_hint))
    cues = [(start, tag.split(":")[1]) for start, tag in tags if tag.startswith("cue:")]

    def kind_of(start: int, iris: frozenset[str]) -> tuple[str, str]:
        """The (IRI, kind) a name stands for: the kind whose cue is nearest, else the
        preferred kind (an interface before a platform before a language)."""
        options = [(iri, kind) for iri in sorted(iris) for kind in lexicon.entities[iri]["kinds"]]
        if len({kind for _, kind in options}) > 1:
            near = sorted((abs(cue_start - start), cue) for cue_start, cue in cues
                          if any(kind == cue for _, kind in options))
            if near:
                return next(option for option in options if option[1] == near[0][1])
        return min(options, key=lambda o: _KIND_PREFERENCE.index(o[1]))

    negated = False
    frameworks: list[Condition] = []
    conditions: list[Condition] = []
    for start, end, kind, payload in spans:
        if kind == "word":
            if payload == "neg":
                negated = True
            elif payload == "pos" and not _negation_right_before(text, start, spans):
                negated = False
            continue
        iri, entity_kind = kind_of(start, payload)
        names = lexicon.entities[iri]["names"]
        if entity_kind == "framework":
            frameworks.append(Condition("framework", iri, names))
            continue
        facet = _FACET_OF_KIND[entity_kind]
        if facet == "supports" and negated:
            conditions.append(Condition("lacks", iri, names))
        else:
            conditions.append(Condition(facet, iri, names, negated))
    count = "count" in has
    target = next((cue for _, cue in sorted(cues, reverse=True) if cue != "developer"), None)
    if "who" in has or ("cue:developer" in has and not conditions and frameworks and "q" in has):
        target = "developer"
    elif target is None and frameworks and not conditions and "pos" in has and "q" in has:
        target = "capability"  # "What does Caffe support?"
    reading = dict(lang=lang, view=view, count=count, corrections=[(t, lexicon.entities[next(iter(i))]["names"]["en"])
                                                                   for t, i in corrections])
    framework = frameworks[0] if len(frameworks) == 1 else None

    if len(frameworks) > 1:
        pass  # two frameworks: no question of this reader compares them (dlkg query compare-frameworks does)
    elif "cond" in has and not frameworks and not conditions:
        return Reading("conditional", **reading)
    elif framework and len(conditions) == 1 and conditions[0].facet in ("supports", "lacks") \
            and not conditions[0].negated:
        cap = conditions[0]
        cap.facet, cap.negated = "supports", cap.facet == "lacks"
        return Reading("capability", framework=framework, conditions=[cap], **reading)
    elif framework and conditions and len(conditions) <= 3 and (len(conditions) == 1
                                                                 or not any(c.negated for c in conditions)):
        return Reading("holds", framework=framework, conditions=conditions, **reading)
    elif framework and not conditions and target and ("q" in has or count or "who" in has or "yn" not in has):
        facet = _FACET_OF_KIND.get(target, target)
        return Reading("values", framework=framework, target=facet, **reading)
    elif not frameworks and conditions and _fits(conditions):
        return Reading("frameworks", conditions=conditions, **reading)
    elif not frameworks and not conditions and "fw" in has and ("q" in has or count):
        return Reading("frameworks", **reading)
    message = "no question of the graph found in it" if lang == "en" else "没有读出可以向图提问的问题"
    raise QuestionNotUnderstood(message, _suggestions(lang, framework_hint))


def _negation_right_before(text: str, start: int, spans) -> bool:
    """Whether a negation word ends just before ``start`` (不 + 支持, "not" + "support")."""
    return any(kind == "word" and payload == "neg" and text[end:start].strip() == ""
               for s, end, kind, payload in spans if end <= start)


def _fits(conditions: list[Condition]) -> bool:
    """Whether the conditions fit the slots of ask-frameworks.rq."""
    positive = [c for c in conditions if not c.negated]
    capabilities = [c for c in positive if c.facet == "supports"]
    return len(positive) - min(len(capabilities), 1) <= 4 and len(conditions) - len(positive) <= 2


# -- compiling and answering ---------------------------------------------------------------

class Answer:
    """The answer to a question: its reading, the query that ran and what it gave.

    Attributes:
        question: The question as asked.
        reading: How it was read (:class:`Reading`).
        sentence: The answer in the question's language.
        result: The :class:`dlkg.stores.QueryResult` of the query that ran.
        sparql: The query that ran, its values bound.
        view: The :class:`dlkg.timeviews.View` it was asked of.
        sources: The sources of the facts used: ``(address, title)`` pairs.
    """

    __slots__ = ("question", "reading", "sentence", "result", "sparql", "view", "sources")

    def __init__(self, question, reading, sentence, result, sparql, view, sources) -> None:
        self.question, self.reading, self.sentence, self.result = question, reading, sentence, result
        self.sparql, self.view, self.sources = sparql, view, sources

    def values(self, column: str = "label") -> list[str]:
        """The values of one column, in row order (empty for a yes/no answer)."""
        return self.result.values(column) if self.result.kind == "select" and column in self.result.variables else []

    def shown(self):
        """The rows for people: the result without the columns no row fills (conditions,
        where no cell is conditional)."""
        from dlkg.stores.base import QueryResult

        result = self.result
        if result.kind != "select":
            return result
        keep = [i for i, _ in enumerate(result.variables) if any(row[i] is not None for row in result.rows)]
        return QueryResult("select", tuple(result.variables[i] for i in keep),
                           tuple(tuple(row[i] for i in keep) for row in result.rows))

    def as_dict(self) -> dict:
        """The answer as JSON data: ``results`` is the SPARQL 1.1 results JSON of the query
        that ran (``boolean`` for ASK), with the reading beside it."""
        from dlkg.results import to_json

        return {"question": self.question, "lang": self.reading.lang, "reading": self.reading.as_dict(),
                "answer": self.sentence, "sparql": self.sparql,
                "view": {"name": self.view.name, "iri": self.view.iri, "label": self.view.label(self.reading.lang)},
                "results": json.loads(to_json(self.result, links=(self.view.iri,))),
                "sources": [{"source": s, "title": t} for s, t in self.sources]}

    def to_text(self) -> str:
        """The answer for people: the sentence, the reading, the view, the rows, the query
        and the sources."""
        from dlkg.output import printable
        from dlkg.results import format_result

        zh = self.reading.lang == "zh"
        lines = [self.sentence, "", ("理解为：" if zh else "reading: ") + self.reading.describe(),
                 self.view.caption(self.reading.lang), ""]
        if self.result.kind == "select" and self.result.rows:
            lines += [format_result(self.shown(), "md").decode("utf-8")]
        lines += ["SPARQL:" if not zh else "运行的 SPARQL：", self.sparql.strip(), "",
                  "来源：" if zh else "sources:"]
        lines += [f"  {source}" + (f"  {title}" if title and title != source else "") for source, title in self.sources]
        if not self.sources:
            lines.append("  -")
        return printable("\n".join(lines) + "\n")


def ask(question: str, *, lang: str | None = None, view=None, store=None) -> Answer:
    """Answer a question in plain English or Chinese from the graph.

    Args:
        question: The question, e.g. ``"哪些框架支持Python接口并且能在Android上运行？"``.
        lang: ``en`` or ``zh``: the answer's language (default: the question's).
        view: The view to ask (``"2018"``, ``"current"``); default: the one the question
            names ("in 2018", "today", "2018年", "现在"), else the book's.
        store: Where to look; the packaged graph when omitted.

    Returns:
        The :class:`Answer`.

    Raises:
        QuestionNotUnderstood: a question it cannot read (exit code 1), with questions it
            can answer in ``problems``; never a guess.
        UsageError: an unknown ``lang`` or ``view``, or a view option that contradicts the
            question's.

    >>> ask("谁开发了Keras？").sentence
    'Keras的开发者：Francois Chollet。'
    >>> ask("Does Keras support single-machine multi-GPU parallelism?").sentence
    'Only under a condition: Keras supports single-machine multi-GPU parallelism with TensorFlow, not with Theano (Supported with the TensorFlow backend; not supported with the Theano backend.).'
    """
    from dlkg.query import read_view
    from dlkg.timeviews import BOOK, resolve

    if lang not in (None, "en", "zh"):
        raise UsageError(f"unknown language {lang!r} (known: en, zh)", param="lang")
    if not question or not question.strip():
        raise UsageError("the question is empty", param="question")
    guess_lang = lang or _language(question)
    asked_view = resolve(view) if view is not None else None
    # The view words are function words: read them first, to read the names of that view.
    spotted = {tag for _, _, _, tag in _spot(question, _function_words())}
    named = next((tag.split(":")[1] for tag in sorted(spotted) if tag.startswith("view:")), None)
    chosen = asked_view or (resolve(named) if named else BOOK)
    if asked_view is not None and named is not None and resolve(named) is not asked_view:
        raise UsageError(f"the question asks about {resolve(named).label()}, the option {asked_view.label()}",
                         param="view")
    if store is None and chosen is BOOK:
        from dlkg.stores import open_store

        store = open_store()  # the packaged graph reads the book's view: nothing to point (start-up time)
    elif store is None:
        store = read_view(None, chosen)
    else:
        from dlkg.stores import viewing

        store = viewing(store, chosen)  # the caller's store stays pointed where it was (a server's is shared)
    reading = read_question(question, lexicon=_Lexicon(_QUERIES.run(store, "ask-lexicon").rows), lang=guess_lang)
    if lang:
        reading.lang = lang
    return _answer(question, reading, store, chosen)


def _run(store, name: str, params: dict):
    """Run an ask query through the one executor; ``(result, the text that ran)``."""
    from dlkg.executor import QueryExecutor
    from dlkg.sparql import bind_values

    query = _QUERIES.get(name)
    bindings = {query.variable(k): v for k, v in params.items()}
    result = QueryExecutor(store, guard=False).run(query.text, bindings=bindings)  # vetted, as canned queries
    return result, bind_values(query.text, bindings)


def _slots(conditions: list[Condition]) -> dict:
    """The parameters of ask-frameworks.rq for the conditions."""
    params: dict = {}
    positive = [c for c in conditions if not c.negated]
    capability = next((c for c in positive if c.facet == "supports"), None)
    if capability is not None:
        params["capability"] = ox.NamedNode(capability.value)
    for i, c in enumerate((c for c in positive if c is not capability), 1):
        params[f"p{i}"], params[f"v{i}"] = ox.NamedNode(c.property), ox.NamedNode(c.value)
    for i, c in enumerate((c for c in conditions if c.negated), 1):
        params[f"n{i}"], params[f"m{i}"] = ox.NamedNode(c.property), ox.NamedNode(c.value)
    return params


def _answer(question: str, reading: Reading, store, view) -> Answer:
    from dlkg.timeviews import BOOK

    intent = reading.intent
    if intent == "frameworks":
        result, text = _run(store, "ask-frameworks", _slots(reading.conditions))
    elif intent == "holds":
        params = {"framework": ox.NamedNode(reading.framework.value)}
        for i, c in enumerate(reading.conditions, 1):
            params[f"p{i}"], params[f"v{i}"] = ox.NamedNode(c.property), ox.NamedNode(c.value)
        # "Does X not run on Y?": the ASK asks whether it does; the sentence answers the question.
        result, text = _run(store, "ask-holds", params)
    elif intent == "capability":
        result, text = _run(store, "ask-capability", {"framework": ox.NamedNode(reading.framework.value),
                                                      "capability": ox.NamedNode(reading.conditions[0].value)})
    elif intent == "values":
        result, text = _run(store, "ask-values", {"framework": ox.NamedNode(reading.framework.value),
                                                  "property": ox.NamedNode(FACETS[reading.target][0])})
    else:
        from dlkg.catalogue import Catalogue

        result, text = _run_canned(store, Catalogue().get("conditional-support"))
    sources = _sources(result, store, text, reading, view, BOOK)
    return Answer(question, reading, _sentence(reading, result, view), result, text, view, sources)


def _run_canned(store, query):
    from dlkg.executor import QueryExecutor

    return QueryExecutor(store, guard=False).run(query.text), query.text


def _sources(result, store, text: str, reading: Reading, view, book) -> list[tuple[str, str]]:
    """The sources of the facts an answer used: the pages behind its rows in a view read
    from pages (:func:`dlkg.timeviews.add_sources`, as ``dlkg query --view current``
    shows them); the book's parts behind them in the book's view."""
    from dlkg.stores.base import QueryResult

    framework = ox.NamedNode(reading.framework.value) if reading.framework else None
    rows = result if result.kind == "select" else QueryResult("select", ("framework",), ((framework,),))
    if "framework" not in rows.variables:
        return []
    column = rows.variables.index("framework")
    frameworks = {row[column].value for row in rows.rows if row[column] is not None}
    abouts = {c.value for c in reading.conditions}
    if reading.intent == "values":
        abouts |= {row[rows.variables.index("value")].value for row in rows.rows}
    statements = _QUERIES.run(store, "ask-sources").rows
    if view is not book:
        from dlkg.timeviews import add_sources

        with_sources = add_sources(rows, store, text)
        found = {page for row in with_sources.rows if row[-1] is not None for page in row[-1].value.split(" ")}
    else:
        found = {source.value for f, about, source, _ in statements
                 if f.value in frameworks and (about.value in abouts or (not abouts and reading.intent != "values"))}
    titles = _titles(statements, reading.lang)
    return [(source, titles.get(source, "")) for source in sorted(found)]


def _titles(statements, lang: str) -> dict[str, str]:
    """Each source's title in ``lang``, else in English, else the one it has."""
    rank = {lang: 0, "en": 1}
    best: dict[str, tuple[int, str]] = {}
    for _, _, source, title in statements:
        if title is not None:
            score = (rank.get(title.language or "", 2), title.value)
            best[source.value] = min(best.get(source.value, score), score)
    return {source: title for source, (_, title) in best.items()}


# -- the sentence ----------------------------------------------------------------------------

#: Per facet: (plural, singular, negated singular) in English; (positive, negative) in Chinese.
_PHRASES = {
    "interface": ("have the interface {x}", "has the interface {x}", "does not have the interface {x}",
                  "支持{x}接口", "不支持{x}接口"),
    "platform": ("run on {x}", "runs on {x}", "does not run on {x}", "能在{x}上运行", "不能在{x}上运行"),
    "language": ("are implemented in {x}", "is implemented in {x}", "is not implemented in {x}",
                 "用{x}开发", "不用{x}开发"),
    "developer": ("were developed by {x}", "was developed by {x}", "was not developed by {x}",
                  "由{x}开发", "不由{x}开发"),
    "supports": ("support {x}", "supports {x}", "does not support {x}", "支持{x}", "不支持{x}"),
    "lacks": ("do not support {x}", "does not support {x}", "supports {x}", "不支持{x}", "支持{x}"),
}
_NEGATED_PLURAL = {"interface": "do not have the interface {x}", "platform": "do not run on {x}",
                   "language": "are not implemented in {x}", "developer": "were not developed by {x}",
                   "supports": "do not support {x}", "lacks": "support {x}"}
_TARGETS = {"platform": ("runs on", "支持的平台"), "interface": ("has the interfaces", "支持的接口"),
            "language": ("is implemented in", "的开发语言"), "developer": ("was developed by", "的开发者"),
            "supports": ("supports", "支持的能力")}
_TARGET_NOUNS = {"platform": "platforms", "interface": "interfaces", "language": "languages",
                 "developer": "developers", "supports": "capabilities"}


def _phrase(c: Condition, lang: str, *, form: str) -> str:
    x = c.name(lang)
    en_plural, en_single, en_negated, zh, zh_negated = _PHRASES[c.facet]
    if lang == "zh":
        return (zh_negated if c.negated else zh).format(x=x)
    if form == "plural":
        return (_NEGATED_PLURAL[c.facet] if c.negated else en_plural).format(x=x)
    return (en_negated if c.negated else en_single).format(x=x)


def _join(items: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _condition_text(row: dict, lang: str) -> str:
    """A conditional cell's condition: with which backends it holds, and the data's words."""
    if lang == "zh":
        return row.get("condition_zh") or row.get("condition") or ""
    return row.get("condition") or ""


def _rows(result) -> list[dict]:
    return [{name: term.value for name, term in zip(result.variables, row) if term is not None}
            for row in result.rows]


def _sentence(reading: Reading, result, view) -> str:
    """The answer in the question's language."""
    lang, zh = reading.lang, reading.lang == "zh"
    intent = reading.intent
    if intent == "frameworks":
        rows = _rows(result)
        names = [r["label"] for r in rows]
        form = "single" if len(names) == 1 else "plural"
        if reading.conditions:
            conds = ("并且" if zh else " and ").join(_phrase(c, lang, form=form) for c in reading.conditions)
        else:
            conds = ""
        conditional = [r for r in rows if r.get("condition")]
        if zh:
            head = f"{conds}的框架" if conds else "框架"
            text = f"{head}有{len(names)}个：{_join(names, lang)}。" if names else f"没有{head}。"
            text += "".join(f"{r['label']}有条件：{_condition_text(r, lang)}" for r in conditional)
            return text
        noun = "framework" if len(names) == 1 else "frameworks"
        that = f" {conds}" if conds else ""
        text = (f"{len(names)} {noun}{that}: {_join(names, lang)}." if names else f"No framework{that}.")
        text += "".join(f" {r['label']} only under a condition: {_condition_text(r, lang)}" for r in conditional)
        return text
    f = reading.framework.names["en"] if reading.framework else ""
    if intent == "holds":
        holds = bool(result.boolean)
        c = reading.conditions
        if len(c) == 1 and c[0].negated:
            holds = not holds
        if zh:
            said = "并且".join(_phrase(x, lang, form="single") for x in c)
            return f"是的，{f}{said}。" if holds else f"不是：{f}并非{said}。"
        said = " and ".join(_phrase(x, lang, form="single") for x in c)
        if holds:
            return f"Yes: {f} {said}."
        if len(c) == 1:
            flipped = Condition(c[0].facet, c[0].value, c[0].names, not c[0].negated)
            return f"No: {f} {_phrase(flipped, lang, form='single')}."
        return f"No: it is not so that {f} {said}."
    if intent == "capability":
        cap = reading.conditions[0]
        x = cap.name(lang)
        rows = _rows(result)
        if not rows:
            return (f"未知：{view.label(lang)}没有说{f}是否支持{x}。" if zh
                    else f"Unknown: {view.label(lang)} does not say whether {f} supports {x}.")
        row = rows[0]
        level = row["level"].rsplit("#", 1)[-1]
        if level == "Conditional":
            cond = _condition_text(row, lang)
            if zh:
                return f"有条件支持（{f}）：{cond}" + ("" if cond.endswith("。") else "。")
            with_ = f" with {row['supportedWith']}" if row.get("supportedWith") else ""
            without = f", not with {row['notSupportedWith']}" if row.get("notSupportedWith") else ""
            return f"Only under a condition: {f} supports {x}{with_}{without} ({cond})."
        supported = level == "Supported"
        if cap.negated:  # "Does X lack Y?": yes when the source says it does not support Y
            if zh:
                return f"是的，{f}不支持{x}。" if not supported else f"不是：{f}支持{x}。"
            return f"Yes: {f} does not support {x}." if not supported else f"No: {f} supports {x}."
        if zh:
            return f"是的，{f}支持{x}。" if supported else f"不，{f}不支持{x}。"
        return f"Yes: {f} supports {x}." if supported else f"No: {f} does not support {x}."
    if intent == "values":
        rows = _rows(result)
        values = [(r.get("label_zh") if zh else None) or r["label"] for r in rows]
        verb, zh_noun = _TARGETS[reading.target]
        if zh:
            head = f"{f}{zh_noun}" if zh_noun.startswith("的") else f"{f}{zh_noun}"
            if reading.count:
                return f"{head}有{len(values)}个：{_join(values, lang)}。"
            return f"{head}：{_join(values, lang)}。" if values else f"{view.label(lang)}没有给出{head}。"
        if not values:
            return f"{view.label(lang)} names nothing that {f} {verb}."
        if reading.count:
            return f"{f}: {len(values)} {_TARGET_NOUNS[reading.target]}: {_join(values, lang)}."
        return f"{f} {verb} {_join(values, lang)}."
    rows = _rows(result)
    items = [f"{r['label']}: {r['capability']} ({r['condition']})" for r in rows]
    if zh:
        return f"有条件支持的单元格有{len(rows)}个：" + "；".join(items) + "。"
    return f"{len(rows)} capabilities are supported only under a condition: " + "; ".join(items) + "."
