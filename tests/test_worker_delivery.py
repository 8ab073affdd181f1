"""Delivery: a chat platform's 429 reschedules only the delivery; a blocked chat stops quietly;
synchronous providers (the offline engine) finish inside submit, and an ID photo arrives with
its print sheet as a document."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import redis

from core.request import GenerationRequest
from tests.faces import make_face_photo
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.recording_sender import FAILURES_KEY, deliveries
from tests.fakes.worker_process import WorkerProcess, wait_for
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
from worker.queue import GenerationQueue
from worker.records import Records


def test_a_rate_limited_delivery_is_sent_again_after_retry_after_without_regenerating(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start  # noqa: F811
) -> None:
    redis_client.rpush(FAILURES_KEY, 1.5)  # the chat answers 429, retry_after 1.5 s
    start()
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    sent = wait_for(lambda: images_sent(redis_client), timeout=20, what="the delivery")
    group = Records(redis_client).group(ticket.group_id)
    assert len(sent) == 1 and fal.submit_count() == 1
    assert group.number("deliver_attempts") == 1
    assert sent[0]["at"] - Records(redis_client).gen(ticket.generation_ids[0]).number("finished_at") >= 1.4


def test_waiting_for_a_busy_groups_send_slot_is_no_failed_attempt(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start  # noqa: F811
) -> None:
    waits = 8  # more than the six delivery retries
    redis_client.rpush(FAILURES_KEY, *(["paced:0.1"] * waits))
    start()
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    group = wait_for(lambda: (g := Records(redis_client).group(ticket.group_id)) and g.state == "delivered" and g,
                     timeout=30, what="delivered")
    assert len(images_sent(redis_client)) == 1
    assert (group.number("deliver_attempts"), group.number("paced_waits")) == (0, waits)


def test_a_chat_that_blocked_the_bot_is_left_alone_and_recorded(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start  # noqa: F811
) -> None:
    from dataclasses import replace

    blocked = replace(PERSON, channel="nowhere")  # no sender for this channel
    start()
    ticket = queue.enqueue(blocked, [nano()], reference=reference)
    wait_for(lambda: Records(redis_client).group(ticket.group_id).state == "failed", what="recorded")
    assert Records(redis_client).group(ticket.group_id)["error"] == "delivery.no_channel"
    assert deliveries(redis_client) == []
    wait_for(lambda: queue.quota(blocked.person_id).active == 0, what="the slot freed")


def test_the_offline_engine_finishes_inside_submit_and_says_it_is_a_preview(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start  # noqa: F811
) -> None:
    start()
    ticket = queue.enqueue(PERSON, [GenerationRequest(style="anime", model="offline")],
                           reference=reference)
    sent = wait_for(lambda: images_sent(redis_client), timeout=30, what="the preview")
    assert "Offline preview" in sent[0]["caption"]
    assert fal.submit_count() == 0
    record = Records(redis_client).gen(ticket.generation_ids[0])
    assert record["handle"] and record.number("polls") == 0, "no status call for a sync provider"


def test_an_id_photo_arrives_with_its_print_sheet_as_a_document(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, data_dir: Path,  # noqa: F811
    env: dict[str, str],  # noqa: F811
) -> None:
    photo = data_dir / "face.jpg"
    buffer = io.BytesIO()
    make_face_photo().save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    # The offline ID render (detection, GrabCut, print sheet) can outlast the tests' 2 s submit
    # lease on a busy machine; production leases are 90 s.
    worker = WorkerProcess(env, timing={"submit_lease_s": 30.0}, log_path=data_dir / "worker.log")
    request = GenerationRequest(style="id_photo_white", model="offline", id_spec="us")
    ticket = queue.enqueue(PERSON, [request], reference=str(photo))
    try:
        sent = wait_for(lambda: images_sent(redis_client), timeout=40, what="the ID photo")
    finally:
        worker.stop()
    names = [Path(f).name for f in sent[0]["files"]]
    assert any("id-us" in n for n in names) and any("sheet" in n for n in names)
    documents = Records(redis_client).gen(ticket.generation_ids[0]).json("documents")
    assert [names[i] for i in documents] == names, "the ID photo and its sheet both go as files"
    assert len(names) == 2
    assert json.loads(redis_client.lindex("test:deliveries", 0))["kind"] == "images"
    time.sleep(0)  # nothing else to wait for
