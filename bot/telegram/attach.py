"""Plug Telegram into the HTTP server: the webhook route, and the runner as a background part."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.parts import ServerParts

log = logging.getLogger(__name__)


def attach(parts: ServerParts) -> None:
    """With a bot token: polling (or the webhook route + setWebhook) starts with the server."""
    if not parts.settings.telegram_bot_token:
        return
    from bot.telegram.runner import TelegramRunner
    from bot.telegram.webhook import telegram_routes

    runner = TelegramRunner(parts.settings, parts.conversation, catalogues=parts.catalogues,
                            redis=parts.redis, credits=parts.queue.credits, queue=parts.queue)
    if runner.webhook_mode:
        parts.extra_routes.extend(telegram_routes(runner.application, parts.settings, runner.updates))
    parts.background.append(lambda: runner)
    log.info("telegram: %s", "webhook" if runner.webhook_mode else "polling")
