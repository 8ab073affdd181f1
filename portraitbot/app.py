"""The composition root of the services: build clients and parts once, pass them down."""

from __future__ import annotations

import redis
import uvicorn
from starlette.applications import Starlette

import locales
from bot.conversation import Conversation
from bot.http import create_app
from bot.intake import IntakePool
from bot.limits import server_config
from bot.parts import ServerParts
from bot.photos import PhotoDesk
from bot.telegram.attach import attach as telegram
from bot.wechat.attach import attach as wechat
from bot.wecom.attach import attach as wecom
from core.i18n import Catalogues
from core.settings import Settings
from engine.detector import build_detector
from engine.providers import available_providers
from engine.styles_file import load_catalogue
from worker import shared_files
from worker.queue import GenerationQueue

CHANNELS = (telegram, wechat, wecom)
"""Each chat platform's ``attach(parts)``: adds its routes and background tasks."""


def build_conversation(
    settings: Settings, client: redis.Redis, catalogues: Catalogues | None = None
) -> Conversation:
    """The dialogue with its queue, styles, photo desk and the configured providers."""
    return Conversation(
        redis_client=client,
        settings=settings,
        catalogues=catalogues or locales.load(),
        styles=load_catalogue(settings),
        queue=GenerationQueue(client, settings),
        photos=PhotoDesk(settings.data_dir, build_detector(settings)),
        available_providers=available_providers(settings),
        intake=IntakePool(settings.data_dir, settings.face_detector_model, settings.photo_processes)
        if settings.photo_processes > 0 else None,
    )


def build_server(settings: Settings, client: redis.Redis) -> Starlette:
    """The ASGI app with the conversation, the web chat and every configured channel."""
    shared_files.configure(client, settings)
    conversation = build_conversation(settings, client)
    parts = ServerParts(settings, client, conversation.catalogues, conversation, conversation.queue,
                        conversation.styles)
    if conversation.intake is not None:
        parts.background.append(conversation.intake.running)
    for attach in CHANNELS:
        attach(parts)
    parts.background.append(shared_files.clearing_gone)
    return create_app(parts)


def serve(settings: Settings, client: redis.Redis) -> None:
    """Run the HTTP server until interrupted."""
    app = build_server(settings, client)
    config = server_config(app, host=settings.http_host, port=settings.http_port)
    uvicorn.Server(config).run()
