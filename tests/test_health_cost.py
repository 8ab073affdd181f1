"""``/healthz`` costs the same at any size of the keyspace: a load balancer asks it every few
seconds, and a ``SCAN`` of ``pb:alive:*`` took 1.6 s at a million keys, stalling every chat
meanwhile. Records live as long as ``RETENTION_DAYS`` says, not a fixed month."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import redis

from core.chat import ChatTarget
from core.request import GenerationRequest
from core.settings import Settings
from tests.test_http_ops import offline_env, site  # noqa: F401  (fixture)
from worker.alive import ALIVE_KEY
from worker.queue import GenerationQueue
from worker.records import gen_key, group_key

JUNK_KEYS = 60_000


def test_healthz_asks_redis_two_commands_whatever_the_keyspace(
    site: tuple[str, dict[str, str]], redis_client: redis.Redis,  # noqa: F811
) -> None:
    url, _ = site
    with redis_client.pipeline(transaction=False) as pipe:
        for i in range(JUNK_KEYS):
            pipe.set(f"pb:alive:old-{i}", 1)
            if i % 5000 == 0:
                pipe.execute()
        pipe.execute()
    redis_client.zadd(ALIVE_KEY, {"host:1": time.time()})
    redis_client.config_resetstat()
    started = time.monotonic()
    health = httpx.get(url + "/healthz")
    took = time.monotonic() - started
    assert health.status_code == 200 and health.json()["workers"] == 1
    stats = redis_client.info("commandstats")
    setup = {"cmdstat_info", "cmdstat_config", "cmdstat_hello", "cmdstat_client", "cmdstat_select"}
    used = {name: entry["calls"] for name, entry in stats.items() if name not in setup}
    assert used == {"cmdstat_ping": 1, "cmdstat_zcount": 1}
    assert took < 0.5


def test_records_live_as_long_as_retention_days(redis_url: str, data_dir: Path) -> None:
    env = {**offline_env(redis_url, data_dir), "RETENTION_DAYS": "2"}
    client = redis.Redis.from_url(redis_url)
    queue = GenerationQueue(client, Settings.from_env(env))
    person = ChatTarget(channel="test", chat_id="c1", user_id="u1", language="en")
    ticket = queue.enqueue(person, [GenerationRequest(style="anime", model="offline")], reference=None)
    for record in (gen_key(ticket.generation_ids[0]), group_key(ticket.group_id)):
        assert 2 * 86400 - 60 <= client.ttl(record) <= 2 * 86400
