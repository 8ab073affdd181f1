"""Photos sent together answered once: a Telegram album, a web multi-upload, images in a row.

The channels announce each part as they see it (``bot.together``); each part is checked and
saved on its own, then appended to a Redis list; every part waits until every part announced so
far is in (or withdrawn) and no new part has come for the channel's window, and the one that
claims the album first (``SET NX``) gives the one answer -- one acknowledgement, and with a
caption one generation. The other parts answer nothing. A Telegram album or files picked
together are a new set of their own (``collect``); a run of WeChat or WeCom images joins the
set image by image, so a request sent meanwhile uses it, and is answered by ``answer_run``.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from bot import sets, together
from bot.messages import Incoming, Reply
from bot.photos import with_photos
from bot.together import ALBUM_TTL_S, album_keys
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
within a fraction of a second; their downloads may take a little longer; the web page posts
all its files at once)."""
RUN_WINDOW_S = 4.0
"""A run's window: longer than ``bot.together.RUN_GAP_S``, so a run is never answered while an
image that may still join it could arrive (an image joining at t refreshes the window to
t + 4 s, and the run key it found lapses at t + 3 s)."""
WINDOWS_S = {"wechat": RUN_WINDOW_S, "wecom": RUN_WINDOW_S}
"""Each channel's window; the others use ``WINDOW_S``."""
MAX_WAIT_S = 15.0
"""Seconds a part waits at most for the album to be complete."""


async def _claim(conv: Conversation, target: ChatTarget, album: str) -> tuple[list[Reference], str] | None:
    """Once the album is complete: its photos, oldest first, and its caption -- for the part
    that claims it; None for the others."""
    parts, last, closed, expected = album_keys(target.person_id, album)
    window = WINDOWS_S.get(target.channel, WINDOW_S)
    deadline = time.monotonic() + MAX_WAIT_S
    while time.monotonic() < deadline:
        with conv.redis.pipeline() as pipe:
            pipe.get(last)
            pipe.get(expected)
            pipe.llen(parts)
            raw, announced, arrived = pipe.execute()
        wait = float(raw or 0) + window - time.time()
        if wait <= 0 and int(arrived) >= int(announced or 0):
            break
        await asyncio.sleep(min(max(wait, 0.05), window))
    if not conv.redis.set(closed, 1, nx=True, ex=ALBUM_TTL_S):
        return None
    entries = [json.loads(raw) for raw in conv.redis.lrange(parts, 0, -1)]
    new = sorted((Reference(**e["ref"]) for e in entries if e.get("ref")), key=lambda r: r.received_at)
    return new, next((e["text"] for e in entries if e.get("text")), "")


async def collect(
    conv: Conversation, incoming: Incoming, target: ChatTarget, reference: Reference
) -> list[Reply]:
    """Take one part of an album that is a set of its own (its photo already checked and saved
    as ``reference``); the album's one answer, or nothing for the other parts."""
    assert incoming.album
    person = target.person_id
    together.add(conv.redis, person, incoming.album, reference, incoming.text)
    claimed = await _claim(conv, target, incoming.album)
    if claimed is None or not claimed[0]:  # another part answers; or every part failed, each saying why
        return []
    new, text = claimed
    with conv.redis.lock(f"{KEY_PREFIX}photoset:{person}", timeout=10, blocking_timeout=10):
        session = conv.sessions.save(person, with_photos(conv.sessions.get(person), new, join=False))
    return sets.answer_photos(conv, replace(incoming, text=text or None), target, text, session, new)


async def answer_run(conv: Conversation, incoming: Incoming, target: ChatTarget) -> list[Reply] | None:
    """The one answer to a run of images whose photos are already in the set (``add``), for the
    part that claims it; None for the others. A request made meanwhile already used them: then
    the answer only says how many faces count (nothing, for one photo)."""
    assert incoming.album
    claimed = await _claim(conv, target, incoming.album)
    if claimed is None:
        return None
    if not claimed[0]:  # every image failed, and each said why
        return []
    new, text = claimed
    session = conv.sessions.get(target.person_id)
    if not text and session.requested_at is not None and session.requested_at > new[-1].received_at:
        note = sets.set_note(conv, target, session, new)
        return [Reply(note)] if note else []
    return sets.answer_photos(conv, replace(incoming, text=text or None), target, text, session, new)
