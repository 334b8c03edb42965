"""Benchmarks for dlkg: ``python -m benchmarks [--quick]``.

- :mod:`benchmarks.generate` makes graphs shaped like ``data/frameworks.ttl`` at any size,
  deterministic from a seed;
- :mod:`benchmarks.measure` times dlkg against raw pyoxigraph, rdflib, a plain Graph Store
  Protocol POST and ``python -c pass``, each as median/min/max of repeated runs, with peak
  memory measured in child processes;
- :mod:`benchmarks.plot` draws log-log plots of cost against size (matplotlib, optional
  dependency ``bench``).

See ``benchmarks/README.md`` for what each figure means and the latest results.
"""
