"""An ID photo from a photo whose crown is cut off is warned about before anything is charged
(issue 13): the measured crop would refuse it after the generation. Through the web chat's
HTTP API against the real server app and Redis; the real face model measures the photo."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from PIL import Image
from starlette.testclient import TestClient

from core.settings import Settings
from engine.detector import build_detector
from worker.records import WAITING

FACE = Path(__file__).parent / "images" / "face.jpg"


def cropped_above_the_face(room: float) -> bytes:
    """face.jpg with only ``room`` face heights left above its face box."""
    with Image.open(FACE) as image:
        rgb = image.convert("RGB")
    face = build_detector(None).detect(rgb)[0]
    top = max(0, int(face.y - room * face.h))
    buffer = io.BytesIO()
    rgb.crop((0, top, rgb.width, rgb.height)).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


@pytest.fixture
def client(redis_url: str, data_dir: Path) -> Iterator[TestClient]:
    env = {"REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "DAILY_LIMIT_PER_PERSON": "9",
           "ADMIN_IDS": "", "FAL_KEY": "", "PATH": os.environ.get("PATH", "")}
    from portraitbot.app import build_server

    with TestClient(build_server(Settings.from_env(env), redis.Redis.from_url(redis_url))) as test_client:
        yield test_client


def post(client: TestClient, n: int, language: str = "en", **fields: Any) -> dict[str, Any]:
    files = {"photo": ("p.jpg", fields.pop("photo"), "image/jpeg")} if "photo" in fields else None
    response = client.post("/api/message", data={"lang": language, "client_id": f"m{n}", **fields}, files=files)
    (reply,) = response.json()["replies"]
    return dict(reply)


def test_an_id_photo_from_a_photo_with_the_crown_cut_off_is_warned_before_it_is_charged(
    client: TestClient, redis_client: redis.Redis
) -> None:
    assert post(client, 1, photo=cropped_above_the_face(0.15))["text"].startswith("Got your photo")
    warning = post(client, 2, text="make me a US passport photo")
    assert warning["text"].startswith("The top of your head is cut off"), warning
    assert redis_client.zcard(WAITING) == 0, "nothing queued, nothing charged"
    (button,) = [b for row in warning["buttons"] for b in row]
    ack = post(client, 3, callback=button["data"])
    assert ack["generation_id"] and redis_client.zcard(WAITING) == 1, "go anyway makes it"


def test_the_same_photo_makes_other_styles_without_a_word_and_a_whole_head_makes_id_photos(
    client: TestClient, redis_client: redis.Redis
) -> None:
    post(client, 1, photo=cropped_above_the_face(0.15))
    assert post(client, 2, text="make me anime")["generation_id"], "only ID photos need the crown"
    post(client, 3, photo=FACE.read_bytes())
    assert post(client, 4, text="make me a US passport photo")["generation_id"]
    assert redis_client.zcard(WAITING) == 2


def test_the_warning_is_in_the_persons_language(client: TestClient) -> None:
    post(client, 1, language="zh", photo=cropped_above_the_face(0.15))
    warning = post(client, 2, language="zh", text="帮我做一张美国护照照片")
    assert warning["text"].startswith("这张照片的头顶被裁掉了"), warning
