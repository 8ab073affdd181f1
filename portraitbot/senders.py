"""Composition root of delivery: the sender of every configured channel, for the worker.

Each channel package ``bot/<channel>/`` holds its own ``sender.py`` with
``build_sender(settings, redis) -> Sender | None`` (None when the channel is not configured).
A new channel adds its builder to ``CHANNEL_SENDERS``; tests add a module with
``--sender-module``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable

import redis

from bot.telegram import sender as telegram_sender
from bot.web import sender as web_sender
from bot.wechat import sender as wechat_sender
from bot.wecom import sender as wecom_sender
from core.sender import Sender
from core.settings import Settings

log = logging.getLogger(__name__)

SenderBuilder = Callable[[Settings, redis.Redis], Sender | None]

CHANNEL_SENDERS: tuple[SenderBuilder, ...] = (
    telegram_sender.build_sender,
    web_sender.build_sender,
    wechat_sender.build_sender,
    wecom_sender.build_sender,
)
"""One builder per channel package."""


def build_senders(
    settings: Settings, client: redis.Redis, extra_modules: Iterable[str] = ()
) -> dict[str, Sender]:
    """A sender per configured channel, plus those of ``extra_modules`` (by dotted name)."""
    builders: list[SenderBuilder] = list(CHANNEL_SENDERS)
    for name in extra_modules:
        builders.append(importlib.import_module(name).build_sender)
    senders: dict[str, Sender] = {}
    for build in builders:
        sender = build(settings, client)
        if sender is not None:
            senders[sender.channel] = sender
            log.info("sender ready: %s", sender.channel)
    return senders
