"""Photos sent together, as channels see them: an album's parts announced, a run of images named.

A Telegram album (``media_group_id``) and the files a web page picks at once come with an id;
WeChat and WeCom have no albums, so images from one person that follow each other within
``RUN_GAP_S`` make one *run* (``run_of``), an album by another name. A channel ``announce``\\ s
each part as soon as it sees it -- before the download -- so the album waits for it however
long its fetch and check take, and ``withdraw``\\ s a part it could not use at all. Collecting
the parts and answering once is ``bot.albums`` (the conversation's side).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict
from typing import TYPE_CHECKING

from worker.redis_conn import KEY_PREFIX
from worker.store import Reference

if TYPE_CHECKING:
    import redis

RUN_GAP_S = 3.0
"""Seconds after one WeChat or WeCom image within which the next one joins its run. The phone
uploads the images of one pick one after another, a second or so apart."""
ALBUM_TTL_S = 120
"""Seconds an album's parts stay in Redis (it is answered long before)."""


def album_keys(person_id: str, album: str) -> tuple[str, str, str, str]:
    """Its parts (a list), when the last part came, its claim, how many parts were announced."""
    base = f"{KEY_PREFIX}album:{person_id}:{album}"
    return base + ":parts", base + ":last", base + ":closed", base + ":expected"


def run_of(client: redis.Redis, person_id: str, candidate: str) -> tuple[str, bool]:
    """The run an image seen now belongs to: the person's current run (refreshed), else a new
    one named ``candidate``; and whether it is new (this image is the run's first)."""
    key = f"{KEY_PREFIX}photorun:" + hashlib.sha256(person_id.encode()).hexdigest()[:32]
    with client.pipeline() as pipe:  # MULTI: set-if-new, read and refresh at once
        pipe.set(key, candidate, nx=True, px=int(RUN_GAP_S * 1000))
        pipe.get(key)
        pipe.pexpire(key, int(RUN_GAP_S * 1000))
        created, current, _ = pipe.execute()
    run = current.decode() if isinstance(current, bytes) else str(current)
    return run, bool(created)


def announce(client: redis.Redis, person_id: str, album: str) -> None:
    """A part of the album was seen (before it is fetched): the album waits for it."""
    _, last, _, expected = album_keys(person_id, album)
    with client.pipeline() as pipe:
        pipe.incr(expected)
        pipe.expire(expected, ALBUM_TTL_S)
        pipe.set(last, time.time(), ex=ALBUM_TTL_S)
        pipe.execute()


def _add(client: redis.Redis, person_id: str, album: str, entry: dict[str, object]) -> None:
    parts, last, _, _ = album_keys(person_id, album)
    with client.pipeline() as pipe:
        pipe.rpush(parts, json.dumps(entry, ensure_ascii=False))
        pipe.expire(parts, ALBUM_TTL_S)
        pipe.set(last, time.time(), ex=ALBUM_TTL_S)
        pipe.execute()


def add(client: redis.Redis, person_id: str, album: str, reference: Reference, text: str | None) -> None:
    """One part of the album, checked and saved as ``reference`` (its caption with it)."""
    _add(client, person_id, album, {"ref": asdict(reference), "text": (text or "").strip()})


def withdraw(client: redis.Redis, person_id: str, album: str) -> None:
    """An announced part could not be used at all (not fetched, not an image, a duplicate):
    the album no longer waits for it."""
    _add(client, person_id, album, {"ref": None, "text": ""})
