"""`portraitbot run` — everything in one process tree: embedded Redis (unless REDIS_URL),
a worker process, and the HTTP server with Telegram polling in this process."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from portraitbot.options import add_listen_arguments

    add_listen_arguments(parser)
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")


def main(args: argparse.Namespace) -> int:
    import os
    import signal
    import subprocess
    import sys
    import threading
    import time
    from dataclasses import replace

    from portraitbot.app import serve
    from portraitbot.options import listen_settings, load_settings, start_logging
    from worker.redis_conn import EmbeddedRedis, connect
    from worker.redis_supervisor import RedisSupervisor

    settings = listen_settings(load_settings(), args)
    start_logging(settings)
    embedded = supervisor = None
    if not settings.redis_url:
        embedded = EmbeddedRedis.for_data_dir(settings.data_dir).start()
        supervisor = RedisSupervisor(embedded).start()  # restarted if it dies
        settings = replace(settings, redis_url=embedded.url)
    env = {**os.environ, "REDIS_URL": settings.redis_url, "DATA_DIR": str(settings.data_dir)}
    workers = [
        subprocess.Popen([sys.executable, "-m", "portraitbot.cli", "worker"], env=env)
        for _ in range(max(1, args.workers))
    ]
    engine = "offline preview engine" if not settings.has_any_provider_key else "configured providers"
    print("Starting PortraitBot…", flush=True)
    banner = (
        f"PortraitBot is running with the {engine}.\n"
        f"  Web chat: http://{settings.http_host}:{settings.http_port}/\n"
        f"  Data:     {settings.data_dir.resolve()}\n"
        "  Press Ctrl-C to stop."
    )
    # The address is printed once the server answers: a link that is opened at once must work.
    threading.Thread(target=_announce_when_up, args=(_health_url(settings), banner), daemon=True).start()
    # uvicorn handles SIGTERM itself and then raises it again once it has stopped; with the
    # default action that would end this process before it stops its children, leaving the
    # workers and the embedded redis-server running (docker and systemd stop with SIGTERM).
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        serve(settings, connect(settings))
    except SystemExit:
        pass
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + WORKER_STOP_S
        for worker in workers:
            try:
                worker.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.kill()  # its leased steps are taken up again by the next worker
                worker.wait()
        if supervisor is not None:
            supervisor.stop()
        if embedded is not None:
            embedded.stop()
    return 0


WORKER_STOP_S = 8.0
"""Seconds the workers get, all together, to finish their steps on Ctrl-C or SIGTERM before
they are killed: a stop stays quick on a busy machine, and every step is leased, so a killed
worker's generation is picked up again (the SIGKILL tests)."""


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)


BANNER_WAIT_S = 120.0
"""Seconds the banner waits for the server to answer /healthz (then it says so and gives up)."""


def _health_url(settings: object) -> str:
    host = str(getattr(settings, "http_host", "127.0.0.1"))
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"  # listening everywhere: this machine is one of them
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{getattr(settings, 'http_port', 8080)}/healthz"


def _announce_when_up(health_url: str, banner: str) -> None:
    """Print ``banner`` as soon as ``health_url`` answers at all (503 while no worker is up
    still means the page opens)."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + BANNER_WAIT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(health_url, timeout=2):
                break
        except urllib.error.HTTPError:
            break  # it answered
        except OSError:
            time.sleep(0.1)
    else:
        print(f"The server did not answer {health_url} within {BANNER_WAIT_S:.0f} s; see the log above.",
              flush=True)
        return
    print(banner, flush=True)
