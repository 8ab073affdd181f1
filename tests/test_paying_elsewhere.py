"""Web chat and WeChat have no payment this round: there the free daily quota applies as
today, and a person an operator granted credits pays with them instead (Telegram people always
pay in credits with PAYMENTS=stars)."""

from __future__ import annotations

import pytest
import redis

from core.chat import ChatTarget
from core.errors import QuotaError
from core.settings import Settings
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.test_worker_chain import env, nano, reference  # noqa: F401  (fixtures)
from worker.queue import GenerationQueue

WEB = ChatTarget(channel="web", chat_id="w1", user_id="w1", language="en")
TELEGRAM = ChatTarget(channel="telegram", chat_id="5", user_id="5", language="en")


def paying(redis_client: redis.Redis, env: dict[str, str]) -> GenerationQueue:  # noqa: F811
    return GenerationQueue(redis_client, Settings.from_env(
        {**env, "PAYMENTS": "stars", "FREE_CREDITS": "2", "MODEL_CREDITS": "nano2:2",
         "DAILY_LIMIT_PER_PERSON": "1", "MAX_ACTIVE_PER_PERSON": "9"}))


def test_the_web_keeps_its_free_daily_quota_until_an_operator_grants_credits(
    redis_client: redis.Redis, env: dict[str, str], reference: str  # noqa: F811
) -> None:
    queue = paying(redis_client, env)
    ticket = queue.enqueue(WEB, [nano()], reference=reference)
    assert ticket.balance is None and ticket.credits == 0, "not paid in credits"
    with pytest.raises(QuotaError) as refused:
        queue.enqueue(WEB, [nano()], reference=reference)
    assert refused.value.message_id.startswith("quota."), "the daily quota, as today"

    queue.credits.grant(WEB.person_id, "op:1", 4)
    paid = queue.enqueue(WEB, [nano()], reference=reference)
    assert (paid.credits, paid.balance) == (2, 4), "granted credits (and the free trial) pay, no daily cap"


def test_telegram_pays_in_credits_from_the_first_picture(
    redis_client: redis.Redis, env: dict[str, str], reference: str  # noqa: F811
) -> None:
    queue = paying(redis_client, env)
    assert queue.enqueue(TELEGRAM, [nano()], reference=reference).balance == 0
    with pytest.raises(QuotaError) as short:
        queue.enqueue(TELEGRAM, [nano()], reference=reference)
    assert short.value.message_id == "credits.short"
