"""One stream reply per message a person sends the WeCom AI bot, kept in Redis.

The AI bot answers a message with a *stream* (``msgtype: stream``, an ``id``, ``content`` and
``finish``): the first answer opens it, and while it is not finished the platform asks again
(callback mode: a ``stream`` refresh callback; long connection: we push the update). Both
the bot (acknowledgement, the answer to a photo) and the worker (progress, the pictures)
write to it, so it lives in Redis:

``pb:wecom:stream:<id>``         hash: ``meta`` (JSON: target, response_url, opened_at),
                                 ``progress`` (the last progress line), ``final`` (the
                                 closing text: caption or failure), ``finish`` ("1"),
                                 ``images`` (JSON list of paths), ``pushed`` ("1": the late
                                 answer went through response_url)
``pb:wecom:stream:<id>:texts``   list: the texts shown, in order
``pb:wecom:held:<person>``       list: pictures whose stream had closed, handed out with the
                                 person's next finished stream
``pb:wecom:outbox``              list: late texts for the long connection to send
                                 (``aibot_send_msg``; that mode has no response_url)

A stream can be answered for STREAM_OPEN_SECONDS; after that the platform has stopped asking
and late news goes through the message's ``response_url`` (one use, one hour).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

import redis

from core.chat import ChatTarget

KEY_PREFIX = "pb:wecom:"
STREAM_TTL_SECONDS = 2 * 3600
"""A stream's record outlives its use (six minutes) and its response_url (an hour)."""
STREAM_OPEN_SECONDS = 330
"""The platform refreshes a stream for six minutes after the first answer; keep a margin."""
RESPONSE_URL_SECONDS = 3300
"""response_url works for an hour after the message; keep a margin."""
DEDUP_TTL_SECONDS = 24 * 3600
"""A message id is remembered a day: retried callbacks come within seconds."""
HELD_TTL_SECONDS = 3 * 24 * 3600
"""Pictures whose stream closed wait three days for the person to write again."""
MAX_IMAGES = 10
"""msg_item carries at most ten images."""


def stream_id_for(msgid: str) -> str:
    """The stream answering a message: the same for every retry of that message."""
    return hashlib.sha256(("wecom:" + msgid).encode()).hexdigest()[:32]


def _text(raw: bytes | str | None) -> str:
    if raw is None:
        return ""
    return raw.decode() if isinstance(raw, bytes) else raw


