"""A Telegram album answered once: its photos are collected in Redis for a short window.

Telegram delivers an album as several updates with the same ``media_group_id`` (one of them
captioned), possibly to different bot processes. Each part is checked and saved on its own,
then appended to a Redis list; every part waits until no new part has come for ``WINDOW_S``,
and the one that claims the album first (``SET NX``) takes all its photos into a new reference
set and gives the one answer — one acknowledgement, and with a caption one generation. The
other parts answer nothing.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Protocol

from bot import sets
from bot.messages import Incoming, Reply
from bot.photos import with_photos
from core.chat import ChatTarget
from worker.redis_conn import KEY_PREFIX
from worker.store import Reference

if TYPE_CHECKING:
    import redis


class Conversation(sets.Conversation, Protocol):
    """What finishing an album uses of the conversation (``bot.conversation``)."""

    redis: redis.Redis

WINDOW_S = 1.2
"""Seconds without a new part after which an album is complete (Telegram sends all parts
within a fraction of a second; their downloads may take a little longer)."""
MAX_WAIT_S = 15.0
"""Seconds a part waits at most for the album to be complete."""
ALBUM_TTL_S = 120
"""Seconds an album's parts stay in Redis (it is answered long before)."""


def _keys(person_id: str, album: str) -> tuple[str, str, str]:
    base = f"{KEY_PREFIX}album:{person_id}:{album}"
    return base + ":parts", base + ":last", base + ":closed"


async def collect(
    conv: Conversation, incoming: Incoming, target: ChatTarget, reference: Reference
) -> list[Reply]:
    """Take one part of an album (its photo already checked and saved as ``reference``); the
    album's one answer, or nothing for the other parts."""
    assert incoming.album
    person = target.person_id
    parts, last, closed = _keys(person, incoming.album)
    entry = {"ref": asdict(reference), "text": (incoming.text or "").strip()}
    with conv.redis.pipeline() as pipe:
        pipe.rpush(parts, json.dumps(entry, ensure_ascii=False))
        pipe.expire(parts, ALBUM_TTL_S)
        pipe.set(last, time.time(), ex=ALBUM_TTL_S)
        pipe.execute()
    deadline = time.monotonic() + MAX_WAIT_S
    while time.monotonic() < deadline:
        raw = conv.redis.get(last)
        wait = float(raw or 0) + WINDOW_S - time.time()
        if wait <= 0:
            break
        await asyncio.sleep(min(wait, WINDOW_S))
    if not conv.redis.set(closed, 1, nx=True, ex=ALBUM_TTL_S):
        return []
    entries = [json.loads(raw) for raw in conv.redis.lrange(parts, 0, -1)]
    new = sorted((Reference(**e["ref"]) for e in entries if e.get("ref")), key=lambda r: r.received_at)
    text = next((e["text"] for e in entries if e.get("text")), "")
    if not new:
        return [Reply(conv.say(target, "preflight.no_face"))]
    session = conv.sessions.save(person, with_photos(conv.sessions.get(person), new, join=False))
    return sets.answer_photos(conv, replace(incoming, text=text or None), target, text, session, new)
