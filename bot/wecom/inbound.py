"""A decrypted WeCom AI bot message (callback body or long-connection ``body``) as one shape.

The platform's JSON (智能机器人 接收消息)::

    {"msgid", "aibotid", "chatid" (groups), "chattype": "single" | "group",
     "from": {"userid"}, "response_url", "msgtype": "text" | "image" | "mixed" | "voice" |
     "file" | "stream" | "event", "text": {"content"}, "image": {"url", "aeskey"?},
     "mixed": {"msg_item": [{"msgtype": "text" | "image", …}]}, "voice": {"content"},
     "quote": {"msgtype", "text" | "image" | "mixed" …}, "stream": {"id"},
     "event": {"eventtype": "enter_chat" | …}}

In a group the bot only hears messages that @-mention it; the mention comes at the start of
``text.content`` ("@PortraitBot 把我变成动漫") and is taken off. Voice arrives transcribed.
An image in long connection mode carries its own ``aeskey``; in callback mode the file is
encrypted with the bot's EncodingAESKey.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_MENTION = re.compile(r"^(?:\s*@\S+)+\s*")


@dataclass(frozen=True)
class ImageRef:
    url: str
    aeskey: str = ""


@dataclass(frozen=True)
class WeComMessage:
    msgid: str
    kind: str
    user_id: str
    chat_id: str
    is_group: bool
    response_url: str = ""
    text: str = ""
    images: tuple[ImageRef, ...] = ()
    quoted_images: tuple[ImageRef, ...] = ()
    stream_id: str = ""
    event: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def photo(self) -> ImageRef | None:
        """The photo this message brings: its own image, else the one it quotes."""
        if self.images:
            return self.images[0]
        return self.quoted_images[0] if self.quoted_images else None


def _dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str):  # some clients send mixed as a JSON string
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _parts(kind: str, body: dict[str, Any]) -> tuple[list[str], list[ImageRef]]:
    """Texts and images of one message body (text, image, mixed, voice)."""
    texts: list[str] = []
    images: list[ImageRef] = []
    if kind in ("text", "voice"):
        texts.append(str(_dict(body.get(kind)).get("content") or ""))
    elif kind == "image":
        image = _dict(body.get("image"))
        if image.get("url"):
            images.append(ImageRef(str(image["url"]), str(image.get("aeskey") or "")))
    elif kind == "mixed":
        for item in _dict(body.get("mixed")).get("msg_item") or []:
            item = _dict(item)
            sub_texts, sub_images = _parts(str(item.get("msgtype") or ""), item)
            texts += sub_texts
            images += sub_images
    return texts, images


def without_mention(text: str) -> str:
    """``@PortraitBot 把我变成动漫`` -> ``把我变成动漫``."""
    return _MENTION.sub("", text, count=1).strip()


def parse(body: dict[str, Any]) -> WeComMessage:
    kind = str(body.get("msgtype") or "").lower()
    user = str(_dict(body.get("from")).get("userid") or "")
    is_group = str(body.get("chattype") or "single") == "group"
    texts, images = _parts(kind, body)
    quote = _dict(body.get("quote"))
    _, quoted = _parts(str(quote.get("msgtype") or ""), quote) if quote else ([], [])
    text = " ".join(t.strip() for t in texts if t.strip())
    return WeComMessage(
        msgid=str(body.get("msgid") or ""),
        kind=kind,
        user_id=user,
        chat_id=str(body.get("chatid") or user) if is_group else user,
        is_group=is_group,
        response_url=str(body.get("response_url") or ""),
        text=without_mention(text) if is_group or text.startswith("@") else text,
        images=tuple(images),
        quoted_images=tuple(quoted),
        stream_id=str(_dict(body.get("stream")).get("id") or ""),
        event=str(_dict(body.get("event")).get("eventtype") or ""),
    )
