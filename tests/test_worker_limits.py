"""Limits and the person's controls: quotas refused before anything is spent, queue TTL, the
generation deadline, /cancel, /retry without a second upload, and a series delivered together."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis

from core.errors import QuotaError
from core.settings import Settings
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.recording_sender import deliveries, progress
from tests.fakes.worker_process import wait_for, worker_env
from tests.test_worker_chain import (  # noqa: F401  (fixtures)
    PERSON,
    env,
    fal,
    images_sent,
    nano,
    queue,
    reference,
    start,
    state,
)
from worker.ledger import Ledger
from worker.queue import GenerationQueue
from worker.records import Records


def queue_with(redis_client: redis.Redis, env: dict[str, str], **limits: str) -> GenerationQueue:  # noqa: F811
    return GenerationQueue(redis_client, Settings.from_env({**env, **limits}))


def test_a_third_request_while_two_run_is_refused_with_the_limit(
    redis_client: redis.Redis, env: dict[str, str], reference: str  # noqa: F811
) -> None:
    queue = queue_with(redis_client, env, MAX_ACTIVE_PER_PERSON="2")  # noqa: F811
    queue.enqueue(PERSON, [nano()], reference=reference)
    queue.enqueue(PERSON, [nano()], reference=reference)
    with pytest.raises(QuotaError) as refused:
        queue.enqueue(PERSON, [nano()], reference=reference)
    assert refused.value.message_id == "quota.active_limit" and refused.value.params == {"limit": 2}
    assert queue.stats()["waiting"] == 2, "the refused request queued nothing"


def test_the_daily_limit_counts_images_and_says_when_it_resets(
    redis_client: redis.Redis, env: dict[str, str], reference: str  # noqa: F811
) -> None:
    queue = queue_with(redis_client, env, DAILY_LIMIT_PER_PERSON="3", MAX_ACTIVE_PER_PERSON="5")  # noqa: F811
    queue.enqueue(PERSON, [nano(count=2)], reference=reference)
    with pytest.raises(QuotaError) as refused:
        queue.enqueue(PERSON, [nano(count=2)], reference=reference)
    assert refused.value.message_id == "quota.daily_left" and refused.value.params["left"] == 1
    assert refused.value.params["limit"] == 3 and 1 <= refused.value.params["reset_hours"] <= 24
    status = queue.quota(PERSON.person_id)
    assert (status.used, status.limit, status.active) == (2, 3, 1)


def test_the_daily_budget_stops_new_work_for_everyone(
    redis_client: redis.Redis, env: dict[str, str], reference: str  # noqa: F811
) -> None:
    queue = queue_with(redis_client, env, DAILY_BUDGET_USD="1")  # noqa: F811
    Ledger(redis_client).record_cost("nanopro", 0.95)
    with pytest.raises(QuotaError) as refused:
        queue.enqueue(PERSON, [nano()], reference=reference)
    assert refused.value.message_id == "quota.budget_exhausted"
    assert queue.quota(PERSON.person_id).used == 0, "nothing was counted for a refusal"


def test_a_request_that_waited_past_the_queue_ttl_is_dropped_with_an_apology(
    redis_client: redis.Redis, env: dict[str, str], fal: FakeFalQueue, reference: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    from tests.fakes.worker_process import workers

    short_env = {**env, "QUEUE_TTL_SECONDS": "1"}
    queue = GenerationQueue(redis_client, Settings.from_env(short_env))  # noqa: F811
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    assert queue.progress(ticket.generation_ids[0]).state == "queued"
    time.sleep(1.2)  # no worker yet: the request waits too long
    with workers(short_env, tmp_path) as start:  # noqa: F811
        start()
        sent = wait_for(lambda: deliveries(redis_client), what="the apology")
    assert sent[0]["kind"] == "text" and "waited too long" in sent[0]["text"]
    assert fal.submit_count() == 0
    assert state(redis_client, ticket.generation_ids[0]) == "expired"


@pytest.mark.slow
def test_a_generation_past_the_deadline_is_cancelled_upstream_and_the_person_told(
    redis_client: redis.Redis, data_dir: Path, fake_fal: tuple[FakeFalQueue, str],  # noqa: F811
    redis_url: str, reference: str, tmp_path: Path  # noqa: F811
) -> None:
    from tests.fakes.worker_process import workers

    fake, url = fake_fal
    fake.progress = ("IN_PROGRESS",)  # never finishes
    deadline_env = worker_env(redis_url, data_dir, url, GENERATION_DEADLINE_SECONDS="10")
    queue = GenerationQueue(redis_client, Settings.from_env(deadline_env))  # noqa: F811
    with workers(deadline_env, tmp_path) as start:  # noqa: F811
        start()
        ticket = queue.enqueue(PERSON, [nano()], reference=reference)
        sent = wait_for(lambda: deliveries(redis_client), timeout=20, what="the deadline message")
    assert sent[0]["kind"] == "text" and "cancelled" in sent[0]["text"]
    assert [r.cancelled for r in fake.requests.values()] == [True]
    assert state(redis_client, ticket.generation_ids[0]) == "failed"


def test_cancel_stops_the_running_generation_upstream_and_frees_the_slot(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start  # noqa: F811
) -> None:
    fal.run_seconds = 30.0
    start()
    queue.enqueue(PERSON, [nano()], reference=reference)
    wait_for(lambda: any(r.status_calls for r in fal.requests.values()), what="generating upstream")
    assert queue.cancel(PERSON.person_id) == 1
    wait_for(lambda: any(r.cancelled for r in fal.requests.values()), what="upstream cancel")
    assert queue.quota(PERSON.person_id).active == 0
    assert queue.cancel(PERSON.person_id) == 0
    assert images_sent(redis_client) == []


def test_retry_runs_a_failed_generation_again_from_the_stored_photo(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start  # noqa: F811
) -> None:
    fal.completed_error = "Model failed: NSFW detected"
    start()
    first = queue.enqueue(PERSON, [nano()], reference=reference, label="Anime")
    apology = wait_for(lambda: deliveries(redis_client), what="the failure message")
    assert apology[0]["kind"] == "text" and "/retry" in apology[0]["text"]
    failed = queue.last_failed(PERSON.person_id)
    assert failed == first.generation_ids[0]
    fal.completed_error = None
    again = queue.retry(failed, PERSON.person_id)
    wait_for(lambda: images_sent(redis_client), what="the retried picture")
    assert Records(redis_client).gen(again.generation_ids[0])["reference"] == reference
    bodies = [r.body for r in fal.requests.values()]
    assert len(bodies) == 2 and bodies[0]["image_urls"] == bodies[1]["image_urls"]
    assert queue.last_failed(PERSON.person_id) is None


def test_a_series_arrives_together_in_order_and_names_the_failed_item(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start  # noqa: F811
) -> None:
    from core.request import GenerationRequest

    fal.allowed_apps = {"fal-ai/nano-banana-2"}  # the proxy refuses GPT: item 2 fails
    start()
    items = [nano(style="professional"), GenerationRequest(style="anime", model="gpt"),
             nano(style="cyberpunk")]
    ticket = queue.enqueue(PERSON, items, reference=reference, label="Series")
    sent = wait_for(lambda: deliveries(redis_client), timeout=20, what="the series")
    assert len(sent) == 1 and sent[0]["kind"] == "images"
    first, _, third = ticket.generation_ids
    assert [Path(f).name.split("-")[-2] for f in sent[0]["files"]] == [first, third]
    assert "2 of 3" in sent[0]["caption"]
    assert any("Generating" in p["text"] for p in progress(redis_client))


def test_forget_deletes_the_persons_records_and_pictures(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start  # noqa: F811
) -> None:
    start()
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    sent = wait_for(lambda: images_sent(redis_client), what="the picture")
    wait_for(lambda: state(redis_client, ticket.generation_ids[0]) == "delivered", what="delivered")
    queue.forget(PERSON.person_id)
    assert not any(Path(f).exists() for f in sent[0]["files"])
    assert Records(redis_client).gen(ticket.generation_ids[0]) is None
    assert Records(redis_client).group(ticket.group_id) is None


def test_fals_webhook_wakes_a_running_generation_for_an_early_poll(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str,  # noqa: F811
    env: dict[str, str], tmp_path: Path,  # noqa: F811
) -> None:
    from tests.fakes.worker_process import workers

    fal.run_seconds = 30.0
    # The request id's mapping is written only when fal is given a webhook (PUBLIC_URL); the
    # fake's own call to it goes to a closed loopback port, never out.
    fal.webhook_base = "http://127.0.0.1:9"
    with workers({**env, "PUBLIC_URL": "https://bot.example.com"}, tmp_path) as start:  # noqa: F811
        start()
        ticket = queue.enqueue(PERSON, [nano()], reference=reference)
        gen_id = ticket.generation_ids[0]
        wait_for(lambda: any(r.status_calls for r in fal.requests.values()), what="a poll")
        request_id = Records(redis_client).gen(gen_id).json("handle")["request_id"]
        assert queue.wake("unknown-request") is False
        fal.complete(request_id)
        assert queue.wake(request_id) is True
        wait_for(lambda: images_sent(redis_client), timeout=5, what="the woken delivery")


def test_forget_while_generating_upstream_saves_and_sends_nothing_when_fal_finishes(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str,  # noqa: F811
    env: dict[str, str],  # noqa: F811
) -> None:
    from tests.fakes.worker_process import WorkerProcess

    fal.run_seconds = 2.0
    # A production-long lease: the worker keeps polling from memory between lease renewals.
    worker = WorkerProcess(env, timing={"poll_lease_s": 30.0})
    try:
        queue.enqueue(PERSON, [nano()], reference=reference)
        wait_for(lambda: any(r.status_calls for r in fal.requests.values()), what="generating upstream")
        queue.forget(PERSON.person_id)
        time.sleep(3.5)  # fal finished meanwhile; the worker that polls it must not fetch it
        outputs = Path(env["DATA_DIR"]) / "output"
        assert not outputs.exists() or not any(p.is_file() for p in outputs.rglob("*"))
        assert images_sent(redis_client) == []
    finally:
        worker.stop()
