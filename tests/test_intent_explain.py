"""``portraitbot intent --explain`` through the real command: the rules that fired in order,
the words matched with their language, and the confidence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "portraitbot.cli", "intent", *args],
                          cwd=ROOT, env=env, input=stdin, capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout


def _section(out: str, head: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index(head) + 1
    taken = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        taken.append(line.strip())
    return taken


def test_explain_prints_the_rules_that_fired_in_order_and_the_lowered_confidence() -> None:
    out = _run("--explain", "what is a good anime")
    rules = _section(out, "rules fired:")
    assert [r.split(":")[0] for r in rules] == ["1. named_style", "2. question_is_a_guess"]
    assert "confidence: 0.4" in out.splitlines()
    intent = json.loads(out.split("intent: ", 1)[1])
    assert intent["style"] == "anime" and intent["confidence"] == 0.4


def test_explain_names_the_words_matched_and_their_language() -> None:
    out = _run("--explain", "--bot-username", "PortraitBot",
               "hazme una foto estilo anime con traje azul marino, por favor")
    words = _section(out, "words matched:")
    assert any(w.startswith("request:") and "'hazme'" in w and "[es]" in w for w in words)
    assert any(w.startswith("style:anime") for w in words)
    assert "language: es" in out.splitlines()
    assert [r.split(":")[0] for r in _section(out, "rules fired:")] == ["1. named_style"]


def test_explain_reads_each_stdin_line_and_says_when_nothing_matched() -> None:
    out = _run("--explain", stdin="отмена\nasdfgh qwerty\n")
    first, second = out.split("\n\ntext: ")
    assert "cancel_words" in first and "language: ru" in first and "action: cancel" in first
    assert "nothing_recognised" in second and "words matched: none" in second
    assert "language: unknown" in second and "confidence: 0" in second


def test_without_explain_the_output_stays_one_json_line() -> None:
    out = _run("make me anime")
    assert len(out.splitlines()) == 1 and json.loads(out)["style"] == "anime"


def test_every_intent_names_its_language_without_loading_the_detector() -> None:
    lines = "make me anime\nhazme una foto estilo anime\nアニメ風にして\nasdfgh\n"
    out = [json.loads(line) for line in _run(stdin=lines).splitlines()]
    assert [o["language"] for o in out] == ["en", "es", "ja", None]
    detected = json.loads(_run("--detect", "fammi una foto in stile anime"))
    assert detected["language"] == "it"
