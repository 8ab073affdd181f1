"""/forget on any channel: every photo, result (and the web's copies), history line, record and
cache of one person goes, from disk and from Redis.

What each store keeps is deleted by the store itself (records and result files by the queue,
photos by the photo desk, the session with its history, the written language, the web feed and
media folder); then a sweep deletes any other key whose name carries the person's id (message
dedup marks, channel caches), so a key added later by a channel is forgotten too.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path
from typing import Any

import redis

from bot.web.sender import WebFeed, media_dir
from core.chat import ChatTarget
from worker import shared_files
from worker.chain import early_wake_key
from worker.queue import person_key, request_key
from worker.records import Records
from worker.redis_conn import key, text

log = logging.getLogger(__name__)

KEPT_PREFIXES = (key("daily") + ":",)
"""Keys the sweep leaves: the day's count of the person's requests (a number, gone when the
day ends), so that /forget is no way around the daily limit."""


def forget_person(conv: Any, target: ChatTarget) -> None:
    """Delete everything stored about ``target``'s person; safe to run twice."""
    person = target.person_id
    record_ids = _forget_upstream_links(conv.redis, person)
    conv.queue.forget(person)
    conv.photos.forget(person)
    conv.sessions.forget(person)
    conv.forget_language(person)
    data_dir = Path(conv.settings.data_dir)
    if target.channel == "web":
        WebFeed(conv.redis).forget(target.user_id)
        shutil.rmtree(media_dir(data_dir, target.user_id), ignore_errors=True)
        shared_files.current().delete_folder(media_dir(data_dir, target.user_id))
    hashed = {hashlib.sha256(i.encode()).hexdigest()[:32] for i in (person, target.user_id)}
    ids = {person, target.user_id, *hashed, *record_ids}  # channels hash ids in key names
    removed = sweep_keys(conv.redis, ids) + sweep_job_registries(conv.redis, ids)
    log.info("forget: a %s person forgotten (%d further keys)", target.channel, removed)


def _forget_upstream_links(client: redis.Redis, person_id: str) -> set[str]:
    """Delete the provider request ids that point back at the person's generations; return
    the ids of the person's generations and groups (job ids and other keys carry them)."""
    records = Records(client)
    ids = set()
    for member in client.smembers(person_key(person_id)):
        kind, _, record_id = text(member).partition(":")
        ids.add(record_id)
        record = records.gen(record_id) if kind == "gen" else None
        if record is None:
            continue
        request_id = str((record.json("handle") or {}).get("request_id") or "")
        if request_id:
            client.delete(request_key(request_id), early_wake_key(request_id))
    return ids


def sweep_job_registries(client: redis.Redis, ids: set[str]) -> int:
    """Remove the person's job ids from RQ's registries and queues (sorted sets and lists)."""
    removed = 0
    needles = [i for i in ids if len(i) >= 6]
    def theirs(members: Any) -> list[str]:
        return [text(m) for m in members if any(n in text(m) for n in needles)]

    for name in client.scan_iter(match="rq:*", count=1000):
        kind = client.type(name)
        if kind == b"zset" and (members := theirs(client.zrange(name, 0, -1))):
            removed += int(client.zrem(name, *members))
        elif kind == b"list":
            for member in set(theirs(client.lrange(name, 0, -1))):
                removed += int(client.lrem(name, 0, member))
        elif kind == b"set" and (members := theirs(client.smembers(name))):
            removed += int(client.srem(name, *members))
    return removed


def sweep_keys(client: redis.Redis, ids: set[str]) -> int:
    """Delete every key whose name contains one of ``ids``; how many went."""
    removed = 0
    for ident in ids:
        if len(ident) < 6:
            continue  # too short to name one person only
        pattern = "*" + "".join(f"[{c}]" if c in "*?[]\\" else c for c in ident) + "*"
        names = [n for n in client.scan_iter(match=pattern, count=1000)
                 if not text(n).startswith(KEPT_PREFIXES)]
        if names:
            removed += int(client.delete(*names))
    return removed
