"""Plug WeChat into the HTTP server: the ``/wechat`` callback route, when WECHAT_TOKEN is set."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.wechat.routes import wechat_routes

if TYPE_CHECKING:
    from bot.parts import ServerParts

log = logging.getLogger(__name__)


def attach(parts: ServerParts) -> None:
    """Add the callback routes; photos go to the worker's queue as ``bot.wechat.jobs`` jobs."""
    routes = wechat_routes(
        parts.settings, parts.redis, parts.conversation, catalogues=parts.catalogues
    )
    if routes:
        parts.extra_routes.extend(routes)
        mode = "safe mode" if parts.settings.wechat_aes_key else "plaintext mode"
        log.info("wechat: callback at /wechat (%s)", mode)
