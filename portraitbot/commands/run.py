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
    print(
        f"PortraitBot is running with the {engine}.\n"
        f"  Web chat: http://{settings.http_host}:{settings.http_port}/\n"
        f"  Data:     {settings.data_dir.resolve()}\n"
        "  Press Ctrl-C to stop.",
        flush=True,
    )
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
        for worker in workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
        if supervisor is not None:
            supervisor.stop()
        if embedded is not None:
            embedded.stop()
    return 0


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)
