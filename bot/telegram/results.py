"""The buttons under a Telegram result, beside Again / Another style / Higher quality: a
vertical or square version of a single picture, and "more like this one" for each picture of a
series or batch. Each names its picture (``tall:<generation id>.<n>``, ``bot.refine``), so the
press remakes that very picture's request with the picture itself as the reference."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence

from redis import Redis
from telegram import Bot, ReactionTypeEmoji
from telegram.error import TelegramError

from core.chat import Button, ButtonAction, Buttons, ChatTarget
from core.sender import Deliverable

log = logging.getLogger(__name__)

DELIVERED_REACTION = "🎉"
"""The reaction put on the person's request once its pictures are in the chat (one of the
emoji Telegram allows as a reaction)."""
LIKE_PER_ROW = 3
""""More like #n" buttons to a row; more would cut their labels on a phone."""
SQUARE_WITHIN = 0.05
"""A picture whose sides differ by less than this share is square already."""


def shape_of(item: Deliverable) -> str:
    """"square", "tall" or "wide", from the picture's own size ("" when it cannot be read)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(item.path.read_bytes())) as image:
            width, height = image.size
    except Exception:
        return ""
    if abs(width - height) <= SQUARE_WITHIN * max(width, height):
        return "square"
    return "tall" if height > width else "wide"


def picture_buttons(items: Sequence[Deliverable], say: Callable[..., str]) -> Buttons:
    """The extra rows for these results (none for documents such as ID photos)."""
    pictures = [item for item in items if item.source and not item.as_document]
    if len(pictures) == 1:
        (picture,) = pictures
        shape = shape_of(picture)
        row = []
        if shape != "tall":
            row.append(Button.of(say("telegram.result.vertical"), ButtonAction.tall, picture.source))
        if shape != "square":
            row.append(Button.of(say("telegram.result.square"), ButtonAction.square, picture.source))
        return (tuple(row),) if row else ()
    like = [Button.of(say("telegram.result.like", number=n), ButtonAction.more, item.source)
            for n, item in enumerate(pictures, start=1)]
    return tuple(tuple(like[i : i + LIKE_PER_ROW]) for i in range(0, len(like), LIKE_PER_ROW))


async def react(bot: Bot, target: ChatTarget, redis: Redis | None, key: str) -> None:
    """Mark the person's request as done with a reaction, once per delivery. Best effort: a
    chat that forbids reactions, or a deleted request, changes nothing."""
    if not target.reply_to or (redis is not None and not redis.hsetnx(key, "reacted", 1)):
        return
    try:
        await bot.set_message_reaction(int(target.chat_id), int(target.reply_to),
                                       [ReactionTypeEmoji(DELIVERED_REACTION)])
    except TelegramError as error:
        log.info("telegram reaction skipped: %s", type(error).__name__)
