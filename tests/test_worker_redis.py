"""Redis itself: the embedded server keeps its data in DATA_DIR with AOF, and a restart in the
middle of a run loses no generation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from core.settings import Settings
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.worker_process import wait_for, worker_env, workers
from tests.test_worker_chain import PERSON, images_sent, jpeg_bytes, nano
from worker.queue import GenerationQueue
from worker.redis_conn import EmbeddedRedis, connect


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(tmp_path / "r").start()
    try:
        yield server
    finally:
        server.stop()


def test_without_redis_url_an_embedded_server_keeps_its_data_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path / "data")})
    client = connect(settings)
    client.set("pb:probe", "kept")
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    server = EmbeddedRedis.for_data_dir(settings.data_dir)
    assert server.is_up() and (tmp_path / "data" / "redis").is_dir()
    again = connect(settings)  # a second process on the same DATA_DIR finds the same server
    assert again.get("pb:probe") == b"kept"
    client.shutdown(nosave=False)


def test_redis_restarted_mid_run_loses_no_generation(
    own_redis: EmbeddedRedis, data_dir: Path, fake_fal: tuple[FakeFalQueue, str], tmp_path: Path  # noqa: F811
) -> None:
    fal, fal_url = fake_fal
    fal.run_seconds = 2.0
    photo = data_dir / "me.jpg"
    photo.write_bytes(jpeg_bytes())
    env = worker_env(own_redis.url, data_dir, fal_url, MAX_ACTIVE_PER_PERSON="5")
    client = redis.Redis.from_url(own_redis.url)
    queue = GenerationQueue(client, Settings.from_env(env))
    with workers(env, tmp_path) as start:
        start()
        tickets = [queue.enqueue(PERSON, [nano()], reference=str(photo)) for _ in range(3)]
        wait_for(lambda: fal.submit_count() >= 1, what="work in flight")
        own_redis.stop()
        time.sleep(1.0)
        own_redis.start()
        more = queue.enqueue(PERSON, [nano()], reference=str(photo))
        wait_for(lambda: len(images_sent(client)) == 4, timeout=30, what="all four pictures")
        time.sleep(1.0)
    assert len(images_sent(client)) == 4
    assert fal.submit_count() == 4
    for ticket in [*tickets, more]:
        assert queue.progress(ticket.generation_ids[0]).state == "delivered"
