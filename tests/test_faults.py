"""Faults a visitor would notice: the embedded Redis dying under `portraitbot run` (restarted
within seconds, "busy, try again shortly" meanwhile, never a raw 500), and what every answer
carries: security headers, Secure cookies behind https, no cross-site POSTs."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from core.settings import Settings
from tests.fakes import serve
from tests.test_run_command import portraitbot_run

ROOT = Path(__file__).resolve().parent.parent
FACE = (ROOT / "tests" / "images" / "face.jpg").read_bytes()
RECOVER_WITHIN_S = 10.0
BUSY = "busy for a moment"


def test_killing_the_embedded_redis_recovers_within_ten_seconds(tmp_path: Path) -> None:
    with portraitbot_run(tmp_path / "data", tmp_path / "run.log") as run:
        run.banner()
        run.healthy()
        browser = httpx.Client(base_url=run.url, timeout=10, headers={"accept-language": "en"})
        browser.get("/")
        assert browser.post("/api/message", data={"text": "hello"}).status_code == 200
        server = next(p for p in run.tree if "redis" in " ".join(p.cmdline()))
        server.kill()
        killed = time.monotonic()
        answers: list[tuple[int, str]] = []
        while time.monotonic() - killed < RECOVER_WITHIN_S + 5:
            response = browser.post("/api/message", data={"text": "hello"})
            answers.append((response.status_code, response.text))
            health = httpx.get(run.url + "/healthz", timeout=5)
            if response.status_code == 200 and health.status_code == 200:
                break
            time.sleep(0.2)
        recovered = time.monotonic() - killed
        print(f"recovered {recovered:.1f} s after the kill; answers {[s for s, _ in answers]}")
        assert recovered < RECOVER_WITHIN_S
        assert {status for status, _ in answers} <= {200, 503}, answers
        assert all(BUSY in text for status, text in answers if status == 503)
        health = httpx.get(run.url + "/healthz", timeout=5).json()
        assert health["redis"] == "ok" and health["embedded_redis"] == "ok"
        assert health["redis_restarts"] == 1
        assert "Traceback" not in (tmp_path / "run.log").read_text()
        assert run.ctrl_c() < 15


@pytest.fixture
def site(redis_url: str, data_dir: Path) -> Iterator[str]:
    from portraitbot.app import build_server

    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("FAL_", "TELEGRAM_", "WECHAT_", "WECOM_", "BYTEPLUS_", "HEADSHOT_", "PUBLIC_URL"))}
    settings = Settings.from_env({**base, "REDIS_URL": redis_url, "DATA_DIR": str(data_dir)})
    with serve(build_server(settings, redis.Redis.from_url(redis_url))) as url:
        yield url


def test_every_answer_carries_the_security_headers(site: str) -> None:
    for path in ("/", "/api/strings", "/static/app.js", "/nowhere"):
        headers = httpx.get(site + path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_the_session_cookie_is_secure_behind_https_only(site: str) -> None:
    plain = httpx.get(site + "/").headers["set-cookie"]
    assert "HttpOnly" in plain and "Secure" not in plain
    # A reverse proxy on this host terminating TLS says so in X-Forwarded-Proto.
    proxied = httpx.get(site + "/", headers={"x-forwarded-proto": "https"}).headers["set-cookie"]
    assert "; Secure" in proxied and "HttpOnly" in proxied


def test_another_site_cannot_post_in_a_visitors_name(site: str) -> None:
    client = httpx.Client(base_url=site)
    client.get("/")
    forged = [{"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"},
              {"sec-fetch-site": "same-site", "origin": "https://sub.example"}]
    for headers in forged:
        assert client.post("/api/message", data={"text": "/forget"}, headers=headers).status_code == 403
    own = {"origin": site, "sec-fetch-site": "same-origin"}
    assert client.post("/api/message", data={"text": "hello"}, headers=own).status_code == 200
    assert client.post("/api/message", data={"text": "hello"}).status_code == 200  # not a browser


def test_redis_down_is_busy_not_a_500(data_dir: Path, tmp_path: Path) -> None:
    from portraitbot.app import build_server

    dead = f"unix://{tmp_path}/nobody.sock"
    settings = Settings.from_env({"REDIS_URL": dead, "DATA_DIR": str(data_dir)})
    with serve(build_server(settings, redis.Redis.from_url(dead))) as url:
        client = httpx.Client(base_url=url, headers={"accept-language": "de"})
        answer = client.post("/api/message", data={"text": "hello"})
        assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
        assert "gleich noch einmal" in answer.json()["replies"][0]["text"]
        assert client.get("/api/events").status_code == 503
        assert client.get("/healthz").json()["redis"] == "down"
