"""Benchmark the worker: generations in flight per process, RSS, CPU and added latency.

    .venv/bin/python scripts/bench_worker.py [--generations 500] [--upstream-s 20] [--naive 2]

Runs, in the same run and against the same fake fal queue (tests/fakes/fal_queue.py in its
own process, every request finishing ``--upstream-s`` after submit):

* **chain** — one ``portraitbot worker`` process (non-forking RQ worker for submit/deliver,
  the asyncio sweep for polls) given ``--generations`` generations at once;
* **naive** — RQ's default forking ``Worker``, one blocking job per generation (submit, then
  sleep-poll every second, then fetch), ``--naive`` worker processes with one job each.

Prints one table and the chain/naive ratio of generations in flight per process. Not a test:
it takes about ``upstream-s`` + 15 seconds and wants an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NAIVE_QUEUE = "bench-naive"
NAIVE_DONE = "bench:naive:done"
MODEL = "nanopro"
"""Typical latency 25 s in the model table, so its first poll (x0.75) lands near 20 s."""


# -- the naive design: one blocking job per generation ---------------------------------------


def naive_generate(spec: dict[str, Any]) -> None:
    """Submit, sleep-poll every second, fetch: the whole generation inside one RQ job."""
    asyncio.run(_naive(spec))


async def _naive(spec: dict[str, Any]) -> None:
    import httpx
    import redis

    from core.settings import Settings
    from engine.providers.base import ProviderJob
    from engine.providers.fal import FalProvider
    from worker.outputs import save_images

    settings = Settings.from_env(os.environ)
    async with httpx.AsyncClient() as client:
        fal = FalProvider(settings, client)
        model_endpoint = "fal-ai/nano-banana-pro/edit"
        job = ProviderJob(model=MODEL, endpoint=model_endpoint, prompt="a portrait",
                          references=(Path(spec["reference"]).read_bytes(),))
        submitted = await fal.submit(job)
        while (await fal.poll(submitted.handle)).state != "done":
            await asyncio.sleep(1.0)
        images = await fal.result(submitted.handle)
    save_images(settings.data_dir, spec["id"], "naive", images)
    done = {"id": spec["id"], "created_at": spec["created_at"], "delivered_at": time.time()}
    redis.Redis.from_url(settings.redis_url).rpush(NAIVE_DONE, json.dumps(done))


def run_naive_worker() -> None:
    import redis
    from rq import Queue, Worker
    from rq.serializers import JSONSerializer

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    queue = Queue(NAIVE_QUEUE, connection=client, serializer=JSONSerializer)
    Worker([queue], connection=client, serializer=JSONSerializer).work(burst=True,
                                                                      logging_level="WARNING")


# -- the fake upstream, in its own process ----------------------------------------------------


def serve_fake(upstream_s: float) -> None:
    import socket

    from tests.fakes import ServerThread
    from tests.fakes.fal_queue import FakeFalQueue

    fake = FakeFalQueue(run_seconds=upstream_s)
    server = ServerThread(fake.app)
    # Accepted sockets inherit TCP_NODELAY; without it every answer waits ~40 ms for a
    # delayed ACK, and the fake, not the worker, would be what the benchmark measures.
    server.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    server.start()
    fake.base_url = server.url
    print(server.url, flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    fake.release()
    server.stop()


# -- measuring ------------------------------------------------------------------------------


class Sampler:
    """Peak RSS (process tree) and a gauge, sampled every 0.1 s in a thread."""

    def __init__(self, pids: list[int], gauge: Any = None) -> None:
        import psutil

        self.processes = [psutil.Process(pid) for pid in pids]
        self.gauge = gauge
        self.peak_rss = 0
        self.peak_gauge = 0
        self.cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(0.1)

    def sample(self) -> None:
        import psutil

        rss, cpu = 0, 0.0
        for process in self.processes:
            try:
                tree = [process, *process.children(recursive=True)]
                for p in tree:
                    rss += p.memory_info().rss
                times = process.cpu_times()
                cpu += times.user + times.system + times.children_user + times.children_system
            except psutil.NoSuchProcess:
                continue
        self.peak_rss = max(self.peak_rss, rss // len(self.processes) if self.processes else 0)
        self.cpu = max(self.cpu, cpu)
        if self.gauge is not None:
            self.peak_gauge = max(self.peak_gauge, self.gauge())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generations", type=int, default=500)
    parser.add_argument("--upstream-s", type=float, default=20.0)
    parser.add_argument("--naive", type=int, default=2, help="naive worker processes (1 job each)")
    parser.add_argument("--burst", action="store_true",
                        help="enqueue everything at once (worst case) instead of at a steady rate of "
                             "generations/upstream-s per second, which keeps that many in flight")
    parser.add_argument("--enqueue-s", type=float, default=None,
                        help="spread a steady load over this many seconds (default: upstream-s); "
                             "longer than upstream-s, the later generations are polled on the "
                             "cadence the worker learned from the first (worker/cadence.py)")
    parser.add_argument("--style", default="anime",
                        help="style asked for; a photographic one (professional) adds the likeness "
                             "check, a face analysis of every reference and result, to the chain")
    parser.add_argument("--timing", action="append", default=[], metavar="NAME=VALUE",
                        help="a worker Timing override passed on, e.g. http_connections=272")
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--naive-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake(args.upstream_s)
        return 0
    if args.naive_worker:
        run_naive_worker()
        return 0
    return bench(args)


def bench(args: argparse.Namespace) -> int:
    import io

    import redis
    from PIL import Image
    from rq import Queue
    from rq.serializers import JSONSerializer

    from core.chat import ChatTarget
    from core.request import GenerationRequest
    from core.settings import Settings
    from tests.fakes.fal_queue import DEFAULT_KEY
    from worker.alive import IN_FLIGHT_KEY
    from worker.queue import GenerationQueue
    from worker.records import Records
    from worker.redis_conn import EmbeddedRedis

    work = Path(tempfile.mkdtemp(prefix="pb-bench-"))
    server = EmbeddedRedis(work / "redis").start()
    # The naive workers get a Redis of their own, so the chain's Redis commands are its own.
    naive_server = EmbeddedRedis(work / "redis-naive").start()
    fake = subprocess.Popen([sys.executable, __file__, "--serve-fake", "--upstream-s",
                             str(args.upstream_s)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd=ROOT)
    assert fake.stdout is not None
    fal_url = fake.stdout.readline().strip()
    data_dir = work / "data"
    reference = data_dir / "me.jpg"
    reference.parent.mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (512, 512), (170, 130, 110)).save(buffer, "JPEG")
    reference.write_bytes(buffer.getvalue())
    env = {**os.environ, "REDIS_URL": server.url, "DATA_DIR": str(data_dir), "FAL_KEY": DEFAULT_KEY,
           "FAL_QUEUE_URL": fal_url, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING",
           "MAX_ACTIVE_PER_PERSON": "100000", "DAILY_LIMIT_PER_PERSON": "0", "DAILY_BUDGET_USD": "0"}
    client = redis.Redis.from_url(server.url)
    settings = Settings.from_env(env)
    queue = GenerationQueue(client, settings)

    # What the bot's side (quota check, records, queue position) costs per generation, measured
    # before the worker starts; the calibration generations are cancelled again.
    calibration = 20
    client.config_resetstat()
    calibrated = [queue.enqueue(ChatTarget("test", f"cal{n}", f"cal{n}"),
                                [GenerationRequest(style=args.style, model=MODEL)], reference=str(reference))
                  for n in range(calibration)]
    enqueue_commands = (sum(e["calls"] for name, e in client.info("commandstats").items()
                            if name not in ("cmdstat_config", "cmdstat_info")) / calibration)
    for n, _ticket in enumerate(calibrated):
        queue.cancel(f"test:cal{n}")

    overrides = [arg for value in args.timing for arg in ("--timing", value)]
    chain_worker = subprocess.Popen(
        [sys.executable, "-m", "portraitbot.cli", "worker", "--sender-module",
         "tests.fakes.recording_sender", *overrides], env=env, cwd=ROOT)
    naive_client = redis.Redis.from_url(naive_server.url)
    naive_queue = Queue(NAIVE_QUEUE, connection=naive_client, serializer=JSONSerializer)
    for n in range(args.naive):
        naive_queue.enqueue("bench_worker.naive_generate", {"id": f"naive{n}", "reference": str(reference),
                            "created_at": time.time()}, job_timeout=600)
    naive_env = {**env, "REDIS_URL": naive_server.url, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'scripts'}"}
    naive_workers = [subprocess.Popen([sys.executable, __file__, "--naive-worker"], env=naive_env,
                                      cwd=ROOT) for _ in range(args.naive)]
    time.sleep(3.0)  # let the processes import before the clock starts
    # In flight: what the worker tells with its beat (every 2 s), read with one HVALS.
    chain_sampler = Sampler([chain_worker.pid],
                            gauge=lambda: sum(int(v) for v in client.hvals(IN_FLIGHT_KEY)))
    naive_sampler = Sampler([w.pid for w in naive_workers])
    cpu_before = chain_sampler.cpu
    from tests.fakes.recording_sender import DELIVERIES_KEY, PROGRESS_KEY

    chat_before = client.llen(DELIVERIES_KEY), client.llen(PROGRESS_KEY)
    client.config_resetstat()
    own_commands = 1  # this script's CONFIG RESETSTAT

    started = time.time()
    request = GenerationRequest(style=args.style, model=MODEL)
    interval = 0.0 if args.burst else (args.enqueue_s or args.upstream_s) / args.generations
    tickets = []
    for n in range(args.generations):
        if interval:
            time.sleep(max(0.0, started + n * interval - time.time()))
        target = ChatTarget("test", f"chat{n}", f"user{n}")
        tickets.append(queue.enqueue(target, [request], reference=str(reference)))
    enqueue_s = time.time() - started
    records = Records(client)
    deadline = time.time() + args.upstream_s * 3 + 60
    while time.time() < deadline:
        done = sum(1 for t in tickets if client.hget(f"pb:gen:{t.generation_ids[0]}", "state")
                   in (b"delivered", b"failed"))
        own_commands += len(tickets)
        if done == len(tickets) and naive_client.llen(NAIVE_DONE) == args.naive:
            break
        time.sleep(0.5)
    commands = {name.removeprefix("cmdstat_"): entry["calls"]
                for name, entry in client.info("commandstats").items()}
    # The fake chat (tests/fakes/recording_sender.py) keeps its record in this Redis: a picture
    # sent is a GET, an LPOP and an RPUSH, a progress note an RPUSH. A real chat is an HTTP
    # call, so they are counted apart, not as the worker's.
    sent = client.llen(DELIVERIES_KEY) - chat_before[0]
    noted = client.llen(PROGRESS_KEY) - chat_before[1]
    chat_commands = 3 * sent + noted
    for name, calls in (("get", sent), ("lpop", sent), ("rpush", sent + noted)):
        commands[name] = commands.get(name, 0) - calls
    commands.pop("llen", None)
    commands["hget"] = commands.get("hget", 0) - (own_commands - 1)
    commands["config"] = commands.get("config", 0) - 1
    commands.pop("info", None)
    commands.pop("hvals", None)  # the sampler's in-flight gauge, not the worker
    chain_sampler.sample()
    naive_sampler.sample()
    chain_sampler.stop()
    naive_sampler.stop()

    added, failed, polls = [], 0, []
    warm_added: list[float] = []
    warm_polls: list[float] = []
    first_result = min((r.number("finished_at") for r in (records.gen(t.generation_ids[0]) for t in tickets)
                        if r is not None and r.number("finished_at")), default=float("inf"))
    phases: dict[str, list[float]] = {"wait for submit": [], "submit call": [],
                                      "poll overshoot": [], "fetch+deliver": []}
    for ticket in tickets:
        record = records.gen(ticket.generation_ids[0])
        if record is None or record.state != "delivered":
            failed += 1
            continue
        at = {name: record.number(name) for name in (
            "created_at", "submit_started_at", "submitted_at", "finished_at", "delivered_at")}
        # Added latency: delivered minus when fal had the result. It finishes upstream_s after
        # it received the submit; its answer came at submitted_at, a millisecond later on
        # loopback (submit_sent_at is earlier by any wait for a pooled connection, shown in
        # "submit call").
        received_at = at["submitted_at"] or record.number("submit_sent_at")
        added.append(at["delivered_at"] - received_at - args.upstream_s)
        phases["wait for submit"].append(at["submit_started_at"] - at["created_at"])
        phases["submit call"].append(at["submitted_at"] - at["submit_started_at"])
        phases["poll overshoot"].append(at["finished_at"] - at["submitted_at"] - args.upstream_s)
        phases["fetch+deliver"].append(at["delivered_at"] - at["finished_at"])
        polls.append(record.number("polls"))
        if at["created_at"] > first_result + 5:  # learned: eight results came by then
            warm_added.append(added[-1])
            warm_polls.append(polls[-1])
    naive_added = [d["delivered_at"] - d["created_at"] - args.upstream_s
                   for d in map(json.loads, naive_client.lrange(NAIVE_DONE, 0, -1))]

    chain_cpu = (chain_sampler.cpu - cpu_before) / max(1, len(added))
    naive_cpu = naive_sampler.cpu / max(1, len(naive_added))
    chain_in_flight = chain_sampler.peak_gauge
    print()
    print(f"upstream latency {args.upstream_s:.0f} s · {args.generations} generations enqueued in "
          f"{enqueue_s:.2f} s ({'burst' if args.burst else 'steady rate'}) · one chain worker "
          f"process vs {args.naive} naive worker processes")
    print(f"{'design':<8} {'in flight/process':>18} {'peak RSS/process':>17} {'CPU ms/gen':>11} "
          f"{'added p50 s':>12} {'added p95 s':>12} {'added p99 s':>12} {'failed':>7}")
    print(f"{'chain':<8} {chain_in_flight:>18} {chain_sampler.peak_rss / 2**20:>14.0f} MB "
          f"{chain_cpu * 1000:>11.1f} {percentile(added, 0.5):>12.2f} {percentile(added, 0.95):>12.2f} "
          f"{percentile(added, 0.99):>12.2f} {failed:>7}")
    print(f"{'naive':<8} {1:>18} {naive_sampler.peak_rss / 2**20:>14.0f} MB "
          f"{naive_cpu * 1000:>11.1f} {percentile(naive_added, 0.5):>12.2f} "
          f"{percentile(naive_added, 0.95):>12.2f} {percentile(naive_added, 0.99):>12.2f} "
          f"{args.naive - len(naive_added):>7}")
    print(f"ratio (generations in flight per process, chain/naive): {chain_in_flight / 1:.0f}x")
    for name, values in phases.items():
        print(f"  chain {name:<16} p50 {percentile(values, 0.5):6.2f} s   p95 {percentile(values, 0.95):6.2f} s")
    total = sum(commands.values())
    top = ", ".join(f"{name} {calls / max(1, len(tickets)):.1f}"
                    for name, calls in sorted(commands.items(), key=lambda c: -c[1])[:8])
    per_gen = total / max(1, len(tickets))
    print(f"chain Redis commands/gen (enqueue + worker, Lua's inner calls included): "
          f"{per_gen:.1f}  ({top})")
    print(f"  of which the bot's enqueue {enqueue_commands:.1f}, the worker {per_gen - enqueue_commands:.1f}"
          f"  (besides: the fake chat's own bookkeeping {chat_commands / max(1, len(tickets)):.1f})")
    print(f"chain status calls/gen: mean {statistics.mean(polls) if polls else 0:.1f}")
    if warm_polls:
        print(f"  of {len(warm_polls)} enqueued after the first results (learned cadence): status calls "
              f"mean {statistics.mean(warm_polls):.1f}, added p50 {percentile(warm_added, 0.5):.2f} s "
              f"p95 {percentile(warm_added, 0.95):.2f} s")
    print(f"mean added latency chain {statistics.mean(added) if added else float('nan'):.2f} s")

    chain_worker.terminate()
    chain_worker.wait(20)
    for naive in naive_workers:
        try:
            naive.wait(30)
        except subprocess.TimeoutExpired:
            naive.kill()
    fake.communicate("", timeout=10)
    server.stop()
    naive_server.stop()
    return 0 if not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
