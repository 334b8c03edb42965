"""dlkg: a knowledge graph of deep-learning frameworks, with queries, stores, validation and export.

The graph holds the nine frameworks that Table 14.1 and section 14.2 of 《解析卷积神经网络》
(魏秀参) compare. Heavy libraries (rdflib, pySHACL, owlready2) load only on the paths that need
them, so that importing dlkg and answering a query stays fast.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
