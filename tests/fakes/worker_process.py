"""Real ``portraitbot worker`` processes for tests: start, SIGKILL, wait for a condition."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FAST_TIMING = {
    "submit_lease_s": 2.0,
    "poll_lease_s": 2.0,
    "deliver_lease_s": 2.0,
    "first_poll_factor": 0.01,
    "poll_interval_s": 0.2,
    "poll_interval_max_s": 0.5,
    "sweep_tick_s": 0.05,
}
"""Test timing: leases of two seconds, so a killed worker's step is taken over quickly."""


def worker_env(redis_url: str, data_dir: Path, fal_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker that talks to test Redis and the fake fal queue."""
    from tests.fakes.fal_queue import DEFAULT_KEY

    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAL_", "TELEGRAM_", "WECHAT_"))}
    env.update(
        REDIS_URL=redis_url, DATA_DIR=str(data_dir), FAL_KEY=DEFAULT_KEY, FAL_QUEUE_URL=fal_url,
        PYTHONPATH=str(ROOT), LOG_LEVEL="INFO", **extra,
    )
    return env


class WorkerProcess:
    """One ``portraitbot worker`` child process."""

    def __init__(self, env: Mapping[str, str], timing: Mapping[str, float] | None = None,
                 log_path: Path | None = None) -> None:
        args = [sys.executable, "-m", "portraitbot.cli", "worker",
                "--sender-module", "tests.fakes.recording_sender"]
        for name, value in {**FAST_TIMING, **(timing or {})}.items():
            args += ["--timing", f"{name}={value}"]
        self.log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(args, env=dict(env), cwd=ROOT, stdout=self.log,
                                        stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye — as a crash or the OOM killer would."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.log is not subprocess.DEVNULL:
            self.log.close()  # type: ignore[union-attr]


@contextmanager
def workers(env: Mapping[str, str], log_dir: Path, **kwargs: Any) -> Iterator[Callable[[], WorkerProcess]]:
    """A factory of worker processes; all of them are stopped at the end."""
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        process = WorkerProcess(env, log_path=log_dir / f"worker-{len(started)}.log", **kwargs)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop()


def wait_for(condition: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    """Poll ``condition`` until it is truthy; its value, or AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")
