"""Files several hosts need, kept in Redis beside the disk: with ``SHARED_FILES=redis``, servers
and workers on different machines share nothing but Redis.

Who writes what, and who reads it elsewhere:

* a reference photo: the server (or worker) that took it in; a worker submitting for it;
* a finished image: the worker that fetched it; the worker delivering it (after a takeover it
  may be another host's), likeness checks, "more like this";
* the web's copy of a result: the worker delivering it; the server the browser asks.

Every file written under ``DATA_DIR`` through ``put`` is also one Redis key,
``pb:file:<path under DATA_DIR>``, for ``SHARED_FILES_HOURS``; ``local`` gives a path that
exists on this host, writing this host's copy from Redis first when only another host had it.
Each folder has an index set (``pb:files:<folder>``), so a person's folder (/forget) goes
without a SCAN. A file over ``MAX_SHARED_BYTES`` stays on its host's disk only (logged).
With sharing off every call is a plain disk operation: one host needs no Redis copies.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import redis

from core.settings import Settings
from worker.redis_conn import key

log = logging.getLogger(__name__)

LAYOUTS = (("photos",), ("web",), ("output", "images"))
"""The folders under DATA_DIR whose files are shared, each followed by one folder level (a
person's hashed id, a web session, a day) and the file: ``photos/<person>/<file>``,
``web/<session>/<file>``, ``output/images/<day>/<file>``."""

GONE_KEY = key("files", "gone")
GONE_KEPT_S = 31 * 86400
"""Seconds a forgotten name stays listed: longer than any host keeps a file (RETENTION_DAYS,
at most 30 for records), so a host that was down meanwhile still deletes its copies."""
GONE_CHECK_S = 5.0
"""Seconds between two looks at what other hosts forgot (one ZRANGEBYSCORE)."""
MAX_SHARED_BYTES = 40 * 1024 * 1024
"""Largest file kept in Redis: the largest result image a provider may send (engine.providers.http)."""


class SharedFiles:
    """The files under one host's ``data_dir``, mirrored in Redis when ``client`` is given."""

    def __init__(self, client: redis.Redis | None, data_dir: Path, lifetime_s: float = 0.0) -> None:
        self.client = client
        self.data_dir = Path(data_dir)
        self.lifetime_s = int(lifetime_s) or 1
        self._gone_seen = 0.0
        self._gone_done: set[str] = set()

    @classmethod
    def of(cls, client: redis.Redis, settings: Settings) -> SharedFiles:
        """Sharing as the settings say (``SHARED_FILES``)."""
        shared = settings.shared_files == "redis"
        return cls(client if shared else None, Path(settings.data_dir), settings.shared_files_hours * 3600)

    @property
    def shared(self) -> bool:
        return self.client is not None

    def put(self, path: Path, data: bytes) -> None:
        """Write ``path`` atomically on this host and, when shared, in Redis."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part")
        temporary.write_bytes(data)  # its own temporary name: two writers of one file never collide
        os.replace(temporary, path)
        self.share(path, data)

    def share(self, path: Path, data: bytes | None = None) -> None:
        """Copy a file this host already wrote to Redis (no-op when not shared)."""
        name = self._name(path)
        if self.client is None or name is None:
            return
        if data is None:
            data = path.read_bytes()
        if len(data) > MAX_SHARED_BYTES:
            log.warning("a %d MB file stays on this host only", len(data) >> 20)
            return
        folder = name.rpartition("/")[0]
        pipe = self.client.pipeline(transaction=False)
        pipe.set(key("file", name), data, ex=self.lifetime_s)
        pipe.sadd(key("files", folder), name)
        pipe.expire(key("files", folder), self.lifetime_s)
        pipe.execute()

    def local(self, path: str | Path) -> Path:
        """``path`` on this host. A path another host wrote (its own DATA_DIR) means the same
        file under this host's: present, or written from Redis first. A file neither has
        comes back as a missing path (reading it raises OSError, as before)."""
        path = Path(path)
        if self.client is None or (name := self._name(path)) is None:
            return path
        own = self.data_dir / name
        if own.is_file():
            return own
        data = self.client.get(key("file", name))
        if not isinstance(data, bytes):
            return own if self._mine(path) else path
        own.parent.mkdir(parents=True, exist_ok=True)
        temporary = own.with_name(f"{own.name}.{os.getpid()}.part")
        temporary.write_bytes(data)
        os.replace(temporary, own)
        return own

    def read(self, path: str | Path) -> bytes:
        """The file's bytes, from this host or from Redis; OSError when neither has it."""
        return self.local(path).read_bytes()

    def delete(self, paths: Iterable[str | Path]) -> None:
        """Delete files here, their Redis copies, and (``gone``) every other host's copy."""
        names = []
        for path in paths:
            Path(path).unlink(missing_ok=True)
            if (name := self._name(Path(path))) is not None:
                names.append(name)
                (self.data_dir / name).unlink(missing_ok=True)
        if self.client is not None and names:
            pipe = self.client.pipeline(transaction=False)
            pipe.delete(*(key("file", n) for n in names))
            for name in names:
                pipe.srem(key("files", name.rpartition("/")[0]), name)
            pipe.execute()
            self._gone(names)

    def delete_folder(self, folder: Path) -> None:
        """Every copy of a folder's files on every host (/forget of a person's photos or web
        copies); this host's folder itself is the caller's to remove."""
        name = self._name(folder.joinpath("x"))
        if self.client is None or name is None:
            return
        folder_name = name.rpartition("/")[0]
        index = key("files", folder_name)
        members = [m.decode() if isinstance(m, bytes) else str(m) for m in self.client.smembers(index)]
        self.client.delete(index, *(key("file", m) for m in members))
        self._gone([folder_name])

    def _gone(self, names: list[str]) -> None:
        """Tell every host to delete its disk copies of ``names`` (files or folders), by digest:
        the list names no person, so it is no trace of one. Kept as long as a copy may live."""
        at = time.time()
        pipe = self.client.pipeline(transaction=False)  # type: ignore[union-attr]
        pipe.zadd(GONE_KEY, {digest(n): at for n in names})
        pipe.zremrangebyscore(GONE_KEY, 0, at - GONE_KEPT_S)
        pipe.execute()

    def clear_gone(self) -> int:
        """Delete this host's copies of what another host forgot since the last call (the
        worker's sweep and the server call it every few seconds); how many went."""
        if self.client is None:
            return 0
        now_s = time.time()
        fresh = self.client.zrangebyscore(GONE_KEY, self._gone_seen, "+inf")
        self._gone_seen = now_s - 1.0  # overlap: an entry added meanwhile is seen next time
        wanted = {m.decode() if isinstance(m, bytes) else str(m) for m in fresh}
        wanted -= self._gone_done
        if not wanted:
            return 0
        removed = 0
        for name, path in self._copies():
            if digest(name) in wanted:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                removed += 1
        self._gone_done = wanted
        return removed

    def _copies(self) -> Iterable[tuple[str, Path]]:
        """Each shared folder (``photos/<person>``, ``web/<session>``) and result file on this host."""
        for layout in LAYOUTS:
            root = self.data_dir.joinpath(*layout)
            if not root.is_dir():
                continue
            for folder in root.iterdir():
                name = "/".join((*layout, folder.name))
                yield name, folder
                if folder.is_dir():
                    for file in folder.iterdir():
                        yield f"{name}/{file.name}", file

    def _mine(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.data_dir.resolve())
        except ValueError:
            return False
        return True

    def _name(self, path: Path) -> str | None:
        """The path under DATA_DIR (``photos/ab12…/cd34….jpg``): under this host's, or by the
        layout every host shares (LAYOUTS) for a path another host's DATA_DIR named. None
        for anything else."""
        try:
            return path.resolve().relative_to(self.data_dir.resolve()).as_posix()
        except ValueError:
            pass
        parts = path.parts
        for layout in LAYOUTS:
            depth = len(layout) + 2
            if len(parts) > depth and parts[-depth:-2] == layout and ".." not in parts[-2:]:
                return "/".join(parts[-depth:])
        return None


def digest(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:32]


_HOST = SharedFiles(None, Path("."))
"""This process's files: disk only until ``configure`` (the server and the worker call it once
at start, from the settings)."""


def configure(client: redis.Redis, settings: Settings) -> SharedFiles:
    """Set this process's files from the settings (``SHARED_FILES``); returns them."""
    global _HOST
    _HOST = SharedFiles.of(client, settings)
    return _HOST


def current() -> SharedFiles:
    return _HOST


def local(path: str | Path) -> Path:
    """``current().local(path)``: the file on this host, fetched from Redis when only another had it."""
    return _HOST.local(path)


async def keep_clearing(files: SharedFiles) -> None:
    """The server's loop of ``clear_gone`` (workers do it in their sweep): until cancelled."""
    while True:
        await asyncio.sleep(GONE_CHECK_S)
        try:
            await asyncio.to_thread(files.clear_gone)
        except (OSError, redis.RedisError) as error:
            log.warning("forgotten files not cleared yet (%s); tried again shortly", type(error).__name__)


@contextlib.asynccontextmanager
async def clearing_gone() -> AsyncIterator[None]:
    """A server background part: this host's copies of forgotten files go within seconds."""
    task = asyncio.create_task(keep_clearing(_HOST)) if _HOST.shared else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
