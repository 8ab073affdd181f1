"""While a request waits in the queue, its acknowledgement shows where it stands: "In the queue
(2 ahead) · about 40 s", edited as the queue moves. Once the request has started, the worker's
own progress edits take over (``worker.delivery.notify``).

Every server process may run this; the last position shown is kept in Redis with the
acknowledgement, so they do not edit the same message twice for one change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from redis import Redis
from telegram import Bot
from telegram.error import TelegramError

from core.i18n import Catalogues
from worker.queue import GenerationQueue
from worker.redis_conn import KEY_PREFIX

log = logging.getLogger(__name__)

WAITING_ACKS = KEY_PREFIX + "telegram:waiting"
"""Redis sorted set: generation ids whose acknowledgement shows a queue position."""
ACK_KEY = KEY_PREFIX + "telegram:waiting:{gen}"
"""Redis hash: chat, message, text, language, shown (position), edited_at."""
ACK_TTL_S = 24 * 3600
"""Seconds an acknowledgement is followed at most."""
TICK_S = 2.0
"""Seconds between looks at the queue."""
EDIT_EVERY_S = 5.0
"""An acknowledgement is edited at most this often, however fast the queue moves."""
PER_TICK = 100
"""Acknowledgements looked at per tick (the oldest first: they move first)."""


class QueueNotes:
    """Follows waiting requests' acknowledgements and edits in their queue position."""

    def __init__(self, redis: Redis, queue: GenerationQueue, catalogues: Catalogues, *, tick_s: float = TICK_S) -> None:
        self.redis = redis
        self.queue = queue
        self.catalogues = catalogues
        self.tick_s = tick_s

    def track(self, generation_id: str, chat_id: int, message_id: int, text: str, language: str) -> None:
        """The acknowledgement of a queued request was sent: follow it while it waits."""
        progress = self.queue.progress(generation_id)
        if progress.state != "queued":
            return
        key = ACK_KEY.format(gen=generation_id)
        pipe = self.redis.pipeline()
        pipe.hset(key, mapping={"chat": chat_id, "message": message_id, "text": text, "language": language,
                                "first": progress.ahead, "shown": progress.ahead, "edited_at": 0})
        pipe.expire(key, ACK_TTL_S)
        pipe.zadd(WAITING_ACKS, {generation_id: time.time()})
        pipe.execute()

    async def run(self, bot: Bot) -> None:
        """Until cancelled: each tick, edit the acknowledgements whose position changed."""
        while True:
            try:
                await self.tick(bot)
            except Exception:  # a Redis blip must not end the loop
                log.warning("queue positions not updated this time", exc_info=True)
            await asyncio.sleep(self.tick_s)

    async def tick(self, bot: Bot) -> None:
        for raw in self.redis.zrange(WAITING_ACKS, 0, PER_TICK - 1):
            generation_id = raw.decode() if isinstance(raw, bytes) else str(raw)
            await self._follow(bot, generation_id)

    async def _follow(self, bot: Bot, generation_id: str) -> None:
        key = ACK_KEY.format(gen=generation_id)
        progress = self.queue.progress(generation_id)
        fields = {_text(k): _text(v) for k, v in self.redis.hgetall(key).items()}
        if progress.state != "queued" or not fields:
            self.redis.zrem(WAITING_ACKS, generation_id)  # started, done or gone: the worker's now
            self.redis.delete(key)
            return
        if int(fields["shown"]) == progress.ahead or time.time() - float(fields["edited_at"]) < EDIT_EVERY_S:
            return
        self.redis.hset(key, mapping={"shown": progress.ahead, "edited_at": time.time()})
        language = fields["language"]
        first = self.catalogues.text(language, "conv.ack_ahead", ahead=int(fields["first"]))
        lines = [line for line in fields["text"].split("\n") if line != first]
        lines.append(self.catalogues.text(language, "progress.queued", ahead=progress.ahead,
                                          eta=int(progress.eta_s)))
        with contextlib.suppress(TelegramError):  # deleted meanwhile, or Telegram busy: cosmetic
            await bot.edit_message_text("\n".join(lines), int(fields["chat"]), int(fields["message"]))


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
