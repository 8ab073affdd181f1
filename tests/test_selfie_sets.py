"""Several selfies as one set (issue 13 item 3): photos sent in a row become the person's
references together, a photo without a clear face is left out, and the request that follows
carries every face. Driven through the web chat's HTTP API against the real server app and a
real Redis (no worker: what is queued is what matters here)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from starlette.testclient import TestClient

from core.settings import Settings
from tests.faces import make_empty_photo, make_face_photo
from worker.records import Records


def jpeg(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


class Chat:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.sent = 0

    def post(self, **fields: Any) -> list[dict[str, Any]]:
        self.sent += 1
        files = {"photo": ("p.jpg", fields.pop("photo"), "image/jpeg")} if "photo" in fields else None
        data = {"lang": "en", "client_id": f"m{self.sent}", **fields}
        response = self.client.post("/api/message", data=data, files=files)
        return list(response.json()["replies"])


@pytest.fixture
def app(redis_url: str, data_dir: Path) -> Iterator[Any]:
    env = {"REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "DAILY_LIMIT_PER_PERSON": "9",
           "ADMIN_IDS": "", "FAL_KEY": "", "PATH": os.environ.get("PATH", "")}
    from portraitbot.app import build_server

    yield build_server(Settings.from_env(env), redis.Redis.from_url(redis_url))


@pytest.fixture
def chat(app: Any) -> Iterator[Chat]:
    with TestClient(app) as client:
        yield Chat(client)


def faces(count: int) -> list[bytes]:
    return [jpeg(make_face_photo(seed=i)) for i in range(count)]


def references_of(redis_client: redis.Redis, generation_id: str) -> list[str]:
    record = Records(redis_client).gen(generation_id)
    assert record is not None
    return record.references()


def test_photos_in_a_row_are_counted_and_the_request_carries_every_face(
    chat: Chat, redis_client: redis.Redis
) -> None:
    first, second, third = faces(3)
    (reply,) = chat.post(photo=first)
    assert reply["text"].startswith("Got your photo")
    (reply,) = chat.post(photo=second)
    assert reply["text"].startswith("Got 2 photos") and reply["buttons"]
    (reply,) = chat.post(photo=third)
    assert reply["text"].startswith("Got 3 photos — I'll use all 3 faces")
    (tip,) = chat.post(photo=jpeg(make_empty_photo()))
    assert "face" in tip["text"].lower() and "(3)" in tip["text"]
    (ack,) = chat.post(text="make me a linkedin headshot")
    assert ack["generation_id"]
    paths = references_of(redis_client, ack["generation_id"])
    assert len(paths) == 3 and len(set(paths)) == 3 and all(Path(p).is_file() for p in paths)


def test_a_photo_after_a_request_starts_a_new_set(chat: Chat, redis_client: redis.Redis) -> None:
    first, second, third = faces(3)
    chat.post(photo=first)
    chat.post(photo=second)
    (ack,) = chat.post(text="make me a linkedin headshot")
    assert len(references_of(redis_client, ack["generation_id"])) == 2
    (reply,) = chat.post(photo=third)
    assert reply["text"].startswith("Got your photo")
    (ack,) = chat.post(text="now a dating photo at the beach")
    assert len(references_of(redis_client, ack["generation_id"])) == 1


def test_at_most_five_photos_are_kept_the_newest(chat: Chat, redis_client: redis.Redis) -> None:
    for photo in faces(6):
        chat.post(photo=photo)
    (ack,) = chat.post(text="make me a linkedin headshot")
    assert len(references_of(redis_client, ack["generation_id"])) == 5
