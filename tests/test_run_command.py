"""`portraitbot run` as a newcomer runs it: no accounts, no Redis, one command. It says where the
web chat is, makes a portrait through the web API, stops everything on Ctrl-C, and a second run
on the same data directory still knows the person and their pictures."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.fakes import free_socket
from tests.fakes.worker_process import wait_for

ROOT = Path(__file__).resolve().parent.parent
FACE = (ROOT / "tests" / "images" / "face.jpg").read_bytes()
STOP_WITHIN_S = 15.0
"""Seconds Ctrl-C may take to bring down the server, the workers and the embedded Redis."""
ACCOUNT_VARS = ("FAL_", "TELEGRAM_", "WECHAT_", "BYTEPLUS_", "HEADSHOT_", "REDIS_URL", "PUBLIC_URL",
                "HTTP_", "DATA_DIR")


def fresh_machine_env(data_dir: Path) -> dict[str, str]:
    """This machine's environment with no accounts and no Redis: what a newcomer has."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ACCOUNT_VARS)}
    return {**env, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


class Run:
    """One ``portraitbot run`` process group, as a terminal would start it."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        sock = free_socket()
        self.port = sock.getsockname()[1]
        sock.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "portraitbot.cli", "run", "--port", str(self.port), "--host", "127.0.0.1"],
            env=fresh_machine_env(data_dir), cwd=ROOT, stdout=subprocess.PIPE,
            stderr=open(log, "ab"), start_new_session=True,  # noqa: SIM115
        )
        self.tree: list[psutil.Process] = []

    def banner(self) -> str:
        """stdout up to the 'Press Ctrl-C' line."""
        assert self.process.stdout is not None
        lines = []
        for raw in self.process.stdout:
            lines.append(raw.decode())
            if "Ctrl-C" in lines[-1]:
                break
        return "".join(lines)

    def healthy(self) -> dict[str, Any]:
        def up() -> dict[str, Any] | None:
            try:
                response = httpx.get(self.url + "/healthz", timeout=2)
            except httpx.HTTPError:
                return None
            return response.json() if response.status_code == 200 else None

        health: dict[str, Any] = wait_for(up, timeout=30, what="/healthz 200")
        self.tree = psutil.Process(self.process.pid).children(recursive=True)
        return health

    def ctrl_c(self, *, group: bool = True, signum: int = signal.SIGINT) -> float:
        """SIGINT to the foreground process group, as the terminal sends on Ctrl-C (or, with
        ``group=False``, to the main process only, as ``kill -INT`` does, or ``docker stop``
        with SIGTERM); seconds to exit."""
        started = time.monotonic()
        if group:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)
        self.process.wait(STOP_WITHIN_S)
        return time.monotonic() - started

    def kill(self) -> None:
        """Whatever is still running of this run (after a failed assertion), children first."""
        tree = list(self.tree)
        if self.process.poll() is None:
            main = psutil.Process(self.process.pid)
            tree += [*main.children(recursive=True), main]
        for proc in tree:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        if self.process.poll() is None:
            self.process.wait(5)


@contextmanager
def portraitbot_run(data_dir: Path, log: Path) -> Iterator[Run]:
    run = Run(data_dir, log)
    try:
        yield run
    finally:
        run.kill()


def still_running(processes: list[psutil.Process], grace_s: float = 3.0) -> list[str]:
    """Processes of the tree still alive ``grace_s`` after the stop: multiprocessing's resource
    tracker (the photo intake pool's) ends on its own once its parent is gone, a moment later."""
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and _alive(processes):
        time.sleep(0.1)
    return _alive(processes)


def _alive(processes: list[psutil.Process]) -> list[str]:
    alive = []
    for proc in processes:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(" ".join(proc.cmdline()))
        except psutil.NoSuchProcess:
            pass
    return alive


def leftovers_using(data_dir: Path) -> list[str]:
    """Processes anywhere on the machine whose command line names this data directory."""
    found = []
    for proc in psutil.process_iter(["cmdline", "environ"]):
        try:
            line = " ".join(proc.info["cmdline"] or [])
            environ = proc.info["environ"] or {}
            zombie = proc.status() == psutil.STATUS_ZOMBIE
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if (str(data_dir) in line or environ.get("DATA_DIR") == str(data_dir)) and not zombie:
            found.append(line)
    return found


def images_in_feed(client: httpx.Client) -> list[dict[str, Any]]:
    events = client.get("/api/events", params={"after": "0-0"}).json()["events"]
    return [e for e in events if e.get("type") == "images"]


def say(client: httpx.Client, text: str | None = None, photo: bytes | None = None) -> list[str]:
    files = {"photo": ("face.jpg", photo, "image/jpeg")} if photo else None
    response = client.post("/api/message", data={"text": text or "", "lang": "en"}, files=files)
    assert response.status_code == 200, response.text
    return [r["text"] for r in response.json()["replies"]]


@pytest.mark.slow
def test_one_command_makes_a_portrait_stops_on_ctrl_c_and_remembers_it_next_time(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with portraitbot_run(data_dir, tmp_path / "run-1.log") as run:
        banner = run.banner()
        assert f"Web chat: {run.url}/" in banner, banner
        assert "offline preview engine" in banner
        # The address is printed once the server answers: opening it at once works.
        assert httpx.get(run.url + "/healthz", timeout=2).status_code in (200, 503)
        assert httpx.get(run.url + "/", timeout=2).status_code == 200
        health = run.healthy()
        assert health["workers"] >= 1 and health["redis"] == "ok"
        names = " ".join(" ".join(p.cmdline()) for p in run.tree)
        assert "redis-server" in names and " worker" in names, names

        with httpx.Client(base_url=run.url, timeout=10) as browser:
            assert browser.get("/").status_code == 200  # the page hands out the session cookie
            say(browser, photo=FACE)
            ack = say(browser, "make me anime")
            assert any("Anime" in text for text in ack), ack
            (portrait,) = wait_for(lambda: images_in_feed(browser), timeout=30, what="the portrait")
            picture = browser.get(f"/media/{portrait['files'][0]['name']}")
            assert picture.status_code == 200 and picture.headers["content-type"].startswith("image/")
            cookie = dict(browser.cookies)

        took = run.ctrl_c()
        assert took < STOP_WITHIN_S
        assert still_running(run.tree) == [], "Ctrl-C leaves no redis-server or worker behind"
        assert leftovers_using(data_dir) == []
    log = (tmp_path / "run-1.log").read_text()
    assert "Traceback" not in log, "a clean stop, not a crash"
    assert "Redis unavailable" not in log, "Redis stops last, after the workers"

    with portraitbot_run(data_dir, tmp_path / "run-2.log") as again:
        again.banner()
        again.healthy()
        with httpx.Client(base_url=again.url, timeout=10, cookies=cookie) as browser:
            (kept,) = images_in_feed(browser)
            assert kept["files"] == portrait["files"], "the feed survived the restart (AOF)"
            quota = " ".join(say(browser, "/quota"))
            assert re.search(r"used 1 of \d+ images", quota), quota
        assert again.ctrl_c(group=False) < STOP_WITHIN_S
        assert still_running(again.tree) == [], "the main process stops its children itself"


@pytest.mark.slow
def test_sigterm_as_docker_and_systemd_send_it_stops_the_workers_and_redis_too(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with portraitbot_run(data_dir, tmp_path / "run.log") as run:
        run.banner()
        run.healthy()
        assert len(run.tree) >= 2, "a worker and the embedded redis-server run under it"
        assert run.ctrl_c(group=False, signum=signal.SIGTERM) < STOP_WITHIN_S
        assert run.process.returncode == 0
        assert still_running(run.tree) == [], "SIGTERM leaves no redis-server or worker behind"
        assert leftovers_using(data_dir) == []


def test_the_first_run_says_it_is_installing_and_later_runs_say_nothing(tmp_path: Path) -> None:
    """scripts/bootstrap on a checkout whose ./.venv has no packages yet (pip stands in)."""
    (tmp_path / "scripts").mkdir()
    bootstrap = tmp_path / "scripts" / "bootstrap"
    bootstrap.write_bytes((ROOT / "scripts" / "bootstrap").read_bytes())
    bootstrap.chmod(0o755)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text('#!/bin/sh\necho "$@" >> "$(dirname "$0")/../pip.log"\n')
    python.chmod(0o755)

    first = subprocess.run([str(bootstrap)], capture_output=True, text=True, timeout=30, check=True)
    assert "Installing" in first.stderr and "first run only" in first.stderr, first.stderr
    assert "install" in (tmp_path / ".venv" / "pip.log").read_text()
    again = subprocess.run([str(bootstrap)], capture_output=True, text=True, timeout=30, check=True)
    assert again.stderr == "" and again.stdout == "", "an installed .venv starts without a word"
