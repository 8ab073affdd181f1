"""`portraitbot server` — not built yet."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""


def main(args: argparse.Namespace) -> int:
    raise SystemExit("portraitbot server: not available yet")
