"""Benchmark the money race: charged-then-cancelled generations with several worker processes.

    .venv/bin/python scripts/bench_money_race.py [--generations 5000] [--processes 4]

Runs ``--processes`` ``portraitbot worker`` processes against the fake fal queue (its own
process) with a short submit lease, and provokes the races a lease has to survive:

* **slow submits** — a share of submits (``--slow-share``) is answered only after
  ``--slow-s`` seconds, longer than the lease, although fal accepted (and charged) them at once;
* **killed submits** — a share (``--killed-share``) is refused by fal's ingress with a 503
  before anything is accepted (the provider retries them);
* **restarted workers** — every ``--restart-every-s`` one worker gets SIGTERM (a deploy) and a
  fresh one starts; with ``--sigkill`` it is SIGKILLed instead, which can lose a submit that
  was on the wire (fal charged it, its answer died with the process: the documented
  one-request window, counted apart as "charged, answer died with a killed process").

Prints what fal accepted (charged), what was delivered, charged-then-cancelled (a request fal
charged whose picture nobody got: cancelled by the worker, failed as ``submit_lost`` while its
submit was alive, or charged twice for one generation) and lost (asked for, never delivered).
Exit status 0 when charged-then-cancelled and lost are both 0.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODEL = "nanopro"


def serve_fake(args: argparse.Namespace) -> None:
    """The fake fal, with some slow and some refused submits; prints its books at the end."""
    import asyncio
    import socket

    from starlette.requests import Request
    from starlette.responses import Response

    from tests.fakes import ServerThread
    from tests.fakes.fal_queue import FakeFalQueue

    chance = random.Random(args.seed)

    class RacyFal(FakeFalQueue):
        async def _submit(self, request: Request, parts: list[str]) -> Response:
            roll = chance.random()
            if roll < args.killed_share:
                self.submit_failures.append(503)  # refused before anything is accepted
            response = await super()._submit(request, parts)
            if args.killed_share <= roll < args.killed_share + args.slow_share:
                await asyncio.sleep(args.slow_s)  # accepted and charged, the answer comes late
            return response

    fake = RacyFal(run_seconds=args.upstream_s, retry_after="0")
    server = ServerThread(fake.app)
    server.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    server.start()
    fake.base_url = server.url
    print(server.url, flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    fake.release()
    books = {"accepted": list(fake.accepted),
             "cancelled": [rid for rid, r in fake.requests.items() if r.cancelled],
             "submit_attempts": fake.submit_attempts}
    print(json.dumps(books), flush=True)
    server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generations", type=int, default=5000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--rate", type=float, default=250.0, help="generations enqueued per second")
    parser.add_argument("--upstream-s", type=float, default=3.0)
    parser.add_argument("--submit-lease-s", type=float, default=5.0)
    parser.add_argument("--slow-share", type=float, default=0.05)
    parser.add_argument("--slow-s", type=float, default=7.0)
    parser.add_argument("--killed-share", type=float, default=0.05)
    parser.add_argument("--restart-every-s", type=float, default=4.0)
    parser.add_argument("--sigkill", action="store_true",
                        help="restart workers with SIGKILL instead of SIGTERM")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake(args)
        return 0
    return bench(args)


def bench(args: argparse.Namespace) -> int:
    import redis
    from PIL import Image

    from core.chat import ChatTarget
    from core.request import GenerationRequest
    from core.settings import Settings
    from tests.fakes.fal_queue import DEFAULT_KEY
    from worker.queue import GenerationQueue
    from worker.records import Records
    from worker.redis_conn import EmbeddedRedis

    work = Path(tempfile.mkdtemp(prefix="pb-money-"))
    server = EmbeddedRedis(work / "redis").start()
    fake_args = [sys.executable, __file__, "--serve-fake", "--upstream-s", str(args.upstream_s),
                 "--slow-share", str(args.slow_share), "--slow-s", str(args.slow_s),
                 "--killed-share", str(args.killed_share), "--seed", str(args.seed)]
    fake = subprocess.Popen(fake_args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert fake.stdout is not None
    fal_url = fake.stdout.readline().strip()
    data_dir = work / "data"
    reference = data_dir / "me.jpg"
    reference.parent.mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (170, 130, 110)).save(buffer, "JPEG")
    reference.write_bytes(buffer.getvalue())
    env = {**os.environ, "REDIS_URL": server.url, "DATA_DIR": str(data_dir), "FAL_KEY": DEFAULT_KEY,
           "FAL_QUEUE_URL": fal_url, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "ERROR",
           "MAX_ACTIVE_PER_PERSON": "100000", "DAILY_LIMIT_PER_PERSON": "0", "DAILY_BUDGET_USD": "0",
           "QUEUE_TTL_SECONDS": "3600"}
    client = redis.Redis.from_url(server.url)
    queue = GenerationQueue(client, Settings.from_env(env))
    argv = [sys.executable, "-m", "portraitbot.cli", "worker", "--sender-module",
            "tests.fakes.recording_sender", "--timing", f"submit_lease_s={args.submit_lease_s}",
            "--timing", f"poll_lease_s={max(3.0, args.submit_lease_s)}"]

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(argv, env=env, cwd=ROOT)

    workers = [start() for _ in range(args.processes)]
    time.sleep(3.0)  # imports
    chance = random.Random(args.seed)
    restarts = 0
    next_restart = time.time() + args.restart_every_s
    stopping: list[subprocess.Popen[bytes]] = []

    def restart_one() -> None:
        nonlocal restarts, next_restart
        if time.time() < next_restart:
            return
        next_restart = time.time() + args.restart_every_s
        victim = workers.pop(chance.randrange(len(workers)))
        victim.send_signal(signal.SIGKILL if args.sigkill else signal.SIGTERM)
        stopping.append(victim)
        workers.append(start())
        restarts += 1

    started = time.time()
    request = GenerationRequest(style="anime", model=MODEL)
    gen_ids: list[str] = []
    for n in range(args.generations):
        time.sleep(max(0.0, started + n / args.rate - time.time()))
        ticket = queue.enqueue(ChatTarget("test", f"chat{n}", f"user{n}"), [request],
                               reference=str(reference))
        gen_ids.extend(ticket.generation_ids)
        if n % 50 == 0:
            restart_one()
    deadline = time.time() + args.upstream_s * 4 + 120
    states: dict[str, str] = {}
    while time.time() < deadline:
        pipe = client.pipeline(transaction=False)
        for gen_id in gen_ids:
            pipe.hget(f"pb:gen:{gen_id}", "state")
        states = {g: (s or b"").decode() for g, s in zip(gen_ids, pipe.execute(), strict=True)}
        if all(s in ("delivered", "failed", "expired") for s in states.values()):
            break
        if time.time() - started < args.generations / args.rate + args.restart_every_s * 2:
            restart_one()
        time.sleep(1.0)
    elapsed = time.time() - started
    records = Records(client)
    delivered_requests: set[str] = set()
    handled: dict[str, str] = {}
    failures: dict[str, int] = {}
    for gen_id in gen_ids:
        record = records.gen(gen_id)
        if record is None:
            continue
        handle = record.json("handle", {}) or {}
        if record.state == "delivered" and handle.get("request_id"):
            delivered_requests.add(handle["request_id"])
        if handle.get("request_id"):
            handled[handle["request_id"]] = gen_id
        if record.state == "failed":
            failures[record["error"] or "?"] = failures.get(record["error"] or "?", 0) + 1
    for process in workers + stopping:
        if process.poll() is None:
            process.terminate()
    for process in workers + stopping:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
    books: dict[str, Any] = json.loads(fake.communicate("", timeout=30)[0].strip().splitlines()[-1])
    server.stop()

    accepted = set(books["accepted"])
    cancelled = set(books["cancelled"])
    charged_not_delivered = accepted - delivered_requests
    delivered = sum(1 for s in states.values() if s == "delivered")
    lost = len(gen_ids) - delivered
    # A killed process can take a charged submit's answer with it: fal knows the request, no
    # record ever held its handle. That is the documented window, not the race.
    died_with_process = {rid for rid in charged_not_delivered if rid not in handled}
    race = charged_not_delivered if not args.sigkill else charged_not_delivered - died_with_process
    print()
    print(f"{args.processes} worker processes, {len(gen_ids)} generations at {args.rate:.0f}/s, "
          f"upstream {args.upstream_s:.0f} s, submit lease {args.submit_lease_s:.1f} s, "
          f"{args.slow_share:.0%} slow submits ({args.slow_s:.1f} s), {args.killed_share:.0%} "
          f"refused submits, {restarts} worker restarts ({'SIGKILL' if args.sigkill else 'SIGTERM'}), "
          f"{elapsed:.0f} s")
    print(f"submit attempts at fal          {books['submit_attempts']}")
    print(f"submitted (accepted, charged)   {len(accepted)}")
    print(f"delivered                       {delivered}")
    print(f"cancelled at fal by the worker  {len(cancelled)}")
    print(f"charged-then-cancelled          {len(race)}")
    if args.sigkill:
        print(f"charged, answer died with a killed process  {len(died_with_process)}")
    print(f"lost (asked for, not delivered) {lost}")
    if failures:
        print("failed: " + ", ".join(f"{name} {count}" for name, count in sorted(failures.items())))
    return 0 if not race and not lost else 1


if __name__ == "__main__":
    raise SystemExit(main())
