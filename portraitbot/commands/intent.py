"""`portraitbot intent [TEXT]`: the recognised intent as one JSON object.

With no TEXT, reads one utterance per line from stdin and prints one JSON line for each; a
blank line prints the intent of empty text so output lines stay aligned with input lines.
``language`` is the message's language from its script or the words matched (``--detect``:
from the reply-language detector instead). ``--explain`` prints, before each intent, the rules that fired (in order, with their
docstrings), the words matched with the lexicons they belong to, the language and the
confidence.
"""

from __future__ import annotations

import argparse
import json
import sys

JSON_KEYS = (
    "action", "style", "model", "count", "aspect_ratio", "scene", "prompt", "choices",
    "expression", "id_spec", "series", "background", "go_anyway", "confidence", "language",
)
"""The keys printed, in this order (the first eleven are the documented contract;
``confidence`` and ``language`` were added in the second round)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""
    parser.add_argument("text", nargs="*", help="the message; read lines from stdin if absent")
    parser.add_argument("--bot-username", default=None,
                        help="the bot's @username, removed from mentions and /commands")
    parser.add_argument("--detect", action="store_true",
                        help="take 'language' from the reply-language detector (loads its "
                             "model) instead of the script and the words matched")
    parser.add_argument("--explain", action="store_true",
                        help="also print the rules that fired, the words matched, their "
                             "language and the confidence")


def main(args: argparse.Namespace) -> int:
    from core.intent.language import language_of
    from core.intent.recognizer import read

    if args.explain:
        return _explain(args)

    def show(line: str) -> None:
        reading = read(line, bot_username=args.bot_username)
        data = reading.intent.to_dict()
        data["language"] = _detected(line) if args.detect else language_of(reading.found)
        print(json.dumps({key: data.get(key) for key in JSON_KEYS}, ensure_ascii=False),
              flush=True)

    if args.text:
        show(" ".join(args.text))
        return 0
    for line in sys.stdin:
        show(line.rstrip("\r\n"))
    return 0


def _explain(args: argparse.Namespace) -> int:
    """Each utterance's explanation, then its intent JSON, a blank line between utterances."""
    from core.intent.explain import explain

    lines = [" ".join(args.text)] if args.text else [ln.rstrip("\r\n") for ln in sys.stdin]
    for n, line in enumerate(lines):
        if n:
            print()
        explained = explain(line, bot_username=args.bot_username)
        print(f"text: {line}")
        print("\n".join(explained.lines()))
        data = explained.reading.intent.to_dict()
        data["language"] = _detected(line) if args.detect else explained.language
        print("intent: " + json.dumps({key: data.get(key) for key in JSON_KEYS},
                                      ensure_ascii=False), flush=True)
    return 0


def _detected(line: str) -> str | None:
    """The reply-language detector's answer (``engine.written``), loaded only for --detect."""
    from engine.written import written_language

    return written_language(line)
