"""A fake of the generic Headshot API (seed 001).

``POST /api/generate-portrait`` takes ``{apiKey, prompt, seed, sampleNumber, identityScale,
inputImages, outputImageWidth, outputImageHeight}``, checks the ranges the seed gives
(sampleNumber 1-8, identityScale 0-1, sizes 512-2024, one data-URI input image) and answers
``{"outputImages": ["data:image/jpeg;base64,…", …]}`` with real JPEGs of the asked size
(drawn small, same ratio). A wrong key answers 401, a bad field 400 ``{"error": …}``.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import threading
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

DEFAULT_KEY = "headshot-test-key-0123456789"
DRAW_SCALE = 8
"""The fake draws images this many times smaller than asked, to keep tests fast."""


@dataclass
class FakeHeadshotAPI:
    key: str = DEFAULT_KEY
    failures: list[int] = field(default_factory=list)
    delay_s: float = 0.0
    hang: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._released = threading.Event()
        self.app = Starlette(routes=[Route("/api/generate-portrait", self._generate, methods=["POST"])])

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Run the fake; yields the value for HEADSHOT_API_URL."""
        self._released.clear()
        with serve(self.app, on_stop=self._released.set) as url:
            yield url

    async def _generate(self, request: Request) -> Response:
        if self.hang:
            while not self._released.is_set():
                await asyncio.sleep(0.02)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.failures:
            status = self.failures.pop(0)
            return JSONResponse({"error": f"scripted failure {status}"}, status_code=status)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"error": "invalid JSON"}, status_code=400)
        self.requests.append(body)
        if not isinstance(body, dict) or body.get("apiKey") != self.key:
            return JSONResponse({"error": "invalid apiKey"}, status_code=401)
        problem = _validate(body)
        if problem:
            return JSONResponse({"error": problem}, status_code=400)
        width, height = body.get("outputImageWidth", 768), body.get("outputImageHeight", 1024)
        outputs = []
        for index in range(body.get("sampleNumber", 1)):
            buffer = io.BytesIO()
            Image.new("RGB", (width // DRAW_SCALE, height // DRAW_SCALE),
                      (120 + 20 * index, 100, 90)).save(buffer, format="JPEG")
            outputs.append("data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode())
        return JSONResponse({"outputImages": outputs})


def _validate(body: dict[str, Any]) -> str | None:
    if not isinstance(body.get("prompt"), str):
        return "prompt is required"
    seed = body.get("seed", -1)
    if not isinstance(seed, int) or (seed != -1 and seed <= 0):
        return "seed must be a positive integer or -1"
    count = body.get("sampleNumber", 1)
    if not isinstance(count, int) or not 1 <= count <= 8:
        return "sampleNumber must be between 1 and 8"
    scale = body.get("identityScale", 0.8)
    if not isinstance(scale, int | float) or not 0 <= scale <= 1:
        return "identityScale must be between 0 and 1"
    images = body.get("inputImages")
    if not isinstance(images, list) or len(images) != 1 or not str(images[0]).startswith("data:image/"):
        return "inputImages must hold exactly one base64 data URI"
    for name in ("outputImageWidth", "outputImageHeight"):
        value = body.get(name, 768)
        if not isinstance(value, int) or not 512 <= value <= 2024:
            return f"{name} must be between 512 and 2024"
    return None


@pytest.fixture
def fake_headshot() -> Iterator[tuple[FakeHeadshotAPI, str]]:
    """A running fake headshot API: (fake, HEADSHOT_API_URL)."""
    fake = FakeHeadshotAPI()
    with fake.serve() as url:
        yield fake, url
