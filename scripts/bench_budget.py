"""Benchmark the daily USD cap under a burst: dollars fal charged at concurrency 40 and 200.

    .venv/bin/python scripts/bench_budget.py [--cap 1.0] [--concurrency 40 200] [--workers 2]

For each concurrency: a fresh embedded Redis, the fake fal queue (tests/fakes/fal_queue.py,
$0.08 per nano2 image, charged at submit), ``--workers`` real ``portraitbot worker``
processes, and that many people asking for one portrait at the same instant (one thread
each). Prints what fal charged, how many submits it accepted and what the bot's ledger says;
the charged dollars must never exceed the cap.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run(cap: float, concurrency: int, worker_count: int) -> tuple[float, int, float, int, float]:
    import redis
    from PIL import Image

    from core.chat import ChatTarget
    from core.errors import QuotaError
    from core.request import GenerationRequest
    from core.settings import Settings
    from tests.fakes.fal_queue import DEFAULT_KEY, FakeFalQueue
    from tests.fakes.recording_sender import deliveries
    from worker.ledger import Ledger
    from worker.queue import GenerationQueue
    from worker.redis_conn import EmbeddedRedis

    work = Path(tempfile.mkdtemp(prefix="pb-bench-budget-"))
    server = EmbeddedRedis(work / "redis").start()
    fake = FakeFalQueue()
    fake.run_seconds = 1.0
    data_dir = work / "data"
    reference = data_dir / "me.jpg"
    reference.parent.mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (170, 130, 110)).save(buffer, "JPEG")
    reference.write_bytes(buffer.getvalue())
    with fake.serve() as fal_url:
        env = {**os.environ, "REDIS_URL": server.url, "DATA_DIR": str(data_dir), "FAL_KEY": DEFAULT_KEY,
               "FAL_QUEUE_URL": fal_url, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING",
               "DAILY_BUDGET_USD": str(cap)}
        settings = Settings.from_env(env)
        procs = [subprocess.Popen([sys.executable, "-m", "portraitbot.cli", "worker", "--sender-module",
                                   "tests.fakes.recording_sender"], env=env, cwd=ROOT)
                 for _ in range(worker_count)]
        client = redis.Redis.from_url(server.url)
        try:
            time.sleep(2.0)  # let the workers import
            request = GenerationRequest(style="anime", model="nano2")

            def one(n: int) -> bool:
                queue = GenerationQueue(redis.Redis.from_url(server.url), settings)
                try:
                    queue.enqueue(ChatTarget("test", f"chat{n}", f"user{n}"), [request],
                                  reference=str(reference))
                except QuotaError:
                    return False
                return True

            started = time.time()
            with ThreadPoolExecutor(concurrency) as pool:
                queued = sum(pool.map(one, range(concurrency)))
            deadline = time.time() + 120
            while len(deliveries(client)) < queued and time.time() < deadline:
                time.sleep(0.1)
            elapsed = time.time() - started
            answered = len(deliveries(client))
            kinds = [d["kind"] for d in deliveries(client)]
            print(f"  {kinds.count('images')} portraits, {kinds.count('text')} texts", file=sys.stderr)
            if answered < queued:
                print(f"  only {answered} of {queued} people were answered in time", file=sys.stderr)
            spent = Ledger(client).spent_today()
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            server.stop()
    return fake.charged_usd, fake.submit_count(), spent, queued, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cap", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[40, 200])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"cap ${args.cap:.2f}, nano2 at $0.08, {args.workers} worker processes")
    print(f"{'concurrency':>11} {'fal charged $':>13} {'submits':>7} {'ledger $':>8} {'queued':>6} {'s':>5}")
    worst = 0.0
    for concurrency in args.concurrency:
        charged, submits, spent, queued, elapsed = run(args.cap, concurrency, args.workers)
        worst = max(worst, charged)
        print(f"{concurrency:>11} {charged:>13.2f} {submits:>7} {spent:>8.2f} {queued:>6} {elapsed:>5.1f}")
    print("cap held" if worst <= args.cap + 1e-9 else f"CAP BROKEN: ${worst:.2f} > ${args.cap:.2f}")


if __name__ == "__main__":
    main()
