"""A paid generation is polled until its deadline: a deadline shorter than the first poll never
cancels it unasked, and an unreadable status answer is asked again instead of failing it."""

from __future__ import annotations

from pathlib import Path

import redis

from core.settings import Settings
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.worker_process import wait_for, workers
from tests.test_worker_chain import (  # noqa: F401  (fixtures)
    PERSON,
    env,
    fal,
    images_sent,
    nano,
    queue,
    reference,
    start,
    state,
)
from worker.queue import GenerationQueue


def test_a_deadline_shorter_than_the_first_poll_still_delivers_the_paid_portrait(
    redis_client: redis.Redis, env: dict[str, str], fal: FakeFalQueue, reference: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    short = {**env, "GENERATION_DEADLINE_SECONDS": "10"}
    # nano2 typically takes 15 s, so its first status call comes after the 10 s deadline.
    with workers(short, tmp_path, timing={"first_poll_factor": 0.8, "first_poll_max_s": 60}) as begin:
        begin()
        queue = GenerationQueue(redis_client, Settings.from_env(short))
        ticket = queue.enqueue(PERSON, [nano()], reference=reference)
        wait_for(lambda: images_sent(redis_client), timeout=30, what="the portrait")
    assert state(redis_client, ticket.generation_ids[0]) in ("delivering", "delivered")
    assert not any(r.cancelled for r in fal.requests.values())
    assert fal.submit_count() == 1


def test_an_unreadable_status_answer_does_not_fail_a_paid_generation(
    redis_client: redis.Redis, queue: GenerationQueue, fal: FakeFalQueue, reference: str, start,  # noqa: F811
) -> None:
    fal.status_garbage = 2
    start()
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    wait_for(lambda: images_sent(redis_client), timeout=20, what="the portrait")
    assert fal.status_garbage == 0, "the garbage answers were given"
    assert state(redis_client, ticket.generation_ids[0]) in ("delivering", "delivered")
    assert fal.submit_count() == 1
