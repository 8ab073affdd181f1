"""The daily USD cap holds under bursts, across worker processes: each submit books its expected
cost in one Redis script first, so 40 requests at once against a $1 cap submit at most $1 of work,
and a worker killed mid-submit leaves the money booked (the cap and /metrics never under-report)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis

from core.chat import ChatTarget
from core.errors import QuotaError
from core.settings import Settings
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.recording_sender import deliveries
from tests.fakes.worker_process import wait_for, workers
from tests.test_worker_chain import (  # noqa: F401  (fixtures)
    PERSON,
    env,
    fal,
    nano,
    reference,
    start,
    state,
)
from worker.ledger import Ledger
from worker.queue import GenerationQueue
from worker.records import Records


def person(number: int) -> ChatTarget:
    return ChatTarget(channel="test", chat_id=f"c{number}", user_id=f"u{number}", language="en")


def test_forty_requests_at_once_submit_at_most_the_daily_cap(
    redis_client: redis.Redis, env: dict[str, str], fal: FakeFalQueue, reference: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    capped = {**env, "DAILY_BUDGET_USD": "1"}
    settings = Settings.from_env(capped)
    with workers(capped, tmp_path) as start_worker:  # noqa: F811
        start_worker()
        start_worker()
        _burst(redis_client, env, fal, reference, settings)


def _burst(redis_client: redis.Redis, env: dict[str, str], fal: FakeFalQueue, reference: str,  # noqa: F811
           settings: Settings) -> None:

    def one(number: int) -> bool:
        queue = GenerationQueue(redis.Redis.from_url(env["REDIS_URL"]), settings)
        try:
            queue.enqueue(person(number), [nano()], reference=reference)
        except QuotaError:
            return False
        return True

    with ThreadPoolExecutor(40) as pool:
        queued = sum(pool.map(one, range(40)))
    wait_for(lambda: len(deliveries(redis_client)) >= queued, timeout=60, what="every answer")
    assert fal.charged_usd <= 1.0 + 1e-9, f"fal charged ${fal.charged_usd:.2f} against a $1 cap"
    assert fal.submit_count() == 12, "the cap is used, not wasted: 12 × $0.08"
    assert abs(Ledger(redis_client).spent_today() - fal.charged_usd) < 1e-6
    refused = [d for d in deliveries(redis_client) if d["kind"] == "text"]
    assert len(refused) == queued - 12
    assert all("spending limit" in d["text"] for d in refused)


def test_a_worker_killed_mid_submit_leaves_the_expected_cost_booked(
    redis_client: redis.Redis, env: dict[str, str], fal: FakeFalQueue, reference: str, start,  # noqa: F811
) -> None:
    fal.hang.add("submit")  # accepted and charged; the answer never comes back
    first = start()
    queue = GenerationQueue(redis_client, Settings.from_env(env))
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    gen_id = ticket.generation_ids[0]
    wait_for(lambda: Records(redis_client).gen(gen_id)["submit_sent_at"], what="the submit sent")
    wait_for(lambda: fal.submit_count() == 1, what="fal charging")
    first.kill()
    assert abs(Ledger(redis_client).spent_today() - 0.08) < 1e-9
    start()
    wait_for(lambda: state(redis_client, gen_id) == "failed", timeout=20, what="submit_lost")
    assert abs(queue.stats()["spend_usd_today"] - fal.charged_usd) < 1e-9  # type: ignore[operator]


def test_a_submit_fal_refuses_gives_its_booking_back(
    redis_client: redis.Redis, env: dict[str, str], fal: FakeFalQueue, reference: str, start,  # noqa: F811
) -> None:
    fal.reject = (422, [{"loc": ["body", "image_urls"], "msg": "No face", "type": "value_error"}])
    start()
    queue = GenerationQueue(redis_client, Settings.from_env(env))
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    wait_for(lambda: state(redis_client, ticket.generation_ids[0]) == "failed", what="the refusal")
    assert fal.charged_usd == 0 and Ledger(redis_client).spent_today() == 0


def test_the_real_cost_from_the_answer_corrects_the_booking(
    redis_client: redis.Redis, env: dict[str, str], fal: FakeFalQueue, reference: str, start,  # noqa: F811
) -> None:
    fal.credits_used = "0.05"
    start()
    queue = GenerationQueue(redis_client, Settings.from_env(env))
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    wait_for(lambda: state(redis_client, ticket.generation_ids[0]) == "delivered", what="delivery")
    assert abs(Ledger(redis_client).spent_today() - 0.05) < 1e-9
    assert Path(reference).is_file()


def test_a_group_chat_shares_one_daily_limit_whoever_asks(
    redis_client: redis.Redis, env: dict[str, str], reference: str,  # noqa: F811
) -> None:
    import pytest

    queue = GenerationQueue(redis_client, Settings.from_env({**env, "GROUP_DAILY_LIMIT": "3"}))

    def member(user: str, chat: str = "g1") -> ChatTarget:
        return ChatTarget(channel="telegram", chat_id=chat, user_id=user, language="en", is_group=True)

    queue.enqueue(member("a"), [nano(count=2)], reference=reference)
    queue.enqueue(member("b"), [nano()], reference=reference)
    with pytest.raises(QuotaError) as refused:
        queue.enqueue(member("c"), [nano()], reference=reference)
    assert refused.value.message_id == "quota.group_limit" and refused.value.params["limit"] == 3
    queue.enqueue(member("c", chat="g2"), [nano()], reference=reference)  # another group: its own
    assert queue.quota("telegram:c").used == 1
