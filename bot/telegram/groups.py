"""Groups: the bot introduces itself once when it is added, and buttons belong to who asked.

Telegram tells of an addition twice (a ``my_chat_member`` update and a service message with
``new_chat_members``) and may deliver either again; a Redis key per group makes it one
introduction across every server process.
"""

from __future__ import annotations

import threading

from redis import Redis
from telegram import ChatMemberUpdated, Message, User

from worker.redis_conn import KEY_PREFIX

INTRO_KEY = KEY_PREFIX + "telegram:intro:{chat_id}"
"""Redis key: this group has had the bot's introduction (deleted when the bot leaves)."""
INTRO_TTL_S = 365 * 24 * 3600
"""Seconds the introduction is remembered; a year of no re-introduction to the same group."""
PRESENT = ("member", "administrator", "creator", "restricted")
"""Chat member statuses in which the bot is in the group (``restricted`` may still read)."""


class IntroRecord:
    """Which groups have had the introduction: Redis when given, else this process only."""

    def __init__(self, redis: Redis | None) -> None:
        self.redis = redis
        self._local: set[int] = set()
        self._lock = threading.Lock()

    def first(self, chat_id: int) -> bool:
        """True once per group: the caller introduces the bot."""
        if self.redis is not None:
            return bool(self.redis.set(INTRO_KEY.format(chat_id=chat_id), 1, nx=True, ex=INTRO_TTL_S))
        with self._lock:
            if chat_id in self._local:
                return False
            self._local.add(chat_id)
            return True

    def forget(self, chat_id: int) -> None:
        """The bot left or was removed: a later addition is introduced again."""
        if self.redis is not None:
            self.redis.delete(INTRO_KEY.format(chat_id=chat_id))
        with self._lock:
            self._local.discard(chat_id)


def added(change: ChatMemberUpdated) -> bool | None:
    """True when this change put the bot into the chat, False when it took it out, None when
    neither (admin rights granted, a title changed)."""
    was = change.old_chat_member.status in PRESENT
    now = change.new_chat_member.status in PRESENT
    if now and not was:
        return True
    if was and not now:
        return False
    return None


def bot_joined(message: Message, bot: User) -> bool:
    """A ``new_chat_members`` service message that names the bot itself."""
    return any(member.id == bot.id for member in message.new_chat_members or ())


def owner_of(message: Message | None, bot: User) -> User | None:
    """Who a bot's message with buttons answers: the author of the message it replies to (the
    person's request). None when unknown (a private chat, or the request was deleted)."""
    replied = message.reply_to_message if message is not None else None
    if replied is None or replied.from_user is None or replied.from_user.id == bot.id:
        return None
    return replied.from_user
