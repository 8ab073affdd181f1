"""One anonymous web visitor cannot spend the day: six fresh cookies from one address start no
more than the per-address limit, and the web chat together spends no more than its share of the
budget, so Telegram and WeChat still get theirs. The address is the connection's, or a trusted
proxy's header only when the operator names it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import redis
from starlette.testclient import TestClient

from core.chat import ChatTarget
from core.settings import Settings
from tests.faces import make_face_photo
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.worker_process import wait_for, worker_env, workers
from tests.test_conversation import Chat, jpeg
from tests.test_worker_chain import nano, reference, state  # noqa: F401  (fixture)
from worker.ledger import Ledger
from worker.queue import GenerationQueue

PHOTO = jpeg(make_face_photo())
ENDED = ("delivering", "delivered", "failed", "cancelled", "expired")


def server(env: dict[str, str], redis_url: str) -> Any:
    from portraitbot.app import build_server

    return build_server(Settings.from_env(env), redis.Redis.from_url(redis_url))


def offline_env(redis_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {"REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "ADMIN_IDS": "", "FAL_KEY": "",
            "PATH": os.environ.get("PATH", ""), **extra}


def visitor(app: Any, address: str = "203.0.113.7", *, lifespan: bool = True, **headers: str) -> Iterator[Chat]:
    """A browser with a fresh cookie, from ``address``. ``lifespan=False``: the app's start-up
    is already running (one server for several browsers at once, as in production)."""
    client = TestClient(app, client=(address, 40000), headers=headers)
    if not lifespan:  # used outside ``with``, a TestClient sends requests without a start-up
        yield Chat(client)
        client.close()
        return
    with client:
        yield Chat(client)


def ask_one(app: Any, address: str = "203.0.113.7", *, lifespan: bool = True, **headers: str) -> dict[str, Any]:
    for chat in visitor(app, address, lifespan=lifespan, **headers):
        chat.post(photo=PHOTO)
        (reply,) = chat.post(text="make me an anime portrait")
        return reply
    raise AssertionError("unreachable")


def test_six_fresh_cookies_from_one_address_start_no_more_than_its_limit(
    redis_url: str, data_dir: Path
) -> None:
    app = server(offline_env(redis_url, data_dir, WEB_DAILY_LIMIT_PER_ADDRESS="3"), redis_url)
    replies = [ask_one(app) for _ in range(6)]
    started = [r for r in replies if r.get("generation_id")]
    assert len(started) == 3, [r["text"] for r in replies]
    assert all("for this network are used up" in r["text"] for r in replies[3:])
    assert ask_one(app, "198.51.100.4").get("generation_id"), "another address has its own limit"


def test_the_proxy_header_counts_only_when_the_operator_trusts_it(redis_url: str, data_dir: Path) -> None:
    direct = server(offline_env(redis_url, data_dir, WEB_DAILY_LIMIT_PER_ADDRESS="1"), redis_url)
    assert ask_one(direct, **{"X-Forwarded-For": "192.0.2.1"}).get("generation_id")
    spoofed = ask_one(direct, **{"X-Forwarded-For": "192.0.2.2"})
    assert not spoofed.get("generation_id"), "a header the visitor sends picks no new address"

    redis.Redis.from_url(redis_url).flushdb()
    proxied = server(offline_env(redis_url, data_dir, WEB_DAILY_LIMIT_PER_ADDRESS="1",
                                 TRUSTED_PROXY_HEADER="X-Forwarded-For"), redis_url)
    # The proxy appends what it saw; whatever the visitor put before it does not count.
    assert ask_one(proxied, "10.0.0.2", **{"X-Forwarded-For": "192.0.2.9, 192.0.2.1"}).get("generation_id")
    assert not ask_one(proxied, "10.0.0.2", **{"X-Forwarded-For": "192.0.2.8, 192.0.2.1"}).get("generation_id")
    assert ask_one(proxied, "10.0.0.2", **{"X-Forwarded-For": "192.0.2.2"}).get("generation_id")


def test_the_web_chat_spends_no_more_than_its_share_and_telegram_still_gets_through(
    redis_url: str, redis_client: redis.Redis, data_dir: Path, fake_fal: tuple[FakeFalQueue, str],  # noqa: F811
    reference: str, tmp_path: Path,  # noqa: F811
) -> None:
    fal, url = fake_fal
    fal.run_seconds = 0.5
    env = worker_env(redis_url, data_dir, url, DAILY_BUDGET_USD="1", WEB_DAILY_BUDGET_USD="0.25",
                     WEB_DAILY_LIMIT_PER_ADDRESS="0", DEFAULT_MODEL="nano2")
    app = server(env, redis_url)
    with workers(env, tmp_path) as start:
        start()
        start()
        with TestClient(app), ThreadPoolExecutor(6) as pool:  # six cookies, one visitor, all at once
            replies = list(pool.map(lambda _: ask_one(app, lifespan=False), range(6)))
        started = [r for r in replies if r.get("generation_id")]
        assert len(started) >= 3, [r["text"] for r in replies]  # $0.25 holds three $0.08 pictures
        ids = [r["generation_id"] for r in started]
        wait_for(lambda: all(state(redis_client, i) in ENDED for i in ids), timeout=60, what="every end")
        assert 0 < fal.charged_usd <= 0.25 + 1e-9, f"the web spent ${fal.charged_usd:.2f} of a $0.25 share"
        assert Ledger(redis_client).today()[0].get("pool:web", 0.0) <= 0.25 + 1e-9
        submits = fal.submit_count()
        telegram = ChatTarget("telegram", chat_id="7", user_id="7", language="en")
        GenerationQueue(redis_client, Settings.from_env(env)).enqueue(telegram, [nano()], reference=reference)
        wait_for(lambda: fal.submit_count() > submits, timeout=30, what="Telegram's submit")
    assert fal.charged_usd > 0.25, "the rest of the budget stayed for Telegram"


@pytest.fixture(autouse=True)
def _no_stray_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUSTED_PROXY_HEADER", raising=False)
