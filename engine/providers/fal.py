"""The fal.ai queue API over httpx (seeds 000 §14, 002, 004).

Submit to ``{FAL_QUEUE_URL}/{owner}/{app}[/{path}]``; poll, fetch and cancel at
``{FAL_QUEUE_URL}/{owner}/{app}/requests/{id}[/status|/cancel]`` (the sub-path is dropped
there). ``Authorization: Key …`` goes only to the queue URL, never to the file CDN.

Failure mapping (seed 000 §13)::

    402                     PermanentUpstreamError fal.insufficient_credits  (operator tops up)
    403                     PermanentUpstreamError fal.endpoint_not_allowed  (proxy allow-list)
    401                     PermanentUpstreamError fal.bad_key
    422                     PermanentUpstreamError fal.invalid_request (detail=model's words)
    COMPLETED with error    PermanentUpstreamError fal.generation_failed
    429/5xx/network         retried with backoff, then TransientUpstreamError fal.unavailable
    unclear if submitted    TransientUpstreamError fal.submit_uncertain, never resent

fal pre-charges at submit. A submit whose body may have reached fal (a read timeout, a dropped
connection after sending) is not resent here: the caller decides, knowing a resend may charge
twice. Only failures that prove nothing was accepted (connect errors, 429, 502-504) are retried.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any
from urllib.parse import quote

import httpx

from core.errors import PermanentUpstreamError
from core.models import FAL_IMAGES_PER_CALL, MODELS
from core.settings import Settings
from engine.providers.base import Handle, OutputImage, ProviderJob, Status, Submitted
from engine.providers.http import (
    DEFAULT_RETRY,
    RetryPolicy,
    Sleep,
    data_uri,
    download_image,
    send,
)

log = logging.getLogger(__name__)

SUBMIT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
"""Seconds for a submit; its body carries base64 photos, so writing may take a while."""
POLL_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
"""Seconds for a status, result or cancel call."""
MAX_IMAGES_PER_REQUEST = FAL_IMAGES_PER_CALL
"""fal's image models take num_images 1-4; the engine splits bigger counts."""
OUTPUT_FORMAT = "jpeg"
"""Chat channels recompress anyway; JPEG keeps downloads and uploads small."""
DETAIL_MAX_CHARS = 300
"""The model's 422 explanation is cut to this many characters before it reaches a person."""
EXPRESSION_PARAMS = frozenset({
    "blink", "eyebrow", "wink", "pupil_x", "pupil_y", "aaa", "eee", "woo", "smile",
    "rotate_pitch", "rotate_yaw", "rotate_roll",
})
"""Live-portrait's expression inputs (seed 004); anything else is not sent."""


RESULT_LIFETIME_S = 24 * 3600
"""Seconds fal keeps the result files it stores for us: we download them at once, so a day
is room for retries, and a person's portraits do not outlive that at fal."""
LIFECYCLE_HEADER = {
    "X-Fal-Object-Lifecycle-Preference": json.dumps({"expiration_duration_seconds": RESULT_LIFETIME_S}),
}
"""fal's object lifecycle preference, sent on submit, so the outputs at fal expire early."""


