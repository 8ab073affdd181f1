"""The per-process worker context: Redis, settings, providers, senders and one event loop.

A worker process builds it once in its composition root (``portraitbot worker``) and
``install``s it; RQ job functions reach it with ``current()``. Providers and senders are
async and share one ``httpx.AsyncClient``, so the context runs one asyncio loop in a
background thread: the sweep lives there, and the short RQ jobs (which run synchronously in
the worker's main thread) hand their coroutines to it with ``run``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

import redis

from core.i18n import Catalogues
from core.sender import Sender
from core.settings import Settings
from core.styles import Catalogue
from engine.providers.base import Provider
from worker.cadence import Cadence
from worker.metrics import Tally
from worker.owned import OwnedPolls
from worker.submits import SubmitLeases
from worker.timing import Timing

T = TypeVar("T")


@dataclass
class WorkerContext:
    """Everything a job needs, built once per process."""

    redis: redis.Redis
    settings: Settings
    providers: Mapping[str, Provider]
    senders: Mapping[str, Sender]
    catalogues: Catalogues
    styles: Catalogue
    timing: Timing = field(default_factory=Timing)
    fal_webhook_url: str | None = None
    """fal calls this when a request finishes (PUBLIC_URL set); polling stays the fallback."""
    owned: OwnedPolls = field(default_factory=OwnedPolls)
    """Generations this process polls from its own clock between status calls."""
    submitting: SubmitLeases = field(default_factory=SubmitLeases)
    """This process's submits on the wire: their leases are renewed while it lives."""
    cadence: Cadence = field(default_factory=Cadence)
    """When results of each model came, as this process saw: when to poll (worker/cadence.py)."""
    tally: Tally = field(default_factory=Tally)
    """Counters (outcomes, latency, spend) added up here and written in bulk (worker/metrics.py)."""
    stopping: bool = False
    """Set when the sweep stops: submits still waiting for a slot are left to other processes."""
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _id_photo: Any = field(default=None, repr=False)
    _submit_slots: asyncio.Semaphore | None = field(default=None, repr=False)

    def submit_slots(self) -> asyncio.Semaphore:
        """At most ``Timing.submit_concurrency`` submits at once (made on the loop, first use)."""
        if self._submit_slots is None:
            self._submit_slots = asyncio.Semaphore(self.timing.submit_concurrency)
        return self._submit_slots

    def id_photo_maker(self) -> Any:
        """engine's ID-photo compliance + print sheet step, built on first use (loads OpenCV)."""
        if self._id_photo is None:
            from engine.idfinish import default_id_photo

            self._id_photo = default_id_photo(self.settings) or False
        return self._id_photo or None

    def webhook_url(self, gen_id: str) -> str | None:
        """Where the provider may call back for this generation (the hook maps request ids)."""
        return self.fal_webhook_url

    def start(self) -> WorkerContext:
        """Run the event loop in a daemon thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.loop.run_forever, name="worker-loop", daemon=True
            )
            self._thread.start()
        return self

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the context's loop from a job (another thread) and wait for it."""
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> Future[Any]:
        """Start a coroutine on the loop without waiting (the sweep)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self) -> None:
        if self._thread is not None:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)
            self._thread = None


_current: WorkerContext | None = None


def install(context: WorkerContext) -> WorkerContext:
    """Make ``context`` the one this process's jobs use."""
    global _current
    _current = context
    return context


def current() -> WorkerContext:
    """The installed context; a job run outside ``portraitbot worker`` is a bug."""
    if _current is None:
        raise RuntimeError("no worker context installed in this process")
    return _current
