"""Retention: photos and results are deleted automatically ``RETENTION_DAYS`` after they were
stored (default 30, documented in the README; 0 keeps them until /forget).

The worker's sweep calls ``due`` often and ``purge`` runs at most once an hour across all
workers (a Redis lock). It deletes by file age under the folders that hold people's pictures:
reference photos (``photos/``), finished results (``output/``) and the web chat's copies
(``web/``). Records in Redis expire on their own TTL (``records.record_ttl_s``: RETENTION_DAYS, at most 30).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import time
from pathlib import Path

import redis

from worker.redis_conn import key

log = logging.getLogger(__name__)

PEOPLES_FOLDERS = ("photos", "output", "web")
"""Folders under DATA_DIR holding a person's photos and results."""
PURGE_EVERY_S = 3600
"""Seconds between purges (one worker does it; the others see the lock)."""


def purge(data_dir: Path, retention_days: float, now: float | None = None) -> int:
    """Delete people's files older than ``retention_days``; return how many went."""
    if retention_days <= 0:
        return 0
    cutoff = (time.time() if now is None else now) - retention_days * 86400
    removed = 0
    for folder in PEOPLES_FOLDERS:
        root = Path(data_dir) / folder
        if not root.is_dir():
            continue
        for parent, _dirs, files in os.walk(root, topdown=False):
            for name in files:
                path = Path(parent) / name
                try:
                    if path.lstat().st_mtime < cutoff:
                        path.unlink()
                        removed += 1
                except FileNotFoundError:
                    continue
            if Path(parent) != root:
                with contextlib.suppress(OSError):
                    os.rmdir(parent)  # only succeeds once it is empty
    if removed:
        log.info("retention: deleted %d photos and results older than %s days", removed, retention_days)
    return removed


def due(client: redis.Redis, data_dir: Path | None = None) -> bool:
    """True for the one worker whose turn it is to purge (at most once per PURGE_EVERY_S) on
    this host: the lock is per host and DATA_DIR, since hosts with their own disks
    (SHARED_FILES=redis) each purge their own."""
    host = hashlib.sha256(f"{socket.gethostname()}:{Path(data_dir or '.').resolve()}".encode()).hexdigest()[:16]
    return bool(client.set(key("retention", "lock", host), "1", nx=True, ex=PURGE_EVERY_S))
