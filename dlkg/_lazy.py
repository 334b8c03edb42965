"""The one way dlkg imports lazily, and the rule for it.

Start-up time matters: ``dlkg query NAME`` answers in about 4x ``python -c pass``, and click,
rdflib, pySHACL, owlready2, httpx, SPARQLWrapper or multiprocessing would each cost more than
the whole answer. The rule, checked by one test (``tests/test_import_time.py``, which looks at
``sys.modules`` after ``import dlkg`` and after ``dlkg query NAME``):

- A dependency that only some paths need is imported inside the function that needs it, by a
  plain ``import`` statement (``dlkg.validate`` imports pySHACL in ``validate``).
- A name that only type checkers read is imported under ``if TYPE_CHECKING:`` with a
  module-level ``TYPE_CHECKING = False`` (type checkers treat that name as true; importing
  :mod:`typing` for its flag would cost start-up time), as ``dlkg.progress`` does.
- A package that offers names from its modules (the :mod:`dlkg` facade) offers them through
  :func:`attach`: module ``__getattr__`` and ``__dir__`` (PEP 562), so the module that defines
  a name is imported when the name is first used, never when the package is.
- Nothing else stands in for an import: no copies of another module's constants or tables to
  avoid importing it, no import hooks.

>>> import sys, types
>>> demo = types.ModuleType("demo")
>>> sys.modules["demo"] = demo
>>> demo.__getattr__, demo.__dir__ = attach("demo", {"dumps": "json:dumps"})
>>> "dumps" in dir(demo)
True
>>> demo.dumps([1])
'[1]'
>>> del sys.modules["demo"]
"""

from __future__ import annotations

import sys

__all__ = ["attach"]

_ModuleType = type(sys)  # types.ModuleType, without importing types on the start-up path


class _Facade(_ModuleType):
    """A package whose lazy names may be spelled like its own submodules.

    The import system binds every submodule on its package once it is imported
    (``dlkg.query = <module dlkg.query>``); where the package offers a function of the same
    name (``dlkg.query(...)``), the function keeps the name. ``from dlkg.query import ...``
    and ``importlib.import_module("dlkg.query")`` still reach the submodule.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, _ModuleType) and name in self.__dict__.get("_lazy_names", ()):
            return
        super().__setattr__(name, value)


def attach(module_name: str, names: dict[str, str]):
    """Make the module ``module_name`` offer ``names`` lazily.

    Args:
        module_name: The module that offers the names (its ``__name__``), already in
            ``sys.modules``.
        names: Each offered name and where it lives, as ``"module:attribute"``.

    Returns:
        ``(__getattr__, __dir__)``, to assign to the module's own ``__getattr__`` and
        ``__dir__``. The first use of a name imports its module and keeps the value.
    """
    module = sys.modules[module_name]
    module.__dict__["_lazy_names"] = frozenset(names)
    module.__class__ = _Facade

    def __getattr__(name: str) -> object:
        target = names.get(name)
        if target is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        source, _, attribute = target.partition(":")
        __import__(source)
        value = getattr(sys.modules[source], attribute)
        module.__dict__[name] = value  # later uses are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted(set(module.__dict__) | set(names))

    return __getattr__, __dir__
