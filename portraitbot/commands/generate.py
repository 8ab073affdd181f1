"""`portraitbot generate` — not built yet."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""


def main(args: argparse.Namespace) -> int:
    raise SystemExit("portraitbot generate: not available yet")
