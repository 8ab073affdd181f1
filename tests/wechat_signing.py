"""Callback requests built exactly as WeChat builds them, with wechatpy's own signing and crypto.

Shared by the WeChat tests: ``WeChatServer`` signs a query (``signature`` over token,
timestamp and nonce; in safe mode also ``msg_signature`` over the ``Encrypt`` element) and
posts the message XML -- in safe mode only ``ToUserName`` and ``Encrypt`` travel in the clear.
"""

from __future__ import annotations

import itertools
import random
import string
import time
from dataclasses import dataclass, field
from typing import Any

import xmltodict
from starlette.testclient import TestClient
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

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

    client: TestClient
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
