"""A fake of the WeCom AI bot platform (企业微信智能机器人), callback mode.

Faithful to what the platform does with a bot's receive-message URL:

* URL verification: ``GET <url>?msg_signature&timestamp&nonce&echostr`` where ``echostr`` is
  encrypted (receiveid "") and signed; the bot must answer the plaintext.
* Messages: ``POST <url>?msg_signature&timestamp&nonce`` with ``{"encrypt": …}``; the JSON
  inside has ``msgid``, ``aibotid``, ``chatid`` (groups), ``chattype``, ``from.userid``,
  ``response_url`` and the ``msgtype`` body. A group message starts with "@<bot name>".
* The bot answers with ``{"encrypt", "msgsignature", "timestamp", "nonce"}`` (checked and
  decrypted here) or an empty body. A stream answer that is not ``finish`` is refreshed with
  ``{"msgtype": "stream", "stream": {"id"}}`` callbacks (``refresh``); ``msg_item`` images are
  accepted only when ``finish`` is true, as base64 JPEG/PNG whose ``md5`` must match.
* Images a person sends are served at ``/media/<n>`` encrypted with the EncodingAESKey
  (AES-256-CBC, PKCS#7 to 32 bytes); ``response_url`` is ``/response/<n>``, usable once
  (``{"errcode": 0}``; a second use answers an errcode), recorded in ``pushes``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import random
import string
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.wecom.crypto import WeComCrypto, sign
from tests.fakes import serve

TOKEN = "wecomFakeToken123"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
BOT_ID = "aibFakeBot0001"
BOT_NAME = "PortraitBot"
RESPONSE_URL_USED = 60140
"""The fake's answer when a response_url is used a second time."""


def nonce() -> str:
    return "".join(random.choices(string.ascii_letters + string.digits, k=10))


class FakeWeComFiles:
    """The platform's file and response_url host."""

    def __init__(self, aes_key: str = AES_KEY) -> None:
        self.crypto = WeComCrypto(TOKEN, aes_key)
        self.files: dict[str, bytes] = {}
        self.pushes: list[dict[str, Any]] = []
        self.used: set[str] = set()
        self.downloads = 0
        self.delay = 0.0
        """Seconds each image download takes (a slow file server)."""
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.url = ""
        self.app = Starlette(routes=[
            Route("/media/{name}", self._media, methods=["GET"]),
            Route("/response/{name}", self._response, methods=["POST"]),
        ])

    @contextmanager
    def serve(self) -> Iterator[str]:
        with serve(self.app) as url:
            self.url = url
            yield url

    def add_image(self, data: bytes, *, aeskey: str = "") -> str:
        """Store a person's image as the platform does (encrypted); its download URL."""
        crypto = WeComCrypto(TOKEN, aeskey.rstrip("=")) if aeskey else self.crypto
        name = f"img{next(self._ids)}"
        self.files[name] = crypto.encrypt_file(data)
        return f"{self.url}/media/{name}"

    def response_url(self) -> str:
        return f"{self.url}/response/r{next(self._ids)}"

    async def _media(self, request: Request) -> Response:
        data = self.files.get(request.path_params["name"])
        if data is None:
            return Response(status_code=404)
        await asyncio.sleep(self.delay)
        with self._lock:
            self.downloads += 1
        return Response(data, media_type="application/octet-stream")

    async def _response(self, request: Request) -> Response:
        name = request.path_params["name"]
        with self._lock:
            if name in self.used:
                return JSONResponse({"errcode": RESPONSE_URL_USED, "errmsg": "response_url used"})
            self.used.add(name)
            self.pushes.append(json.loads(await request.body()))
        return JSONResponse({"errcode": 0, "errmsg": "ok"})


@dataclass
class Chat:
    """Who writes, and where: a private chat (``chat_id`` empty) or a group."""

    user_id: str
    chat_id: str = ""


