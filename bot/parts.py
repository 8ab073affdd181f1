"""What the server hands each channel when it attaches: built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import redis
from starlette.routing import BaseRoute

from bot.messages import Dialogue
from core.i18n import Catalogues
from core.settings import Settings
from core.styles import Catalogue
from worker.queue import GenerationQueue


@dataclass
class ServerParts:
    """What the HTTP server needs, built once by the composition root."""

    settings: Settings
    redis: redis.Redis
    catalogues: Catalogues
    conversation: Dialogue
    queue: GenerationQueue
    styles: Catalogue
    extra_routes: list[BaseRoute] = field(default_factory=list)
    """Channel routes (WeChat callback, Telegram webhook) added by the composition root."""
    background: list[Callable[[], AbstractAsyncContextManager[Any]]] = field(default_factory=list)
    """Things that run alongside the server (Telegram polling), entered at start-up."""
