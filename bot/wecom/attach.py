"""Plug the WeCom AI bot into the server: ``/wecom`` when WECOM_TOKEN is set (callback mode),
the long connection as a background part when WECOM_BOT_ID is set; both share one bot."""

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
    if not (settings.wecom_token or settings.wecom_bot_id):
        return
    crypto = None
    if settings.wecom_token:
        crypto = WeComCrypto(settings.wecom_token.reveal(), settings.wecom_aes_key.reveal())
    bot = WeComBot(
        redis_client=parts.redis, conversation=parts.conversation,
        catalogues=parts.catalogues, fetch_photo=PhotoFetcher(crypto),
    )
    if crypto is not None:
        parts.extra_routes.extend(wecom_routes(crypto, bot))
        log.info("wecom: AI bot callback at /wecom")
    if settings.wecom_bot_id:
        from bot.wecom.longconn import LongConnection

        connection = LongConnection(
            bot, url=settings.wecom_ws_url, bot_id=settings.wecom_bot_id,
            secret=settings.wecom_bot_secret.reveal(),
        )
        parts.background.append(lambda: connection)
        log.info("wecom: AI bot long connection to %s", settings.wecom_ws_url)
