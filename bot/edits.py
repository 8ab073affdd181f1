"""An edited message: a caption that now says what to make, a typo put right.

Every message that starts a request is remembered with what it asked for (its origin). When
the person edits it, the edit is answered only when it asks for something, and for something
else than before: an edit of a request none of whose pictures has gone upstream yet replaces
it at no cost; after that the running request goes on and the edit is a new one.
"""

from __future__ import annotations

import hashlib
import json

import redis

from bot.commands import Conversation
from bot.messages import Incoming, Reply
from core.request import QUIET_ACTIONS, Intent
from worker.redis_conn import KEY_PREFIX

ORIGIN_TTL_S = 7 * 24 * 3600
"""Seconds a message's request is remembered for its edits."""
ASKS_NOTHING = QUIET_ACTIONS | {"help", "question"}
"""Readings of an edit that ask for no picture: "here's me" → "here's me!" is not answered."""


def signature(intent: Intent) -> str:
    """A digest of what the request asks for, without how sure the reading was: equal for
    the same request, and it keeps none of the person's words."""
    data = intent.to_dict()
    data.pop("confidence", None)
    data.pop("go_anyway", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


class Origins:
    """Which request each chat message started, for a week."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    @staticmethod
    def key(person_id: str, origin: str) -> str:
        return f"{KEY_PREFIX}origin:{person_id}:{origin}"  # under the person: /forget sweeps it

    def remember(self, person_id: str, origin: str, generation_id: str, intent: Intent) -> None:
        value = json.dumps({"generation": generation_id, "asked": signature(intent)})
        self.redis.set(self.key(person_id, origin), value, ex=ORIGIN_TTL_S)

    def get(self, person_id: str, origin: str) -> dict[str, str] | None:
        raw = self.redis.get(self.key(person_id, origin))
        return json.loads(raw) if raw else None


def remember(client: redis.Redis, incoming: Incoming, intent: Intent, replies: list[Reply]) -> None:
    """Note the request this message started, if it started one."""
    started = next((r.generation_id for r in replies if r.generation_id), None)
    if incoming.origin and started:
        Origins(client).remember(incoming.target.person_id, incoming.origin, started, intent)


def revise(
    conv: Conversation, client: redis.Redis, incoming: Incoming, intent: Intent
) -> tuple[bool, list[Reply]]:
    """Whether to answer an edit as a new message, and what to say first. A request the edit
    replaces is cancelled and given back before the new one starts."""
    if incoming.origin is None:
        return True, []
    if intent.action in ASKS_NOTHING:
        return False, []
    before = Origins(client).get(incoming.target.person_id, incoming.origin)
    if before is None:
        return True, []
    if before["asked"] == signature(intent):
        return False, []  # a typo put right, the same request: it is already being made
    waiting = conv.queue.not_started(before["generation"])
    if waiting is not None and conv.queue.cancel_group(incoming.target.person_id, waiting):
        return True, [Reply(conv.say(incoming.target, "conv.edit_replaces"))]
    return True, []
