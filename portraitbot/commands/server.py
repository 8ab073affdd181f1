"""`portraitbot server` — the HTTP server alone (web chat, WeChat, Telegram, fal hooks, health)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, help="override HTTP_PORT")
    parser.add_argument("--host", help="override HTTP_HOST (default 127.0.0.1; 0.0.0.0 in containers)")


def main(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from portraitbot.app import load_settings, serve, start_logging
    from worker.redis_conn import connect

    settings = load_settings()
    if args.port:
        settings = replace(settings, http_port=args.port)
    if args.host:
        settings = replace(settings, http_host=args.host)
    start_logging(settings)
    serve(settings, connect(settings))
    return 0
