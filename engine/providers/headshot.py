"""The generic Headshot API (seed 001). Synchronous: base64 images come back in the answer.

    POST {HEADSHOT_API_URL}/api/generate-portrait
    {apiKey, prompt, seed (-1 = random), sampleNumber 1-8, identityScale 0-1,
     inputImages: [data URI], outputImageWidth, outputImageHeight (512-2024)}
    -> {outputImages: [data URI, ...]}

The key travels in the JSON body (the API's choice), so request bodies are never logged.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx

from core.errors import PermanentUpstreamError
from core.models import MODELS
from core.settings import Settings
from engine.providers.base import Handle, OutputImage, ProviderJob, Status, Submitted
from engine.providers.fal import clean_detail
from engine.providers.http import SyncProvider, data_uri, decode_data_uri, send

log = logging.getLogger(__name__)

PATH = "/api/generate-portrait"
DEFAULT_IDENTITY_SCALE = 0.8
"""Seed 001's default likeness strength (0-1)."""
MAX_SAMPLES = 8
OUTPUT_SIZES = {
    "1:1": (768, 768), "3:4": (768, 1024), "4:3": (1024, 768), "9:16": (720, 1280),
    "16:9": (1280, 720), "2:3": (768, 1152), "3:2": (1152, 768), "4:5": (768, 960),
    "5:4": (960, 768),
}
"""Output pixels per ratio; seed 001 recommends 768x768 and 768x1024, limits are 512-2024."""


class HeadshotProvider(SyncProvider):
    """The headshot API over one shared httpx.AsyncClient; finishes inside ``submit``."""

    name = "headshot"

    def _configure(self, settings: Settings) -> None:
        self._key = settings.headshot_api_key
        self._url = settings.headshot_api_url.rstrip("/") + PATH

    async def submit(self, job: ProviderJob) -> Submitted:
        """Generate the portraits and decode them."""
        response = await send(
            self._client, "POST", self._url, json=build_body(job, self._key.reveal()),
            timeout=self._timeout, resend_is_harmless=False, policy=self._retry, sleep=self._sleep,
            unavailable_message_id="headshot.unavailable",
            uncertain_message_id="headshot.submit_uncertain",
        )
        if response.status_code >= 400:
            self._raise_for_error(response)
        try:
            outputs = response.json().get("outputImages")
        except (ValueError, AttributeError):
            raise PermanentUpstreamError("headshot.bad_response") from None
        if not isinstance(outputs, list):
            raise PermanentUpstreamError("headshot.bad_response")
        images = tuple(decode_data_uri(item) for item in outputs if isinstance(item, str) and item)
        if not images:
            raise PermanentUpstreamError("headshot.no_images")
        model = MODELS.get(job.model)
        cost = round(len(images) * (model.price_usd if model else 0.0), 4)
        handle = Handle(self.name, str(uuid.uuid4()), job.endpoint,
                        data={"cost_usd": cost, "cost_source": "price_table"})
        return Submitted(handle=handle, images=images, cost_usd=cost)

    async def poll(self, handle: Handle) -> Status:
        """Synchronous: anything submitted is done."""
        return Status("done")

    async def result(self, handle: Handle) -> tuple[OutputImage, ...]:
        """Nothing to fetch later: the images came with ``submit``."""
        raise PermanentUpstreamError("headshot.no_images")

    async def cancel(self, handle: Handle) -> None:
        """Nothing runs upstream after ``submit`` returns."""

    def _raise_for_error(self, response: httpx.Response) -> None:
        status = response.status_code
        log.warning("headshot API answered HTTP %d", status)
        if status in (401, 403):
            raise PermanentUpstreamError("headshot.bad_key")
        if status in (400, 422):
            try:
                body = response.json()
                detail = body.get("detail") or body.get("message") or body.get("error")
            except (ValueError, AttributeError):
                detail = response.text
            raise PermanentUpstreamError(
                "headshot.invalid_request",
                detail=clean_detail(detail, secrets=(self._key.reveal(),)),
            )
        raise PermanentUpstreamError("headshot.generation_failed")


def build_body(job: ProviderJob, api_key: str) -> dict[str, Any]:
    """The request JSON; the API wants the key inside it."""
    if not job.references:
        raise PermanentUpstreamError("headshot.invalid_request", detail="a photo is needed")
    width, height = OUTPUT_SIZES.get(job.aspect_ratio, OUTPUT_SIZES["3:4"])
    scale = float(job.extra.get("identity_scale", DEFAULT_IDENTITY_SCALE))
    return {
        "apiKey": api_key,
        "prompt": job.prompt,
        "seed": int(job.seed) if job.seed is not None and job.seed > 0 else -1,
        "sampleNumber": max(1, min(job.count, MAX_SAMPLES)),
        "identityScale": min(max(scale, 0.0), 1.0),
        "inputImages": [data_uri(job.references[0])],
        "outputImageWidth": width,
        "outputImageHeight": height,
    }
