"""Is this request from WeChat? Signatures, the clock, and replayed nonces.

Checked in this order, and nothing is decrypted or parsed as a message before all pass:

1. ``signature`` = sha1(sorted(token, timestamp, nonce)) -- every request.
2. ``timestamp`` within MAX_CLOCK_SKEW_SECONDS of our clock.
3. Safe mode: ``msg_signature`` = sha1(sorted(token, timestamp, nonce, Encrypt)); only the
   ``Encrypt`` element is read (from a size-capped body) to compute it.
4. The (timestamp, nonce) pair is fresh -- or the byte-identical retry of the same delivery.

In plaintext mode the signature does not cover the body, which is why (4) matters: a signed
query seen once cannot carry a different message.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping
from xml.parsers.expat import ExpatError

import redis
import xmltodict
from wechatpy.utils import WeChatSigner

from bot.wechat.store import accept_nonce

MAX_CLOCK_SKEW_SECONDS = 300
"""Requests whose timestamp is more than five minutes off our clock are refused."""
MAX_BODY_BYTES = 64 * 1024
"""A WeChat callback body is a few hundred bytes; anything this large is not one."""


class Rejected(Exception):
    """The request is not WeChat's (or is a replay); answer 403. ``reason`` is for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sign(*parts: str) -> str:
    """WeChat's signature over the parts (sorted, joined, SHA-1)."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def check_signature(token: str, query: Mapping[str, str]) -> None:
    """Check ``signature`` over token, timestamp and nonce."""
    expected = sign(token, query.get("timestamp", ""), query.get("nonce", ""))
    if not hmac.compare_digest(expected, query.get("signature", "")):
        raise Rejected("bad signature")


def check_clock(query: Mapping[str, str], now: float | None = None) -> None:
    try:
        stamp = int(query.get("timestamp", ""))
    except ValueError:
        raise Rejected("bad timestamp") from None
    if abs((now if now is not None else time.time()) - stamp) > MAX_CLOCK_SKEW_SECONDS:
        raise Rejected("stale timestamp")


def encrypted_part(body: bytes) -> str:
    """The ``Encrypt`` element of a safe-mode body, read without looking at anything else."""
    try:
        document = xmltodict.parse(body, disable_entities=True)
    except (ExpatError, ValueError):
        raise Rejected("unreadable body") from None
    root = document.get("xml") if isinstance(document, dict) else None
    encrypt = root.get("Encrypt") if isinstance(root, dict) else None
    if not isinstance(encrypt, str) or not encrypt:
        raise Rejected("no Encrypt element")
    return encrypt


def check_msg_signature(token: str, query: Mapping[str, str], encrypt: str) -> None:
    expected = sign(token, query.get("timestamp", ""), query.get("nonce", ""), encrypt)
    if not hmac.compare_digest(expected, query.get("msg_signature", "")):
        raise Rejected("bad msg_signature")


def verify(
    client: redis.Redis,
    token: str,
    query: Mapping[str, str],
    body: bytes,
    *,
    encrypted: bool,
    now: float | None = None,
) -> str | None:
    """Run every check for one request; return the ``Encrypt`` text in safe mode."""
    if len(body) > MAX_BODY_BYTES:
        raise Rejected("body too large")
    check_signature(token, query)
    check_clock(query, now)
    encrypt = None
    if encrypted:
        encrypt = encrypted_part(body)
        check_msg_signature(token, query, encrypt)
    if not accept_nonce(client, query.get("timestamp", ""), query.get("nonce", ""), body):
        raise Rejected("replayed nonce")
    return encrypt
