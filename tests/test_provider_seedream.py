"""Seedream (BytePlus ModelArk) against a faithful fake, over real HTTP."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import httpx
import pytest
from PIL import Image

from core.errors import PermanentUpstreamError, TransientUpstreamError
from core.models import MODELS
from core.settings import Settings
from engine.providers.base import ProviderJob
from engine.providers.http import RetryPolicy
from engine.providers.seedream import (
    MAX_PIXELS,
    MIN_PIXELS,
    RESOLUTION_TIERS,
    SeedreamProvider,
    output_size,
)
from tests.fakes.byteplus import DEFAULT_KEY
from tests.fakes.byteplus import fake_byteplus as fake_byteplus  # noqa: F401  (fixture)

FAST_RETRY = RetryPolicy(attempts=3, base_s=0.01, max_s=0.05)


def photo(colour: tuple[int, int, int] = (180, 140, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def job(**overrides: object) -> ProviderJob:
    values: dict = dict(model="seedream", endpoint="seedream-4-5-251128", prompt="travel poster",
                        references=(photo(),), count=1, aspect_ratio="4:5")
    values.update(overrides)
    return ProviderJob(**values)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def seedream(url: str, http: httpx.AsyncClient, **kwargs: object) -> SeedreamProvider:
    settings = Settings.from_env({"BYTEPLUS_API_KEY": DEFAULT_KEY, "BYTEPLUS_BASE_URL": url})
    return SeedreamProvider(settings, http, retry=FAST_RETRY, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("tier", sorted(RESOLUTION_TIERS))
@pytest.mark.parametrize("ratio", MODELS["seedream"].aspect_ratios)
def test_every_ratio_and_tier_fits_seedreams_pixel_limits(ratio: str, tier: str):
    width, height = output_size(ratio, tier)
    assert MIN_PIXELS <= width * height <= MAX_PIXELS
    w, h = (int(x) for x in ratio.split(":"))
    assert abs(width / height - w / h) < 0.02


def test_tiers_match_the_seeds_four_by_five_examples():
    assert output_size("4:5", "standard") == (1920, 2400)
    assert output_size("4:5", "high") == (2560, 3200)
    assert output_size("4:5", "max") == (3200, 4000)


async def test_images_come_back_with_submit_and_are_downloaded_at_once(fake_byteplus, http):
    fake, url = fake_byteplus
    submitted = await seedream(url, http).submit(job(count=2))
    assert submitted.images is not None and len(submitted.images) == 2
    assert all(image.content_type == "image/jpeg" for image in submitted.images)
    assert len(fake.media_requests) == 2
    assert all("authorization" not in headers for headers in fake.media_requests)
    assert submitted.cost_usd == pytest.approx(0.06)
    assert (await seedream(url, http).poll(submitted.handle)).state == "done"


async def test_request_carries_bearer_model_size_and_the_reference_as_data_uri(fake_byteplus, http):
    fake, url = fake_byteplus
    await seedream(url, http).submit(job(extra={"resolution": "standard"}))
    body = fake.requests[0]
    assert body["model"] == "seedream-4-5-251128" and body["size"] == "1920x2400"
    assert body["image"].startswith("data:image/jpeg;base64,")
    assert body["watermark"] is False and "seed" not in body


async def test_up_to_fourteen_references_are_sent_as_a_list(fake_byteplus, http):
    fake, url = fake_byteplus
    refs = tuple(photo((i * 10, 100, 100)) for i in range(16))
    await seedream(url, http).submit(job(references=refs))
    assert len(fake.requests[0]["image"]) == 14


async def test_text_to_image_sends_no_image(fake_byteplus, http):
    fake, url = fake_byteplus
    submitted = await seedream(url, http).submit(job(references=()))
    assert "image" not in fake.requests[0] and submitted.images


async def test_an_expired_link_is_a_download_failure(fake_byteplus, http):
    fake, url = fake_byteplus
    fake.url_ttl_s = -1
    with pytest.raises(PermanentUpstreamError) as caught:
        await seedream(url, http).submit(job())
    assert caught.value.message_id == "generate.download_failed"


async def test_a_blocked_prompt_says_the_content_filter_refused_it(fake_byteplus, http):
    _, url = fake_byteplus
    with pytest.raises(PermanentUpstreamError) as caught:
        await seedream(url, http).submit(job(prompt="something forbidden"))
    assert caught.value.message_id == "seedream.content_blocked"


async def test_an_overdue_account_asks_the_operator_to_top_up(fake_byteplus, http):
    fake, url = fake_byteplus
    fake.overdue = True
    with pytest.raises(PermanentUpstreamError) as caught:
        await seedream(url, http).submit(job())
    assert caught.value.message_id == "seedream.insufficient_credits"


async def test_a_wrong_key_is_reported_and_never_shown(fake_byteplus, http):
    _, url = fake_byteplus
    settings = Settings.from_env({"BYTEPLUS_API_KEY": "wrong-ark-key", "BYTEPLUS_BASE_URL": url})
    with pytest.raises(PermanentUpstreamError) as caught:
        await SeedreamProvider(settings, http, retry=FAST_RETRY).submit(job())
    assert caught.value.message_id == "seedream.bad_key" and "wrong-ark-key" not in str(caught.value)


async def test_rate_limits_are_retried(fake_byteplus, http):
    fake, url = fake_byteplus
    fake.failures = [429, 429]
    submitted = await seedream(url, http).submit(job())
    assert submitted.images and fake.generated_images == 1


async def test_a_server_error_is_not_resent_blindly(fake_byteplus, http):
    fake, url = fake_byteplus
    fake.failures = [500]
    with pytest.raises(PermanentUpstreamError) as caught:
        await seedream(url, http).submit(job())
    assert caught.value.message_id == "seedream.generation_failed"


async def test_a_hanging_service_times_out_as_uncertain_without_resending(fake_byteplus, http):
    fake, url = fake_byteplus
    fake.hang = True
    with pytest.raises(TransientUpstreamError) as caught:
        await seedream(url, http, timeout=httpx.Timeout(0.3)).submit(job())
    assert caught.value.message_id == "seedream.submit_uncertain"
    assert len(fake.requests) == 0  # the fake never got past the hang: one attempt only
