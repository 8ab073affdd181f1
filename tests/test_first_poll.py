"""With no ``PUBLIC_URL`` (fal's webhook), a result fal finishes early still reaches the person
within a second or two: the first status call comes about a second after submit and the
next ones are frequent while the result may come, whatever the model's typical time (the
first poll used to wait 19 s for NanoPro and 113 s for GPT Image 2; people waited 20 s for a
picture fal had made in 4)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from core.request import GenerationRequest
from core.settings import Settings
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.worker_process import wait_for, worker_env, workers
from tests.test_worker_chain import PERSON, images_sent, jpeg_bytes
from worker.queue import GenerationQueue
from worker.timing import Timing

UPSTREAM_S = 4.0
PRODUCTION_POLLS = {
    name: getattr(Timing(), name)
    for name in ("first_poll_factor", "poll_interval_s", "poll_interval_max_s", "sweep_tick_s")
}
"""The worker polls on its production cadence here (other tests shorten it)."""


@pytest.fixture
def env(redis_url: str, data_dir: Path, fake_fal: tuple[FakeFalQueue, str]) -> dict[str, str]:  # noqa: F811
    return worker_env(redis_url, data_dir, fake_fal[1])


@pytest.fixture
def start(env: dict[str, str], tmp_path: Path) -> Iterator:
    with workers(env, tmp_path, timing=PRODUCTION_POLLS) as factory:
        yield factory


@pytest.mark.parametrize("model", ["nanopro", "gpt"])
def test_a_four_second_result_is_delivered_within_two_seconds_of_being_ready(
    model: str, redis_client: redis.Redis, env: dict[str, str],
    fake_fal: tuple[FakeFalQueue, str], data_dir: Path, start,  # noqa: F811
) -> None:
    fal, _ = fake_fal
    fal.run_seconds = UPSTREAM_S
    photo = data_dir / "photos" / "u1.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(jpeg_bytes())
    start()
    time.sleep(1.5)  # the worker is up before the request comes, as in production
    queue = GenerationQueue(redis_client, Settings.from_env(env))
    queue.enqueue(PERSON, [GenerationRequest(style="anime", model=model)], reference=str(photo))
    (sent,) = wait_for(lambda: images_sent(redis_client), timeout=30, what="delivery")
    (request,) = fal.requests.values()
    ready_wall = time.time() - (time.monotonic() - (request.submitted_at + UPSTREAM_S))
    added = sent["at"] - ready_wall
    assert 0 <= added <= 2.0, f"delivered {added:.2f} s after fal had it"
    assert request.status_calls <= 8, "early polls, not a storm of them"
