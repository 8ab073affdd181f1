"""Channel senders: how the worker delivers to a chat. One module per channel.

A channel is added by writing ``worker/senders/<channel>.py`` with
``build_sender(settings, redis) -> Sender | None`` (None when the channel is not configured);
``build_senders`` finds every such module, so nothing else needs editing. ``SENDERS`` is the
process's registry, filled once by the worker's composition root.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterable

import redis

from core.settings import Settings
from worker.senders.base import Sender

log = logging.getLogger(__name__)

NOT_CHANNELS = frozenset({"base"})
"""Modules in this package that are not channels."""

SENDERS: dict[str, Sender] = {}
"""Channel name -> sender of this process (filled by ``portraitbot worker``)."""


def channel_modules() -> list[str]:
    """Dotted names of the channel modules in this package."""
    return [
        f"{__name__}.{info.name}"
        for info in pkgutil.iter_modules(__path__)
        if info.name not in NOT_CHANNELS and not info.name.startswith("_")
    ]


def build_senders(
    settings: Settings, client: redis.Redis, extra_modules: Iterable[str] = ()
) -> dict[str, Sender]:
    """A sender per configured channel, from this package's modules and ``extra_modules``."""
    senders: dict[str, Sender] = {}
    for name in [*channel_modules(), *extra_modules]:
        build = getattr(importlib.import_module(name), "build_sender", None)
        if build is None:
            continue
        sender = build(settings, client)
        if sender is not None:
            senders[sender.channel] = sender
            log.info("sender ready: %s", sender.channel)
    return senders
