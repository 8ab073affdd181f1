"""Fetching the photo a person sent the WeCom AI bot: download ``image.url``, then decrypt.

The file is AES-256-CBC encrypted: with the bot's EncodingAESKey in callback mode, with the
message's own ``aeskey`` in long connection mode (``bot.wecom.crypto``). Only the URL from a
verified, decrypted message is fetched, and the body is capped in size.
"""

from __future__ import annotations

import logging

import httpx

from bot.wecom.crypto import Rejected, WeComCrypto, file_cipher
from bot.wecom.inbound import ImageRef
from core.errors import TransientUpstreamError, UserInputError

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 20 * 1024 * 1024
"""A photo larger than this is refused before decrypting."""
FETCH_TIMEOUT_SECONDS = 15.0


class PhotoFetcher:
    """``await fetcher(ref)`` -> the photo's plain bytes."""

    def __init__(self, crypto: WeComCrypto | None) -> None:
        self.crypto = crypto
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        """One client for every download: a new one builds an SSL context (~10 ms of CPU)
        on the event loop each time, which every other chat waits for."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS)
        return self._client

    async def __call__(self, ref: ImageRef) -> bytes:
        cipher = file_cipher(ref.aeskey) if ref.aeskey else self.crypto
        if cipher is None:
            raise UserInputError("wecom.photo_failed")
        try:
            async with self.client().stream("GET", ref.url) as response:
                if response.status_code != 200:
                    log.warning("wecom: photo download answered %s", response.status_code)
                    raise UserInputError("wecom.photo_failed")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_PHOTO_BYTES:
                        raise UserInputError("wechat.photo_too_large")
                    chunks.append(chunk)
        except httpx.HTTPError:
            log.warning("wecom: photo download failed (network)")
            raise TransientUpstreamError("wecom.photo_failed") from None
        try:
            return cipher.decrypt_file(b"".join(chunks))
        except (Rejected, ValueError):
            log.warning("wecom: photo could not be decrypted")
            raise UserInputError("wecom.photo_failed") from None
