"""A Telegram album of selfies, end to end: the real server (Telegram polling, conversation,
Redis) and a real ``portraitbot worker --burst`` against the fake Bot API and the fake fal
queue. Three photos with one caption get one acknowledgement and one generation, whose fal
submit carries every photo with a face (the landscape shot is left out); a later request
uses the album's faces, not its last photo; /forget removes every photo of the set."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.fakes.fal_queue import DEFAULT_KEY as FAL_KEY
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.telegram_api import FakeBotApi
from tests.test_telegram_end_to_end import FACE, ROOT, run_worker, server

ANN = 1001
IMAGES = ROOT / "tests" / "images"


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi()
    with api.serve() as url:
        api.url = url  # type: ignore[attr-defined]
        yield api


@pytest.fixture
def fal(fake_fal: tuple[FakeFalQueue, str]) -> FakeFalQueue:  # noqa: F811
    return fake_fal[0]


@pytest.fixture
def env(fake: FakeBotApi, fake_fal: tuple[FakeFalQueue, str], redis_url: str, data_dir: Path) -> dict[str, str]:  # noqa: F811
    return {
        "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",  # type: ignore[attr-defined]
        "FAL_KEY": FAL_KEY, "FAL_QUEUE_URL": fake_fal[1], "LIKENESS_MIN": "0",
    }


def smaller(data: bytes, scale: float) -> bytes:
    """The same real face, resized: another photo of the same person."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    image = image.resize((int(image.width * scale), int(image.height * scale)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def submitted_refs(fal: FakeFalQueue) -> list[int]:
    return [len(r.body.get("image_urls") or ()) for r in fal.requests.values()]


@pytest.mark.slow
async def test_an_album_of_three_with_a_caption_gets_one_answer_and_one_generation_with_its_faces(
    fake: FakeBotApi, fal: FakeFalQueue, env: dict[str, str], data_dir: Path, tmp_path: Path
) -> None:
    ann = fake.user(ANN)
    landscape = (IMAGES / "noface.jpg").read_bytes()
    album = [FACE, smaller(FACE, 0.9), landscape]
    async with server(env):
        for index, photo in enumerate(album):
            caption = "make me a linkedin headshot" if index == 0 else None
            fake.push(fake.message(ann, photo=fake.photo_sizes(photo), caption=caption, media_group_id="A1"))
        await fake.until(lambda: fake.sent_to(ANN), timeout=20)
        await asyncio.sleep(2.5)  # every part of the album has been handled
        (ack,) = fake.sent_to(ANN)
        assert "Got 3 photos" in ack["text"] and "the 2 with a clear face" in ack["text"], ack["text"]
        assert "LinkedIn" in ack["text"] or "On it" in ack["text"], ack["text"]
        await asyncio.to_thread(run_worker, env, tmp_path)
        assert submitted_refs(fal) == [2], "one generation, both faces, not the landscape"
        assert any("photo" in m for m in fake.sent_to(ANN)), "the portrait arrived"

        before = len(fake.sent_to(ANN))
        fake.push(fake.message(ann, text="now make me a dating photo at the beach"))
        await fake.until(lambda: len(fake.sent_to(ANN)) > before, timeout=20)
        await asyncio.to_thread(run_worker, env, tmp_path)
        assert submitted_refs(fal) == [2, 2], "the later request uses the album's faces too"

        photos = data_dir / "photos"
        assert sum(1 for p in photos.rglob("*") if p.is_file()) == 3, "each part was saved"
        before = len(fake.sent_to(ANN))
        fake.push(fake.message(ann, text="/forget"))
        await fake.until(lambda: len(fake.sent_to(ANN)) > before, timeout=20)
        assert not any(p.is_file() for p in photos.rglob("*")), "/forget removes every photo of the set"


@pytest.mark.slow
async def test_an_album_part_that_downloads_slowly_is_waited_for(
    fake: FakeBotApi, fal: FakeFalQueue, env: dict[str, str]
) -> None:
    """A busy link or machine: one part of the album takes seconds longer than the others to
    fetch. The album is still answered once, counting all three photos."""
    ann = fake.user(ANN)
    async with server(env):
        for index, photo in enumerate([FACE, smaller(FACE, 0.9), smaller(FACE, 0.8)]):
            sizes = fake.photo_sizes(photo)
            if index == 1:
                fake.download_delay[sizes[-1]["file_id"]] = 3.0
            caption = "make me a linkedin headshot" if index == 0 else None
            fake.push(fake.message(ann, photo=sizes, caption=caption, media_group_id="A2"))
        await fake.until(lambda: fake.sent_to(ANN), timeout=20)
        await asyncio.sleep(2.5)  # nothing more comes for this album
        (ack,) = fake.sent_to(ANN)
        assert "Got 3 photos" in ack["text"], ack["text"]
