"""WeChat's small state in Redis: replay and dedup keys, cached passive replies, numbered
choices, the person's language, and results held back for a passive reply.

Both the callback (bot) and the sender (worker) use these, so they share one key layout under
the product's ``pb:`` prefix.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from typing import Any

import redis

KEY_PREFIX = "pb:wechat:"
"""Every WeChat key; ``pb:`` is the product-wide prefix (worker/store.py)."""
NONCE_TTL_SECONDS = 2 * 300
"""A (timestamp, nonce) pair is remembered for twice the accepted clock skew: any replay of it
that still passes the timestamp check is caught."""
DEDUP_TTL_SECONDS = 10 * 60
"""WeChat retries a callback three times within ~15 s; ten minutes covers that with room."""
CHOICES_TTL_SECONDS = 30 * 60
"""A numbered list ("回复 1 … 2 …") can be answered for half an hour, then "2" is just text."""
LANGUAGE_TTL_SECONDS = 30 * 24 * 3600
"""The language a person last wrote in, for photos and events that carry no text."""
HELD_TTL_SECONDS = 7 * 24 * 3600
"""Results held for a passive reply wait a week for the person to write again."""
MEDIA_TTL_SECONDS = 3 * 24 * 3600 - 2 * 3600
"""A temporary media_id lives three days; an older held picture is uploaded again."""
PASSIVE_ONLY_TTL_SECONDS = 24 * 3600
"""Once the account is found unable to push (48001, or 45015 to someone who just wrote) it
is treated as passive-only for a day -- no push is tried per message -- then tried again (the
operator may have verified the account meanwhile)."""
WINDOW_SECONDS = 47 * 3600
"""A person who wrote less than this ago is inside WeChat's 48-hour window (with a margin)."""


def _key(*parts: str) -> str:
    return KEY_PREFIX + ":".join(parts)


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _person(openid: str) -> str:
    # openids are WeChat's, but a key should never be shaped by outside input.
    return hashlib.sha256(openid.encode()).hexdigest()[:32]


def accept_nonce(client: redis.Redis, timestamp: str, nonce: str, body: bytes) -> bool:
    """True for a fresh (timestamp, nonce), or WeChat's byte-identical retry of the same POST.

    Whether WeChat reuses the nonce when it retries is not documented; a retry carries the
    same body, so it is let through (and answered from the dedup cache), while the same
    signed query with a different body -- a forged message -- is refused.
    """
    digest = hashlib.sha256(body).hexdigest()
    key = _key("nonce", hashlib.sha256(f"{timestamp}:{nonce}".encode()).hexdigest()[:32])
    if client.set(key, digest, nx=True, ex=NONCE_TTL_SECONDS):
        return True
    seen = client.get(key)
    return seen is not None and _text(seen) == digest


class ReplyCache:
    """One message makes one answer: the first delivery claims it, retries get the same."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def claim(self, message_key: str) -> bool:
        """True for the first delivery of a message."""
        return bool(self.redis.set(_key("claim", message_key), 1, nx=True, ex=DEDUP_TTL_SECONDS))

    def store(self, message_key: str, reply_xml: str) -> None:
        """Remember the plaintext passive reply ("" for none) so retries can repeat it."""
        self.redis.set(_key("reply", message_key), reply_xml, ex=DEDUP_TTL_SECONDS)

    def get(self, message_key: str) -> str | None:
        raw = self.redis.get(_key("reply", message_key))
        return None if raw is None else _text(raw)


class Choices:
    """Which button each number of the last numbered list stands for, per person."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def remember(self, openid: str, callbacks: list[str]) -> None:
        key = _key("choices", _person(openid))
        if callbacks:
            self.redis.set(key, json.dumps(callbacks), ex=CHOICES_TTL_SECONDS)
        else:
            self.redis.delete(key)

    def pick(self, openid: str, number: int) -> str | None:
        """The callback data for ``number`` (1-based), or None when there is no such choice."""
        raw = self.redis.get(_key("choices", _person(openid)))
        if raw is None:
            return None
        callbacks: list[str] = json.loads(raw)
        return callbacks[number - 1] if 1 <= number <= len(callbacks) else None


