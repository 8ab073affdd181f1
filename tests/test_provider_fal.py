"""The fal queue provider against a faithful fake of fal's queue API, over real HTTP."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator

import fal_client
import fal_client.client
import httpx
import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.errors import PermanentUpstreamError, TransientUpstreamError
from core.settings import Settings
from engine.providers.base import Handle, ProviderJob
from engine.providers.fal import FalProvider, app_id, clean_detail
from engine.providers.http import RetryPolicy
from tests.fakes import serve
from tests.fakes.fal_queue import DEFAULT_KEY, FakeFalQueue
from tests.fakes.fal_queue import fake_fal as fake_fal  # noqa: F401  (fixture)

FAST_RETRY = RetryPolicy(attempts=3, base_s=0.01, max_s=0.05)


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (180, 140, 120)).save(buffer, format="JPEG")
    return buffer.getvalue()


def job(**overrides: object) -> ProviderJob:
    values: dict = dict(model="nanopro", endpoint="fal-ai/nano-banana-pro/edit",
                        prompt="anime portrait", references=(photo(),), count=1,
                        aspect_ratio="3:4", seed=7)
    values.update(overrides)
    return ProviderJob(**values)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def provider(url: str, http: httpx.AsyncClient, **kwargs: object) -> FalProvider:
    settings = Settings.from_env({"FAL_KEY": DEFAULT_KEY, "FAL_QUEUE_URL": url})
    return FalProvider(settings, http, retry=FAST_RETRY, **kwargs)  # type: ignore[arg-type]


async def run_to_end(fal: FalProvider, submitted_handle: Handle) -> tuple:
    for _ in range(20):
        status = await fal.poll(submitted_handle)
        if status.state == "done":
            return await fal.result(submitted_handle)
    raise AssertionError("never finished")


async def test_a_portrait_is_submitted_polled_and_every_image_downloaded_in_order(fake_fal, http):
    fake, url = fake_fal
    fal = provider(url, http)
    submitted = await fal.submit(job(count=3))
    images = await run_to_end(fal, submitted.handle)
    assert len(images) == 3
    files = fake.requests[submitted.handle.request_id].output["images"]
    for image, entry in zip(images, files, strict=True):
        assert image.data == fake.files[entry["url"].split("/media/files/")[1]][0]
        assert Image.open(io.BytesIO(image.data)).size == (64, 64)


async def test_results_at_fal_are_asked_to_expire_after_a_day(fake_fal, http):
    fake, url = fake_fal
    await provider(url, http).submit(job())
    preference = json.loads(fake.headers[0]["x-fal-object-lifecycle-preference"])
    assert preference == {"expiration_duration_seconds": 86400}


async def test_reference_photo_travels_as_a_base64_data_uri_with_the_model_inputs(fake_fal, http):
    fake, url = fake_fal
    await provider(url, http).submit(job())
    body = next(iter(fake.requests.values())).body
    assert body["image_urls"][0].startswith("data:image/jpeg;base64,")
    assert base64.b64decode(body["image_urls"][0].split(",", 1)[1]) == photo()
    assert body | {"image_urls": None} == {
        "prompt": "anime portrait", "num_images": 1, "aspect_ratio": "3:4",
        "output_format": "jpeg", "seed": 7, "image_urls": None,
    }


async def test_gpt_takes_no_seed_so_none_is_sent(fake_fal, http):
    fake, url = fake_fal
    await provider(url, http).submit(job(model="gpt", endpoint="openai/gpt-image-2/edit"))
    assert "seed" not in next(iter(fake.requests.values())).body


async def test_status_and_result_drop_the_sub_path_of_the_app_id(fake_fal, http):
    fake, url = fake_fal
    fal = provider(url, http)
    submitted = await fal.submit(job())
    await run_to_end(fal, submitted.handle)
    rid = submitted.handle.request_id
    assert ("POST", "/fal-ai/nano-banana-pro/edit") in fake.calls
    assert ("GET", f"/fal-ai/nano-banana-pro/requests/{rid}/status") in fake.calls
    assert ("GET", f"/fal-ai/nano-banana-pro/requests/{rid}") in fake.calls
    assert not any("/edit/requests" in path for _, path in fake.calls)


async def test_the_fake_refuses_a_status_call_at_the_full_sub_path_like_fal(fake_fal, http):
    fake, url = fake_fal
    submitted = await provider(url, http).submit(job())
    wrong = f"{url}/fal-ai/nano-banana-pro/edit/requests/{submitted.handle.request_id}/status"
    response = await http.get(wrong, headers={"Authorization": f"Key {DEFAULT_KEY}"})
    assert response.status_code in (404, 405)


async def test_a_stored_handle_is_enough_for_another_process_to_finish_the_job(fake_fal, http):
    _, url = fake_fal
    submitted = await provider(url, http).submit(job(count=2))
    stored = json.loads(json.dumps(submitted.handle.to_dict()))
    assert DEFAULT_KEY not in json.dumps(stored)
    images = await run_to_end(provider(url, http), Handle.from_dict(stored))
    assert len(images) == 2


async def test_live_portrait_sends_image_url_and_expression_and_reads_the_single_image(fake_fal, http):
    fake, url = fake_fal
    fal = provider(url, http)
    submitted = await fal.submit(job(model="live_portrait", endpoint="fal-ai/live-portrait/image",
                                     prompt="", expression={"smile": 1.0, "hack": 9}))
    body = fake.requests[submitted.handle.request_id].body
    assert body["smile"] == 1.0 and "hack" not in body and body["image_url"].startswith("data:")
    images = await run_to_end(fal, submitted.handle)
    assert len(images) == 1 and images[0].content_type == "image/jpeg"


async def test_queue_position_is_reported_while_waiting(fake_fal, http):
    _, url = fake_fal
    fal = provider(url, http)
    submitted = await fal.submit(job())
    first = await fal.poll(submitted.handle)
    assert first.state == "queued" and first.queue_position == 2
    assert (await fal.poll(submitted.handle)).state == "running"


async def test_no_credentials_are_sent_to_the_image_cdn(fake_fal, http):
    fake, url = fake_fal
    fal = provider(url, http)
    await run_to_end(fal, (await fal.submit(job(count=2))).handle)
    assert len(fake.media_requests) == 2
    assert all("authorization" not in headers for headers in fake.media_requests)


async def test_cost_comes_from_x_credits_used_when_the_proxy_sends_it(fake_fal, http):
    fake, url = fake_fal
    fake.credits_used = "0.31"
    submitted = await provider(url, http).submit(job(count=2))
    assert submitted.cost_usd == pytest.approx(0.31)
    assert submitted.handle.data["cost_source"] == "x-credits-used"


async def test_cost_falls_back_to_the_price_table(fake_fal, http):
    _, url = fake_fal
    submitted = await provider(url, http).submit(job(count=2))
    assert submitted.cost_usd == pytest.approx(0.30)
    assert submitted.handle.data["cost_source"] == "price_table"


async def test_insufficient_credits_tells_the_operator_to_top_up_and_charges_nothing(fake_fal, http):
    fake, url = fake_fal
    fake.balance_usd = 0.10
    with pytest.raises(PermanentUpstreamError) as caught:
        await provider(url, http).submit(job())
    assert caught.value.message_id == "fal.insufficient_credits"
    assert fake.charged_usd == 0 and fake.submit_attempts == 1


async def test_fals_own_exhausted_balance_403_also_asks_for_a_top_up(fake_fal, http):
    fake, url = fake_fal
    fake.reject = (403, "User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.")
    with pytest.raises(PermanentUpstreamError) as caught:
        await provider(url, http).submit(job())
    assert caught.value.message_id == "fal.insufficient_credits"


async def test_an_endpoint_the_proxy_does_not_allow_is_a_permanent_error(fake_fal, http):
    fake, url = fake_fal
    fake.allowed_apps = {"fal-ai/nano-banana-2"}
    with pytest.raises(PermanentUpstreamError) as caught:
        await provider(url, http).submit(job())
    assert caught.value.message_id == "fal.endpoint_not_allowed"


async def test_validation_error_carries_the_models_reason_without_echoing_the_photo(fake_fal, http):
    fake, url = fake_fal
    with pytest.raises(PermanentUpstreamError) as caught:
        await provider(url, http).submit(job(prompt="  ", count=1))
    error = caught.value
    assert error.message_id == "fal.invalid_request"
    assert error.params["detail"] == "prompt: Field required"
    assert "base64" not in str(error) and DEFAULT_KEY not in str(error)
    assert fake.submit_count() == 0


def test_clean_detail_drops_echoed_data_and_secrets_and_caps_length():
    detail = [{"loc": ["body", "image_urls", 0], "msg": "bad data:image/png;base64,AAAA key-123",
               "input": "data:image/png;base64,AAAA"}]
    assert clean_detail(detail, secrets=("key-123",)) == "image_urls.0: bad [image] ***"
    assert len(clean_detail("x" * 1000)) == 300


async def test_a_generation_that_completes_with_an_error_is_a_permanent_failure(fake_fal, http):
    fake, url = fake_fal
    fake.completed_error = "Face not detected in the image"
    fal = provider(url, http)
    submitted = await fal.submit(job())
    with pytest.raises(PermanentUpstreamError) as caught:
        for _ in range(5):
            await fal.poll(submitted.handle)
    assert caught.value.message_id == "fal.generation_failed"


@pytest.mark.parametrize("status", [429, 503])
async def test_a_busy_queue_is_retried_and_the_prompt_is_charged_once(fake_fal, http, status):
    fake, url = fake_fal
    fake.submit_failures = [status, status]
    submitted = await provider(url, http).submit(job(prompt="busy queue"))
    assert submitted.handle.request_id
    assert fake.submit_attempts == 3 and fake.submit_count("busy queue") == 1


async def test_a_queue_that_stays_busy_ends_in_a_transient_error_with_retry_after(fake_fal, http):
    fake, url = fake_fal
    fake.submit_failures = [429] * 5
    fake.retry_after = "0.02"
    with pytest.raises(TransientUpstreamError) as caught:
        await provider(url, http).submit(job())
    assert caught.value.message_id == "fal.unavailable"
    assert caught.value.retry_after == pytest.approx(0.02)
    assert fake.submit_count() == 0


async def test_a_submit_that_times_out_after_sending_is_never_resent(fake_fal, http):
    """fal pre-charges at submit: a slow answer may hide an accepted, charged request."""
    fake, url = fake_fal
    fake.delay["submit"] = 2.0
    fal = provider(url, http, submit_timeout=httpx.Timeout(0.3))
    with pytest.raises(TransientUpstreamError) as caught:
        await fal.submit(job(prompt="slow answer"))
    assert caught.value.message_id == "fal.submit_uncertain"
    assert fake.submit_attempts == 1 and fake.submit_count("slow answer") == 1


async def test_a_hanging_submit_is_not_resent_either(fake_fal, http):
    fake, url = fake_fal
    fake.hang.add("submit")
    fal = provider(url, http, submit_timeout=httpx.Timeout(0.3))
    with pytest.raises(TransientUpstreamError):
        await fal.submit(job())
    assert fake.submit_attempts == 1


async def test_a_queue_that_cannot_be_reached_is_retried_then_transient(http):
    fal = provider("http://127.0.0.1:9", http)  # discard port: connection refused
    with pytest.raises(TransientUpstreamError) as caught:
        await fal.submit(job())
    assert caught.value.message_id == "fal.unavailable"


async def test_status_errors_and_timeouts_are_retried_because_polling_is_free(fake_fal, http):
    fake, url = fake_fal
    fal = provider(url, http, poll_timeout=httpx.Timeout(0.3))
    submitted = await fal.submit(job())
    fake.status_failures = [500, 502]
    assert (await fal.poll(submitted.handle)).state == "queued"
    fake.delay["status"] = 1.0
    with pytest.raises(TransientUpstreamError):
        await fal.poll(submitted.handle)


async def test_a_download_failure_is_retried(fake_fal, http):
    fake, url = fake_fal
    fal = provider(url, http)
    submitted = await fal.submit(job())
    fake.media_failures = [503]
    images = await run_to_end(fal, submitted.handle)
    assert len(images) == 1 and len(fake.media_requests) == 2


async def test_cancel_stops_a_queued_request_and_is_quiet_once_finished(fake_fal, http):
    fake, url = fake_fal
    fal = provider(url, http)
    queued = await fal.submit(job())
    await fal.cancel(queued.handle)
    assert fake.requests[queued.handle.request_id].cancelled
    assert ("PUT", f"/fal-ai/nano-banana-pro/requests/{queued.handle.request_id}/cancel") in fake.calls
    with pytest.raises(PermanentUpstreamError):
        await fal.poll(queued.handle)
    finished = await fal.submit(job())
    await run_to_end(fal, finished.handle)
    await fal.cancel(finished.handle)  # ALREADY_COMPLETED: no error


async def test_an_unknown_request_is_reported_as_lost(fake_fal, http):
    _, url = fake_fal
    handle = Handle("fal", "00000000-0000-0000-0000-000000000000", "fal-ai/nano-banana-pro/edit")
    with pytest.raises(PermanentUpstreamError) as caught:
        await provider(url, http).poll(handle)
    assert caught.value.message_id == "fal.request_lost"


async def test_a_wrong_key_is_an_operator_error_and_never_printed(fake_fal, http, caplog):
    _, url = fake_fal
    caplog.set_level(logging.DEBUG)
    settings = Settings.from_env({"FAL_KEY": "wrong-secret-key-42", "FAL_QUEUE_URL": url})
    with pytest.raises(PermanentUpstreamError) as caught:
        await FalProvider(settings, http, retry=FAST_RETRY).submit(job())
    assert caught.value.message_id == "fal.bad_key"
    assert "wrong-secret-key-42" not in caplog.text + str(caught.value)


async def test_the_webhook_is_passed_on_submit_and_fal_posts_the_result_there(fake_fal, http):
    fake, url = fake_fal
    received: list[dict] = []
    arrived = asyncio.Event()
    loop = asyncio.get_running_loop()

    async def hook(request: Request) -> JSONResponse:
        received.append(await request.json())
        loop.call_soon_threadsafe(arrived.set)
        return JSONResponse({})

    with serve(Starlette(routes=[Route("/hooks/fal/tok", hook, methods=["POST"])])) as hook_url:
        submitted = await provider(url, http).submit(job(webhook_url=f"{hook_url}/hooks/fal/tok"))
        await asyncio.wait_for(arrived.wait(), 5)
    assert fake.requests[submitted.handle.request_id].webhook == f"{hook_url}/hooks/fal/tok"
    payload = received[0]
    assert payload["request_id"] == submitted.handle.request_id and payload["status"] == "OK"
    assert payload["payload"]["images"][0]["url"].startswith(url)


def test_app_id_keeps_owner_and_app_only():
    assert app_id("fal-ai/nano-banana-pro/edit") == "fal-ai/nano-banana-pro"
    assert app_id("fal-ai/flux-pro/v1.1-ultra") == "fal-ai/flux-pro"
    assert app_id("openai/gpt-image-2") == "openai/gpt-image-2"


@pytest.fixture
def official_client_pointed_at(fake_fal) -> Iterator[tuple[FakeFalQueue, str]]:
    fake, url = fake_fal
    saved = fal_client.client.QUEUE_URL_FORMAT
    fal_client.client.QUEUE_URL_FORMAT = url + "/"
    try:
        yield fake, url
    finally:
        fal_client.client.QUEUE_URL_FORMAT = saved


def test_the_official_fal_client_works_against_the_fake(official_client_pointed_at):
    """The fake is faithful enough for fal's own client library, unchanged."""
    fake, _ = official_client_pointed_at
    client = fal_client.SyncClient(key=DEFAULT_KEY)
    handle = client.submit("fal-ai/nano-banana-pro/edit",
                           {"prompt": "x", "image_urls": ["data:image/png;base64,AAAA"], "num_images": 2})
    assert isinstance(handle.status(with_logs=True), fal_client.Queued)
    assert isinstance(handle.status(with_logs=True), fal_client.InProgress)
    result = handle.get()
    assert len(result["images"]) == 2
    assert isinstance(client.status("fal-ai/nano-banana-pro/edit", handle.request_id), fal_client.Completed)
    other = client.submit("fal-ai/nano-banana-pro", {"prompt": "y"})
    client.cancel("fal-ai/nano-banana-pro", other.request_id)
    cancelled = client.status("fal-ai/nano-banana-pro", other.request_id)
    assert isinstance(cancelled, fal_client.Completed) and cancelled.error
    with pytest.raises(fal_client.client.FalClientHTTPError) as caught:
        client.submit("fal-ai/nano-banana-pro/edit", {"prompt": "z"})
    assert caught.value.status_code == 422
    assert fake.submit_count() == 2
