"""Per-person state in Redis: the reference photo, language, chosen model, a pending choice,
the last request (for "regenerate") — one small JSON document per person.

A session outlives processes (bot and worker both read it) and expires after a month of
silence. Images themselves live on disk; the session only holds their paths.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import redis

from worker.redis_conn import KEY_PREFIX

SESSION_TTL_SECONDS = 30 * 24 * 3600
"""A month without a message and the person's session (not their files) is forgotten."""
PENDING_TTL_SECONDS = 3600
"""Seconds a question stays open ("which one?", "send a selfie", "go anyway?"): a bare number
or a photo an hour later is a new conversation, and must not start (and charge) an old request."""
REFERENCE_MAX_AGE_SECONDS = 7 * 24 * 3600
"""An older reference photo is not reused silently; the person is asked for a fresh one."""
MAX_REFERENCES = 5
"""Photos of one person kept as their reference set (a Telegram album, several uploads in a row)."""


@dataclass(frozen=True)
class Reference:
    """The person's last reference photo, normalised and saved by image intake."""

    path: str
    received_at: float
    verdict: str | None = None
    """None when the pre-flight check liked it, else the tip's message id."""
    source: dict[str, Any] | None = None
    """The channel's PhotoRef as a dict, for the record."""
    verdict_params: dict[str, Any] | None = None
    """Placeholders of the tip ("I see {count} faces")."""
    face_score: float | None = None
    """How good a reference the main face is (bigger and sharper is higher); orders a set."""
    crown_room: float | None = None
    """Room in the photo above the main face's box, in face heights: too little and the top of
    the hair is cut off, which an ID photo cannot have (``bot.photos.CROWN_ROOM_MIN``)."""


@dataclass(frozen=True)
class Pending:
    """A request waiting for something: a photo, a choice, or "go anyway"."""

    kind: str
    """"photo", "choice" or "confirm"."""
    intent: dict[str, Any]
    created_at: float


@dataclass(frozen=True)
class Session:
    reference: Reference | None = None
    """The person's main reference photo: the best of ``references``, or their last photo."""
    references: tuple[Reference, ...] = ()
    """The usable photos of the person's current set, best first (``MAX_REFERENCES`` at most);
    empty for sessions from before sets, which use ``reference`` alone."""
    language: str | None = None
    """Set by /lang; None means "use what the chat client says"."""
    model: str | None = None
    """Set by /model; None means the default routing."""
    pending: Pending | None = None
    last_request: dict[str, Any] | None = None
    """The intent of the last generation, for regenerate / higher quality buttons."""
    history: tuple[str, ...] = field(default_factory=tuple)
    requested_at: float | None = None
    """When the person's last generation was queued: a photo after it starts a new set."""

    def reference_paths(self) -> tuple[str, ...]:
        """The files a generation sends as references, best first: the whole set when the main
        reference is its best photo, else the main reference alone (a result being refined)."""
        if self.reference is None:
            return ()
        if self.references and self.references[0].path == self.reference.path:
            return tuple(r.path for r in self.references)
        return (self.reference.path,)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: bytes | str | None) -> Session:
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(
            reference=Reference(**data["reference"]) if data.get("reference") else None,
            references=tuple(Reference(**r) for r in data.get("references") or ()),
            language=data.get("language"),
            model=data.get("model"),
            pending=Pending(**data["pending"]) if data.get("pending") else None,
            last_request=data.get("last_request"),
            history=tuple(data.get("history") or ()),
            requested_at=data.get("requested_at"),
        )


HISTORY_LENGTH = 20
"""Recent generation ids kept per person."""


class SessionStore:
    """Reads and writes sessions; every write refreshes the TTL."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    @staticmethod
    def key(person_id: str) -> str:
        return f"{KEY_PREFIX}session:{person_id}"

    def get(self, person_id: str, *, now: float | None = None) -> Session:
        """The session; a question left open too long is dropped here, for every caller."""
        session = Session.from_json(self.redis.get(self.key(person_id)))
        now = time.time() if now is None else now
        if session.pending and now - session.pending.created_at > PENDING_TTL_SECONDS:
            session = replace(session, pending=None)
        return session

    def save(self, person_id: str, session: Session) -> Session:
        self.redis.set(self.key(person_id), session.to_json(), ex=SESSION_TTL_SECONDS)
        return session

    def update(self, person_id: str, **changes: Any) -> Session:
        """Change some fields of the session and save it."""
        return self.save(person_id, replace(self.get(person_id), **changes))

    def remember_generation(self, person_id: str, generation_id: str, intent: dict[str, Any]) -> None:
        session = self.get(person_id)
        history = (generation_id, *session.history)[:HISTORY_LENGTH]
        self.save(person_id, replace(session, history=history, last_request=intent, requested_at=time.time()))

    def forget(self, person_id: str) -> None:
        self.redis.delete(self.key(person_id))


DEDUP_TTL_SECONDS = 24 * 3600
"""Telegram and WeChat redeliver within minutes; a day covers every retry with room to spare."""


def first_time(client: redis.Redis, message_key: str, ttl: int = DEDUP_TTL_SECONDS) -> bool:
    """True the first time a channel message key is seen; atomic across processes."""
    return bool(client.set(f"{KEY_PREFIX}seen:{message_key}", 1, nx=True, ex=ttl))


WRITTEN_LANGUAGE_KEY = KEY_PREFIX + "written_language:{person}"
"""Redis key: the language of the person's last clearly-written message (``core.written``)."""
WRITTEN_LANGUAGE_TTL_S = 30 * 24 * 3600
"""Seconds that language is remembered (a month, like the rest of a session)."""


class WrittenLanguages:
    """The language each person last wrote in clearly, per person, for a month."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def remember(self, person_id: str, language: str) -> None:
        self._redis.set(WRITTEN_LANGUAGE_KEY.format(person=person_id), language, ex=WRITTEN_LANGUAGE_TTL_S)

    def get(self, person_id: str) -> str | None:
        value = self._redis.get(WRITTEN_LANGUAGE_KEY.format(person=person_id))
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    def forget(self, person_id: str) -> None:
        self._redis.delete(WRITTEN_LANGUAGE_KEY.format(person=person_id))
