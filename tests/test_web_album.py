"""Several web uploads picked together, end to end: the real server app, a real
``portraitbot worker --burst`` process and the fake fal queue. The page posts each file side by
side with one album id; the person gets one answer, the generation is submitted with every face
as ``image_urls``, its portrait arrives in the feed once, and a later request uses the same
faces. A file that is cut off does not hold the album up."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.fakes.fal_queue import DEFAULT_KEY as FAL_KEY
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.test_telegram_end_to_end import FACE, ROOT, run_worker, server

pytestmark = pytest.mark.slow


@pytest.fixture
def fal(fake_fal: tuple[FakeFalQueue, str]) -> FakeFalQueue:  # noqa: F811
    return fake_fal[0]


@pytest.fixture
def env(fake_fal: tuple[FakeFalQueue, str], redis_url: str, data_dir: Path) -> dict[str, str]:  # noqa: F811
    return {
        "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
        "FAL_KEY": FAL_KEY, "FAL_QUEUE_URL": fake_fal[1], "LIKENESS_MIN": "0",
    }


def scaled(data: bytes, scale: float) -> bytes:
    """The same real face, resized: another photo of the same person."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    image = image.resize((int(image.width * scale), int(image.height * scale)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def submitted_refs(fal: FakeFalQueue) -> list[int]:
    return [len(r.body.get("image_urls") or ()) for r in fal.requests.values()]


async def post(http: httpx.AsyncClient, n: int, photo: bytes | None, album: str | None = None,
               text: str = "") -> list[dict[str, Any]]:
    files = {"photo": (f"p{n}.jpg", photo, "image/jpeg")} if photo is not None else None
    response = await http.post("/api/message", params={"album": album} if album else None,
                               data={"lang": "en", "client_id": f"c{n}", "text": text}, files=files)
    assert response.status_code == 200, response.text
    return list(response.json()["replies"])


async def feed(http: httpx.AsyncClient) -> list[dict[str, Any]]:
    return list((await http.get("/api/events", params={"after": "0-0"})).json()["events"])


async def test_three_files_picked_together_get_one_answer_and_one_generation_with_every_face(
    fal: FakeFalQueue, env: dict[str, str], tmp_path: Path
) -> None:
    photos = [FACE, scaled(FACE, 0.9), scaled(FACE, 0.8)]
    async with server(env) as site, httpx.AsyncClient(base_url=site, timeout=30) as http:
        await http.get("/")  # the session cookie
        answers = await asyncio.gather(*(
            post(http, n, photo, album="pick-1", text="make me a linkedin headshot" if n == 0 else "")
            for n, photo in enumerate(photos)))
        answered = [replies for replies in answers if replies]
        assert len(answered) == 1, answers
        (ack,) = answered[0]
        assert ack["text"].startswith("Got 3 photos — I'll use all 3 faces") and ack["generation_id"], ack

        await asyncio.to_thread(run_worker, env, tmp_path)
        assert submitted_refs(fal) == [3], "one generation, submitted with all three faces"
        events = await feed(http)
        assert len([e for e in events if e["type"] == "reply"]) == 1, "one answer in the feed too"
        assert len([e for e in events if e["type"] == "images"]) == 1, "the portrait arrived once"

        (ack,) = await post(http, 9, None, text="now make me a dating photo at the beach")
        assert ack["generation_id"], ack
        await asyncio.to_thread(run_worker, env, tmp_path)
        assert submitted_refs(fal) == [3, 3], "the later request uses the album's faces too"


async def test_a_file_of_the_album_that_is_not_a_photo_leaves_the_others_answered(
    fal: FakeFalQueue, env: dict[str, str]
) -> None:
    async with server(env) as site, httpx.AsyncClient(base_url=site, timeout=30) as http:
        await http.get("/")
        answers = await asyncio.gather(
            post(http, 0, FACE, album="pick-2"), post(http, 1, scaled(FACE, 0.9), album="pick-2"),
            post(http, 2, b"not an image at all", album="pick-2"))
        texts = [r["text"] for replies in answers for r in replies]
        assert any(t.startswith("Got 2 photos — I'll use all 2 faces") for t in texts), texts
        assert len(texts) == 2, "one answer for the set, one for the file that is no photo"
