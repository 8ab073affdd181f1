"""The WeCom AI bot's message crypto: the WXBizMsgCrypt scheme over JSON.

Callback mode (智能机器人 接收消息 / 被动回复消息):

* ``msg_signature`` = sha1(sorted(token, timestamp, nonce, encrypt)) on every request;
  URL verification signs the ``echostr`` the same way and expects its plaintext back.
* ``encrypt`` = base64(AES-256-CBC(random16 + len32be + plaintext + receiveid)), key =
  base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padding to 32 bytes.
  An enterprise-internal AI bot's receiveid is the empty string.
* Requests carry ``{"encrypt": …}``; a passive reply is ``{"encrypt", "msgsignature",
  "timestamp", "nonce"}``.
* Images a person sends are files at ``image.url`` encrypted with the same key and IV (no
  random prefix, no length): AES-256-CBC with PKCS#7 padding.

wechatpy's ``PrpCrypto`` and ``WeChatCipher`` do the AES; nothing here logs or raises with the
key, the token or the plaintext.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from wechatpy.crypto import PrpCrypto
from wechatpy.crypto.base import WeChatCipher
from wechatpy.utils import random_string

from bot.wechat.security import Rejected, check_clock, sign

RECEIVE_ID = ""
"""An enterprise-internal AI bot encrypts with an empty receiveid."""
MAX_BODY_BYTES = 64 * 1024
"""An AI bot callback is a few kilobytes at most; anything this large is not one."""


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key of a 43-character EncodingAESKey."""
    try:
        key = base64.b64decode(encoding_aes_key + "=")
    except (binascii.Error, ValueError):
        raise ValueError("the EncodingAESKey is not base64") from None
    if len(key) != 32:
        raise ValueError("the EncodingAESKey must decode to 32 bytes")
    return key


class WeComCrypto:
    """Signatures and AES for one AI bot (token + EncodingAESKey)."""

    def __init__(self, token: str, encoding_aes_key: str) -> None:
        self._token = token
        self._key = aes_key(encoding_aes_key)

    def __repr__(self) -> str:
        return "WeComCrypto(***)"

    # ---- requests ----------------------------------------------------------------------------
    def _check(self, query: Mapping[str, str], encrypt: str, now: float | None) -> None:
        expected = sign(self._token, query.get("timestamp", ""), query.get("nonce", ""), encrypt)
        if not hmac.compare_digest(expected, query.get("msg_signature", "")):
            raise Rejected("bad msg_signature")
        check_clock(query, now)

    def _open(self, encrypt: str) -> str:
        try:
            return str(PrpCrypto(self._key).decrypt(encrypt, RECEIVE_ID))
        except Exception:  # bad base64, bad padding, wrong receiveid: all mean "not for us"
            raise Rejected("cannot decrypt") from None

    def verify_url(self, query: Mapping[str, str], now: float | None = None) -> str:
        """The plaintext of ``echostr`` for the URL-verification GET."""
        echostr = query.get("echostr", "")
        if not echostr:
            raise Rejected("no echostr")
        self._check(query, echostr, now)
        return self._open(echostr)

    def open_message(self, query: Mapping[str, str], body: bytes, now: float | None = None) -> dict[str, Any]:
        """The decrypted JSON message of a callback POST, after every check passed."""
        if len(body) > MAX_BODY_BYTES:
            raise Rejected("body too large")
        try:
            outer = json.loads(body)
        except ValueError:
            raise Rejected("unreadable body") from None
        encrypt = outer.get("encrypt") if isinstance(outer, dict) else None
        if not isinstance(encrypt, str) or not encrypt:
            raise Rejected("no encrypt field")
        self._check(query, encrypt, now)
        try:
            message = json.loads(self._open(encrypt))
        except ValueError:
            raise Rejected("decrypted body is not JSON") from None
        if not isinstance(message, dict):
            raise Rejected("decrypted body is not an object")
        return message

    # ---- replies -----------------------------------------------------------------------------
    def seal(self, reply: Mapping[str, Any], nonce: str | None = None, timestamp: str | None = None) -> dict[str, Any]:
        """A passive reply as WeCom wants it: encrypted, signed, with its timestamp and nonce."""
        nonce = nonce or random_string(16)
        timestamp = timestamp or str(int(time.time()))
        plaintext = json.dumps(reply, ensure_ascii=False, separators=(",", ":"))
        encrypt = PrpCrypto(self._key).encrypt(plaintext, RECEIVE_ID).decode()
        return {
            "encrypt": encrypt,
            "msgsignature": sign(self._token, timestamp, nonce, encrypt),
            "timestamp": int(timestamp),
            "nonce": nonce,
        }

    def encrypt_text(self, text: str) -> str:
        """``text`` as the platform encrypts it (an ``echostr``; the fake platform uses it)."""
        return str(PrpCrypto(self._key).encrypt(text, RECEIVE_ID).decode())

    def seal_for_request(self, message: Mapping[str, Any]) -> dict[str, Any]:
        """What the platform sends us: ``{"encrypt"}`` (used by the fake platform in tests)."""
        return {"encrypt": self.encrypt_text(json.dumps(message, ensure_ascii=False))}

    def open_reply(self, sealed: Mapping[str, Any]) -> dict[str, Any]:
        """Check and decrypt a passive reply (the platform's side, for tests and tools)."""
        expected = sign(self._token, str(sealed.get("timestamp", "")), str(sealed.get("nonce", "")), str(sealed.get("encrypt", "")))
        if not hmac.compare_digest(expected, str(sealed.get("msgsignature", ""))):
            raise Rejected("bad msgsignature")
        result: dict[str, Any] = json.loads(self._open(str(sealed["encrypt"])))
        return result

    # ---- files -------------------------------------------------------------------------------
    def decrypt_file(self, data: bytes) -> bytes:
        """An image a person sent, as WeCom serves it (AES-256-CBC, PKCS#7 to 32 bytes)."""
        if not data or len(data) % 16:
            raise Rejected("encrypted file has a bad length")
        plain: bytes = WeChatCipher(self._key).decrypt(data)
        pad = plain[-1]
        if not 1 <= pad <= 32 or plain[-pad:] != bytes([pad]) * pad:
            raise Rejected("encrypted file has bad padding")
        return plain[:-pad]

    def encrypt_file(self, data: bytes) -> bytes:
        """The inverse of ``decrypt_file`` (how the platform stores a file; for the fake)."""
        pad = 32 - len(data) % 32
        result: bytes = WeChatCipher(self._key).encrypt(data + bytes([pad]) * pad)
        return result


def file_cipher(aeskey: str) -> WeComCrypto:
    """A crypto for a long-connection file, whose message carries its own base64 ``aeskey``."""
    crypto = WeComCrypto.__new__(WeComCrypto)
    crypto._token = ""
    crypto._key = aes_key(aeskey.rstrip("="))
    return crypto
