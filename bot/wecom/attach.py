"""Plug the WeCom AI bot into the HTTP server: ``/wecom`` when WECOM_TOKEN is set."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.wecom.crypto import WeComCrypto
from bot.wecom.handler import WeComBot
from bot.wecom.media import PhotoFetcher
from bot.wecom.routes import wecom_routes

if TYPE_CHECKING:
    from bot.parts import ServerParts

log = logging.getLogger(__name__)


def attach(parts: ServerParts) -> None:
    settings = parts.settings
    if not settings.wecom_token:
        return
    crypto = WeComCrypto(settings.wecom_token.reveal(), settings.wecom_aes_key.reveal())
    bot = WeComBot(
        redis_client=parts.redis, conversation=parts.conversation,
        catalogues=parts.catalogues, fetch_photo=PhotoFetcher(crypto),
    )
    parts.extra_routes.extend(wecom_routes(crypto, bot))
    log.info("wecom: AI bot callback at /wecom")
