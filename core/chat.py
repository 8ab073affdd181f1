"""Who we talk to and where: the addressing shapes shared by channels, queue and senders."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class ChatTarget:
    """A chat to answer in, and the person in it. JSON-friendly (jobs carry it)."""

    channel: str
    """"telegram", "wechat" or "web"."""
    chat_id: str
    user_id: str
    language: str = "en"
    reply_to: str | None = None
    """The message to reply to, where the channel has replies (Telegram)."""
    is_group: bool = False

    @property
    def person_id(self) -> str:
        """The key of the person's session, quota and history: ``channel:user_id``."""
        return f"{self.channel}:{self.user_id}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatTarget:
        return cls(**data)


@dataclass(frozen=True)
class Button:
    """A choice under a message: Telegram inline button, WeChat numbered line, web button."""

    label: str
    data: str
    """Callback data, at most 64 bytes (Telegram's limit): ``style:anime``, ``go:<id>`` …"""


Buttons = tuple[tuple[Button, ...], ...]
"""Rows of buttons."""


@dataclass(frozen=True)
class PhotoRef:
    """Where a reference photo can be fetched from, by the channel that received it.

    ``ref`` is the channel's own handle: a Telegram ``file_id``, a WeChat ``MediaId`` or
    ``PicUrl``, a web upload's path under the data directory, or an https URL.
    """

    channel: str
    ref: str
    received_at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhotoRef:
        return cls(**data)
