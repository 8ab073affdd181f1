"""`portraitbot intent [TEXT]`: the recognised intent as one JSON object.

With no TEXT, reads one utterance per line from stdin and prints one JSON line for each; a
blank line prints the intent of empty text ({"action": "none", ...}) so output lines stay
aligned with input lines.
"""

from __future__ import annotations

import argparse
import json
import sys

JSON_KEYS = (
    "action", "style", "model", "count", "aspect_ratio", "scene", "prompt", "choices",
    "expression", "id_spec", "series", "background", "go_anyway", "confidence",
)
"""The keys printed, in this order (the first eleven are the documented contract)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""
    parser.add_argument("text", nargs="*", help="the message; read lines from stdin if absent")
    parser.add_argument("--bot-username", default=None,
                        help="the bot's @username, removed from mentions and /commands")


def main(args: argparse.Namespace) -> int:
    from core.intent import recognize

    def show(line: str) -> None:
        data = recognize(line, bot_username=args.bot_username).to_dict()
        print(json.dumps({key: data.get(key) for key in JSON_KEYS}, ensure_ascii=False),
              flush=True)

    if args.text:
        show(" ".join(args.text))
        return 0
    for line in sys.stdin:
        show(line.rstrip("\r\n"))
    return 0
