"""A submit on the wire belongs to the worker that sent it: the sweep never declares it lost.

fal charges at submit and takes no idempotency key, so a sweep that failed an in-flight
submit as ``submit_lost`` would have the person charged for a picture then cancelled (4
workers lost 19 of 4,200 that way, issue 16)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from core.settings import Settings
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.recording_sender import deliveries
from tests.fakes.worker_process import wait_for, worker_env, workers
from tests.test_worker_chain import PERSON, images_sent, jpeg_bytes, nano, state
from worker.queue import GenerationQueue
from worker.records import DUE, gen_member


@pytest.fixture
def env(redis_url: str, data_dir: Path, fake_fal: tuple[FakeFalQueue, str]) -> dict[str, str]:  # noqa: F811
    return worker_env(redis_url, data_dir, fake_fal[1])


@pytest.fixture
def start(env: dict[str, str], tmp_path: Path) -> Iterator:
    # A lease long enough for the slow submit: the worker is alive and waiting for fal.
    with workers(env, tmp_path, timing={"submit_lease_s": 8.0}) as factory:
        yield factory


def test_a_submit_in_flight_is_never_cancelled_by_the_sweep(
    redis_client: redis.Redis, env: dict[str, str], fake_fal: tuple[FakeFalQueue, str],  # noqa: F811
    data_dir: Path, start,
) -> None:
    fal, _ = fake_fal
    fal.run_seconds = 0.5
    fal.delay["submit"] = 2.5  # accepted and charged at once; the answer comes 2.5 s later
    photo = data_dir / "photos" / "u1.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(jpeg_bytes())
    start()
    queue = GenerationQueue(redis_client, Settings.from_env(env))
    gen_id = queue.enqueue(PERSON, [nano()], reference=str(photo)).generation_ids[0]
    wait_for(lambda: fal.submit_count() == 1, what="fal accepted the submit")
    # Every sweep looks at the generation while its submit is on the wire (as a sweep that
    # claimed it a moment before the submit started would).
    revisits = 0
    while state(redis_client, gen_id) == "submitting":
        redis_client.zadd(DUE, {gen_member(gen_id): time.time()})
        revisits += 1
        time.sleep(0.05)
    assert revisits > 10
    wait_for(lambda: images_sent(redis_client), timeout=20, what="delivery")
    assert not [d for d in deliveries(redis_client) if d["kind"] == "text" and "/retry" in d["text"]]
    assert fal.submit_count() == 1
    assert not any(r.cancelled for r in fal.requests.values()), "charged, then cancelled"
    wait_for(lambda: state(redis_client, gen_id) == "delivered", what="delivered")
