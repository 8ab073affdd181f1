"""`portraitbot worker` — the composition root of a worker process.

Reads settings once, connects to Redis (embedded when ``REDIS_URL`` is unset), builds one
shared ``httpx.AsyncClient``, the providers and the channel senders, installs the
per-process ``WorkerContext``, starts the sweep on the context's event loop, and runs a
non-forking RQ ``SimpleWorker`` (JSON serializer) on the queue of short chain steps.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import fields, replace
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # typed without loading Redis and the worker at start
    import redis

    from core.settings import Settings
    from worker.context import WorkerContext

BURST_IDLE_S = 0.2
"""In --burst mode, how often to look again for due work before exiting."""
REDIS_RETRY_S = 1.0
"""Pause before restarting the RQ loop after it stopped on an error."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""
    parser.add_argument("--burst", action="store_true",
                        help="exit once the queue is empty and nothing is in flight (tests, cron)")
    parser.add_argument("--processes", type=int, default=1, metavar="N",
                        help="run N worker processes (each polls hundreds of generations)")
    parser.add_argument("--sender-module", action="append", default=[], metavar="MODULE",
                        help="an extra module with build_sender(settings, redis) (e.g. a test sender)")
    parser.add_argument("--timing", action="append", default=[], metavar="NAME=SECONDS",
                        help="override a worker.timing.Timing value, e.g. submit_lease_s=5")
    parser.add_argument("--name", default=None, help="the RQ worker name (default: generated)")


def main(args: argparse.Namespace) -> int:
    if args.processes > 1:
        return _run_many(args)
    from core.settings import Settings

    settings = Settings.from_env(os.environ)
    _setup_logging(settings.log_level, settings.secrets)
    return run_worker(settings, burst=args.burst, sender_modules=args.sender_module,
                      timing_overrides=_parse_timing(args.timing), name=args.name)


def run_worker(
    settings: Settings,
    *,
    burst: bool = False,
    sender_modules: list[str] | None = None,
    timing_overrides: dict[str, float] | None = None,
    name: str | None = None,
) -> int:
    """Run one worker process until stopped (or, with ``burst``, until all work is done)."""
    import redis
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    import locales
    from engine.providers import build_providers
    from engine.styles_file import load_catalogue
    from portraitbot.senders import build_senders
    from worker import rqueue, shared_files
    from worker.alive import beat
    from worker.context import WorkerContext, install
    from worker.http import worker_client
    from worker.records import DUE
    from worker.redis_conn import connect
    from worker.sweep import Sweep
    from worker.timing import Timing

    class StoppableWorker(SimpleWorker):
        """A non-forking RQ worker that remembers it was asked to stop (SIGTERM/SIGINT)."""

        stopping = False

        def request_stop(self, signum: int, frame: FrameType | None) -> None:
            self.stopping = True
            super().request_stop(signum, frame)

    redis_client = connect(settings)
    shared_files.configure(redis_client, settings)
    timing = replace(Timing(), **(timing_overrides or {}))  # type: ignore[arg-type]
    client = worker_client(timing.http_connections)
    senders = build_senders(settings, redis_client, sender_modules or [])
    ctx = install(WorkerContext(
        redis=redis_client, settings=settings, providers=build_providers(settings, client),
        senders=senders, catalogues=locales.load(), styles=load_catalogue(settings),
        timing=timing, fal_webhook_url=_fal_webhook_url(settings, redis_client),
    )).start()
    install_channel_jobs(ctx)
    sweep = Sweep(ctx)
    sweep_done = ctx.spawn(sweep.run())
    # /healthz: alive while the loop runs; /stats: how many it has upstream.
    beat_done = ctx.spawn(beat(redis_client, sweep.stop, name, sweep.upstream))
    level = "DEBUG" if settings.log_level == "DEBUG" else "WARNING"
    try:
        while True:
            # RQ's loop returns on a stop request, when a burst is done, or after an error it
            # could not handle (e.g. Redis restarting mid-job): then start a fresh one.
            worker = StoppableWorker([rqueue.queue(redis_client)], connection=redis_client,
                                     serializer=JSONSerializer, name=name)
            try:
                worker.work(burst=burst, with_scheduler=False, logging_level=level)
            except redis.RedisError as error:
                logging.getLogger(__name__).warning("worker: Redis error %s; restarting loop",
                                                    type(error).__name__)
            if worker.stopping:
                break
            if burst and _drained(redis_client, rqueue.depth, DUE):
                break
            time.sleep(BURST_IDLE_S if burst else REDIS_RETRY_S)
    finally:
        sweep.stop.set()
        sweep_done.result(timeout=15)
        beat_done.result(timeout=5)
        ctx.run(client.aclose(), timeout=5)
        ctx.stop()
    return 0


def _drained(redis_client: redis.Redis, depth: Callable[[redis.Redis], int], due_key: str) -> bool:
    try:
        return bool(depth(redis_client) == 0 and redis_client.zcard(due_key) == 0)
    except Exception:
        return False


def _fal_webhook_url(settings: Settings, redis_client: redis.Redis) -> str | None:
    if not settings.public_url:
        return None
    from bot.falhook import webhook_url

    return webhook_url(settings, redis_client)


def _parse_timing(items: list[str]) -> dict[str, float]:
    from worker.timing import Timing

    known = {f.name: f.type for f in fields(Timing)}
    values: dict[str, float] = {}
    for item in items:
        name, _, value = item.partition("=")
        if name not in known:
            raise SystemExit(f"--timing: unknown name {name!r}; known: {', '.join(known)}")
        values[name] = int(value) if known[name] in ("int", int) else float(value)
    return values


def _setup_logging(level: str, secrets: tuple[str, ...]) -> None:
    # The one JSON-lines handler with secret redaction (the Telegram library logs its bot URL,
    # token included, at DEBUG); it also quiets httpx, which logs every request URL at INFO.
    from portraitbot.logs import setup_logging

    setup_logging(level, secrets)


def _run_many(args: argparse.Namespace) -> int:
    """Start N single-process workers as children and wait for them (SIGTERM is passed on)."""
    argv = [sys.executable, "-m", "portraitbot.cli", "worker"]
    argv += ["--burst"] if args.burst else []
    for module in args.sender_module:
        argv += ["--sender-module", module]
    for item in args.timing:
        argv += ["--timing", item]
    env = dict(os.environ)
    if not env.get("REDIS_URL"):
        # One embedded server for all children, started here and stopped when they are done.
        from core.settings import Settings
        from worker.redis_conn import EmbeddedRedis

        settings = Settings.from_env(os.environ)
        env["REDIS_URL"] = EmbeddedRedis.for_data_dir(settings.data_dir).start().url
    children = [subprocess.Popen(argv, env=env) for _ in range(args.processes)]

    def forward(signum: int, _frame: FrameType | None) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return max(child.wait() for child in children)


def install_channel_jobs(ctx: WorkerContext) -> None:
    """Give the channels' short RQ jobs (WeChat photo intake) the parts they run with."""
    from bot.wechat import jobs as wechat_jobs
    from bot.wechat.sender import WeChatSender, build_photo_source
    from portraitbot.app import build_conversation

    sender = ctx.senders.get("wechat")
    source = build_photo_source(ctx.settings, ctx.redis)
    if isinstance(sender, WeChatSender) and source is not None:
        conversation = build_conversation(ctx.settings, ctx.redis, ctx.catalogues)
        wechat_jobs.install(wechat_jobs.WeChatJobParts(conversation, sender, source, ctx.catalogues))
