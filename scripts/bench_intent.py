"""Blind intent benchmark: accuracy per language on utterances labelled before tuning.

Usage: python scripts/bench_intent.py [DIR] [--failures] [--lang xx]

DIR (default tests/data/intent_blind) holds one ``<lang>.jsonl`` per language, one labelled
utterance a line: ``text``, ``action``, ``style``, ``count`` (always checked, null included)
and, when present, ``id_spec``, ``aspect_ratio``, ``background``, ``choices`` and ``series``
(lists of style keys), ``has`` (words that must reach the scene or prompt) and ``lacks``
(words that must not: filler, politeness).

An utterance scores only when every labelled field is right. ``strict`` judges the actions
``cancel``, ``chat`` and ``unknown`` as their own; ``legacy`` also accepts the old ``none`` for
them, so the two columns tell a schema change from an understanding one.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.intent import recognize  # noqa: E402

DEFAULT_DIR = ROOT / "tests" / "data" / "intent_blind"
LANGUAGES = ("en", "zh", "es", "pt", "fr", "de", "ja", "ko", "ru", "it", "vi", "id")
TARGETS = {"en": 95.0, "zh": 97.0}
"""Accuracy each language must reach; every other language 90 %."""
_QUIET = ("cancel", "chat", "unknown")


def load(path: Path) -> list[dict[str, Any]]:
    """The labelled cases of one language file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def wrong_fields(case: dict[str, Any], legacy: bool = False) -> dict[str, tuple[Any, Any]]:
    """Labelled fields the recogniser got wrong: name -> (expected, actual)."""
    intent = recognize(case["text"], bot_username="PortraitBot")
    text = f"{intent.scene or ''} {intent.prompt or ''}".lower()
    wrong: dict[str, tuple[Any, Any]] = {}
    for name, expected in case.items():
        if name == "text":
            continue
        if name == "has":
            missing = [w for w in expected if w.lower() not in text]
            if missing:
                wrong[name] = (missing, text.strip())
            continue
        if name == "lacks":
            present = [w for w in expected if w.lower() in text]
            if present:
                wrong[name] = (present, text.strip())
            continue
        actual: Any = getattr(intent, name)
        if name == "series":
            actual = [item.style for item in actual] if actual else None
        elif name == "choices":
            actual = list(actual) if actual else None
        if name == "action" and legacy and expected in _QUIET and actual == "none":
            continue
        if actual != expected:
            wrong[name] = (expected, actual)
    return wrong


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    only = argv[argv.index("--lang") + 1] if "--lang" in argv else None
    folder = Path(paths[0]) if paths and paths[0] != only else DEFAULT_DIR
    total = [0, 0, 0]
    failures: list[str] = []
    started = time.perf_counter()
    print(f"{'lang':5s} {'strict':>14s} {'legacy':>14s}  target")
    for lang in LANGUAGES:
        path = folder / f"{lang}.jsonl"
        if (only and lang != only) or not path.exists():
            continue
        cases = load(path)
        strict = legacy = 0
        for case in cases:
            wrong = wrong_fields(case)
            strict += not wrong
            legacy += not wrong_fields(case, legacy=True)
            if wrong:
                failures.append(f"{lang}: {case['text']!r}: {wrong}")
        target = TARGETS.get(lang, 90.0)
        share = 100 * strict / len(cases)
        print(f"{lang:5s} {strict:3d}/{len(cases):<3d} {share:6.1f}%  "
              f"{legacy:3d}/{len(cases):<3d} {100 * legacy / len(cases):6.1f}%  "
              f"{target:.0f}%{'' if share >= target else '  (below)'}")
        total[0] += strict
        total[1] += legacy
        total[2] += len(cases)
    if total[2]:
        print(f"{'all':5s} {total[0]:3d}/{total[2]:<3d} {100 * total[0] / total[2]:6.1f}%  "
              f"{total[1]:3d}/{total[2]:<3d} {100 * total[1] / total[2]:6.1f}%")
        elapsed = time.perf_counter() - started
        print(f"{2 * total[2] / elapsed:.0f} utterances/s (two passes, warm)")
    if "--failures" in argv:
        print("\n".join(failures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
