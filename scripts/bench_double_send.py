"""How often a worker SIGKILLed while it sends a portrait to Telegram makes the person get it twice.

    .venv/bin/python scripts/bench_double_send.py [--trials 20] [--answer-delay 1.5]

Each trial: one generation (fake fal, nano2) for its own Telegram chat, delivered by a real
``portraitbot worker`` through python-telegram-bot to the fake Bot API, whose sendPhoto puts the
photo in the chat at once and answers ``--answer-delay`` seconds later (Telegram processing a
big photo). The worker is SIGKILLed at a moment drawn uniformly over the life of a generation
(enqueue to Telegram's answer, measured by a first unkilled one): in its submit, its polls or
its send. A new worker takes over once a lease runs out, and the script counts the photos that
reached the chat.

Every sent step is recorded in Redis as soon as Telegram answers, and the delivery lease is
renewed while an upload runs, so what remains is the one call in flight: a kill after Telegram
took the photo but before its answer came back. Nothing tells the bot then whether the photo
arrived (the Bot API has no idempotency key and no way to list the bot's own messages), and
the bot resends rather than risk losing the picture. Prints, per outcome, how many trials.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--answer-delay", type=float, default=1.5)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    random.seed(options.seed)

    import redis
    from PIL import Image

    from core.settings import Settings
    from tests.fakes.fal_queue import DEFAULT_KEY, FakeFalQueue
    from tests.fakes.telegram_api import FakeBotApi
    from tests.fakes.worker_process import FAST_TIMING
    from worker.queue import GenerationQueue
    from worker.redis_conn import EmbeddedRedis

    work = Path(tempfile.mkdtemp(prefix="pb-bench-double-"))
    server = EmbeddedRedis(work / "redis").start()
    data_dir = work / "data"
    reference = data_dir / "me.jpg"
    reference.parent.mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (170, 130, 110)).save(buffer, "JPEG")
    reference.write_bytes(buffer.getvalue())
    fal, bot = FakeFalQueue(), FakeBotApi()
    fal.run_seconds = 0.3
    bot.answer_delay = {"sendPhoto": options.answer_delay, "sendMediaGroup": options.answer_delay}
    outcomes: dict[str, int] = {}
    with fal.serve() as fal_url, bot.serve() as bot_url:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FAL_", "TELEGRAM_"))}
        env.update(REDIS_URL=server.url, DATA_DIR=str(data_dir), FAL_KEY=DEFAULT_KEY, FAL_QUEUE_URL=fal_url,
                   TELEGRAM_BOT_TOKEN=bot.token, TELEGRAM_API_URL=bot_url, PYTHONPATH=str(ROOT),
                   LOG_LEVEL="WARNING")
        client = redis.Redis.from_url(server.url)
        queue = GenerationQueue(client, Settings.from_env(env))
        log = open(work / "workers.log", "ab")  # noqa: SIM115
        worker = start_worker(env, FAST_TIMING, log)
        try:
            # One trial unkilled: how long a generation takes from enqueue to the photo's answer.
            run_trial(queue, client, bot, reference, 4998, lambda: None)  # the worker starting up
            took = run_trial(queue, client, bot, reference, 4999, lambda: None)
            print(f"an unkilled generation takes {took:.2f} s from enqueue to Telegram's answer")
            for trial in range(options.trials):
                chat = 5000 + trial
                at = random.uniform(0, took)
                state = {}

                def kill(at: float = at, chat: int = chat, state: dict = state) -> None:
                    nonlocal worker
                    worker.kill()
                    worker.wait(10)
                    state["phase"] = ("after Telegram had the photo" if photos(bot, chat) else
                                      "before Telegram had the photo")
                    worker = start_worker(env, FAST_TIMING, log)

                run_trial(queue, client, bot, reference, chat, kill, at)
                got = len(photos(bot, chat))
                name = {0: "lost", 1: "once"}.get(got, "twice")
                key = f"killed {state['phase']}: {name}"
                outcomes[key] = outcomes.get(key, 0) + 1
                print(f"trial {trial + 1:>3}: killed at {at:.2f} s, {key}", flush=True)
        finally:
            worker.kill()
            server.stop()
    print(f"\n{options.trials} trials, answer delay {options.answer_delay} s:")
    for key, count in sorted(outcomes.items()):
        print(f"  {count:>4}  {key}")
    twice = sum(c for k, c in outcomes.items() if k.endswith("twice"))
    lost = sum(c for k, c in outcomes.items() if k.endswith("lost"))
    print(f"  sent twice {twice}/{options.trials} ({100 * twice / options.trials:.0f} %), lost {lost}")


def run_trial(queue, client, bot, reference, chat: int, kill, at: float = 0.0) -> float:  # type: ignore[no-untyped-def]
    """Enqueue one generation for ``chat``; call ``kill`` ``at`` seconds later (once); wait
    until it is delivered. Returns the seconds from enqueue to delivered."""
    from core.chat import ChatTarget
    from core.request import GenerationRequest
    from worker.records import Records

    started = time.monotonic()
    ticket = queue.enqueue(ChatTarget("telegram", str(chat), str(chat), language="en"),
                           [GenerationRequest(style="anime", model="nano2")], reference=str(reference))
    records = Records(client)
    killed = False
    deadline = started + 90
    while True:
        group = records.group(ticket.group_id)
        if group is not None and group.state == "delivered" and (killed or not at):
            return time.monotonic() - started
        if not killed and at and time.monotonic() - started >= at:
            kill()
            killed = True
        if time.monotonic() > deadline:
            raise SystemExit("timed out: see the workers' log")
        time.sleep(0.01)


def start_worker(env: dict[str, str], timing: dict[str, float], log: object):  # type: ignore[no-untyped-def]
    import subprocess

    args = [sys.executable, "-m", "portraitbot.cli", "worker"]
    for name, value in timing.items():
        args += ["--timing", f"{name}={value}"]
    return subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # type: ignore[arg-type]


def photos(bot: object, chat: int) -> list[dict]:
    return [m for m in bot.sent_to(chat) if "photo" in m]  # type: ignore[attr-defined]


def wait(predicate, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out: see the workers' log")
        time.sleep(0.02)


if __name__ == "__main__":
    main()
