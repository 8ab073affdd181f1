"""HTTP plumbing the provider modules share: retries with backoff, downloads, data URIs.

Which failures are retried here, and which go back to the caller::

    connect error / connect timeout / pool timeout   never reached upstream -> retried
    429, 502, 503, 504 (and 408)                      not accepted           -> retried
    500                                               retried only when resending is harmless
    read timeout / dropped connection after sending   retried only when resending is harmless,
                                                      else TransientUpstreamError(uncertain)
    anything else                                     returned to the provider, which maps it

"Harmless" means the call charges nothing (a status poll, a result fetch, a download). A
submit that may have reached upstream is never resent: fal pre-charges at submit, so a blind
resend could charge the person twice for one picture.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import random
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from core.errors import PermanentUpstreamError, TransientUpstreamError, UserInputError
from core.settings import Settings
from engine.providers.base import OutputImage
from engine.urlfetch import checked_addresses, is_public_address, parse_url, system_resolver

log = logging.getLogger(__name__)

SYNC_GENERATE_TIMEOUT = httpx.Timeout(180.0, connect=10.0)
"""Seconds for one synchronous generation: Seedream takes ~15-40 s (4K up to a few minutes),
the headshot API ~20 s (several images longer)."""

RETRY_ATTEMPTS = 4
"""Tries per HTTP call (1 + 3 retries) before a transient failure goes back to the caller."""
BACKOFF_BASE_S = 0.5
"""First retry delay in seconds; doubles each retry, with ±25 % jitter."""
BACKOFF_MAX_S = 8.0
"""Longest single wait between retries, seconds; also caps a server's Retry-After here."""
NOT_ACCEPTED_STATUSES = frozenset({408, 429, 502, 503, 504})
"""Statuses that mean "not taken in": busy, rate-limited, or the ingress could not reach it."""
IDEMPOTENT_RETRY_STATUSES = NOT_ACCEPTED_STATUSES | {500}
MAX_DOWNLOAD_BYTES = 40 * 1024 * 1024
"""Largest output image we download, bytes; 4K PNGs are ~20 MB, more is a broken upstream.
Read in chunks and cut here, so a 300 MB answer costs the worker 40 MB, not 300."""
DOWNLOAD_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
"""Seconds for one image download (connect within 10 s)."""
SPOOL_IN_MEMORY_BYTES = 1024 * 1024
"""A download larger than this goes to a temporary file while it streams in, and is read
back once whole and within MAX_DOWNLOAD_BYTES: never a growing buffer plus its copy."""

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how patiently a call is retried."""

    attempts: int = RETRY_ATTEMPTS
    base_s: float = BACKOFF_BASE_S
    max_s: float = BACKOFF_MAX_S

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_s)
        wait = min(self.base_s * 2 ** (retry - 1), self.max_s)
        return wait * random.uniform(0.75, 1.25)


DEFAULT_RETRY = RetryPolicy()


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds, when it is a number."""
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    resend_is_harmless: bool,
    unavailable_message_id: str,
    uncertain_message_id: str,
    policy: RetryPolicy = DEFAULT_RETRY,
    sleep: Sleep = asyncio.sleep,
    **kwargs: Any,
) -> httpx.Response:
    """One HTTP call with the retry rules above; returns any response it does not retry."""
    retry_statuses = IDEMPOTENT_RETRY_STATUSES if resend_is_harmless else NOT_ACCEPTED_STATUSES
    retry_after: float | None = None
    for attempt in range(1, policy.attempts + 1):
        wait_hint: float | None = None
        try:
            response = await client.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            log.info("%s %s: %s (attempt %d)", method, _path(url), type(exc).__name__, attempt)
        except httpx.TransportError as exc:
            # The request may have been read and acted on; only resend what costs nothing.
            log.warning("%s %s: %s after sending (attempt %d)", method, _path(url),
                        type(exc).__name__, attempt)
            if not resend_is_harmless:
                raise TransientUpstreamError(uncertain_message_id) from None
        else:
            if response.status_code not in retry_statuses:
                return response
            wait_hint = retry_after = retry_after_seconds(response)
            log.info("%s %s: HTTP %d (attempt %d)", method, _path(url), response.status_code, attempt)
        if attempt < policy.attempts:
            await sleep(policy.delay(attempt, wait_hint))
    raise TransientUpstreamError(unavailable_message_id, retry_after=retry_after)


