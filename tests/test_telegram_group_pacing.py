"""Ten people in one group ask at once: everyone gets their portrait and Telegram never has to
refuse a message for flood. The fake Bot API enforces a per-group limit the way Telegram does
(429 with ``retry_after``), scaled down here to 8 messages per 3 seconds so the test is quick;
the product is given the same limit and paces the server's acknowledgements and the worker's
deliveries through one Redis reservation book."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.worker_process import FAST_TIMING
from tests.test_telegram_end_to_end import FACE, ROOT, server
from tests.test_telegram_end_to_end import env as base_env  # noqa: F401

LIMIT, WINDOW_S = 8, 3.0
GROUP = {"id": -1007770001, "type": "supergroup", "title": "Office party"}
PEOPLE = range(2001, 2011)


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi(group_limit=(LIMIT, WINDOW_S))
    with api.serve() as url:
        api.url = url  # type: ignore[attr-defined]
        yield api


@pytest.fixture
def env(base_env: dict[str, str]) -> dict[str, str]:  # noqa: F811
    return {**base_env, "TELEGRAM_GROUP_MESSAGES": str(LIMIT), "TELEGRAM_GROUP_WINDOW_S": str(WINDOW_S)}


def run_worker(env: dict[str, str], tmp_path: Path) -> None:
    """``portraitbot worker --burst`` with the fast test timing, but a delivery lease as long
    as a loaded machine needs for ten uploads (two seconds would let the sweep send again)."""
    args = [sys.executable, "-m", "portraitbot.cli", "worker", "--burst"]
    for name, value in {**FAST_TIMING, "deliver_lease_s": 30.0}.items():
        args += ["--timing", f"{name}={value}"]
    with open(tmp_path / "worker.log", "wb") as log:
        subprocess.run(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=180, check=True)


@pytest.mark.slow
async def test_ten_people_asking_in_one_group_within_a_second_all_get_their_pictures_without_a_429(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path
) -> None:
    requests = {}
    async with server(env):
        for person in PEOPLE:
            user = fake.user(person, name=f"P{person}")
            request = fake.message(user, chat=GROUP, caption="@PortraitTestBot make me anime",
                                   photo=fake.photo_sizes(FACE))
            requests[request["message_id"]] = person
            fake.push(request)
        await fake.until(lambda: len(fake.sent_to(GROUP["id"])) >= len(PEOPLE), timeout=40)
    await asyncio.to_thread(run_worker, env, tmp_path)

    assert fake.flood.refused == [], "no call was refused for flood"
    pictures = [m for m in fake.sent_to(GROUP["id"]) if "photo" in m]
    answered = sorted(requests[m["reply_to_message"]["message_id"]] for m in pictures)
    assert answered == list(PEOPLE), "each person got one portrait, under their own request"
    acks = [m for m in fake.sent_to(GROUP["id"]) if "text" in m]
    assert len(acks) == len(PEOPLE), "and each an acknowledgement: 20 messages, 2.5 windows' worth"
