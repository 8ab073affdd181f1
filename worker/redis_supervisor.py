"""Keeps the embedded Redis of ``portraitbot run`` alive: restarted with backoff when it dies.

A thread checks the child every ``CHECK_EVERY_S``; when it has exited (or stops answering
``UNANSWERED_CHECKS`` times in a row) it is started again on the same socket and data
directory (its AOF brings the data back), waiting ``BACKOFF_S`` longer after each failed start
up to ``BACKOFF_MAX_S``. ``/healthz`` shows the state and the number of restarts; meanwhile
the web chat answers "busy, try again shortly" (bot/http.py) and the workers retry.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from core.errors import ConfigError
from worker.redis_conn import EmbeddedRedis

log = logging.getLogger(__name__)

CHECK_EVERY_S = 0.5
"""Seconds between checks; a dead server is noticed within this."""
UNANSWERED_CHECKS = 6
"""A live process that has not answered PING this many checks running (3 s) is restarted."""
BACKOFF_S = 0.5
"""Seconds before the first retry of a failed start; doubles each time."""
BACKOFF_MAX_S = 8.0


@dataclass
class RedisSupervisor:
    embedded: EmbeddedRedis
    restarts: int = 0
    state: str = "ok"
    """"ok", or "restarting" while the server is down."""
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> RedisSupervisor:
        global _CURRENT
        _CURRENT = self
        self._thread = threading.Thread(target=self._run, name="redis-supervisor", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop supervising (before the server itself is stopped on shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def health(self) -> dict[str, object]:
        return {"embedded_redis": self.state, "redis_restarts": self.restarts}

    def _run(self) -> None:
        unanswered = 0
        while not self._stop.wait(CHECK_EVERY_S):
            process = self.embedded.process
            exited = process is None or process.poll() is not None
            if not exited:
                unanswered = 0 if self.embedded.is_up() else unanswered + 1
                if unanswered < UNANSWERED_CHECKS:
                    continue
                log.warning("embedded redis: not answering; restarting it")
                process.kill()  # type: ignore[union-attr]
                process.wait()  # type: ignore[union-attr]
            else:
                log.warning("embedded redis: exited (%s); restarting it",
                            process.returncode if process is not None else "never started")
            unanswered = 0
            self._restart()

    def _restart(self) -> None:
        self.state = "restarting"
        wait = BACKOFF_S
        while not self._stop.is_set():
            try:
                self.embedded.start()
            except (ConfigError, OSError) as error:
                log.warning("embedded redis: restart failed (%s); again in %.1f s", error, wait)
                self._stop.wait(wait)
                wait = min(wait * 2, BACKOFF_MAX_S)
                continue
            self.restarts += 1
            self.state = "ok"
            log.info("embedded redis: running again (restart %d)", self.restarts)
            return


_CURRENT: RedisSupervisor | None = None


def current() -> RedisSupervisor | None:
    """The supervisor of this process's embedded Redis, if ``portraitbot run`` started one."""
    return _CURRENT
