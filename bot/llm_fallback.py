"""When the operator turned it on, messages the rules cannot place go to a language model:
nothing recognised (``unknown``) or a guessed picture (confidence below ``ASK_BELOW``). At
most ``INTENT_LLM_DAILY_CAP`` calls a day for the whole bot (counted in Redis, so it holds
across processes); an answer that is late, failed or not in the intent schema changes
nothing. The text of the message goes to fal; no id, photo or secret does.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection

import redis

from core.request import ASK_BELOW, Intent
from core.settings import Settings
from engine.intent_llm import IntentLLM
from worker.redis_conn import KEY_PREFIX

DAY_KEY = KEY_PREFIX + "intent_llm:calls:{day}"
"""Calls made on one UTC day (kept two days)."""


def unplaced(intent: Intent) -> bool:
    """Whether the rules could not place the message: nothing recognised, or only a guess."""
    return intent.action == "unknown" or (intent.action == "generate"
                                          and intent.confidence < ASK_BELOW)


class LLMFallback:
    """The optional model behind the rules, with its daily count."""

    def __init__(self, settings: Settings, redis_client: redis.Redis,
                 llm: IntentLLM | None = None) -> None:
        self.cap = settings.intent_llm_daily_cap
        self.redis = redis_client
        self.llm = llm or IntentLLM(settings)

    @classmethod
    def from_settings(cls, settings: Settings, redis_client: redis.Redis) -> LLMFallback | None:
        """The fallback when ``INTENT_LLM_MODEL`` and ``FAL_KEY`` are set, else None."""
        return cls(settings, redis_client) if IntentLLM.configured(settings) else None

    def read(self, text: str, intent: Intent, style_keys: Collection[str]) -> Intent:
        """The model's reading when the rules could not place ``text`` and today's count
        allows a call; otherwise (or when the model gives nothing valid) ``intent``."""
        if not text.strip() or not unplaced(intent) or not self._take_one():
            return intent
        answer = self.llm.ask(text, style_keys)
        return answer if answer is not None else intent

    def _take_one(self) -> bool:
        key = DAY_KEY.format(day=datetime.datetime.now(datetime.UTC).strftime("%Y%m%d"))
        used = int(self.redis.incr(key))
        if used == 1:
            self.redis.expire(key, 2 * 24 * 3600)
        return used <= self.cap
