"""One framework's profile, readable on a terminal, built from the canned queries
``framework-profile`` and ``strengths-and-weaknesses``.

>>> print(render_profile("keras").splitlines()[0])
Keras
"""

from __future__ import annotations

import difflib

from dlkg.errors import UsageError
from dlkg.query import run_canned
from dlkg.stores import Store, open_store

__all__ = ["render_profile", "framework_names"]

_NAMES = """PREFIX dlkg: <https://w3id.org/dlkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { ?f a dlkg:Framework ; rdfs:label ?label . FILTER(LANG(?label) = "en") } ORDER BY ?label"""


def framework_names(store: Store) -> list[str]:
    """The frameworks' English labels, sorted."""
    return store.query(_NAMES).values("label")


def render_profile(framework: str, *, store: Store | None = None) -> str:
    """The profile of a framework (named by label, any case) as plain text.

    Raises:
        UsageError: no such framework; the message lists the closest names.
    """
    store = store or open_store()
    names = framework_names(store)
    matches = [n for n in names if n.casefold() == framework.casefold()]
    if not matches:
        close = difflib.get_close_matches(framework, names, n=3, cutoff=0.4) or names
        raise UsageError(f"unknown framework {framework!r}; known: {', '.join(close)}", path="FRAMEWORK")
    name = matches[0]
    facts: dict[str, list[str]] = {}
    for prop, value in run_canned("framework-profile", {"framework": name}, store=store).rows:
        facts.setdefault(prop.value, []).append(value.value)
    lines = [name, "=" * len(name)]
    width = max(len(p) for p in facts) if facts else 0
    for prop in sorted(facts, key=lambda p: (p.startswith("capability"), p)):
        lines.append(f"{prop:<{width}}  {', '.join(facts[prop])}")
    bullets = run_canned("strengths-and-weaknesses", {"framework": name}, store=store).rows
    for kind, heading, mark in (("strength", "Strengths", "✓"), ("weakness", "Weaknesses", "X")):
        chosen = [(zh.value, en.value) for _, k, zh, en in bullets if k.value == kind]
        if chosen:
            lines += ["", f"{heading} (section 14.2):"]
            lines += [f"  {mark} {zh} — {en}" for zh, en in chosen]
    return "\n".join(lines) + "\n"