@dataclass
class WeComPlatform:
    """Plays the platform's side of the callback against our app."""

    client: httpx.Client
    files: FakeWeComFiles
    token: str = TOKEN
    aes_key: str = AES_KEY
    path: str = "/wecom"
    last: tuple[dict[str, str], bytes] = field(default_factory=lambda: ({}, b""))
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    @property
    def crypto(self) -> WeComCrypto:
        return WeComCrypto(self.token, self.aes_key)

    def verify_url(self, echostr: str = "echo-4711", *, signature: str | None = None) -> httpx.Response:
        cipher = self.crypto.encrypt_text(echostr)
        ts, n = str(int(time.time())), nonce()
        params = {"msg_signature": signature or sign(self.token, ts, n, cipher), "timestamp": ts, "nonce": n, "echostr": cipher}
        return self.client.get(self.path, params=params)

    def message(self, chat: Chat, msgtype: str, **body: Any) -> dict[str, Any]:
        """A message as the platform builds it."""
        message: dict[str, Any] = {
            "msgid": f"msg{next(self._ids)}{nonce()}",
            "aibotid": BOT_ID,
            "chattype": "group" if chat.chat_id else "single",
            "from": {"userid": chat.user_id},
            "response_url": self.files.response_url(),
            "msgtype": msgtype,
            **body,
        }
        if chat.chat_id:
            message["chatid"] = chat.chat_id
        return message

    def text(self, chat: Chat, content: str) -> dict[str, Any]:
        if chat.chat_id:
            content = f"@{BOT_NAME} {content}"
        return self.message(chat, "text", text={"content": content})

    def image(self, chat: Chat, data: bytes) -> dict[str, Any]:
        return self.message(chat, "image", image={"url": self.files.add_image(data)})

    def mixed(self, chat: Chat, content: str, data: bytes) -> dict[str, Any]:
        mention = f"@{BOT_NAME} " if chat.chat_id else ""
        items = [
            {"msgtype": "text", "text": {"content": mention + content}},
            {"msgtype": "image", "image": {"url": self.files.add_image(data)}},
        ]
        return self.message(chat, "mixed", mixed={"msg_item": items})

    def post(self, message: dict[str, Any], *, query: dict[str, str] | None = None) -> httpx.Response:
        sealed = self.crypto.seal_for_request(message)
        if query is None:
            ts, n = str(int(time.time())), nonce()
            query = {"msg_signature": sign(self.token, ts, n, sealed["encrypt"]), "timestamp": ts, "nonce": n}
        body = json.dumps(sealed).encode()
        self.last = (query, body)
        return self.client.post(self.path, params=query, content=body)

    def resend(self) -> httpx.Response:
        """The last callback again, byte for byte (the platform retries unanswered ones)."""
        query, body = self.last
        return self.client.post(self.path, params=query, content=body)

    def reply(self, response: httpx.Response) -> dict[str, Any] | None:
        """The bot's answer, checked and decrypted; None for an empty answer."""
        assert response.status_code == 200, response.text
        if not response.content:
            return None
        answer = self.crypto.open_reply(response.json())
        stream = answer.get("stream") or {}
        for item in stream.get("msg_item") or []:
            assert stream.get("finish"), "msg_item is only allowed when the stream finishes"
            raw = base64.b64decode(item["image"]["base64"])
            assert hashlib.md5(raw).hexdigest() == item["image"]["md5"]
        return answer

    def send(self, message: dict[str, Any]) -> dict[str, Any] | None:
        return self.reply(self.post(message))

    def refresh(self, chat: Chat, stream_id: str) -> dict[str, Any] | None:
        return self.send(self.message(chat, "stream", stream={"id": stream_id}))

    def until_finished(self, chat: Chat, first: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
        """Refresh a stream, as the platform does, until the bot finishes it."""
        answer = first
        deadline = time.monotonic() + timeout
        while not answer["stream"]["finish"]:
            assert time.monotonic() < deadline, f"stream never finished: {answer}"
            time.sleep(0.1)
            refreshed = self.refresh(chat, first["stream"]["id"])
            assert refreshed is not None
            answer = refreshed
        return answer


def images_of(answer: dict[str, Any]) -> list[bytes]:
    return [base64.b64decode(item["image"]["base64"]) for item in answer["stream"].get("msg_item") or []]
