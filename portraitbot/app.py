"""Composition roots: read settings once, build clients and parts, pass them down."""

from __future__ import annotations

import os
import sys
from typing import Any

import redis

from core.errors import ConfigError
from core.settings import Settings


def load_settings() -> Settings:
    """Settings from the environment; a bad value stops the process with the reason."""
    try:
        return Settings.from_env(os.environ)
    except ConfigError as error:
        print(f"portraitbot: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def add_listen_arguments(parser: Any) -> None:
    """--port and --host, shared by ``run`` and ``server``."""
    parser.add_argument("--port", type=int, help="override HTTP_PORT")
    parser.add_argument("--host", help="override HTTP_HOST (default 127.0.0.1; 0.0.0.0 in containers)")


def listen_settings(settings: Settings, args: Any) -> Settings:
    """Settings with the command line's --port/--host applied."""
    from dataclasses import replace

    if args.port:
        settings = replace(settings, http_port=args.port)
    if args.host:
        settings = replace(settings, http_host=args.host)
    return settings


def start_logging(settings: Settings) -> None:
    from portraitbot.logs import setup_logging

    setup_logging(settings.log_level, settings.secrets)


def build_conversation(settings: Settings, client: redis.Redis, catalogues: Any = None) -> Any:
    """The dialogue with its queue, styles, photo desk and the configured providers."""
    import locales
    from bot.conversation import Conversation
    from bot.photos import PhotoDesk
    from engine.facedetect import build_detector
    from engine.providers import available_providers
    from engine.styles_file import load_catalogue
    from worker.queue import GenerationQueue

    return Conversation(
        redis_client=client,
        settings=settings,
        catalogues=catalogues or locales.load(),
        styles=load_catalogue(settings),
        queue=GenerationQueue(client, settings),
        photos=PhotoDesk(settings.data_dir, build_detector(settings)),
        available_providers=available_providers(settings),
    )


def build_server(settings: Settings, client: redis.Redis) -> Any:
    """The ASGI app with the conversation, the web chat and every configured channel."""
    from bot.http import ServerParts, create_app

    conversation = build_conversation(settings, client)
    parts = ServerParts(settings, client, conversation.catalogues, conversation, conversation.queue)
    for attach in _channel_attachers():
        attach(parts)
    return create_app(parts)


def _channel_attachers() -> list[Any]:
    """Each chat platform's ``attach(parts)``: adds its routes and background tasks."""
    from bot.telegram.attach import attach as telegram
    from bot.wechat.attach import attach as wechat
    from bot.wecom.attach import attach as wecom

    return [telegram, wechat, wecom]


def serve(settings: Settings, client: redis.Redis) -> None:
    """Run the HTTP server until interrupted."""
    import uvicorn

    app = build_server(settings, client)
    config = uvicorn.Config(
        app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False
    )
    uvicorn.Server(config).run()
