"""fal's webhook with ``PUBLIC_URL`` set: the submit names ``<PUBLIC_URL>/hooks/fal/<token>``, and
fal calling it wakes the poll step at once, so the picture arrives seconds after fal finishes even
when the next poll is far away. Anyone without the token gets a 404."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from bot.falhook import webhook_token
from core.settings import Settings
from tests.fakes import serve
from tests.fakes.fal_queue import DEFAULT_KEY, FakeFalQueue
from tests.fakes.worker_process import WorkerProcess, wait_for

ROOT = Path(__file__).resolve().parent.parent
FACE = (ROOT / "tests" / "images" / "face.jpg").read_bytes()
PUBLIC_URL = "https://bot.example.com"
UPSTREAM_S = 1.5
"""How long the fake fal takes to finish a request before it calls the webhook."""
LATE_POLL = {"first_poll_factor": 200.0, "first_poll_max_s": 3600.0}
"""First poll at 200 x the model's typical latency (~80 min for nanopro): only the webhook can
bring the picture within the test."""
ARRIVES_WITHIN_S = 3.0
"""Seconds from fal finishing to the picture in the chat (a fetch, a save and a delivery)."""


@pytest.fixture
def fal() -> Iterator[FakeFalQueue]:
    fake = FakeFalQueue(run_seconds=UPSTREAM_S)
    with fake.serve():
        yield fake


@pytest.fixture
def env(fal: FakeFalQueue, redis_url: str, data_dir: Path) -> dict[str, str]:
    outside = ("FAL_", "TELEGRAM_", "WECHAT_", "BYTEPLUS_", "HEADSHOT_", "PUBLIC_URL")
    base = {k: v for k, v in os.environ.items() if not k.startswith(outside)}
    return {**base, "FAL_KEY": DEFAULT_KEY, "FAL_QUEUE_URL": fal.base_url, "PUBLIC_URL": PUBLIC_URL,
            "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}


@pytest.fixture
def site(env: dict[str, str], fal: FakeFalQueue) -> Iterator[str]:
    """The real server on loopback; the fake fal sends its webhooks here instead of PUBLIC_URL."""
    from portraitbot.app import build_server

    app = build_server(Settings.from_env(env), redis.Redis.from_url(env["REDIS_URL"]))
    with serve(app) as url:
        fal.webhook_base = url
        yield url


@pytest.mark.slow
def test_fal_calling_the_webhook_brings_the_picture_long_before_the_next_poll(
    site: str, env: dict[str, str], fal: FakeFalQueue, redis_client: redis.Redis, tmp_path: Path
) -> None:
    worker = WorkerProcess(env, timing=LATE_POLL, log_path=tmp_path / "worker.log")
    try:
        wait_for(lambda: httpx.get(site + "/healthz").status_code == 200, timeout=20, what="a worker")
        with httpx.Client(base_url=site, timeout=10) as browser:
            browser.get("/")
            browser.post("/api/message", data={"lang": "en"}, files={"photo": ("me.jpg", FACE, "image/jpeg")})
            browser.post("/api/message", data={"text": "make me anime", "lang": "en"})
            wait_for(lambda: fal.accepted, timeout=20, what="the submit to fal")
            (portrait,) = wait_for(lambda: images(browser), timeout=UPSTREAM_S + 10, what="the picture")
            arrived = time.monotonic()
    finally:
        worker.stop()

    (request,) = fal.requests.values()
    token = webhook_token(redis_client)
    assert request.webhook == f"{PUBLIC_URL}/hooks/fal/{token}"
    assert ("POST", f"/{request.endpoint}") in fal.calls
    assert request.webhook_deliveries == 1 and fal.webhook_errors == []
    finished = request.submitted_at + UPSTREAM_S
    assert arrived - finished < ARRIVES_WITHIN_S, f"{arrived - finished:.2f} s after fal finished"
    assert portrait["files"], portrait
    assert len(token) >= 24, "unguessable"


@pytest.mark.slow
def test_a_webhook_that_overtakes_the_submit_answer_still_wakes_the_poll(
    site: str, env: dict[str, str], fal: FakeFalQueue, tmp_path: Path
) -> None:
    fal.run_seconds = 0.05
    fal.delay["submit"] = 0.5  # fal finished and called back before its submit answer reached us
    worker = WorkerProcess(env, timing=LATE_POLL, log_path=tmp_path / "worker.log")
    try:
        wait_for(lambda: httpx.get(site + "/healthz").status_code == 200, timeout=20, what="a worker")
        with httpx.Client(base_url=site, timeout=10) as browser:
            browser.get("/")
            browser.post("/api/message", data={"lang": "en"}, files={"photo": ("me.jpg", FACE, "image/jpeg")})
            browser.post("/api/message", data={"text": "make me anime", "lang": "en"})
            wait_for(lambda: images(browser), timeout=10, what="the picture")
    finally:
        worker.stop()
    (request,) = fal.requests.values()
    assert request.webhook_deliveries == 1


def images(browser: httpx.Client) -> list[dict[str, Any]]:
    return [e for e in browser.get("/api/events").json()["events"] if e["type"] == "images"]


def test_the_webhook_route_answers_404_to_a_wrong_token_and_ignores_unknown_requests(
    site: str, redis_client: redis.Redis
) -> None:
    token = webhook_token(redis_client)
    body = {"request_id": "not-ours", "status": "OK", "payload": {}}
    for wrong in ["wrong", token[:-1], token + "x", ""]:
        response = httpx.post(f"{site}/hooks/fal/{wrong}", json=body)
        assert response.status_code == 404, wrong
    assert httpx.get(f"{site}/hooks/fal/{token}").status_code == 405
    right = httpx.post(f"{site}/hooks/fal/{token}", json=body)
    assert right.status_code == 200 and right.json() == {"woken": False}
    assert httpx.post(f"{site}/hooks/fal/{token}", content=b"not json").status_code == 400