async def download_image(
    client: httpx.AsyncClient,
    url: str,
    *,
    content_type: str | None = None,
    unavailable_message_id: str,
    trusted: str = "",
    policy: RetryPolicy = DEFAULT_RETRY,
    sleep: Sleep = asyncio.sleep,
) -> OutputImage:
    """Fetch one output image now (upstream URLs expire); never sends our credentials.

    ``trusted`` is the provider's own API URL, as the operator configured it: its host may be
    anything (a private gateway, the test fakes). Any other host must be a public https
    address (``result_source_allowed``)."""
    if url.startswith("data:"):
        return decode_data_uri(url)
    if not await result_source_allowed(url, trusted):
        log.warning("image download refused: %s is not a public https address", _host(url))
        raise PermanentUpstreamError("generate.download_failed")
    for attempt in range(1, policy.attempts + 1):
        wait_hint: float | None = None
        try:
            status, data, kind, wait_hint = await _read_capped(client, url)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout,
                httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            log.info("GET %s: %s (attempt %d)", _path(url), type(exc).__name__, attempt)
        else:
            if status not in IDEMPOTENT_RETRY_STATUSES:
                if status != 200 or not data:
                    log.warning("image download answered HTTP %d", status)
                    raise PermanentUpstreamError("generate.download_failed")
                return OutputImage(data, sniff_content_type(data, kind or content_type))
            log.info("GET %s: HTTP %d (attempt %d)", _path(url), status, attempt)
        if attempt < policy.attempts:
            await sleep(policy.delay(attempt, wait_hint))
    raise TransientUpstreamError(unavailable_message_id)


async def _read_capped(client: httpx.AsyncClient, url: str) -> tuple[int, bytes, str, float | None]:
    """Status, body, content type and Retry-After of a GET, reading at most MAX_DOWNLOAD_BYTES:
    a bigger image is refused as soon as its header or its bytes say so, never held whole."""
    async with client.stream("GET", url, timeout=DOWNLOAD_TIMEOUT) as response:
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if response.status_code != 200:
            return response.status_code, b"", kind, retry_after_seconds(response)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_DOWNLOAD_BYTES:
            log.warning("image download refused: %s bytes declared", declared)
            raise PermanentUpstreamError("generate.download_failed")
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES) as spool:
            received = 0
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > MAX_DOWNLOAD_BYTES:
                    log.warning("image download cut at %d bytes", received)
                    raise PermanentUpstreamError("generate.download_failed")
                spool.write(chunk)
            spool.seek(0)
            return 200, spool.read(), kind, None


async def result_source_allowed(url: str, trusted: str = "") -> bool:
    """Whether a result image may be fetched from ``url``: the provider's configured host, or
    an https URL whose every address is public. A provider answer (or whoever tampered with
    it) naming 169.254.169.254, localhost or our private network is never followed."""
    host = _host(url)
    if host and host == _host(trusted):
        return True
    try:
        await checked_addresses(parse_url(url), system_resolver, is_public_address)
    except UserInputError:
        return False
    return True


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def decode_data_uri(uri: str) -> OutputImage:
    """An image from ``data:image/png;base64,...`` (or bare base64)."""
    header, _, payload = uri.partition(",") if uri.startswith("data:") else ("", "", uri)
    try:
        data = base64.b64decode(payload, validate=False)
    except ValueError:
        raise PermanentUpstreamError("generate.download_failed") from None
    if not data:
        raise PermanentUpstreamError("generate.download_failed")
    declared = header[5:].split(";")[0] if header else None
    return OutputImage(data, sniff_content_type(data, declared))


def data_uri(image: bytes) -> str:
    """A reference photo as a base64 data URI (fal, Seedream and the headshot API accept these)."""
    kind = sniff_content_type(image, "image/jpeg")
    return f"data:{kind};base64,{base64.b64encode(image).decode('ascii')}"


def sniff_content_type(data: bytes, declared: str | None = None) -> str:
    """The image type from its first bytes; the declared type when unknown."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if declared and declared.startswith("image/"):
        return declared
    return "image/png"


def _path(url: str) -> str:
    """The URL without its query, for logs (queries may carry webhook tokens)."""
    return url.split("?", 1)[0]


class SyncProvider:
    """What a provider that answers inside one HTTP call shares (Seedream, the headshot API):
    the shared client, the retry policy and the generation timeout. ``_configure`` reads its
    key and URL from the settings."""

    def __init__(
        self,
        settings: Settings,
        client: httpx.AsyncClient,
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        sleep: Sleep = asyncio.sleep,
        timeout: httpx.Timeout = SYNC_GENERATE_TIMEOUT,
    ) -> None:
        self._client = client
        self._retry = retry
        self._sleep = sleep
        self._timeout = timeout
        self._configure(settings)

    def _configure(self, settings: Settings) -> None:
        raise NotImplementedError
