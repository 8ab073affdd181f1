"""The recogniser's named rule table: every rule documented, and its two examples decided by
that very rule when run through the recogniser."""

from __future__ import annotations

import pytest

from core.intent.recognizer import read
from core.intent.rules import ADJUSTMENTS, RULES

_ALL = (*RULES, *ADJUSTMENTS)


def test_every_rule_has_a_unique_name_a_docstring_and_two_examples() -> None:
    names = [r.name for r in _ALL]
    assert len(names) == len(set(names))
    for entry in _ALL:
        assert entry.doc, entry.name
        assert len(entry.examples) == 2 and all(entry.examples), entry.name
        assert entry.examples[0] != entry.examples[1], entry.name


@pytest.mark.parametrize(("name", "example"),
                         [(r.name, e) for r in RULES for e in r.examples])
def test_each_rule_decides_its_own_examples(name: str, example: str) -> None:
    reading = read(example, bot_username="PortraitBot")
    assert reading.fired[0] == name, (example, reading.fired, reading.intent)


@pytest.mark.parametrize(("name", "example"),
                         [(r.name, e) for r in ADJUSTMENTS for e in r.examples])
def test_each_adjustment_changes_its_own_examples(name: str, example: str) -> None:
    reading = read(example, bot_username="PortraitBot")
    assert name in reading.fired[1:], (example, reading.fired, reading.intent)


def test_the_last_rule_always_answers_so_nothing_falls_through() -> None:
    assert RULES[-1].name == "plain_request"
    assert read("make a photo").intent.action == "generate"


def test_a_question_naming_a_style_is_a_guess_the_bot_asks_back_about() -> None:
    reading = read("what is a good anime")
    assert reading.fired == ("named_style", "question_is_a_guess")
    assert reading.intent.confidence < 0.5
