"""What an operator's load balancer and Prometheus see: ``/healthz`` says whether a worker is
alive, ``/metrics`` is valid Prometheus text with requests, generations, latency, queue and spend."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from core.settings import Settings
from tests.fakes import serve
from tests.fakes.worker_process import FAST_TIMING, WorkerProcess, wait_for

ROOT = Path(__file__).resolve().parent.parent
FACE = (ROOT / "tests" / "images" / "face.jpg").read_bytes()
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"'
SAMPLE = re.compile(rf"^(?P<name>{NAME})(?:\{{(?P<labels>{LABEL}(?:,{LABEL})*)?\}})? (?P<value>\S+)$")
"""One sample line of the text exposition format (no timestamps: we never send them)."""
KINDS = {"counter", "gauge", "histogram", "summary", "untyped"}


@dataclass
class Exposition:
    """A parsed ``/metrics`` page: family types and every sample with its labels."""

    types: dict[str, str] = field(default_factory=dict)
    helps: dict[str, str] = field(default_factory=dict)
    samples: list[tuple[str, dict[str, str], float]] = field(default_factory=list)

    def value(self, name: str, **labels: str) -> float:
        """Sum of the samples of ``name`` whose labels include ``labels``."""
        return sum(v for n, ls, v in self.samples if n == name and labels.items() <= ls.items())

    def labels_of(self, name: str) -> list[dict[str, str]]:
        return [ls for n, ls, _ in self.samples if n == name]


def parse_prometheus(text: str) -> Exposition:
    """Parse strictly; AssertionError names the first line that a Prometheus server would reject."""
    page = Exposition()
    assert text.endswith("\n"), "the exposition ends with a newline"
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("# HELP "):
            name, _, help_text = line[7:].partition(" ")
            assert re.fullmatch(NAME, name) and name not in page.helps, line
            page.helps[name] = help_text
        elif line.startswith("# TYPE "):
            name, _, kind = line[7:].partition(" ")
            assert re.fullmatch(NAME, name), f"TYPE names a family, without labels: {line}"
            assert kind in KINDS and name not in page.types, line
            assert not any(n == name for n, _, _ in page.samples), f"TYPE after samples: {line}"
            page.types[name] = kind
        elif line.startswith("#"):
            continue
        else:
            match = SAMPLE.match(line)
            assert match, f"not a sample line: {line!r}"
            value = float(match["value"])  # raises on anything that is not a number, +Inf or NaN
            labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', match["labels"] or ""))
            page.samples.append((match["name"], labels, value))
    for name, _, _ in page.samples:
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in page.types or page.types.get(family) == "histogram", f"{name} has no TYPE"
    return page


def offline_env(redis_url: str, data_dir: Path) -> dict[str, str]:
    accounts = ("FAL_", "TELEGRAM_", "WECHAT_", "BYTEPLUS_", "HEADSHOT_", "PUBLIC_URL")
    base = {k: v for k, v in os.environ.items() if not k.startswith(accounts)}
    return {**base, "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}


@pytest.fixture
def site(redis_url: str, data_dir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """The real server app on loopback (no worker yet): (base URL, environment)."""
    from portraitbot.app import build_server

    env = offline_env(redis_url, data_dir)
    app = build_server(Settings.from_env(env), redis.Redis.from_url(redis_url))
    with serve(app) as url:
        yield url, env


@pytest.fixture
def worker(site: tuple[str, dict[str, str]], tmp_path: Path) -> Iterator[WorkerProcess]:
    process = WorkerProcess(site[1], timing=FAST_TIMING, log_path=tmp_path / "worker.log")
    try:
        wait_for(lambda: httpx.get(site[0] + "/healthz").status_code == 200, timeout=20, what="a worker")
        yield process
    finally:
        process.stop()


def portrait_via_web(url: str) -> dict[str, Any]:
    """A browser session: selfie, "make me anime", then the feed until the portrait is there."""
    with httpx.Client(base_url=url, timeout=10) as browser:
        browser.get("/")
        browser.post("/api/message", data={"lang": "en"}, files={"photo": ("me.jpg", FACE, "image/jpeg")})
        browser.post("/api/message", data={"text": "make me anime", "lang": "en"})

        def images() -> list[dict[str, Any]]:
            events = browser.get("/api/events").json()["events"]
            return [e for e in events if e["type"] == "images"]

        (portrait,) = wait_for(images, timeout=30, what="the portrait in the feed")
        return portrait


def test_healthz_is_503_without_a_live_worker_and_200_with_one(site: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    url, env = site
    alone = httpx.get(url + "/healthz")
    assert alone.status_code == 503
    assert alone.json() == {"redis": "ok", "workers": 0}
    process = WorkerProcess(env, timing=FAST_TIMING, log_path=tmp_path / "worker.log")
    try:
        health = wait_for(lambda: httpx.get(url + "/healthz").status_code == 200 and httpx.get(url + "/healthz").json(),
                          timeout=20, what="healthz 200")
        assert health["workers"] >= 1
    finally:
        process.stop()
    wait_for(lambda: httpx.get(url + "/healthz").status_code == 503, timeout=10, what="503 once it stopped")


@pytest.mark.slow
def test_a_killed_worker_stops_counting_as_alive_within_seconds(
    site: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    from worker.alive import ALIVE_TTL_S

    url, env = site
    process = WorkerProcess(env, timing=FAST_TIMING, log_path=tmp_path / "worker.log")
    try:
        wait_for(lambda: httpx.get(url + "/healthz").status_code == 200, timeout=20, what="healthz 200")
        process.kill()  # SIGKILL: no goodbye, its RQ registration stays behind for minutes
        started = time.monotonic()
        wait_for(lambda: httpx.get(url + "/healthz").status_code == 503, timeout=ALIVE_TTL_S + 5,
                 what="503 after the kill")
        assert time.monotonic() - started <= ALIVE_TTL_S + 1
    finally:
        process.stop()


def test_metrics_before_any_traffic_are_valid_prometheus_text(site: tuple[str, dict[str, str]]) -> None:
    response = httpx.get(site[0] + "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    page = parse_prometheus(response.text)
    assert page.types["portraitbot_queue_depth"] == "gauge"
    assert page.value("portraitbot_queue_depth") == 0
    assert page.value("portraitbot_spend_usd_today") == 0


@pytest.mark.slow
def test_metrics_count_requests_intents_generations_latency_and_spend(
    site: tuple[str, dict[str, str]], worker: WorkerProcess
) -> None:
    url, _ = site
    portrait_via_web(url)
    with httpx.Client(base_url=url, timeout=10) as other:
        other.post("/api/message", data={"text": "hello", "lang": "en"})

    page = parse_prometheus(httpx.get(url + "/metrics").text)
    assert page.types["portraitbot_requests_total"] == "counter"
    assert page.value("portraitbot_requests_total", channel="web") >= 3
    assert {ls.get("channel") for ls in page.labels_of("portraitbot_requests_total")} == {"web"}
    assert page.value("portraitbot_requests_total", channel="web", intent="photo") == 1
    assert page.value("portraitbot_intents_total", channel="web", action="generate") == 1
    assert page.value("portraitbot_intents_total", channel="web", action="chat") == 1, "'hello' is small talk"

    assert page.types["portraitbot_generations_total"] == "counter"
    assert page.value("portraitbot_generations_total", model="offline", outcome="delivered") == 1

    assert page.types["portraitbot_generation_seconds"] == "histogram"
    buckets = [(ls["le"], v) for n, ls, v in page.samples
               if n == "portraitbot_generation_seconds_bucket" and ls["model"] == "offline"]
    assert ("+Inf", 1.0) in buckets
    bounds = [float(le) for le, _ in buckets]
    assert bounds == sorted(bounds) and bounds[-1] == float("inf"), "buckets listed by bound, +Inf last"
    counts = [v for _, v in buckets]
    assert counts == sorted(counts), "buckets are cumulative"
    assert page.value("portraitbot_generation_seconds_count", model="offline") == 1
    assert 0 < page.value("portraitbot_generation_seconds_sum", model="offline") < 30

    assert page.types["portraitbot_spend_usd_total"] == "counter"
    assert page.value("portraitbot_spend_usd_total", model="offline") == 0, "the offline engine is free"
    assert page.types["portraitbot_spend_usd_today"] == "gauge"
    assert page.value("portraitbot_queue_depth") == 0
    assert page.value("portraitbot_workers") >= 1


def test_the_web_chat_has_an_icon_and_favicon_ico_is_not_a_404(site: tuple[str, dict[str, str]]) -> None:
    url, _ = site
    assert 'rel="icon"' in httpx.get(url + "/", timeout=10).text
    for path in ("/favicon.ico", "/static/favicon.svg"):
        answer = httpx.get(url + path, timeout=10)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg")


def test_a_web_portrait_downloads_under_a_name_that_says_what_it_is(
    site: tuple[str, dict[str, str]], worker: WorkerProcess
) -> None:
    url, _ = site
    portrait = portrait_via_web(url)
    names = [f["download"] for f in portrait["files"]]
    assert names == ["portrait-anime-1.jpg"], names
    assert all(f["name"] != f["download"] for f in portrait["files"]), "the stored name stays private"
