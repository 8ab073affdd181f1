"""The web chat's sender: results and progress go into the browser's feed in Redis.

Each browser session has a stream ``pb:web:feed:<user_id>`` that the page polls. Result
images are copied into that browser's own folder under ``DATA_DIR/web/<user_id>/`` and served
only to the cookie that owns it, so one browser never sees another's photos or results.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import redis

from core.chat import Buttons, ChatTarget
from core.sender import Deliverable
from core.settings import Settings
from worker import shared_files
from worker.redis_conn import KEY_PREFIX

FEED_LENGTH = 200
"""Events kept per browser; the page only needs the recent ones."""
FEED_TTL_SECONDS = 7 * 24 * 3600
"""A browser gone for a week loses its feed (its files stay until /forget or cleanup)."""


def feed_key(user_id: str) -> str:
    return f"{KEY_PREFIX}web:feed:{user_id}"


def media_dir(data_dir: Path, user_id: str) -> Path:
    """The one folder whose files a browser session may download."""
    return data_dir / "web" / user_id


def buttons_json(buttons: Buttons) -> list[list[dict[str, str]]]:
    return [[{"label": b.label, "data": b.data} for b in row] for row in buttons]


class WebFeed:
    """Appends events to a browser's feed; shared by the HTTP server and the worker."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def push(self, user_id: str, event: dict[str, Any]) -> str:
        key = feed_key(user_id)
        event = {"at": time.time(), **event}
        entry = self.redis.xadd(
            key, {"event": json.dumps(event, ensure_ascii=False)}, maxlen=FEED_LENGTH, approximate=True
        )
        self.redis.expire(key, FEED_TTL_SECONDS)
        return entry.decode() if isinstance(entry, bytes) else str(entry)

    def read(self, user_id: str, after: str = "0-0", limit: int = 50) -> list[tuple[str, dict[str, Any]]]:
        """Events newer than ``after`` (a stream id), oldest first."""
        rows: Any = self.redis.xrange(
            feed_key(user_id), min=f"({after}" if after != "0-0" else "-", count=limit
        )
        events = []
        for entry_id, fields in rows or ():
            raw = fields.get(b"event") or fields.get("event") or "{}"
            ident = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
            events.append((ident, json.loads(raw)))
        return events

    def forget(self, user_id: str) -> None:
        self.redis.delete(feed_key(user_id))


class WebSender:
    """Implements ``core.sender.Sender`` for the web chat."""

    channel = "web"

    def __init__(self, client: redis.Redis, data_dir: Path) -> None:
        self.feed = WebFeed(client)
        self.data_dir = data_dir

    async def send_text(self, target: ChatTarget, text: str, *, buttons: Buttons = ()) -> str | None:
        return self.feed.push(target.user_id, {"type": "text", "text": text, "buttons": buttons_json(buttons)})

    async def send_images(
        self, target: ChatTarget, items: Sequence[Deliverable], caption: str, *, buttons: Buttons = ()
    ) -> None:
        folder = media_dir(self.data_dir, target.user_id)
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for item in items:
            copy = folder / item.path.name
            if not copy.exists():
                shutil.copyfile(item.path, copy)
                shared_files.current().share(copy)  # the server answering the browser may be elsewhere
            files.append({"name": copy.name, "document": item.as_document, "download": item.title or copy.name,
                          "label": item.label, "ref": item.source})
        self.feed.push(
            target.user_id,
            {"type": "images", "files": files, "caption": caption, "buttons": buttons_json(buttons)},
        )

    async def show_progress(self, target: ChatTarget, message_id: str | None, text: str) -> None:
        self.feed.push(target.user_id, {"type": "progress", "ack": message_id, "text": text})


def build_sender(settings: Settings, client: redis.Redis) -> WebSender:
    """The web chat is always on: it is how a newcomer first meets the bot."""
    return WebSender(client, settings.data_dir)
