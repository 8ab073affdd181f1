"""A fake of the WeChat Official Account API (``api.weixin.qq.com/cgi-bin/…``).

Faithful to what PortraitBot and wechatpy use, with WeChat's JSON shapes:

* ``GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=…`` answers
  ``{"access_token", "expires_in": 7200}``; a wrong secret answers errcode 40125. Fetches are
  counted (``token_fetches``). Issuing a token retires the ones before it (as WeChat does,
  after a grace period that the fake skips).
* ``POST /cgi-bin/media/upload?access_token=…&type=image`` with multipart field ``media``
  answers ``{"type", "media_id", "created_at"}`` and keeps the bytes (``uploads``).
* ``GET /cgi-bin/media/get?access_token=…&media_id=…`` serves an image registered with
  ``add_media`` (``image/jpeg`` with a ``Content-disposition`` filename), or errcode 40007.
* ``POST /cgi-bin/message/custom/send?access_token=…`` records the JSON message (``sent``) and
  answers ``{"errcode": 0, "errmsg": "ok"}``.

The other direction -- WeChat calling our ``/wechat`` callback -- is ``WeChatServer``: it signs
a query (``signature`` over token, timestamp and nonce; in safe mode also ``msg_signature``
over ``Encrypt``) with wechatpy's own signer and crypto, and posts the message XML; in safe mode
only ``ToUserName`` and ``Encrypt`` travel in the clear. ``resend()`` repeats the last POST
byte for byte, as WeChat retries.

Every error is HTTP 200 with ``{"errcode", "errmsg"}``, as WeChat answers. A missing or
unknown token answers 40001 (41001 when missing), a retired one 40001, an expired one 42001.
Scripted failures: ``fail("message/custom/send", 45015, times=2, after=1)`` lets one call
through, then answers the next two with the errcode; ``expire_tokens()`` makes the current token answer 42001.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import random
import string
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import xmltodict
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from tests.fakes import serve

APP_ID = "wx0123456789abcdef"
APP_SECRET = "fake-app-secret-0123456789abcdef"
ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40007: "invalid media_id",
    40125: "invalid appsecret",
    41001: "access_token missing",
    42001: "access_token expired",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
    48001: "api unauthorized",
}
"""WeChat's errmsg texts for the errcodes the fake speaks."""


def jpeg_bytes(size: tuple[int, int] = (64, 64), colour: tuple[int, int, int] = (200, 120, 90)) -> bytes:
    """A small real JPEG."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class FakeWeChatApi:
    """The fake server's state; ``serve()`` runs it on loopback and yields the base URL."""

    app_id: str = APP_ID
    app_secret: str = APP_SECRET
    token_fetches: int = 0
    uploads: dict[str, bytes] = field(default_factory=dict)
    media: dict[str, bytes] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    """Every API path called, in order (``cgi-bin/token`` included)."""
    media_delay: float = 0.0
    """Seconds ``media/get`` takes to answer (a slow download of the person's photo)."""
    _valid: str = ""
    _expired: set[str] = field(default_factory=set)
    _failures: dict[str, list[int]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------------ knobs
    def fail(self, endpoint: str, errcode: int, times: int = 1, *, after: int = 0) -> None:
        """Answer ``times`` calls of ``endpoint`` (e.g. "message/custom/send") with errcode,
        after letting the next ``after`` calls through."""
        with self._lock:
            self._failures.setdefault(endpoint, []).extend([0] * after + [errcode] * times)

    def reset(self) -> None:
        """Forget everything (tokens, media, messages, scripts): a server shared by many tests."""
        with self._lock:
            self.token_fetches = 0
            self._valid = ""
            for store in (self.uploads, self.media, self._failures):
                store.clear()
            self._expired.clear()
            self.sent.clear()
            self.calls.clear()

    def expire_tokens(self) -> None:
        """The current token now answers 42001 (access_token expired)."""
        with self._lock:
            if self._valid:
                self._expired.add(self._valid)
                self._valid = ""

    def add_media(self, data: bytes) -> str:
        """Register a person's photo as if WeChat held it; return its MediaId."""
        media_id = f"PERSON_MEDIA_{next(self._ids)}"
        self.media[media_id] = data
        return media_id

    def sent_of(self, msgtype: str) -> list[dict[str, Any]]:
        return [m for m in self.sent if m.get("msgtype") == msgtype]

    @contextmanager
    def serve(self) -> Iterator[str]:
        with serve(self.app) as url:
            yield url

    # ------------------------------------------------------------------ server
    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/cgi-bin/token", self._token, methods=["GET"]),
                Route("/cgi-bin/media/upload", self._upload, methods=["POST"]),
                Route("/cgi-bin/media/get", self._get_media, methods=["GET"]),
                Route("/cgi-bin/message/custom/send", self._custom_send, methods=["POST"]),
            ]
        )

    @staticmethod
    def _error(errcode: int) -> JSONResponse:
        return JSONResponse({"errcode": errcode, "errmsg": ERRMSG.get(errcode, "error")})

    def _check(self, request: Request, endpoint: str) -> JSONResponse | None:
        """Token and scripted-failure checks shared by the API endpoints."""
        with self._lock:
            self.calls.append(f"cgi-bin/{endpoint}")
            token = request.query_params.get("access_token", "")
            if not token:
                return self._error(41001)
            if token in self._expired:
                return self._error(42001)
            if token != self._valid:
                return self._error(40001)
            scripted = self._failures.get(endpoint)
            if scripted and (errcode := scripted.pop(0)):
                return self._error(errcode)
        return None

    async def _token(self, request: Request) -> Response:
        query = request.query_params
        with self._lock:
            self.calls.append("cgi-bin/token")
            if query.get("grant_type") != "client_credential":
                return self._error(40002)
            if query.get("appid") != self.app_id or query.get("secret") != self.app_secret:
                return self._error(40125)
            self.token_fetches += 1
            self._valid = f"ACCESS_TOKEN_{self.token_fetches}_{int(time.time())}"
            return JSONResponse({"access_token": self._valid, "expires_in": 7200})

    async def _upload(self, request: Request) -> Response:
        if (failure := self._check(request, "media/upload")) is not None:
            return failure
        if request.query_params.get("type") != "image":
            return self._error(40004)
        form = await request.form()
        media = form.get("media")
        if media is None or isinstance(media, str):
            return self._error(41005)
        data = await media.read()
        if len(data) <= 5 or len(data) > 10 * 1024 * 1024:
            return self._error(40009)
        media_id = f"UPLOADED_{next(self._ids)}"
        self.uploads[media_id] = data
        return JSONResponse({"type": "image", "media_id": media_id, "created_at": int(time.time())})

    async def _get_media(self, request: Request) -> Response:
        if (failure := self._check(request, "media/get")) is not None:
            return failure
        media_id = request.query_params.get("media_id", "")
        data = self.media.get(media_id) or self.uploads.get(media_id)
        if data is None:
            return self._error(40007)
        if self.media_delay:
            await asyncio.sleep(self.media_delay)
        return Response(
            data,
            media_type="image/jpeg",
            headers={"Content-disposition": f'attachment; filename="{media_id}.jpg"'},
        )

    async def _custom_send(self, request: Request) -> Response:
        if (failure := self._check(request, "message/custom/send")) is not None:
            return failure
        message = await request.json()
        kind = message.get("msgtype")
        if kind == "image" and message.get("image", {}).get("media_id") not in self.uploads:
            return self._error(40007)
        self.sent.append(message)
        return JSONResponse({"errcode": 0, "errmsg": "ok"})


