"""The ``portraitbot`` command. Each subcommand lives in ``portraitbot/commands/<name>.py``
with ``add_arguments(parser)`` and ``main(args) -> int``; they are imported only when used,
so ``portraitbot intent`` does not load OpenCV and ``portraitbot styles`` does not start Redis.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "run": "everything in one process tree: Redis, HTTP server, Telegram polling, a worker",
    "server": "the HTTP server (web chat, WeChat and Telegram webhooks, fal webhook, health)",
    "worker": "an RQ worker for the generation queues",
    "intent": "print the recognised intent of TEXT (or of each stdin line) as JSON",
    "styles": "list the style catalogue",
    "generate": "one generation without Redis; prints a MEDIA: line per image",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portraitbot", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"portraitbot.commands.{name}")
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    module = importlib.import_module(f"portraitbot.commands.{args.command}")
    try:
        return int(module.main(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `portraitbot styles | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
