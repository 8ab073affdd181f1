"""BytePlus Seedream (ModelArk ``images/generations``, seed 003). Synchronous: the images
come back in the submit call, as URLs that expire in 24 h, so they are downloaded at once.

    POST {BYTEPLUS_BASE_URL}/images/generations    Authorization: Bearer <key>
    {model, prompt, image: data URI or list (<= 14), size: "WxH", sequential_image_generation:
     "disabled", response_format: "url", watermark: false}
    -> {model, created, data: [{url | b64_json, size} | {error: {code, message}}], usage}
    errors -> HTTP 4xx/5xx with {error: {code, message, param, type}}

Several images are several concurrent requests of one image each, so the count is exact
(batch mode lets the model decide how many to return).
"""

from __future__ import annotations

import asyncio
import logging
import math
import uuid
from typing import Any

import httpx

from core.errors import PermanentUpstreamError
from core.models import MODELS
from core.settings import Settings
from engine.providers.base import Handle, OutputImage, ProviderJob, Status, Submitted
from engine.providers.fal import clean_detail
from engine.providers.http import (
    SyncProvider,
    data_uri,
    decode_data_uri,
    download_image,
    send,
)

log = logging.getLogger(__name__)

MAX_REFERENCES = 14
"""Seedream 4.x takes at most 14 reference images."""
MIN_PIXELS = 3_686_400
"""Seedream 4.5's smallest output, width x height (2560x1440)."""
MAX_PIXELS = 16_777_216
"""Seedream 4.5's largest output, width x height (4096x4096)."""
RESOLUTION_TIERS = {"standard": 1920 * 2400, "high": 2560 * 3200, "max": 3200 * 4000}
"""Total pixels per tier (seed 003: 4.6 M, 8 M, 12.8 M); ``extra["resolution"]`` picks one."""
DEFAULT_TIER = "high"
SIZE_STEP = 16
"""Widths and heights are multiples of this many pixels."""


def output_size(aspect_ratio: str, tier: str = DEFAULT_TIER) -> tuple[int, int]:
    """Width and height for a ratio and tier, inside Seedream's pixel limits."""
    width_part, height_part = (float(x) for x in aspect_ratio.split(":"))
    ratio = width_part / height_part
    target = RESOLUTION_TIERS.get(tier, RESOLUTION_TIERS[DEFAULT_TIER])
    width = math.sqrt(target * ratio)
    height = width / ratio

    def snap(value: float) -> int:
        return max(SIZE_STEP, int(round(value / SIZE_STEP)) * SIZE_STEP)

    w, h = snap(width), snap(height)
    while w * h < MIN_PIXELS:
        w, h = w + SIZE_STEP, snap((w + SIZE_STEP) / ratio)
    while w * h > MAX_PIXELS:
        w, h = w - SIZE_STEP, snap((w - SIZE_STEP) / ratio)
    return w, h


