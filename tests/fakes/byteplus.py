"""A fake of BytePlus ModelArk's image generation API (Seedream), seed 003.

``POST {base}/images/generations`` with ``Authorization: Bearer <key>`` validates like Ark
(model, prompt, ``image`` as data URI/URL or a list of at most 14, ``size`` as ``2K``/``4K``
or ``WxH`` within 3,686,400-16,777,216 pixels and ratio 1/16-16) and answers
``{model, created, data: [{url, size}], usage}``. ``response_format: b64_json`` answers
``b64_json`` instead. Images are real JPEGs served at ``/tos/…`` until they expire
(``url_ttl_s``; BytePlus links live 24 h). Errors use Ark's envelope
``{"error": {"code", "message", "param", "type"}}``; a prompt containing a word in
``blocked_words`` is refused as ``InputTextSensitiveContentDetected``.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes import serve

DEFAULT_KEY = "ark-test-key-0123456789"
MIN_PIXELS, MAX_PIXELS = 3_686_400, 16_777_216
IMAGE_SIDE_LIMIT = 256
"""The fake draws images at most this many pixels a side (same ratio) to keep tests fast."""


@dataclass
class FakeBytePlus:
    key: str = DEFAULT_KEY
    url_ttl_s: float = 86400.0
    blocked_words: tuple[str, ...] = ("forbidden",)
    failures: list[int] = field(default_factory=list)
    """Statuses the next calls answer with (popped in order) before doing anything."""
    overdue: bool = False
    """The account is out of credit: every call answers 403 AccountOverdueError."""
    delay_s: float = 0.0
    hang: bool = False

    requests: list[dict[str, Any]] = field(default_factory=list)
    generated_images: int = 0
    media_requests: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.files: dict[str, tuple[bytes, float]] = {}
        self._released = threading.Event()
        self.base_url = ""
        self.app = Starlette(routes=[
            Route("/tos/{name}", self._media, methods=["GET"]),
            Route("/{prefix:path}/images/generations", self._generate, methods=["POST"]),
        ])

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Run the fake; yields the value for BYTEPLUS_BASE_URL (``…/api/v3``)."""
        self._released.clear()
        with serve(self.app, on_stop=self._released.set) as url:
            self.base_url = url
            yield url + "/api/v3"

    async def _generate(self, request: Request) -> Response:
        if self.hang:
            while not self._released.is_set():
                await asyncio.sleep(0.02)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.failures:
            status = self.failures.pop(0)
            code = {429: "RateLimitExceeded.EndpointRPMExceeded", 500: "InternalServiceError",
                    503: "ServiceUnavailable"}.get(status, "InternalServiceError")
            return _error(status, code, f"scripted failure {status}")
        if request.headers.get("authorization") != f"Bearer {self.key}":
            return _error(401, "AuthenticationError", "The API key in the request is missing or invalid.")
        if self.overdue:
            return _error(403, "AccountOverdueError", "The request failed because your account has an overdue balance.")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(400, "InvalidParameter", "The request body is not valid JSON.")
        self.requests.append(body)
        problem = _validate(body)
        if problem:
            return _error(400, "InvalidParameter", problem[1], param=problem[0])
        if any(word in body["prompt"].lower() for word in self.blocked_words):
            return _error(400, "InputTextSensitiveContentDetected",
                          "The request failed because the input text may contain sensitive information.")
        width, height = _size(body.get("size", "2048x2048"))
        fmt = body.get("response_format", "url")
        buffer = io.BytesIO()
        scale = min(1.0, IMAGE_SIDE_LIMIT / max(width, height))
        Image.new("RGB", (max(1, int(width * scale)), max(1, int(height * scale))),
                  (90, 140, 200)).save(buffer, format="JPEG")
        data = buffer.getvalue()
        self.generated_images += 1
        item: dict[str, Any] = {"size": f"{width}x{height}"}
        if fmt == "b64_json":
            item["b64_json"] = base64.b64encode(data).decode()
        else:
            name = f"{uuid.uuid4().hex}.jpeg"
            self.files[name] = (data, time.monotonic() + self.url_ttl_s)
            item["url"] = f"{request.base_url}".rstrip("/") + f"/tos/{name}?X-Tos-Expires=86400"
        return JSONResponse({
            "model": body["model"], "created": int(time.time()), "data": [item],
            "usage": {"generated_images": 1, "output_tokens": width * height // 256,
                      "total_tokens": width * height // 256},
        })

    async def _media(self, request: Request) -> Response:
        self.media_requests.append(dict(request.headers))
        entry = self.files.get(request.path_params["name"])
        if entry is None or time.monotonic() > entry[1]:
            # TOS answers an expired signed link with 403 AccessDenied (XML).
            return Response("<Error><Code>AccessDenied</Code></Error>", status_code=403,
                            media_type="application/xml")
        return Response(entry[0], media_type="image/jpeg")


def _size(size: str) -> tuple[int, int]:
    if size in ("2K", "4K"):
        return (2048, 2048) if size == "2K" else (4096, 4096)
    width, height = size.lower().split("x")
    return int(width), int(height)


def _validate(body: Any) -> tuple[str, str] | None:
    if not isinstance(body, dict):
        return "", "The request body must be an object."
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model", "The parameter `model` specified in the request is not valid."
    if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
        return "prompt", "The parameter `prompt` specified in the request is not valid."
    image = body.get("image")
    images = [image] if isinstance(image, str) else image if isinstance(image, list) else []
    if image is not None and not images:
        return "image", "The parameter `image` specified in the request is not valid."
    if len(images) > 14:
        return "image", "The number of reference images exceeds the limit of 14."
    for item in images:
        if not isinstance(item, str) or not (
            re.match(r"^data:image/[a-z]+;base64,[A-Za-z0-9+/=]+$", item) or item.startswith("http")
        ):
            return "image", "The parameter `image` specified in the request is not valid."
    size = body.get("size", "2048x2048")
    if size not in ("2K", "4K"):
        match = re.fullmatch(r"(\d+)x(\d+)", str(size))
        if not match:
            return "size", "The parameter `size` specified in the request is not valid."
        width, height = int(match[1]), int(match[2])
        if not MIN_PIXELS <= width * height <= MAX_PIXELS or not 1 / 16 <= width / height <= 16:
            return "size", "The parameter `size` specified in the request is not valid: total pixels must be within [3686400, 16777216]."
    if body.get("response_format", "url") not in ("url", "b64_json"):
        return "response_format", "The parameter `response_format` specified in the request is not valid."
    return None


def _error(status: int, code: str, message: str, *, param: str = "") -> JSONResponse:
    kind = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 429: "TooManyRequests"}.get(
        status, "InternalServerError")
    return JSONResponse({"error": {"code": code, "message": message, "param": param, "type": kind}},
                        status_code=status)


@pytest.fixture
def fake_byteplus() -> Iterator[tuple[FakeBytePlus, str]]:
    """A running fake Seedream API: (fake, BYTEPLUS_BASE_URL)."""
    fake = FakeBytePlus()
    with fake.serve() as url:
        yield fake, url