class FalProvider:
    """The fal queue: submit, poll, result, cancel over one shared httpx.AsyncClient."""

    name = "fal"

    def __init__(
        self,
        settings: Settings,
        client: httpx.AsyncClient,
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        sleep: Sleep = asyncio.sleep,
        submit_timeout: httpx.Timeout = SUBMIT_TIMEOUT,
        poll_timeout: httpx.Timeout = POLL_TIMEOUT,
    ) -> None:
        self._submit_timeout = submit_timeout
        self._poll_timeout = poll_timeout
        self._key = settings.fal_key
        self._base = settings.fal_queue_url.rstrip("/")
        self._client = client
        self._retry = retry
        self._sleep = sleep

    # -- Provider ----------------------------------------------------------------------------

    async def submit(self, job: ProviderJob) -> Submitted:
        """Queue one generation; fal charges here."""
        url = f"{self._base}/{job.endpoint.strip('/')}"
        if job.webhook_url:
            url += "?fal_webhook=" + quote(job.webhook_url, safe="")
        response = await self._send("POST", url, harmless=False, json=build_input(job),
                                    timeout=self._submit_timeout, extra_headers=LIFECYCLE_HEADER)
        self._raise_for_status(response)
        data = _json(response)
        request_id = data.get("request_id")
        if not isinstance(request_id, str) or not request_id:
            raise PermanentUpstreamError("fal.bad_response")
        charged = _credits_used(response)
        cost = charged if charged is not None else estimate_cost(job)
        base = f"{self._base}/{app_id(job.endpoint)}/requests/{request_id}"
        urls = {
            "status_url": self._ours(data.get("status_url")) or base + "/status",
            "response_url": self._ours(data.get("response_url")) or base,
            "cancel_url": self._ours(data.get("cancel_url")) or base + "/cancel",
        }
        handle = Handle(
            provider=self.name,
            request_id=request_id,
            endpoint=job.endpoint,
            data={**urls, "cost_usd": cost,
                  "cost_source": "x-credits-used" if charged is not None else "price_table"},
        )
        log.info("fal accepted %s on %s (queue position %s)", request_id, job.endpoint,
                 data.get("queue_position"))
        return Submitted(handle=handle, cost_usd=cost)

    async def poll(self, handle: Handle) -> Status:
        """One status call."""
        response = await self._send("GET", self._url(handle, "status_url"), harmless=True,
                                    params={"logs": "0"}, timeout=self._poll_timeout)
        if response.status_code == 404:
            raise PermanentUpstreamError("fal.request_lost")
        self._raise_for_status(response)
        data = _json(response)
        state = data.get("status")
        if state == "IN_QUEUE":
            position = data.get("queue_position")
            return Status("queued", position if isinstance(position, int) else None)
        if state == "IN_PROGRESS":
            return Status("running")
        if state == "COMPLETED":
            if data.get("error"):
                log.warning("fal %s completed with an error (%s)", handle.request_id,
                            data.get("error_type") or "unknown type")
                raise PermanentUpstreamError("fal.generation_failed")
            return Status("done")
        log.warning("fal %s answered unknown status %r", handle.request_id, state)
        raise PermanentUpstreamError("fal.generation_failed")

    async def result(self, handle: Handle) -> tuple[OutputImage, ...]:
        """Fetch the output and download every image at once (fal.media links are CSP-bound)."""
        response = await self._send("GET", self._url(handle, "response_url"), harmless=True,
                                    timeout=self._poll_timeout)
        if response.status_code == 404:
            raise PermanentUpstreamError("fal.request_lost")
        if response.status_code == 400 and "progress" in response.text.lower():
            raise PermanentUpstreamError("fal.not_finished")
        if response.status_code >= 500:
            raise PermanentUpstreamError("fal.generation_failed")
        self._raise_for_status(response)
        files = output_files(_json(response))
        if not files:
            # Nothing came back: usually the model's safety checker removed the image.
            raise PermanentUpstreamError("fal.no_images")
        return tuple(
            await asyncio.gather(
                *(download_image(self._client, url, content_type=kind, trusted=self._base,
                                 policy=self._retry,
                                 sleep=self._sleep, unavailable_message_id="fal.unavailable")
                  for url, kind in files)
            )
        )

    async def cancel(self, handle: Handle) -> None:
        """Ask fal to stop; quiet when it already finished or is unknown."""
        response = await self._send("PUT", self._url(handle, "cancel_url"), harmless=True,
                                    timeout=self._poll_timeout)
        if response.status_code in (200, 202, 400, 404):
            return
        self._raise_for_status(response)

    # -- helpers -------------------------------------------------------------------------------

    async def _send(self, method: str, url: str, *, harmless: bool,
                    extra_headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Key {self._key.reveal()}", "Accept": "application/json",
                   **(extra_headers or {})}
        return await send(
            self._client, method, url, headers=headers, resend_is_harmless=harmless,
            policy=self._retry, sleep=self._sleep,
            unavailable_message_id="fal.unavailable", uncertain_message_id="fal.submit_uncertain",
            **kwargs,
        )

    def _ours(self, url: Any) -> str | None:
        """A URL from fal's answer, if it points at our queue base (the key goes nowhere else)."""
        if isinstance(url, str) and url.startswith(self._base + "/"):
            return url
        return None

    def _url(self, handle: Handle, kind: str) -> str:
        stored = self._ours(handle.data.get(kind))
        if stored:
            return stored
        base = f"{self._base}/{app_id(handle.endpoint)}/requests/{handle.request_id}"
        return {"status_url": base + "/status", "cancel_url": base + "/cancel"}.get(kind, base)

    def _raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        log.warning("fal answered HTTP %d", status)
        if status == 402:
            raise PermanentUpstreamError("fal.insufficient_credits")
        if status == 401:
            raise PermanentUpstreamError("fal.bad_key")
        if status == 403:
            # fal itself (not the proxy) answers 403 "Exhausted balance" when credits run out.
            if any(word in response.text.lower() for word in ("balance", "credit")):
                raise PermanentUpstreamError("fal.insufficient_credits")
            raise PermanentUpstreamError("fal.endpoint_not_allowed")
        if status == 422:
            detail = clean_detail(_detail(response), secrets=(self._key.reveal(),))
            raise PermanentUpstreamError("fal.invalid_request", detail=detail)
        if status == 404:
            raise PermanentUpstreamError("fal.endpoint_unknown")
        if status == 400:
            detail = clean_detail(_detail(response), secrets=(self._key.reveal(),))
            raise PermanentUpstreamError("fal.invalid_request", detail=detail)
        raise PermanentUpstreamError("fal.generation_failed")


