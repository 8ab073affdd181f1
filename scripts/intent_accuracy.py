"""Accuracy of intent recognition on the labelled corpus, per field and overall.

Usage: .venv/bin/python scripts/intent_accuracy.py [tests/data/intents.tsv] [--failures] [--sections]

``--sections`` prints the accuracy of each "# --- name ---" section (each blind batch is one).

The corpus is tab-separated: text, action, style, model, count, aspect_ratio, id_spec, extra.
Empty cells expect null. ``extra`` holds ';'-separated key=value checks for the other fields:
choices/series (comma lists of style keys), expression (comma list of parameter names),
background, scene/prompt ('*' for any text, empty for null, else the exact text).
Lines starting with '#' are comments.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.intent import recognize  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "intents.tsv"
COLUMNS = ("action", "style", "model", "count", "aspect_ratio", "id_spec")
"""Fields every case checks (null when the cell is empty)."""
QUIET_ACTIONS = frozenset({"none", "cancel", "chat", "unknown"})
"""What the corpus's older label ``none`` (nothing to generate) accepts."""


@dataclass(frozen=True)
class Case:
    """One labelled utterance."""

    line: int
    text: str
    expected: dict[str, Any] = field(default_factory=dict)
    section: str = ""
    """The "# --- name ---" heading the case sits under."""


def load_corpus(path: Path = CORPUS) -> list[Case]:
    """Every case in the corpus file, in order."""
    cases = []
    section = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if raw.startswith("# ---"):
            section = raw.strip("# -")
        if raw.startswith("#") or not raw.strip("\t"):
            if raw.startswith("\t"):
                cases.append(Case(number, "", {"action": "none"} | dict.fromkeys(COLUMNS[1:]),
                                  section))
            continue
        cells = raw.split("\t")
        cells += [""] * (len(COLUMNS) + 2 - len(cells))
        expected: dict[str, Any] = {}
        for name, cell in zip(COLUMNS, cells[1:], strict=False):
            cell = cell.strip()
            if "=" in cell:  # a check for another field, written a column early
                cells[len(COLUMNS) + 1] = f"{cell};{cells[len(COLUMNS) + 1]}"
                cell = ""
            expected[name] = int(cell) if name == "count" and cell else (cell or None)
        for pair in filter(None, (p.strip() for p in cells[len(COLUMNS) + 1].split(";"))):
            key, _, value = pair.partition("=")
            expected[key.strip()] = value.strip()
        cases.append(Case(number, cells[0], expected, section))
    return cases


def actual_value(intent: Any, name: str) -> Any:
    """The field of an Intent in the corpus's notation."""
    value = getattr(intent, name)
    if name == "series":
        return ",".join(item.style or "" for item in value) if value else None
    if name == "choices":
        return ",".join(value) if value else None
    if name == "expression":
        return ",".join(sorted(value)) if value else None
    return value


def field_ok(expected: Any, actual: Any, name: str) -> bool:
    """Whether one field matches its label."""
    if name in ("scene", "prompt"):
        if expected == "*":
            return bool(actual)
        return (actual or "") == (expected or "")
    if name == "expression":
        return actual == ",".join(sorted(expected.split(",")))
    if name == "action" and expected == "none":
        return actual in QUIET_ACTIONS  # labelled before cancel, chat and unknown were split
    return expected == actual


def mismatches(case: Case) -> dict[str, tuple[Any, Any]]:
    """Fields whose recognised value differs from the label: name -> (expected, actual)."""
    intent = recognize(case.text, bot_username="PortraitBot")
    wrong = {}
    for name, expected in case.expected.items():
        actual = actual_value(intent, name)
        if not field_ok(expected, actual, name):
            wrong[name] = (expected, actual)
    return wrong


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    cases = load_corpus(Path(paths[0]) if paths else CORPUS)
    per_field: dict[str, list[int]] = {}
    failures = []
    for case in cases:
        wrong = mismatches(case)
        for name in case.expected:
            tally = per_field.setdefault(name, [0, 0])
            tally[0] += name not in wrong
            tally[1] += 1
        if wrong:
            failures.append((case, wrong))
    for name, (good, total) in per_field.items():
        print(f"{name:13s} {good:4d}/{total:<4d} {100 * good / total:6.2f}%")
    exact = len(cases) - len(failures)
    print(f"{'utterances':13s} {exact:4d}/{len(cases):<4d} {100 * exact / len(cases):6.2f}%  "
          "(every labelled field right)")
    if "--sections" in argv:
        wrong_lines = {case.line for case, _ in failures}
        for section in dict.fromkeys(c.section for c in cases):
            inside = [c for c in cases if c.section == section]
            good = sum(c.line not in wrong_lines for c in inside)
            print(f"{good:4d}/{len(inside):<4d} {100 * good / len(inside):6.2f}%  {section}")
    if "--failures" in argv:
        for case, wrong in failures:
            print(f"line {case.line}: {case.text!r}: {wrong}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
