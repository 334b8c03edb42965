"""The question bank of ``dlkg ask`` (tests/data/ask/questions.tsv): every question, its
answer worked out by hand from the source (the file says how), read and answered as expected;
the unanswerable ones refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlkg.ask import ask
from dlkg.errors import QuestionNotUnderstood

BANK = Path(__file__).parent / "data" / "ask" / "questions.tsv"


def _bank() -> list:
    cases = []
    for number, line in enumerate(BANK.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        lang, question, view, expected, source = line.split("\t")
        cases.append(pytest.param(lang, question, None if view == "-" else view, expected, source,
                                  id=f"{number}-{question[:40]}"))
    return cases


CASES = _bank()


def test_the_bank_is_big_enough_and_half_chinese():
    langs = [case.values[0] for case in CASES]
    assert len(langs) >= 120 and langs.count("zh") * 2 >= len(langs)
    assert sum(case.values[3] == "refuse" for case in CASES) >= 10


def _labels(text: str) -> set[str]:
    return {name.strip() for name in text.split(",") if name.strip()}


@pytest.mark.parametrize("lang,question,view,expected,source", CASES)
def test_question(lang, question, view, expected, source):
    if expected == "refuse":
        with pytest.raises(QuestionNotUnderstood) as caught:
            ask(question, view=view)
        assert caught.value.exit_code == 1 and caught.value.problems  # answerable questions offered
        return
    answer = ask(question, view=view)
    assert answer.reading.lang == lang
    kind, _, rest = expected.partition(":")
    if kind == "frameworks":
        assert answer.reading.intent == "frameworks"
        assert set(answer.values("label")) == _labels(rest)
    elif kind.startswith("count"):
        assert answer.reading.count
        assert set(answer.values("label")) == _labels(rest)
        assert kind.split()[1] in answer.sentence
    elif kind == "values":
        assert answer.reading.intent == "values"
        assert set(answer.values("label")) == _labels(rest)
    elif kind in ("yes", "no"):
        assert answer.sentence.startswith(("Yes", "是的") if kind == "yes" else ("No", "不"))
    elif kind == "unknown":
        assert answer.sentence.startswith(("Unknown", "未知"))
    elif kind == "conditional":
        assert rest.strip() in answer.sentence or rest.strip() in str(answer.as_dict()["results"])
        assert any(word in answer.sentence for word in ("condition", "条件"))
    else:
        raise AssertionError(f"unknown expectation {expected!r}")
    # every answer shows the query that ran and names its view
    assert answer.sparql.strip() and answer.view.name == (view or answer.reading.view or "2018")