def app_id(endpoint: str) -> str:
    """owner/app of an endpoint id: ``fal-ai/nano-banana-pro/edit`` -> ``fal-ai/nano-banana-pro``."""
    parts = endpoint.strip("/").split("/")
    if parts[0] in ("workflows", "comfy") and len(parts) >= 3:
        return "/".join(parts[:3])
    return "/".join(parts[:2])


def build_input(job: ProviderJob) -> dict[str, Any]:
    """The model's JSON input for one job."""
    if "live-portrait" in job.endpoint:
        if not job.references:
            raise PermanentUpstreamError("fal.invalid_request", detail="a photo is needed")
        body: dict[str, Any] = {"image_url": data_uri(job.references[0]), "output_format": OUTPUT_FORMAT}
        for name, value in (job.expression or {}).items():
            if name in EXPRESSION_PARAMS:
                body[name] = float(value)
        return body | {k: v for k, v in job.extra.items() if k not in body}
    body = {
        "prompt": job.prompt,
        "num_images": max(1, min(job.count, MAX_IMAGES_PER_REQUEST)),
        "aspect_ratio": job.aspect_ratio,
        "output_format": OUTPUT_FORMAT,
    }
    if job.references:
        body["image_urls"] = [data_uri(ref) for ref in job.references]
    model = MODELS.get(job.model)
    if job.seed is not None and (model is None or model.takes_seed):
        body["seed"] = int(job.seed)
    return body | {k: v for k, v in job.extra.items() if k not in body}


def estimate_cost(job: ProviderJob) -> float:
    """The price table's figure when fal does not say what it charged."""
    model = MODELS.get(job.model)
    count = 1 if "live-portrait" in job.endpoint else max(1, min(job.count, MAX_IMAGES_PER_REQUEST))
    return round((model.price_usd if model else 0.0) * count, 4)


def output_files(data: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(url, content type) of every output image: the ``images`` list or the single ``image``."""
    entries: list[Any] = []
    if isinstance(data.get("images"), list):
        entries = data["images"]
    elif isinstance(data.get("image"), dict):
        entries = [data["image"]]
    files = []
    for entry in entries:
        url = entry.get("url") if isinstance(entry, dict) else entry if isinstance(entry, str) else None
        if isinstance(url, str) and url:
            kind = entry.get("content_type") if isinstance(entry, dict) else None
            files.append((url, kind if isinstance(kind, str) else None))
    return files


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def clean_detail(detail: Any, *, secrets: tuple[str, ...] = ()) -> str:
    """The model's validation message as short plain text: fields and reasons, no echoed input."""
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict):
                loc = [str(x) for x in item.get("loc", []) if x != "body"]
                msg = str(item.get("msg", "")).strip()
                parts.append(f"{'.'.join(loc)}: {msg}" if loc else msg)
            else:
                parts.append(str(item))
        text = "; ".join(p for p in parts if p)
    elif isinstance(detail, dict):
        text = str(detail.get("msg") or detail.get("message") or "")
    else:
        text = str(detail or "")
    text = _DATA_URI.sub("[image]", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _CONTROL.sub(" ", text).strip()
    if len(text) > DETAIL_MAX_CHARS:
        text = text[: DETAIL_MAX_CHARS - 1].rstrip() + "…"
    return text or "invalid input"


def _detail(response: httpx.Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        return response.text[:DETAIL_MAX_CHARS]
    return body.get("detail") if isinstance(body, dict) else body


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise PermanentUpstreamError("fal.bad_response") from None
    if not isinstance(data, dict):
        raise PermanentUpstreamError("fal.bad_response")
    return data


def _credits_used(response: httpx.Response) -> float | None:
    """What the proxy says this call charged (X-Credits-Used, in USD), when it says so."""
    value = response.headers.get("x-credits-used")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
