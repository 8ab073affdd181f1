"""The headshot API (seed 001) against a faithful fake, over real HTTP."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from PIL import Image

from core.errors import PermanentUpstreamError
from core.settings import Settings
from engine.providers.base import ProviderJob
from engine.providers.headshot import HeadshotProvider
from engine.providers.http import RetryPolicy
from tests.fakes.headshot_api import DEFAULT_KEY
from tests.fakes.headshot_api import fake_headshot as fake_headshot  # noqa: F401  (fixture)

FAST_RETRY = RetryPolicy(attempts=3, base_s=0.01, max_s=0.05)


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (180, 140, 120)).save(buffer, format="PNG")
    return buffer.getvalue()


def job(**overrides: object) -> ProviderJob:
    values: dict = dict(model="headshot", endpoint="/api/generate-portrait", prompt="corporate headshot",
                        references=(photo(),), count=2, aspect_ratio="3:4", seed=1234)
    values.update(overrides)
    return ProviderJob(**values)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def headshot(url: str, http: httpx.AsyncClient, key: str = DEFAULT_KEY) -> HeadshotProvider:
    settings = Settings.from_env({"HEADSHOT_API_URL": url, "HEADSHOT_API_KEY": key})
    return HeadshotProvider(settings, http, retry=FAST_RETRY)


async def test_a_headshot_comes_back_as_decoded_images_of_the_asked_shape(fake_headshot, http):
    fake, url = fake_headshot
    submitted = await headshot(url, http).submit(job())
    assert submitted.images is not None and len(submitted.images) == 2
    width, height = Image.open(io.BytesIO(submitted.images[0].data)).size
    assert (width, height) == (768 // 8, 1024 // 8)
    body = fake.requests[0]
    assert body["sampleNumber"] == 2 and body["seed"] == 1234 and body["identityScale"] == 0.8
    assert (body["outputImageWidth"], body["outputImageHeight"]) == (768, 1024)
    assert body["inputImages"][0].startswith("data:image/png;base64,")


async def test_no_seed_means_random(fake_headshot, http):
    fake, url = fake_headshot
    await headshot(url, http).submit(job(seed=None, aspect_ratio="1:1"))
    assert fake.requests[0]["seed"] == -1
    assert (fake.requests[0]["outputImageWidth"], fake.requests[0]["outputImageHeight"]) == (768, 768)


async def test_a_wrong_key_is_reported_and_never_logged(fake_headshot, http, caplog):
    _, url = fake_headshot
    caplog.set_level(logging.DEBUG)
    with pytest.raises(PermanentUpstreamError) as caught:
        await headshot(url, http, key="wrong-headshot-key").submit(job())
    assert caught.value.message_id == "headshot.bad_key"
    assert "wrong-headshot-key" not in caplog.text + str(caught.value)


async def test_the_apis_complaint_reaches_the_person(fake_headshot, http):
    _, url = fake_headshot
    with pytest.raises(PermanentUpstreamError) as caught:
        await headshot(url, http).submit(job(extra={"identity_scale": 0.5}, prompt=None))
    assert caught.value.message_id == "headshot.invalid_request"
    assert caught.value.params["detail"] == "prompt is required"


async def test_a_photo_is_required(fake_headshot, http):
    _, url = fake_headshot
    with pytest.raises(PermanentUpstreamError):
        await headshot(url, http).submit(job(references=()))


async def test_a_busy_api_is_retried(fake_headshot, http):
    fake, url = fake_headshot
    fake.failures = [503]
    submitted = await headshot(url, http).submit(job(count=1))
    assert submitted.images and len(fake.requests) == 1
