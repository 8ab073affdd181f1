"""What every command reads before it builds anything: settings, listen options, logging.

Light on purpose: ``portraitbot intent`` parses its options through here and must not load
Redis, HTTP or image code (the composition root is ``portraitbot.app``)."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser, Namespace
from dataclasses import replace

from core.errors import ConfigError
from core.settings import Settings
from portraitbot.logs import setup_logging


def load_settings() -> Settings:
    """Settings from the environment; a bad value stops the process with the reason."""
    try:
        return Settings.from_env(os.environ)
    except ConfigError as error:
        print(f"portraitbot: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def add_listen_arguments(parser: ArgumentParser) -> None:
    """--port and --host, shared by ``run`` and ``server``."""
    parser.add_argument("--port", type=int, help="override HTTP_PORT")
    parser.add_argument("--host", help="override HTTP_HOST (default 127.0.0.1; 0.0.0.0 in containers)")


def listen_settings(settings: Settings, args: Namespace) -> Settings:
    """Settings with the command line's --port/--host applied."""
    if args.port:
        settings = replace(settings, http_port=args.port)
    if args.host:
        settings = replace(settings, http_host=args.host)
    return settings


def start_logging(settings: Settings) -> None:
    setup_logging(settings.log_level, settings.secrets)
