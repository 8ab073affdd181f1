"""Who we talk to and where: the addressing shapes shared by channels, queue and senders."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

POOL_PREFIX = "group:"
"""Account ids of group pools are ``<channel>:group:<chat id>``; they get no free trial."""

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
    thread_id: str | None = None
    """The forum topic the conversation is in (Telegram ``message_thread_id``): every answer
    goes back into it."""
    pool: bool = False
    """The person may spend the group's pool of credits (a Telegram group's admin, with
    PAYMENTS=stars): ``pool_id`` is whose credits pay when the pool has enough."""
    client: str = ""
    """The web chat: a hash of the browser's network address, so the per-address daily limit
    holds however many cookies one visitor uses. Empty elsewhere."""

    @property
    def person_id(self) -> str:
        """The key of the person's session, quota and history: ``channel:user_id``."""
        return f"{self.channel}:{self.user_id}"

    @property
    def pool_id(self) -> str:
        """The group's pool of credits (operators ``/grant group:<chat id> 50``)."""
        return f"{self.channel}:{POOL_PREFIX}{self.chat_id}"

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
    """Callback data, at most 64 bytes (Telegram's limit): ``ButtonData(...).format()``."""

    @classmethod
    def of(cls, label: str, action: ButtonAction, value: str = "") -> Button:
        return cls(label, ButtonData(action, value).format())


class ButtonAction(StrEnum):
    """What pressing a button asks for (the part of its data before the colon)."""

    style = "style"
    """Make this style (value: style key)."""
    sure = "sure"
    """Yes, make what I was asked about."""
    go = "go"
    """Go anyway with the photo the check doubted."""
    regen = "regen"
    """The last request again."""
    hq = "hq"
    """The last request with the best model."""
    cat = "cat"
    """Show a style category (value: its code)."""
    styles = "styles"
    """Show the style categories."""
    model = "model"
    """Choose a model (value: model key)."""
    lang = "lang"
    """Choose a language (value: catalogue code)."""
    retry = "retry"
    """Retry the last failed request."""
    spec = "spec"
    """Make the asked-for ID photo for this document (value: ID-photo spec key)."""
    fewer = "fewer"
    """Make as many as are left today of the request the daily limit refused (value: how many)."""
    more = "more"
    """That result picture's request again, with the picture as the reference (value: its ref)."""
    tall = "tall"
    """A vertical version of that result picture (value: its ref)."""
    square = "square"
    """A square version of that result picture (value: its ref)."""
    restyle = "restyle"
    """That result picture in another style (value: its ref, a dot, the style key)."""
    buy = "buy"
    """Show the packs of credits for sale (value: unused)."""


BUTTON_DATA_MAX_BYTES = 64
"""Telegram's limit on ``callback_data``."""


@dataclass(frozen=True)
class ButtonData:
    """A button's data: one parse, one format (``style:anime``)."""

    action: ButtonAction
    value: str = ""

    def format(self) -> str:
        data = f"{self.action.value}:{self.value}"
        if len(data.encode()) > BUTTON_DATA_MAX_BYTES:
            raise ValueError(f"button data over {BUTTON_DATA_MAX_BYTES} bytes: {data[:20]}…")
        return data

    @classmethod
    def parse(cls, data: str | None) -> ButtonData | None:
        """The data of a pressed button; None for data we never made (an old or forged button)."""
        action, colon, value = (data or "").partition(":")
        if not colon:
            return None
        try:
            return cls(ButtonAction(action), value)
        except ValueError:
            return None


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
