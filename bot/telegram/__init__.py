"""The Telegram channel: receive updates (polling or webhook), hand them to the Conversation.

    application = build_application(settings, conversation)     # handlers installed
    async with TelegramRunner(settings, conversation) as telegram:  # polls, or sets the webhook
        routes = telegram_routes(telegram.application, settings)  # POST /telegram

Delivery of results lives in ``bot.telegram.sender``.
"""

from bot.telegram.application import build_application
from bot.telegram.runner import TelegramRunner
from bot.telegram.webhook import telegram_routes

__all__ = ["TelegramRunner", "build_application", "telegram_routes"]
