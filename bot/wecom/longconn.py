"""The WeCom AI bot's long connection (智能机器人 长连接): an outbound WebSocket, no public URL.

With WECOM_BOT_ID and WECOM_BOT_SECRET the bot dials WECOM_WS_URL and speaks JSON frames
``{"cmd", "headers": {"req_id"}, "body"}``:

* ``aibot_subscribe`` (body ``bot_id``, ``secret``) first; the platform answers
  ``{"headers": {"req_id"}, "errcode": 0}`` (every answer to a command of ours has no ``cmd``).
* ``ping`` every PING_SECONDS keeps the connection; no answer within PING_TIMEOUT_SECONDS
  means it is dead and it is dialled again.
* ``aibot_msg_callback`` brings a message (its ``body`` is the callback mode's JSON, images
  with their own ``aeskey``); it is answered with ``aibot_respond_msg`` on the same
  ``req_id``: a ``stream`` body, sent again each time it changes until it finishes (the
  pictures ride in the last one as ``msg_item``). The platform does not refresh a stream in
  this mode; we push, so ``follow`` watches the stream the worker writes in Redis.
* ``aibot_event_callback`` ``enter_chat`` is answered with ``aibot_respond_welcome_msg``;
  ``disconnected_event`` means another connection of the same bot took over.
* Late news (after a stream's six minutes) goes out as ``aibot_send_msg`` markdown, which
  the worker queues in Redis (``bot.wecom.streams.Outbox``) for this connection to send.

Everything a message means is decided by ``WeComBot.receive``, shared with callback mode. A
dropped connection is dialled again with exponential backoff (RECONNECT_MIN_SECONDS doubling
up to RECONNECT_MAX_SECONDS, reset after a good subscribe). Nothing here logs the secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection, connect

from bot.wecom.handler import WeComBot
from bot.wecom.inbound import parse
from bot.wecom.streams import STREAM_OPEN_SECONDS, Outbox, stream_id_for

log = logging.getLogger(__name__)
wire = logging.getLogger(__name__ + ".wire")
"""websockets logs every frame at DEBUG, the subscribe frame with its secret: never below INFO."""
wire.setLevel(logging.INFO)

PING_SECONDS = 30.0
PING_TIMEOUT_SECONDS = 20.0
SUBSCRIBE_TIMEOUT_SECONDS = 10.0
RECONNECT_MIN_SECONDS = 1.0
RECONNECT_MAX_SECONDS = 60.0
FOLLOW_SECONDS = 0.5
"""How often an unfinished stream is looked at for news to push."""
FOLLOW_MARGIN_SECONDS = 15.0
"""A stream is followed a little past its window, for a result written at the last moment."""
OUTBOX_SECONDS = 1.0


class SubscribeRefused(Exception):
    """The platform refused the bot id / secret (errcode in the message, never the secret)."""


def req_id() -> str:
    return uuid.uuid4().hex


class LongConnection:
    """One bot's WebSocket to the platform, kept up for as long as the server runs."""

    def __init__(self, bot: WeComBot, *, url: str, bot_id: str, secret: str) -> None:
        self.bot = bot
        self.url = url
        self.bot_id = bot_id
        self._secret = secret
        self.outbox = Outbox(bot.redis)
        self.ws: ClientConnection | None = None
        self.subscribed = asyncio.Event()
        self.connections = 0
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._followed: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._locks: dict[str, asyncio.Lock] = {}

    def __repr__(self) -> str:
        return f"LongConnection({self.url!r}, bot_id={self.bot_id!r})"

    # ---- lifecycle (a background part of the server) --------------------------------------------
    async def __aenter__(self) -> LongConnection:
        self._runner = asyncio.create_task(self.run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def run(self) -> None:
        """Connect, subscribe, serve; on any failure wait and do it again."""
        delay = RECONNECT_MIN_SECONDS
        while True:
            try:
                async with connect(self.url, ping_interval=None, max_size=8 * 1024 * 1024, logger=wire) as ws:
                    self.ws = ws
                    await self._subscribe(ws)
                    self.connections += 1
                    delay = RECONNECT_MIN_SECONDS
                    log.info("wecom: long connection subscribed")
                    await self._serve(ws)
            except asyncio.CancelledError:
                raise
            except SubscribeRefused as refused:
                log.error("wecom: long connection subscribe refused (%s)", refused)
                delay = RECONNECT_MAX_SECONDS
            except (OSError, websockets.WebSocketException, TimeoutError) as error:
                log.warning("wecom: long connection lost (%s)", type(error).__name__)
            except Exception:
                log.exception("wecom: long connection failed")
            finally:
                self.ws = None
                self.subscribed.clear()
                for future in self._waiting.values():
                    future.cancel()
                self._waiting.clear()
            log.info("wecom: reconnecting in %.1f s", delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)

    async def _subscribe(self, ws: ClientConnection) -> None:
        frame = {"cmd": "aibot_subscribe", "headers": {"req_id": req_id()},
                 "body": {"bot_id": self.bot_id, "secret": self._secret}}
        await ws.send(json.dumps(frame))
        raw = await asyncio.wait_for(ws.recv(), SUBSCRIBE_TIMEOUT_SECONDS)
        answer = json.loads(raw)
        if int(answer.get("errcode", -1)) != 0:
            raise SubscribeRefused(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
        self.subscribed.set()

    async def _serve(self, ws: ClientConnection) -> None:
        background = [asyncio.create_task(self._pinger()), asyncio.create_task(self._drain_outbox())]
        try:
            async for raw in ws:
                try:
                    frame = json.loads(raw)
                except ValueError:
                    log.warning("wecom: unreadable frame")
                    continue
                if isinstance(frame, dict):
                    self._dispatch(frame)
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)

    # ---- frames -----------------------------------------------------------------------------------
    def _dispatch(self, frame: dict[str, Any]) -> None:
        cmd = str(frame.get("cmd") or "")
        rid = str((frame.get("headers") or {}).get("req_id") or "")
        if not cmd:  # the answer to one of our commands
            future = self._waiting.pop(rid, None)
            if future is not None and not future.done():
                future.set_result(frame)
            elif int(frame.get("errcode", 0) or 0) != 0:
                log.warning("wecom: command refused (errcode %s)", frame.get("errcode"))
            return
        body = frame.get("body") if isinstance(frame.get("body"), dict) else {}
        assert isinstance(body, dict)
        if cmd == "aibot_msg_callback":
            self._spawn(self._message(rid, body))
        elif cmd == "aibot_event_callback":
            self._spawn(self._event(rid, body))

    def _spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _message(self, rid: str, body: dict[str, Any]) -> None:
        message = parse(body)
        stream_id = stream_id_for(message.msgid) if message.msgid else ""
        following = stream_id in self._followed
        answer = await self.bot.receive(body)
        if answer is None:
            return
        await self.respond(rid, answer)
        if following or answer.get("msgtype") != "stream" or answer["stream"].get("finish"):
            return  # a redelivery of a message already followed gets the stream as it stands
        self._followed.add(stream_id)
        try:
            await self.follow(rid, stream_id, answer)
        finally:
            self._followed.discard(stream_id)

    async def follow(self, rid: str, stream_id: str, last: dict[str, Any]) -> None:
        """Push the stream each time it changes, until it finishes or its window is over."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STREAM_OPEN_SECONDS + FOLLOW_MARGIN_SECONDS
        shown = last["stream"].get("content")
        while loop.time() < deadline:
            await asyncio.sleep(FOLLOW_SECONDS)
            answer = await self.bot.refresh(stream_id)
            if answer is None:
                return
            stream = answer["stream"]
            if stream.get("finish") or stream.get("content") != shown:
                await self.respond(rid, answer)
                shown = stream.get("content")
            if stream.get("finish"):
                return

    async def _event(self, rid: str, body: dict[str, Any]) -> None:
        event = str((body.get("event") or {}).get("eventtype") or "")
        if event == "disconnected_event":
            log.warning("wecom: another connection of this bot took over")
            return
        answer = await self.bot.receive(body)
        if answer is not None and event == "enter_chat":
            await self.command("aibot_respond_welcome_msg", answer, rid=rid)

    # ---- sending ------------------------------------------------------------------------------------
    async def respond(self, rid: str, body: dict[str, Any]) -> dict[str, Any] | None:
        return await self.command("aibot_respond_msg", body, rid=rid)

    async def command(self, cmd: str, body: dict[str, Any] | None = None, *, rid: str | None = None,
                      timeout: float = PING_TIMEOUT_SECONDS) -> dict[str, Any] | None:
        """Send one frame and wait for the platform's answer to it (None if the link is down)."""
        ws = self.ws
        if ws is None:
            return None
        rid = rid or req_id()
        frame: dict[str, Any] = {"cmd": cmd, "headers": {"req_id": rid}}
        if body is not None:
            frame["body"] = body
        lock = self._locks.setdefault(rid, asyncio.Lock())
        try:
            async with lock:  # one frame in flight per req_id keeps a stream's updates in order
                future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
                self._waiting[rid] = future
                await ws.send(json.dumps(frame, ensure_ascii=False))
                try:
                    answer = await asyncio.wait_for(future, timeout)
                except (TimeoutError, asyncio.CancelledError):
                    self._waiting.pop(rid, None)
                    if cmd == "ping":
                        raise TimeoutError("no pong") from None
                    log.warning("wecom: no answer to %s", cmd)
                    return None
        finally:
            if not lock.locked() and self._locks.get(rid) is lock:
                del self._locks[rid]
        if int(answer.get("errcode", 0) or 0) != 0:
            log.warning("wecom: %s refused (errcode %s)", cmd, answer.get("errcode"))
        return answer

    async def _pinger(self) -> None:
        while True:
            await asyncio.sleep(PING_SECONDS)
            try:
                await self.command("ping", timeout=PING_TIMEOUT_SECONDS)
            except TimeoutError:
                log.warning("wecom: ping unanswered; dialling again")
                if self.ws is not None:
                    await self.ws.close()
                return

    async def _drain_outbox(self) -> None:
        """Send what the worker queued for chats whose stream had closed."""
        while True:
            for item in await asyncio.to_thread(self.outbox.take):
                body = {"chatid": item["chatid"], "chat_type": 2 if item.get("group") else 1,
                        "msgtype": "markdown", "markdown": {"content": item["content"]}}
                await self.command("aibot_send_msg", body)
            await asyncio.sleep(OUTBOX_SECONDS)
