"""Telegram's flood control in groups, as the fake Bot API enforces it.

Telegram lets a bot send about 20 messages a minute into one group; beyond that it answers
``429 Too Many Requests: retry after N`` with ``parameters.retry_after`` (whole seconds, at
least 1). An album counts each of its pictures; edits, chat actions and button answers do not
count. Private chats are not limited here (their limit, about one message a second, is not
what the product paces).
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

COUNTED = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendVideo", "sendInvoice",
                     "sendAnimation", "sendAudio", "sendVoice", "sendSticker", "copyMessage",
                     "forwardMessage"})
"""Methods that put a new message into the chat."""


@dataclass
class GroupFlood:
    """A sliding window per group chat: at most ``limit`` messages in ``window_s`` seconds."""

    limit: int = 20
    window_s: float = 60.0
    sent: dict[int, deque[float]] = field(default_factory=dict)
    refused: list[tuple[str, int, int]] = field(default_factory=list)
    """(method, chat_id, retry_after) of every call refused for flood."""

    def messages(self, method: str, params: dict[str, Any]) -> int:
        """How many messages the call would put into a group (0: not limited)."""
        chat_id = params.get("chat_id")
        if method not in COUNTED or not isinstance(chat_id, int) or chat_id > 0:
            return 0
        return len(params.get("media") or []) or 1 if method == "sendMediaGroup" else 1

    def check(self, method: str, params: dict[str, Any]) -> int | None:
        """None when the call may go; else the retry_after Telegram would answer."""
        count = self.messages(method, params)
        if not count:
            return None
        now = time.monotonic()
        recent = self.sent.setdefault(params["chat_id"], deque())
        while recent and recent[0] <= now - self.window_s:
            recent.popleft()
        over = len(recent) + count - self.limit
        if over <= 0:
            return None
        retry_after = max(1, math.ceil(recent[over - 1] + self.window_s - now))
        self.refused.append((method, params["chat_id"], retry_after))
        return retry_after

    def record(self, method: str, params: dict[str, Any]) -> None:
        """The call succeeded: its messages are in the group now."""
        if count := self.messages(method, params):
            self.sent.setdefault(params["chat_id"], deque()).extend([time.monotonic()] * count)
