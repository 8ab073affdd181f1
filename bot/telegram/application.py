"""Build the python-telegram-bot Application: the Bot API root, the handlers, update order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from redis import Redis
from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from bot.messages import Dialogue
from bot.telegram.commands import ALL_COMMANDS
from bot.telegram.handlers import TelegramHandlers
from bot.telegram.logs import protect_logs
from bot.telegram.payments import Payments
from bot.telegram.sender import MEDIA_WRITE_TIMEOUT_S
from core.errors import ConfigError
from core.i18n import Catalogues
from core.settings import Settings
from worker.credits import Credits

RETRY_AFTER_TRIES = 2
"""Times a Bot API call refused with 429 is tried again after its retry_after."""
MAX_CONCURRENT_UPDATES = 32
"""Updates handled at once across chats; each mostly waits on Redis or a photo download."""
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member", "pre_checkout_query"]
"""The update types the bot asks Telegram for; channel posts, reactions and the rest are not used."""


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates of one chat run in arrival order (a photo, then "make me anime"); chats run
    concurrently, so one slow photo download does not hold up everyone else."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._albums: dict[int, set[asyncio.Future[None]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        message = update.effective_message if isinstance(update, Update) else None
        lock, users = self._locks.get(chat.id, (asyncio.Lock(), 0))
        self._locks[chat.id] = (lock, users + 1)
        try:
            if message is not None and message.media_group_id:
                # The parts of an album run side by side (``bot.albums`` waits for all of them),
                # after what came before them and before what comes after.
                async with lock:
                    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                    self._albums.setdefault(chat.id, set()).add(done)
                try:
                    await coroutine
                finally:
                    done.set_result(None)
                    running = self._albums.get(chat.id, set())
                    running.discard(done)
                    if not running:
                        self._albums.pop(chat.id, None)
                return
            async with lock:
                for album in list(self._albums.get(chat.id, ())):
                    await album
                await coroutine
        finally:
            lock, users = self._locks[chat.id]
            if users <= 1:
                del self._locks[chat.id]
            else:
                self._locks[chat.id] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def build_application(
    settings: Settings, conversation: Dialogue, *, catalogues: Catalogues | None = None,
    redis: Redis | None = None, credits: Credits | None = None,
) -> Application:  # type: ignore[type-arg]
    """The Application (not started): handlers installed, pointed at ``TELEGRAM_API_URL``.

    Without ``TELEGRAM_WEBHOOK_URL`` it has an Updater for polling; with it, none: updates
    arrive through ``bot.telegram.webhook``. With ``credits``, Stars payments are taken
    (``bot.telegram.payments``; the checkout is refused unless PAYMENTS=stars).
    """
    token = settings.telegram_bot_token.reveal()
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    protect_logs(token)
    if catalogues is None:
        import locales

        catalogues = locales.load()
    root = settings.telegram_api_url.rstrip("/")
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .media_write_timeout(MEDIA_WRITE_TIMEOUT_S)
        # Every call the handlers make (acknowledgements, edits, menus, button answers) waits out
        # a 429's retry_after and tries again, and sends are paced under Telegram's limits
        # (30/s overall, 20/min per group) instead of failing the person's turn.
        # With Redis, groups are paced by ``bot.telegram.pacing`` across every process instead.
        .rate_limiter(AIORateLimiter(max_retries=RETRY_AFTER_TRIES, overall_max_rate=settings.telegram_sends_per_s,
                                     **({"group_max_rate": 0} if redis is not None else {})))
        .concurrent_updates(ChatOrderedProcessor(MAX_CONCURRENT_UPDATES))
    )
    if settings.telegram_webhook_url:
        builder = builder.updater(None)
    application = builder.build()
    handlers = TelegramHandlers(conversation, settings, catalogues, redis)
    application.bot_data["handlers"] = handlers  # the runner gives it the queue notes
    messages = filters.UpdateType.MESSAGE
    if credits is not None:
        payments = Payments(credits, conversation, settings, catalogues)
        application.bot_data["payments"] = payments  # the runner keeps its Stars history read
        application.add_handler(PreCheckoutQueryHandler(payments.on_pre_checkout))
        application.add_handler(MessageHandler(messages & filters.SUCCESSFUL_PAYMENT, payments.on_paid))
        application.add_handler(CommandHandler("refund", payments.on_refund, filters=messages))
    # CommandHandler sees commands in text only (and skips /cmd@OtherBot); captions such as
    # "/anime" under a photo reach on_message through the MessageHandler.
    application.add_handler(CommandHandler(ALL_COMMANDS, handlers.on_message, filters=messages))
    application.add_handler(
        MessageHandler(messages & (filters.TEXT | filters.PHOTO | filters.Document.ALL), handlers.on_message)
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & (filters.TEXT | filters.CAPTION), handlers.on_edited)
    )
    unusable = (filters.VOICE | filters.AUDIO | filters.Sticker.ALL | filters.LOCATION | filters.VENUE
                | filters.VIDEO_NOTE | filters.VIDEO | filters.ANIMATION | filters.CONTACT)
    application.add_handler(MessageHandler(messages & unusable, handlers.on_unusable))
    application.add_handler(CallbackQueryHandler(handlers.on_callback))
    application.add_handler(ChatMemberHandler(handlers.on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(messages & filters.StatusUpdate.NEW_CHAT_MEMBERS, handlers.on_new_members))
    application.add_error_handler(handlers.on_error)
    return application
