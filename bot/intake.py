"""Photo intake off the server's request path: the check runs in its own processes, and a
request sent while that person's photo is still arriving waits for it.

Decoding a photo and looking for a face take 50-300 ms of pure Python/C work that holds the
GIL: run in a thread of the server, every other person's acknowledgement waited meanwhile
(WeCom callbacks at 50/s with a photo in every fifth: p99 839 ms). ``IntakePool`` runs
``PhotoDesk.accept`` in a few worker processes (``PHOTO_PROCESSES``, spawned on the first
photo), each with its own GIL and its own face detector; the server only hands over the bytes.

Every channel fetches a photo in the server process (never in the worker's queue, behind
generations), and marks it as *arriving* in Redis from the moment the message is seen until the
photo is the person's reference (``photo_arriving`` / ``photo_arrived``). The conversation
makes any other message of that person wait for it (``wait_for_photo``), so "photo, then
'make me anime' 1.5 s later" is never answered "send a selfie first". The mark is in Redis,
so it holds across server processes, and it lapses by itself (``PENDING_TTL_S``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import redis

from core.chat import PhotoRef
from core.errors import PortraitBotError, UserInputError
from worker import shared_files
from worker.redis_conn import KEY_PREFIX
from worker.store import Reference

log = logging.getLogger(__name__)

PENDING_TTL_S = 60
"""An arriving mark lapses after this long, whatever happened to the photo."""
WAIT_S = 30.0
"""A request waits at most this long for the same person's arriving photo."""
POLL_S = 0.05


def _pending_key(person_id: str) -> str:
    return f"{KEY_PREFIX}photo:arriving:" + hashlib.sha256(person_id.encode()).hexdigest()[:32]


def photo_arriving(client: redis.Redis, person_id: str) -> None:
    """A photo of this person was seen and is being fetched or checked."""
    pipe = client.pipeline(transaction=False)
    pipe.incr(_pending_key(person_id))
    pipe.expire(_pending_key(person_id), PENDING_TTL_S)
    pipe.execute()


def photo_arrived(client: redis.Redis, person_id: str) -> None:
    """That photo is the person's reference now (or could not be used)."""
    key = _pending_key(person_id)
    if int(client.decr(key)) <= 0:
        client.delete(key)


async def wait_for_photo(client: redis.Redis, person_id: str, timeout: float = WAIT_S) -> bool:
    """Until no photo of this person is arriving (at most ``timeout``); True if it waited."""
    key = _pending_key(person_id)
    if not client.exists(key):
        return False
    deadline = time.monotonic() + timeout
    while client.exists(key) and time.monotonic() < deadline:
        await asyncio.sleep(POLL_S)
    return True


# ---------------------------------------------------------------- the processes
_desk: Any = None
"""The PhotoDesk of an intake process (built once by ``_start``)."""


def _start(data_dir: str, detector_model: str | None) -> None:
    """In a fresh intake process: the desk and its detector, loaded before the first photo."""
    global _desk
    # Ctrl-C reaches the whole process group: the server ends this process itself (pool
    # shutdown, or the orphan watch), so a KeyboardInterrupt here would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from bot.photos import PhotoDesk
    from core.settings import Settings
    from engine.detector import build_detector

    model = Path(detector_model) if detector_model else None
    _desk = PhotoDesk(Path(data_dir), build_detector(Settings(face_detector_model=model)))
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True, name="orphan-watch").start()


def _exit_with(parent: int) -> None:
    """End this intake process when its server is gone, however the server ended (SIGKILL too)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _accept(person_id: str, data: bytes, source: PhotoRef | None) -> tuple[Any, ...]:
    """In an intake process: the Reference, or the product error to raise in the server
    (a PortraitBotError's params do not survive pickling on their own)."""
    try:
        return ("ok", _desk.accept(person_id, data, source))
    except PortraitBotError as error:
        return ("error", type(error), error.message_id, error.params)


def _ready() -> bool:
    return _desk is not None


class IntakePool:
    """``await pool.accept(person, data, ref)``: ``PhotoDesk.accept`` in other processes."""

    def __init__(self, data_dir: Path, detector_model: Path | None = None, processes: int = 1) -> None:
        self.data_dir = data_dir
        self.detector_model = detector_model
        self.processes = max(1, processes)
        self._pool: ProcessPoolExecutor | None = None

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: the server has threads and an event loop, which a fork would copy half-way.
            self._pool = ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                initargs=(str(self.data_dir), str(self.detector_model) if self.detector_model else None),
            )
        return self._pool

    async def warm(self) -> None:
        """Start the processes and load their detectors now, not on someone's first photo."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self.pool(), _ready) for _ in range(self.processes)))

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """For the server's lifetime: warmed in the background at start, stopped at the end."""
        warming = asyncio.ensure_future(self.warm())
        try:
            yield
        finally:
            warming.cancel()
            self.close(wait=True)

    async def accept(self, person_id: str, data: bytes, source: PhotoRef | None) -> Reference:
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(self.pool(), _accept, person_id, data, source)
        except BrokenProcessPool:
            # An intake process died (a decompression bomb past every cap, the OOM killer):
            # start fresh ones for the next photo; this one is not usable.
            log.warning("photo intake: an intake process died; starting new ones")
            self.close()
            raise UserInputError("intake.corrupt") from None
        if outcome[0] == "error":
            _, kind, message_id, params = outcome
            raise kind(message_id, **params)
        reference: Reference = outcome[1]
        # An intake process has no Redis: the server shares the photo for other hosts' workers.
        await asyncio.to_thread(shared_files.current().share, Path(reference.path))
        return reference

    def close(self, wait: bool = False) -> None:
        """Stop the processes; photos not yet started are dropped, the one in hand finishes."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None
