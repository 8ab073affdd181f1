"""`portraitbot server` — the HTTP server alone (web chat, WeChat, Telegram, fal hooks, health)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from portraitbot.options import add_listen_arguments

    add_listen_arguments(parser)


def main(args: argparse.Namespace) -> int:
    from portraitbot.app import serve
    from portraitbot.options import listen_settings, load_settings, start_logging
    from worker.redis_conn import connect

    settings = listen_settings(load_settings(), args)
    start_logging(settings)
    serve(settings, connect(settings))
    return 0