def _person(person_id: str) -> str:
    return hashlib.sha256(person_id.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Stream:
    """What a stream shows now."""

    id: str
    target: ChatTarget
    response_url: str
    opened_at: float
    texts: list[str] = field(default_factory=list)
    progress: str = ""
    final: str = ""
    finished: bool = False
    images: list[str] = field(default_factory=list)
    pushed: bool = False

    @property
    def content(self) -> str:
        parts = [t for t in self.texts if t]
        if self.progress and not self.finished:
            parts.append(self.progress)
        if self.final:
            parts.append(self.final)
        return "\n\n".join(parts)

    def is_open(self, now: float | None = None) -> bool:
        """Can the platform still be given news on this stream?"""
        return not self.finished and (now or time.time()) - self.opened_at < STREAM_OPEN_SECONDS

    def can_push(self, now: float | None = None) -> bool:
        """Is the response_url still usable (unused, under an hour old)?"""
        fresh = (now or time.time()) - self.opened_at < RESPONSE_URL_SECONDS
        return bool(self.response_url) and not self.pushed and fresh


class Streams:
    """The stream records; shared by the bot and the worker."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    @staticmethod
    def _key(stream_id: str) -> str:
        return f"{KEY_PREFIX}stream:{stream_id}"

    def claim(self, msgid: str) -> bool:
        """True for the first delivery of a message id; retries get False."""
        key = f"{KEY_PREFIX}msg:{hashlib.sha256(msgid.encode()).hexdigest()[:32]}"
        return bool(self.redis.set(key, 1, nx=True, ex=DEDUP_TTL_SECONDS))

    def open(self, stream_id: str, target: ChatTarget, response_url: str, text: str = "") -> None:
        key = self._key(stream_id)
        meta = {"target": target.to_dict(), "response_url": response_url, "opened_at": time.time()}
        pipe = self.redis.pipeline()
        pipe.hsetnx(key, "meta", json.dumps(meta))
        pipe.expire(key, STREAM_TTL_SECONDS)
        if text:
            pipe.hset(key, "progress", text)
        pipe.execute()

    def get(self, stream_id: str) -> Stream | None:
        key = self._key(stream_id)
        pipe = self.redis.pipeline()
        pipe.hgetall(key)
        pipe.lrange(key + ":texts", 0, -1)
        fields, texts = pipe.execute()
        fields = {_text(k): _text(v) for k, v in fields.items()}
        if "meta" not in fields:
            return None
        meta: dict[str, Any] = json.loads(fields["meta"])
        return Stream(
            id=stream_id,
            target=ChatTarget.from_dict(meta["target"]),
            response_url=str(meta.get("response_url") or ""),
            opened_at=float(meta["opened_at"]),
            texts=[_text(t) for t in texts],
            progress=fields.get("progress", ""),
            final=fields.get("final", ""),
            finished=fields.get("finish") == "1",
            images=json.loads(fields.get("images") or "[]"),
            pushed=fields.get("pushed") == "1",
        )

    def say(self, stream_id: str, text: str, *, finish: bool = False, images: list[str] | None = None) -> None:
        """Add the bot's answer (the progress line goes); ``finish`` closes the stream."""
        key = self._key(stream_id)
        pipe = self.redis.pipeline()
        if text:
            pipe.rpush(key + ":texts", text)
            pipe.expire(key + ":texts", STREAM_TTL_SECONDS)
        pipe.hdel(key, "progress")
        if images:
            pipe.hset(key, "images", json.dumps(images[:MAX_IMAGES]))
        if finish:
            pipe.hset(key, "finish", "1")
        pipe.execute()

    def close(self, stream_id: str, text: str, images: list[str] | None = None) -> None:
        """The worker's last word on a stream (caption and pictures, or why not): it finishes.

        Kept apart from the bot's texts, so it comes last even when the worker is quicker
        than the acknowledgement's write."""
        key = self._key(stream_id)
        pipe = self.redis.pipeline()
        pipe.hset(key, "final", text)
        if images:
            pipe.hset(key, "images", json.dumps(images[:MAX_IMAGES]))
        pipe.hset(key, "finish", "1")
        pipe.hdel(key, "progress")
        pipe.execute()

    def progress(self, stream_id: str, text: str) -> None:
        self.redis.hset(self._key(stream_id), "progress", text)

    def mark_pushed(self, stream_id: str) -> bool:
        """Claim the stream's response_url (one use); False when it was used already."""
        return bool(self.redis.hsetnx(self._key(stream_id), "pushed", "1"))

    def unmark_pushed(self, stream_id: str) -> None:
        """The push did not get through: the response_url may be tried again."""
        self.redis.hdel(self._key(stream_id), "pushed")

    # ---- pictures whose stream had closed ------------------------------------------------------
    def hold(self, person_id: str, images: list[str], caption: str) -> None:
        key = f"{KEY_PREFIX}held:{_person(person_id)}"
        self.redis.rpush(key, json.dumps({"images": images, "caption": caption}, ensure_ascii=False))
        self.redis.expire(key, HELD_TTL_SECONDS)

    def take_held(self, person_id: str) -> tuple[list[str], list[str]]:
        """Every held picture (up to MAX_IMAGES) and its captions, oldest first."""
        key = f"{KEY_PREFIX}held:{_person(person_id)}"
        images: list[str] = []
        captions: list[str] = []
        while len(images) < MAX_IMAGES:
            raw = self.redis.lpop(key)
            if raw is None:
                break
            item = json.loads(_text(raw))  # type: ignore[arg-type]
            images.extend(item["images"])
            captions.append(item["caption"])
        return images[:MAX_IMAGES], captions

    def has_held(self, person_id: str) -> bool:
        return bool(self.redis.exists(f"{KEY_PREFIX}held:{_person(person_id)}"))


OUTBOX_KEY = f"{KEY_PREFIX}outbox"
OUTBOX_TTL_SECONDS = 3600
"""Late news nobody sent within an hour (no long connection running) is dropped."""


class Outbox:
    """Texts the worker hands to the bot's long connection (``aibot_send_msg``)."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def put(self, target: ChatTarget, content: str) -> None:
        item = {"chatid": target.chat_id, "group": target.is_group, "content": content}
        pipe = self.redis.pipeline()
        pipe.rpush(OUTBOX_KEY, json.dumps(item, ensure_ascii=False))
        pipe.expire(OUTBOX_KEY, OUTBOX_TTL_SECONDS)
        pipe.execute()

    def take(self, limit: int = 20) -> list[dict[str, Any]]:
        raw: Any = self.redis.lpop(OUTBOX_KEY, limit)
        return [json.loads(_text(item)) for item in raw or []]