class Languages:
    """The language each person last wrote in."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def get(self, openid: str) -> str | None:
        raw = self.redis.get(_key("lang", _person(openid)))
        return _text(raw) if raw else None

    def set(self, openid: str, language: str) -> None:
        self.redis.set(_key("lang", _person(openid)), language, ex=LANGUAGE_TTL_SECONDS)


@dataclass(frozen=True)
class Held:
    """One message we could not push (48001/45015), waiting for the person to write."""

    kind: str
    """"image" or "text"."""
    text: str = ""
    path: str = ""
    media_id: str = ""
    uploaded_at: float = 0.0
    """When ``media_id`` was uploaded; WeChat keeps temporary media three days."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: bytes | str) -> Held:
        data: dict[str, Any] = json.loads(raw)
        return cls(**data)

    def media_fresh(self, now: float | None = None) -> bool:
        return bool(self.media_id) and (now or time.time()) - self.uploaded_at < MEDIA_TTL_SECONDS


class HeldResults:
    """Results and texts held per person, oldest first, handed back as passive replies."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def _key(self, openid: str) -> str:
        return _key("held", _person(openid))

    def hold(self, openid: str, items: list[Held]) -> None:
        if not items:
            return
        key = self._key(openid)
        pipe = self.redis.pipeline()
        pipe.rpush(key, *(item.to_json() for item in items))
        pipe.expire(key, HELD_TTL_SECONDS)
        pipe.execute()

    def hold_front(self, openid: str, item: Held) -> None:
        """Put an item back at the front (it could not be handed out after all)."""
        key = self._key(openid)
        self.redis.lpush(key, item.to_json())
        self.redis.expire(key, HELD_TTL_SECONDS)

    def take(self, openid: str) -> Held | None:
        raw = self.redis.lpop(self._key(openid))
        return Held.from_json(raw) if raw else None  # type: ignore[arg-type]

    def take_all(self, openid: str) -> list[Held]:
        key = self._key(openid)
        pipe = self.redis.pipeline()
        pipe.lrange(key, 0, -1)
        pipe.delete(key)
        raw, _ = pipe.execute()
        return [Held.from_json(item) for item in raw]

    def peek_all(self, openid: str) -> list[Held]:
        return [Held.from_json(raw) for raw in self.redis.lrange(self._key(openid), 0, -1)]  # type: ignore[union-attr]

    def count(self, openid: str) -> int:
        return int(self.redis.llen(self._key(openid)))  # type: ignore[arg-type]

    def count_images(self, openid: str) -> int:
        return sum(1 for item in self.peek_all(openid) if item.kind == "image")

    def hold_front_many(self, openid: str, items: list[Held]) -> None:
        """Put items back at the front, in their order."""
        for item in reversed(items):
            self.hold_front(openid, item)


SENT_TTL_SECONDS = 3600
"""A pushed result is remembered for an hour so that a retried delivery does not send it twice."""


def first_push(client: redis.Redis, openid: str, path: str) -> bool:
    """True unless this file was already pushed to this person within the hour."""
    return not client.exists(_key("sent", _person(openid + "\0" + path)))


def mark_pushed(client: redis.Redis, openid: str, path: str) -> None:
    client.set(_key("sent", _person(openid + "\0" + path)), 1, ex=SENT_TTL_SECONDS)


def mark_passive_only(client: redis.Redis, errcode: int) -> None:
    """The account may not push messages at all (48001): remember it for a while."""
    client.set(_key("passive_only"), errcode, ex=PASSIVE_ONLY_TTL_SECONDS)


def saw(client: redis.Redis, openid: str, now: float | None = None) -> None:
    """The person wrote just now (their 48-hour window is open)."""
    client.set(_key("seen", _person(openid)), now or time.time(), ex=48 * 3600)


def in_window(client: redis.Redis, openid: str, now: float | None = None) -> bool:
    raw = client.get(_key("seen", _person(openid)))
    return raw is not None and (now or time.time()) - float(_text(raw)) < WINDOW_SECONDS  # type: ignore[arg-type]


def note_refusal(client: redis.Redis, openid: str, errcode: int) -> bool:
    """Learn from a refused push; True when it shows the account has no push at all.

    48001 says so outright. 45015 ("the person has not written for 48 hours") to a person
    who wrote within the window means the same: the account cannot push to anyone."""
    if errcode == 48001 or (errcode == 45015 and in_window(client, openid)):
        mark_passive_only(client, errcode)
        return True
    return False


def is_passive_only(client: redis.Redis) -> bool:
    return bool(client.exists(_key("passive_only")))
