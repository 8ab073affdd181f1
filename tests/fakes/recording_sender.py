"""A ``Sender`` for the channel "test" that records every delivery in Redis.

Worker processes in tests load it with ``portraitbot worker --sender-module
tests.fakes.recording_sender``; the test process reads what the person would have seen
with ``deliveries(redis)``. Knobs live in Redis too, so a test can set them while a worker
runs: ``SEND_DELAY_KEY`` (seconds an image send takes before the chat has it) and
``FAILURES_KEY`` (a list of ``retry_after`` values: the next sends answer like Telegram's 429).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from typing import Any

import redis

from core.chat import Buttons, ChatTarget
from core.errors import TransientUpstreamError
from core.sender import Deliverable
from core.settings import Settings

CHANNEL = "test"
DELIVERIES_KEY = "test:deliveries"
PROGRESS_KEY = "test:progress"
SEND_DELAY_KEY = "test:send_delay"
FAILURES_KEY = "test:send_failures"


class RecordingSender:
    channel = CHANNEL

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    async def send_text(self, target: ChatTarget, text: str, *, buttons: Buttons = ()) -> str | None:
        self._fail_if_scripted()
        self._record({"kind": "text", "chat_id": target.chat_id, "text": text})
        return f"m{time.monotonic_ns()}"

    async def send_images(
        self, target: ChatTarget, items: Sequence[Deliverable], caption: str, *, buttons: Buttons = ()
    ) -> None:
        self._fail_if_scripted()
        delay = float(self.redis.get(SEND_DELAY_KEY) or 0)
        if delay:
            await asyncio.sleep(delay)  # the upload; a worker killed now has sent nothing
        self._record({
            "kind": "images", "chat_id": target.chat_id, "caption": caption,
            "files": [str(item.path) for item in items],
            "sizes": [item.path.stat().st_size for item in items],
        })

    async def show_progress(self, target: ChatTarget, message_id: str | None, text: str) -> None:
        self.redis.rpush(PROGRESS_KEY, json.dumps({"chat_id": target.chat_id, "ack": message_id,
                                                   "text": text}))

    def _fail_if_scripted(self) -> None:
        retry_after = self.redis.lpop(FAILURES_KEY)
        if isinstance(retry_after, bytes) and retry_after.startswith(b"paced:"):
            # a group's send slot further off than the sender may wait (bot/telegram/pacing.py)
            raise TransientUpstreamError("error.upstream_busy", retry_after=float(retry_after[6:]), paced=True)
        if isinstance(retry_after, bytes):
            raise TransientUpstreamError("delivery.rate_limited", retry_after=float(retry_after))

    def _record(self, entry: dict[str, Any]) -> None:
        self.redis.rpush(DELIVERIES_KEY, json.dumps(entry | {"at": time.time()}))


def build_sender(settings: Settings, client: redis.Redis) -> RecordingSender:
    return RecordingSender(client)


def deliveries(client: redis.Redis, chat_id: str | None = None) -> list[dict[str, Any]]:
    """Everything sent so far (to one chat, if given), in order."""
    found = [json.loads(raw) for raw in client.lrange(DELIVERIES_KEY, 0, -1)]
    return [d for d in found if chat_id is None or d["chat_id"] == chat_id]


def progress(client: redis.Redis) -> list[dict[str, Any]]:
    return [json.loads(raw) for raw in client.lrange(PROGRESS_KEY, 0, -1)]
