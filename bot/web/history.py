"""What the web chat keeps so a reload shows the conversation whole: the person's own
messages and photos, the replies, and how each acknowledgement stands now.

The browser's feed (``bot/web/sender.py``) gets a ``me`` event for what the person sent and a
``reply`` event for each answer, marked with the page's ``client_id`` so the page that sent
them (which drew them already) skips them. A sent photo is kept as a small JPEG in the
browser's own media folder, which /forget and the retention sweep delete with the rest.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bot.messages import Reply
from bot.web.sender import WebFeed, buttons_json, media_dir
from core.i18n import Catalogues
from worker.records import Records

log = logging.getLogger(__name__)

THUMB_SIDE = 480
"""Pixels on the longer side of the kept copy of a sent photo (it is drawn 220 px wide)."""
THUMB_MAX_PIXELS = 60_000_000
"""Larger photos are not decoded for a thumbnail (intake refuses them anyway)."""
MAX_LABEL_CHARS = 200
MAX_ACKS = 20
"""Acknowledgements looked up per poll."""
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def thumbnail(photo: bytes, folder: Path, client_id: str) -> str | None:
    """Keep a small JPEG of a sent photo; its media name, or None when it is no picture."""
    from PIL import Image, ImageOps

    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # pragma: no cover - a dependency, but the thumbnail is a courtesy
        pass
    try:
        with Image.open(io.BytesIO(photo)) as image:
            if image.width * image.height > THUMB_MAX_PIXELS:
                return None
            image.draft("RGB", (THUMB_SIDE * 2, THUMB_SIDE * 2))
            picture = ImageOps.exif_transpose(image).convert("RGB")
            picture.thumbnail((THUMB_SIDE, THUMB_SIDE))
            folder.mkdir(parents=True, exist_ok=True)
            name = f"sent-{re.sub(r'[^A-Za-z0-9]', '', client_id)[:32]}.jpg"
            picture.save(folder / name, "JPEG", quality=80)
            return name
    except Exception:  # not a picture: the conversation says so; the bubble shows no image
        log.debug("no thumbnail for a sent file", exc_info=True)
        return None


class History:
    """Writes the person's side and the replies into the feed; reads how acks stand."""

    def __init__(self, feed: WebFeed, catalogues: Catalogues, data_dir: Path,
                 progress: Callable[[str], Any] | None = None) -> None:
        self.feed = feed
        self.catalogues = catalogues
        self.data_dir = data_dir
        self.progress = progress

    def sent(self, user_id: str, client_id: str, text: str | None, label: str | None,
             photo: str | None) -> None:
        shown = text or (label or "")[:MAX_LABEL_CHARS]
        if shown or photo:
            self.feed.push(user_id, {"type": "me", "client_id": client_id, "text": shown, "photo": photo})

    def replied(self, user_id: str, client_id: str, replies: Iterable[Reply]) -> None:
        for reply in replies:
            self.feed.push(user_id, {
                "type": "reply", "client_id": client_id, "text": reply.text,
                "buttons": buttons_json(reply.buttons), "generation_id": reply.generation_id,
            })

    def media_folder(self, user_id: str) -> Path:
        return media_dir(self.data_dir, user_id)

    def acks(self, person_id: str, language: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """How each acknowledgement stands: its line of text and whether it is finished."""
        records = Records(self.feed.redis)
        out: dict[str, dict[str, Any]] = {}
        for gen_id in list(dict.fromkeys(i for i in ids if _ID.match(i)))[:MAX_ACKS]:
            gen = records.gen(gen_id)
            if gen is None or gen["person_id"] != person_id:
                continue  # another browser's, or forgotten: nothing to say
            group = records.group(gen["group"])
            out[gen_id] = self._status(gen_id, gen, group, language)
        return out

    def _status(self, gen_id: str, gen: Any, group: Any, language: str) -> dict[str, Any]:
        text = self.catalogues.text
        state = group.state if group is not None else gen.state
        if state in ("delivered", "failed", "cancelled"):
            return {"state": state, "text": text(language, f"web.ack_{state}"), "done": True}
        if state in ("ready", "sending"):
            return {"state": "sending", "text": text(language, "progress.sending"), "done": False}
        started = (group or gen).number("created_at", time.time())
        elapsed = max(0, int(time.time() - started))
        progress = self.progress(gen_id) if self.progress is not None else None
        if progress is not None and progress.state == "queued":
            line = text(language, "progress.queued", ahead=progress.ahead, eta=max(1, int(progress.eta_s)))
            return {"state": "queued", "text": line, "done": False}
        left = max(1, int(progress.eta_s)) if progress is not None else 1
        line = text(language, "web.ack_generating", elapsed=elapsed, left=left)
        return {"state": "generating", "text": line, "done": False}