# ---------------------------------------------------------------------- callbacks
TOKEN = "SENTINEL-CALLBACK-TOKEN-9b1e"
AES_KEY = "SENTINELaesKEY0123456789abcdefghijklmnopqrs"[:43]
ACCOUNT = "gh_portraitbot01"
_ids = itertools.count(24_000_000_000_000_000)


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def nonce() -> str:
    return "".join(random.choice(string.digits) for _ in range(10))


def message_xml(openid: str, msgtype: str, *, msg_id: int | None = None, **fields: Any) -> str:
    """A message as WeChat pushes it (CDATA for text fields)."""
    parts = [
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>",
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>",
        f"<CreateTime>{fields.pop('CreateTime', int(time.time()))}</CreateTime>",
        f"<MsgType><![CDATA[{msgtype}]]></MsgType>",
    ]
    for name, value in fields.items():
        parts.append(f"<{name}><![CDATA[{value}]]></{name}>")
    if msgtype != "event":
        parts.append(f"<MsgId>{msg_id if msg_id is not None else next(_ids)}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


@dataclass
class WeChatServer:
    """Plays WeChat's side of the callback against our app."""

    client: httpx.Client
    """Pointed at the server with our app (``base_url``)."""
    app_id: str
    token: str = TOKEN
    aes_key: str = ""
    path: str = "/wechat"
    last_query: dict[str, str] = field(default_factory=dict)
    last_body: bytes = b""

    @property
    def crypto(self) -> WeChatCrypto:
        return WeChatCrypto(self.token, self.aes_key, self.app_id)

    def query(self, *, timestamp: int | None = None, nonce_: str | None = None) -> dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        n = nonce_ or nonce()
        return {"signature": sign(self.token, ts, n), "timestamp": ts, "nonce": n}

    def verify_url(self, echostr: str = "echo-1234567890", **query: str) -> Any:
        params = {**self.query(), "echostr": echostr, **query}
        return self.client.get(self.path, params=params)

    def post(self, xml: str, *, openid: str = "", query: dict[str, str] | None = None) -> Any:
        """POST one message; safe mode when ``aes_key`` is set. Returns the response."""
        params = dict(query or self.query())
        if openid:
            params["openid"] = openid
        body = xml
        if self.aes_key:
            sealed = xmltodict.parse(self.crypto.encrypt_message(xml, params["nonce"], params["timestamp"]))["xml"]
            params["encrypt_type"] = "aes"
            params["msg_signature"] = sign(self.token, params["timestamp"], params["nonce"], sealed["Encrypt"])
            body = (
                f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
                f"<Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
            )
        self.last_query, self.last_body = params, body.encode()
        return self.client.post(self.path, params=params, content=self.last_body)

    def resend(self) -> Any:
        """The last POST again, byte for byte, as WeChat retries a callback it got no answer to."""
        return self.client.post(self.path, params=self.last_query, content=self.last_body)

    def reply(self, response: Any) -> dict[str, Any] | None:
        """The passive reply as a dict (decrypted in safe mode); None for "success"/empty."""
        assert response.status_code == 200, response.text
        text = response.text
        if text in ("", "success"):
            return None
        if self.aes_key:
            outer = xmltodict.parse(text)["xml"]
            text = self.crypto.decrypt_message(text, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
        return dict(xmltodict.parse(text)["xml"])
