"""The buttons under a Telegram result, beside Again / Another style / Higher quality: a
vertical or square version of a single picture, and "more like this one" for each picture of a
series or batch. Each names its picture (``tall:<generation id>.<n>``, ``bot.refine``), so the
press remakes that very picture's request with the picture itself as the reference."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from core.chat import Button, ButtonAction, Buttons
from core.sender import Deliverable

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
