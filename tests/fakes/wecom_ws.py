"""A fake of the WeCom AI bot platform's long connection (智能机器人 长连接).

A real WebSocket server on loopback (Starlette under uvicorn), faithful to the frames the
platform speaks: ``{"cmd", "headers": {"req_id"}, "body"}``.

* The first frame must be ``aibot_subscribe`` with the right ``bot_id`` and ``secret``,
  within SUBSCRIBE_WINDOW seconds; it is answered ``{"headers": {"req_id"}, "errcode": 0,
  "errmsg": "ok"}`` (answers carry no ``cmd``), a wrong secret with errcode
  ``INVALID_SECRET`` and the connection closed. A second subscribe of the same bot takes
  over: the old connection gets ``aibot_event_callback`` ``disconnected_event`` and closes.
* ``ping`` is answered ``errcode 0`` and counted.
* Messages go out as ``aibot_msg_callback`` with a fresh ``req_id`` (``send``); the body is
  the callback mode's JSON without ``response_url``, images with their own ``aeskey`` and
  served encrypted with it by ``FakeWeComFiles``. ``redeliver`` sends a frame again as is.
* ``aibot_respond_msg`` must name a ``req_id`` the platform sent (else ``INVALID_REQ_ID``);
  a ``stream`` body needs ``id``, content under 20480 bytes, ``msg_item`` only with
  ``finish`` (base64 images whose ``md5`` matches), and nothing after ``finish``.
  ``aibot_respond_welcome_msg`` answers an ``enter_chat`` event; ``aibot_send_msg`` is an
  active push (``pushes``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.fakes import serve
from tests.fakes.wecom import BOT_ID, BOT_NAME, FakeWeComFiles

SECRET = "wecomFakeBotSecret0123456789"
INVALID_SECRET = 40058
INVALID_REQ_ID = 846605
STREAM_FINISHED = 846609
SUBSCRIBE_WINDOW = 5.0
MAX_CONTENT_BYTES = 20480


@dataclass
class Chat:
    user_id: str
    chat_id: str = ""


class FakeWeComSocket:
    """The platform's WebSocket end, driven from the test's thread."""

    def __init__(self, files: FakeWeComFiles, *, bot_id: str = BOT_ID, secret: str = SECRET) -> None:
        self.files = files
        self.bot_id = bot_id
        self.secret = secret
        self.url = ""
        self.subscribes = 0
        self.refused = 0
        self.pings = 0
        self.errors: list[str] = []
        self.replies: dict[str, list[dict[str, Any]]] = {}
        """Every ``aibot_respond_msg`` body, by the req_id of the message it answers."""
        self.welcomes: dict[str, dict[str, Any]] = {}
        self.pushes: list[dict[str, Any]] = []
        self._open: dict[str, str] = {}  # req_id we sent -> "msg" | "event"
        self._finished: set[str] = set()
        self._ws: WebSocket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.app = Starlette(routes=[WebSocketRoute("/", self._endpoint)])

    @contextmanager
    def serve(self) -> Iterator[str]:
        with serve(self.app) as url:
            self.url = "ws" + url.removeprefix("http")
            yield self.url

    # ---- the server ------------------------------------------------------------------------------
    async def _endpoint(self, ws: WebSocket) -> None:
        await ws.accept()
        try:
            first = json.loads(await asyncio.wait_for(ws.receive_text(), SUBSCRIBE_WINDOW))
        except (TimeoutError, WebSocketDisconnect, ValueError):
            await ws.close(code=1008)
            return
        rid = first.get("headers", {}).get("req_id", "")
        body = first.get("body") or {}
        if first.get("cmd") != "aibot_subscribe" or body.get("bot_id") != self.bot_id or body.get("secret") != self.secret:
            self.refused += 1
            await ws.send_text(json.dumps({"headers": {"req_id": rid}, "errcode": INVALID_SECRET, "errmsg": "invalid secret"}))
            await ws.close(code=1008)
            return
        old, self._ws, self._loop = self._ws, ws, asyncio.get_running_loop()
        if old is not None:
            await self._kick(old)
        self.subscribes += 1
        await ws.send_text(json.dumps({"headers": {"req_id": rid}, "errcode": 0, "errmsg": "ok"}))
        try:
            while True:
                frame = json.loads(await ws.receive_text())
                await ws.send_text(json.dumps(self._answer(frame)))
        except WebSocketDisconnect:
            pass
        finally:
            if self._ws is ws:
                self._ws = None

    async def _kick(self, ws: WebSocket) -> None:
        event = {"cmd": "aibot_event_callback", "headers": {"req_id": uuid.uuid4().hex},
                 "body": {"msgtype": "event", "aibotid": self.bot_id, "event": {"eventtype": "disconnected_event"}}}
        try:
            await ws.send_text(json.dumps(event))
            await ws.close()
        except Exception:
            pass

    def _answer(self, frame: dict[str, Any]) -> dict[str, Any]:
        cmd = frame.get("cmd")
        rid = str(frame.get("headers", {}).get("req_id") or "")
        body = frame.get("body") or {}
        ok = {"headers": {"req_id": rid}, "errcode": 0, "errmsg": "ok"}
        if cmd == "ping":
            self.pings += 1
            return ok
        if cmd == "aibot_send_msg":
            self.pushes.append(body)
            return ok
        if cmd == "aibot_respond_welcome_msg":
            if self._open.get(rid) != "event":
                return self._error(rid, INVALID_REQ_ID, "invalid req_id")
            self.welcomes[rid] = body
            return ok
        if cmd != "aibot_respond_msg":
            return self._error(rid, 40008, f"unknown cmd {cmd}")
        if self._open.get(rid) != "msg":
            return self._error(rid, INVALID_REQ_ID, "invalid req_id")
        if rid in self._finished:
            return self._error(rid, STREAM_FINISHED, "stream already finished")
        problem = self._check_stream(body)
        if problem:
            return self._error(rid, 40058, problem)
        with self._lock:
            self.replies.setdefault(rid, []).append(body)
        if body.get("msgtype") != "stream" or body["stream"].get("finish"):
            self._finished.add(rid)
        return ok

    def _check_stream(self, body: dict[str, Any]) -> str:
        if body.get("msgtype") != "stream":
            return ""
        stream = body.get("stream") or {}
        if not stream.get("id"):
            return "stream.id missing"
        if len(str(stream.get("content", "")).encode()) > MAX_CONTENT_BYTES:
            return "content too long"
        for item in stream.get("msg_item") or []:
            if not stream.get("finish"):
                return "msg_item only allowed when finish"
            raw = base64.b64decode(item["image"]["base64"])
            if hashlib.md5(raw).hexdigest() != item["image"]["md5"]:
                return "md5 mismatch"
        return ""

    def _error(self, rid: str, code: int, message: str) -> dict[str, Any]:
        self.errors.append(message)
        return {"headers": {"req_id": rid}, "errcode": code, "errmsg": message}

    # ---- the test's side -------------------------------------------------------------------------
    def wait_subscribed(self, count: int = 1, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.subscribes < count or self._ws is None:
            assert time.monotonic() < deadline, "the bot never subscribed"
            time.sleep(0.02)

    def _push(self, frame: dict[str, Any]) -> None:
        assert self._ws is not None and self._loop is not None, "no bot connected"
        ws = self._ws
        asyncio.run_coroutine_threadsafe(ws.send_text(json.dumps(frame, ensure_ascii=False)), self._loop).result(5)

    def message(self, chat: Chat, msgtype: str, **body: Any) -> dict[str, Any]:
        """An ``aibot_msg_callback`` frame as the platform builds it."""
        inner: dict[str, Any] = {
            "msgid": f"lc{next(self._ids)}{uuid.uuid4().hex[:8]}", "aibotid": self.bot_id,
            "chattype": "group" if chat.chat_id else "single", "from": {"userid": chat.user_id},
            "msgtype": msgtype, **body,
        }
        if chat.chat_id:
            inner["chatid"] = chat.chat_id
        return {"cmd": "aibot_msg_callback", "headers": {"req_id": uuid.uuid4().hex}, "body": inner}

    def image_ref(self, data: bytes) -> dict[str, str]:
        aeskey = base64.b64encode(uuid.uuid4().bytes * 2).decode()
        return {"url": self.files.add_image(data, aeskey=aeskey), "aeskey": aeskey}

    def text(self, chat: Chat, content: str) -> dict[str, Any]:
        if chat.chat_id:
            content = f"@{BOT_NAME} {content}"
        return self.message(chat, "text", text={"content": content})

    def mixed(self, chat: Chat, content: str, data: bytes) -> dict[str, Any]:
        mention = f"@{BOT_NAME} " if chat.chat_id else ""
        items = [{"msgtype": "text", "text": {"content": mention + content}},
                 {"msgtype": "image", "image": self.image_ref(data)}]
        return self.message(chat, "mixed", mixed={"msg_item": items})

    def enter_chat(self, chat: Chat) -> dict[str, Any]:
        frame = self.message(chat, "event", event={"eventtype": "enter_chat"})
        frame["cmd"] = "aibot_event_callback"
        return frame

    def send(self, frame: dict[str, Any]) -> str:
        """Deliver a frame to the bot; its req_id."""
        rid = str(frame["headers"]["req_id"])
        self._open[rid] = "event" if frame["cmd"] == "aibot_event_callback" else "msg"
        self._push(frame)
        return rid

    def redeliver(self, frame: dict[str, Any]) -> None:
        """The same frame again (the platform retries a message it thinks was not taken)."""
        self._push(frame)

    def drop(self) -> None:
        """Cut the bot's connection, as a network failure would."""
        assert self._ws is not None and self._loop is not None
        asyncio.run_coroutine_threadsafe(self._ws.close(code=1011), self._loop).result(5)

    def last(self, rid: str) -> dict[str, Any] | None:
        with self._lock:
            bodies = self.replies.get(rid) or []
            return bodies[-1] if bodies else None

    def until(self, rid: str, needle: str = "", *, finished: bool = False, timeout: float = 30.0) -> dict[str, Any]:
        """The latest reply to ``rid`` once it shows ``needle`` (or has finished)."""
        deadline = time.monotonic() + timeout
        while True:
            body = self.last(rid)
            if body is not None:
                stream = body.get("stream") or {}
                done = stream.get("finish") if finished else (needle in str(stream.get("content", "")) or stream.get("finish"))
                if done:
                    return body
            assert time.monotonic() < deadline, f"no such reply to {rid}: {body}"
            time.sleep(0.05)


def images_of(body: dict[str, Any]) -> list[bytes]:
    return [base64.b64decode(item["image"]["base64"]) for item in body["stream"].get("msg_item") or []]
