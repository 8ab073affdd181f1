"""On Telegram, end to end (real server, queue and worker process, offline engine, fake Bot
API): an ID photo asked for "in a suit" arrives as two documents whose caption carries the
compliance card measured on the delivered file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.fakes.telegram_api import FakeBotApi
from tests.test_telegram_end_to_end import ANN, env, fake, run_worker, server  # noqa: F401  (fixtures)

ASTRONAUT = Path(__file__).parent / "images" / "astronaut.jpg"


@pytest.mark.slow
async def test_on_telegram_a_passport_photo_in_a_suit_arrives_with_its_card(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path,  # noqa: F811
) -> None:
    ann = fake.user(ANN)
    async with server(env):
        fake.push(fake.message(ann, photo=fake.photo_sizes(ASTRONAUT.read_bytes())))
        await fake.until(lambda: fake.sent_to(ANN), timeout=20)
        fake.push(fake.message(ann, text="US passport photo in a suit"))
        await fake.until(lambda: len(fake.sent_to(ANN)) >= 2, timeout=20)
    await asyncio.to_thread(run_worker, env, tmp_path)
    documents = [m for m in fake.sent_to(ANN) if "document" in m]
    assert len(documents) == 2
    captions = " ".join(m.get("caption", "") for m in documents)
    assert "Head " in captions and "Background even ✓" in captions and "600×600 px" in captions, captions
