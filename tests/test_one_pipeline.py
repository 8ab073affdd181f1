"""The command line and the bot build the same upstream calls for the same request: one split,
one seed rule, one prompt, so `portraitbot generate` previews what the bot will send to fal."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
import redis

from core.request import GenerationRequest
from core.settings import Settings
from core.styles import Catalogue
from engine.generate import Generator, Item
from engine.providers.fal import FalProvider
from tests.fakes.fal_queue import DEFAULT_KEY as FAL_KEY
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.worker_process import wait_for
from tests.test_worker_chain import (  # noqa: F401  (fixtures)
    PERSON,
    env,
    fal,
    images_sent,
    queue,
    reference,
    start,
)
from worker.queue import GenerationQueue

REQUESTS = {
    "eight_anime": GenerationRequest(style="anime", model="nano2", count=8),
    "us_passport": GenerationRequest(style="id_photo_white", model="nanopro", id_spec="us"),
    "six_headshots_own_seed_9x16": GenerationRequest(
        style="professional", model="nanopro", count=6, seed=1234, aspect_ratio="9:16"),
}


def calls_made(fake: FakeFalQueue) -> list[tuple[str, dict]]:
    """Each submit's endpoint and JSON body, in seed order (the order calls finish varies)."""
    made = [(r.endpoint, r.body) for r in fake.requests.values()]
    return sorted(made, key=lambda call: (call[1].get("seed") or 0, call[0]))


async def cli_calls(fake: FakeFalQueue, url: str, request: GenerationRequest, photo: bytes,
                    data_dir: Path) -> list[tuple[str, dict]]:
    fake.requests.clear()
    cli_env = {"FAL_KEY": FAL_KEY, "FAL_QUEUE_URL": url, "DATA_DIR": str(data_dir / "cli")}
    settings = Settings.from_env(cli_env)
    async with httpx.AsyncClient() as client:
        generator = Generator(settings, {"fal": FalProvider(settings, client)}, Catalogue.presets(),
                              poll_first_s=0.01, poll_max_s=0.05)
        outcome = await generator.run(Item(request, (photo,)))
    assert outcome.ok, outcome
    return calls_made(fake)


@pytest.mark.parametrize("name", list(REQUESTS))
def test_the_cli_and_the_bot_send_fal_identical_requests(
    name: str, queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue,  # noqa: F811
    fake_fal: tuple[FakeFalQueue, str], reference: str, start, data_dir: Path,  # noqa: F811
) -> None:
    request = REQUESTS[name]
    fal.run_seconds = 0.2
    start()
    queue.enqueue(PERSON, [request], reference=reference)
    wait_for(lambda: images_sent(redis_client), timeout=40, what="the bot's pictures")
    bot = calls_made(fal)

    cli = asyncio.run(cli_calls(fal, fake_fal[1], request, Path(reference).read_bytes(), data_dir))

    assert cli == bot
    counts = [body["num_images"] for _, body in bot]
    assert sum(counts) == request.count and max(counts) <= 4
    seeds = [body["seed"] for _, body in bot if "seed" in body]
    assert len(set(seeds)) == len(seeds), "each call of a split request has its own seeds"
    if request.seed is not None:
        assert seeds == [request.seed + 4 * n for n in range(len(bot))]
