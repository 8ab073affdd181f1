"""Start and stop the Telegram side inside an already running event loop.

    async with TelegramRunner(settings, conversation) as telegram:
        ...   # polling runs in the background; or, in webhook mode, mount
              # telegram_routes(telegram.application, settings) on the HTTP server
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from redis import Redis
from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import Application

from bot.messages import Dialogue
from bot.telegram.application import ALLOWED_UPDATES, MAX_CONCURRENT_UPDATES, build_application
from bot.telegram.commands import register_commands
from bot.telegram.updates import Consumer, UpdateQueue
from bot.telegram.waiting import QueueNotes
from bot.telegram.webhook import WEBHOOK_PATH
from core.errors import ConfigError
from core.i18n import Catalogues
from core.settings import Settings
from worker.credits import Credits
from worker.queue import GenerationQueue

POLL_TIMEOUT_S = 30
"""Seconds one getUpdates long poll may wait on Telegram; long polls cost nothing while idle."""


def webhook_url(settings: Settings) -> str:
    """TELEGRAM_WEBHOOK_URL as given, or with ``/telegram`` appended when it has no path."""
    url = settings.telegram_webhook_url
    return url + WEBHOOK_PATH if urlsplit(url).path in ("", "/") else url


class TelegramRunner:
    """Initializes the bot, registers the command menu, then polls or sets the webhook."""

    def __init__(
        self,
        settings: Settings,
        conversation: Dialogue,
        *,
        catalogues: Catalogues | None = None,
        poll_timeout: float = POLL_TIMEOUT_S,
        redis: Redis | None = None,
        credits: Credits | None = None,
        queue: GenerationQueue | None = None,
    ) -> None:
        if catalogues is None:
            import locales

            catalogues = locales.load()
        self.settings = settings
        self.catalogues = catalogues
        self.poll_timeout = poll_timeout
        self._catch_up: asyncio.Task[None] | None = None
        self.application: Application = build_application(  # type: ignore[type-arg]
            settings, conversation, catalogues=catalogues, redis=redis, credits=credits
        )
        self.updates: UpdateQueue | None = (
            UpdateQueue(redis, settings.telegram_update_queue_max)
            if redis is not None and self.webhook_mode else None
        )
        """Webhook mode with Redis: the bounded queue the route fills and ``consumer`` reads."""
        self.consumer: Consumer | None = None
        self.queue_notes = QueueNotes(redis, queue, catalogues) if redis is not None and queue is not None else None
        """Edits waiting requests' acknowledgements with their queue position."""
        self.application.bot_data["handlers"].queue_notes = self.queue_notes
        self._notes_task: asyncio.Task[None] | None = None

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.telegram_webhook_url)

    async def start(self) -> None:
        app = self.application
        try:
            await app.initialize()  # getMe: checks the token, learns the bot's @username
        except InvalidToken:
            raise ConfigError("TELEGRAM_BOT_TOKEN was rejected by the Telegram Bot API") from None
        await register_commands(app.bot, self.catalogues, self.settings.admin_ids,
                                payments=self.settings.payments == "stars")
        await app.start()
        if self.updates is not None:
            self.consumer = Consumer(self.updates, self._handle, slots=MAX_CONCURRENT_UPDATES)
            self.consumer.start()
        if self.queue_notes is not None:
            self._notes_task = asyncio.create_task(self.queue_notes.run(app.bot))
        payments = app.bot_data.get("payments")
        if payments is not None and self.settings.payments == "stars":
            self._catch_up = asyncio.create_task(payments.keep_caught_up(app.bot))
        if self.webhook_mode:
            await app.bot.set_webhook(
                webhook_url(self.settings),
                secret_token=self.settings.telegram_webhook_secret.reveal(),
                allowed_updates=ALLOWED_UPDATES,
            )
        elif app.updater is not None:
            await app.updater.start_polling(
                timeout=int(self.poll_timeout), allowed_updates=ALLOWED_UPDATES
            )

    async def stop(self) -> None:
        """Stop polling and finish the updates in hand. The webhook stays set across restarts."""
        app = self.application
        if self.consumer is not None:
            await self.consumer.stop()  # the updates in hand finish; the rest wait in Redis
            self.consumer = None
        if self._notes_task is not None:
            self._notes_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._notes_task
            self._notes_task = None
        if self._catch_up is not None:
            self._catch_up.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._catch_up
            self._catch_up = None
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def _handle(self, data: dict[str, Any]) -> None:
        """One update from the Redis queue, through the Application's handlers, in chat order."""
        app = self.application
        update = Update.de_json(data, app.bot)
        await app.update_processor.process_update(update, app.process_update(update))

    async def __aenter__(self) -> TelegramRunner:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
