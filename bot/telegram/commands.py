"""The command menu Telegram shows, in English and Chinese, registered with set_my_commands."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from core.i18n import SUPPORTED_LANGUAGES, Catalogues

log = logging.getLogger(__name__)

MENU = (
    "start", "help", "styles", "anime", "headshot", "passport", "series", "random",
    "model", "lang", "cancel", "retry", "quota", "forget",
)
"""Commands everyone sees, in menu order; descriptions are ``telegram.cmd.<name>``."""
ADMIN_MENU = ("stats",)
"""Extra commands shown only in the private chats of ``ADMIN_IDS``."""
PAYMENT_MENU = ("balance", "buy", "paysupport")
"""With PAYMENTS=stars, added for everyone; ``PAYMENT_ADMIN_MENU`` for admins."""
PAYMENT_ADMIN_MENU = ("grant", "refund")
ALL_COMMANDS = MENU + ADMIN_MENU
DESCRIPTION_MAX = 256
"""Bot API: characters in a command description."""


def menu(catalogues: Catalogues, language: str, names: tuple[str, ...]) -> list[BotCommand]:
    """Commands with their descriptions in ``language``."""
    return [
        BotCommand(name, catalogues.text(language, f"telegram.cmd.{name}")[:DESCRIPTION_MAX])
        for name in names
    ]


def admin_chat_ids(admin_ids: frozenset[str]) -> list[int]:
    """The Telegram user ids among ADMIN_IDS (``123`` or ``telegram:123``)."""
    ids = []
    for item in admin_ids:
        channel, _, number = item.rpartition(":")
        if channel in ("", "telegram") and number.lstrip("-").isdigit():
            ids.append(int(number))
    return sorted(ids)


async def register_commands(bot: Bot, catalogues: Catalogues, admin_ids: frozenset[str] = frozenset(),
                            *, payments: bool = False) -> None:
    """set_my_commands for every language (the default scope), and /stats for admins.

    English is the default list (no language_code): Telegram shows it to everyone whose app
    language has no list of its own. A failure only costs the menu, so it is logged, not raised.
    """
    everyone = MENU + PAYMENT_MENU if payments else MENU
    admins = everyone + ADMIN_MENU + (PAYMENT_ADMIN_MENU if payments else ())
    try:
        for language in SUPPORTED_LANGUAGES:
            if "_" in language:
                continue  # Telegram keys menus by two-letter code only: zh_Hant people see zh's
            code = None if language == "en" else language
            await bot.set_my_commands(menu(catalogues, language, everyone), language_code=code)
            for chat_id in admin_chat_ids(admin_ids):
                await bot.set_my_commands(
                    menu(catalogues, language, admins),
                    scope=BotCommandScopeChat(chat_id),
                    language_code=code,
                )
    except TelegramError as error:
        log.warning("could not register the command menu: %s", type(error).__name__)
