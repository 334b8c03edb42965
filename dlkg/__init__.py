"""dlkg: a knowledge graph of deep-learning frameworks, with queries, stores, validation and export.

The graph holds the nine frameworks that Table 14.1 and section 14.2 of 《解析卷积神经网络》
(魏秀参) compare. The public API is here, one import away; each name loads its module on first
use (:mod:`dlkg._lazy`), so ``import dlkg`` stays cheap and heavy libraries (rdflib, pySHACL,
owlready2) load only on the paths that need them.

>>> import dlkg
>>> dlkg.query("python-on-android").values("label")
['Deeplearning4j', 'MXNet']
>>> dlkg.query("frameworks-supporting", {"capability": "rnn"}).values("label")  # all but MatConvNet
['Caffe', 'Deeplearning4j', 'Keras', 'MXNet', 'PyTorch', 'TensorFlow', 'Theano', 'Torch']
>>> dlkg.find(interface=["Python"], platform=["Android"]).values("label")
['Deeplearning4j', 'MXNet']
>>> dlkg.ask("哪些框架支持Python接口并且能在Android上运行？").values()
['Deeplearning4j', 'MXNet']
>>> dlkg.sparql("ASK { ?f <https://w3id.org/dlkg/ontology#runsOn> <https://w3id.org/dlkg/resource/iOS> }").boolean
True
>>> print(dlkg.render_table(dlkg.table(lang="en"), "csv").splitlines()[1])
Caffe,BVLC,C++,"Linux, Mac OS X, Windows","Python, MATLAB",No,Yes,Yes,Yes,Yes
>>> try:
...     dlkg.export(graph="everything")
... except dlkg.UsageError as err:
...     print(err.param)
graph

The functions that share a name with a module (``query``, ``find``, ``table``, ``export``,
``validate``, ``load``, ``sparql``) stay functions here; reach those modules with
``from dlkg.query import run_canned`` and the like.
"""

from dlkg._lazy import attach

__version__ = "0.1.0"

#: Each public name and the module that defines it (loaded on first use).
_PUBLIC = {
    "query": "dlkg.query:run_canned",
    "sparql": "dlkg.query:run_sparql",
    "find": "dlkg.find:find",
    "ask": "dlkg.ask:ask",
    "table": "dlkg.table:build_table",
    "render_table": "dlkg.table:render",
    "export": "dlkg.export:export_graph",
    "validate": "dlkg.validate:validate",
    "load": "dlkg.loader:load",
    "open_store": "dlkg.stores:open_store",
    "QueryResult": "dlkg.stores:QueryResult",
    "Store": "dlkg.stores:Store",
    "DlkgError": "dlkg.errors:DlkgError",
    "InputError": "dlkg.errors:InputError",
    "UsageError": "dlkg.errors:UsageError",
    "UpdateRefused": "dlkg.errors:UpdateRefused",
    "CheckFailed": "dlkg.errors:CheckFailed",
    "QueryError": "dlkg.errors:QueryError",
    "QueryTimeout": "dlkg.errors:QueryTimeout",
    "ResultTooLarge": "dlkg.errors:ResultTooLarge",
    "StoreError": "dlkg.errors:StoreError",
    "QuestionNotUnderstood": "dlkg.errors:QuestionNotUnderstood",
}

__all__ = ["__version__", *_PUBLIC]

__getattr__, __dir__ = attach(__name__, _PUBLIC)