class SeedreamProvider(SyncProvider):
    """BytePlus Seedream over one shared httpx.AsyncClient; finishes inside ``submit``."""

    name = "seedream"

    def _configure(self, settings: Settings) -> None:
        self._key = settings.byteplus_api_key
        self._url = settings.byteplus_base_url.rstrip("/") + "/images/generations"

    async def submit(self, job: ProviderJob) -> Submitted:
        """Generate ``job.count`` images (one request each, concurrently) and download them."""
        body = build_body(job)
        results = await asyncio.gather(
            *(self._generate_one(body) for _ in range(max(1, job.count))), return_exceptions=True
        )
        images = [image for result in results if isinstance(result, tuple) for image in result]
        if not images:
            failure = next(r for r in results if isinstance(r, BaseException))
            raise failure
        for result in results:
            if isinstance(result, BaseException):
                log.warning("seedream: %d of %d images failed (%s)",
                            sum(isinstance(r, BaseException) for r in results), len(results), result)
                break
        model = MODELS.get(job.model)
        cost = round(len(images) * (model.price_usd if model else 0.0), 4)
        handle = Handle(self.name, str(uuid.uuid4()), job.endpoint,
                        data={"cost_usd": cost, "cost_source": "price_table", "size": body["size"]})
        return Submitted(handle=handle, images=tuple(images), cost_usd=cost)

    async def poll(self, handle: Handle) -> Status:
        """Seedream is synchronous: anything submitted is done."""
        return Status("done")

    async def result(self, handle: Handle) -> tuple[OutputImage, ...]:
        """Nothing to fetch later: the images came with ``submit``."""
        raise PermanentUpstreamError("seedream.no_images")

    async def cancel(self, handle: Handle) -> None:
        """Nothing runs upstream after ``submit`` returns."""

    async def _generate_one(self, body: dict[str, Any]) -> tuple[OutputImage, ...]:
        headers = {"Authorization": f"Bearer {self._key.reveal()}"}
        response = await send(
            self._client, "POST", self._url, json=body, headers=headers, timeout=self._timeout,
            resend_is_harmless=False, policy=self._retry, sleep=self._sleep,
            unavailable_message_id="seedream.unavailable",
            uncertain_message_id="seedream.submit_uncertain",
        )
        if response.status_code >= 400:
            self._raise_for_error(response)
        try:
            data = response.json()
        except ValueError:
            raise PermanentUpstreamError("seedream.bad_response") from None
        entries = data.get("data") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise PermanentUpstreamError("seedream.bad_response")
        images: list[OutputImage] = []
        codes: list[str] = []
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get("error"), dict):
                codes.append(str(entry["error"].get("code", "")))
            elif entry.get("b64_json"):
                images.append(decode_data_uri(str(entry["b64_json"])))
            elif entry.get("url"):
                # The link expires within 24 h: fetch it now, without our key.
                images.append(await download_image(
                    self._client, str(entry["url"]), content_type="image/jpeg", trusted=self._url,
                    policy=self._retry, sleep=self._sleep,
                    unavailable_message_id="seedream.unavailable",
                ))
        if not images:
            if any("Sensitive" in code for code in codes):
                raise PermanentUpstreamError("seedream.content_blocked")
            raise PermanentUpstreamError("seedream.no_images")
        return tuple(images)

    def _raise_for_error(self, response: httpx.Response) -> None:
        status = response.status_code
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        code = str(error.get("code", "")) if isinstance(error, dict) else ""
        log.warning("seedream answered HTTP %d %s", status, code)
        if status == 401 or code.startswith("Authentication"):
            raise PermanentUpstreamError("seedream.bad_key")
        if code.startswith("AccountOverdue") or code in ("ModelNotOpen", "AccessDenied") or status in (402, 403):
            raise PermanentUpstreamError("seedream.insufficient_credits")
        if "Sensitive" in code:
            raise PermanentUpstreamError("seedream.content_blocked")
        if status in (400, 404, 422):
            message = error.get("message") if isinstance(error, dict) else None
            detail = clean_detail(message or code, secrets=(self._key.reveal(),))
            raise PermanentUpstreamError("seedream.invalid_request", detail=detail)
        raise PermanentUpstreamError("seedream.generation_failed")


def build_body(job: ProviderJob) -> dict[str, Any]:
    """The request JSON for one image of ``job``."""
    width, height = output_size(job.aspect_ratio, str(job.extra.get("resolution", DEFAULT_TIER)))
    body: dict[str, Any] = {
        "model": job.endpoint,
        "prompt": job.prompt,
        "size": f"{width}x{height}",
        "sequential_image_generation": "disabled",
        "response_format": "url",
        "watermark": False,
    }
    refs = [data_uri(ref) for ref in job.references[:MAX_REFERENCES]]
    if len(refs) == 1:
        body["image"] = refs[0]
    elif refs:
        body["image"] = refs
    if job.seed is not None and job.endpoint.startswith(("seedream-3", "seededit")):
        body["seed"] = int(job.seed)  # Seedream 4.x takes no seed
    return body
