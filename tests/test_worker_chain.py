"""The chain submit -> poll -> deliver with real worker processes, real Redis and a fake fal queue:
whatever step a worker is SIGKILLed in, the person gets the pictures exactly once and fal is
asked (and paid) exactly once."""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from PIL import Image

from core.chat import ChatTarget
from core.request import GenerationRequest
from core.settings import Settings
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.recording_sender import SEND_DELAY_KEY, deliveries
from tests.fakes.worker_process import FAST_TIMING, wait_for, worker_env, workers
from worker.queue import GenerationQueue
from worker.records import DUE, Records, gen_member

PERSON = ChatTarget(channel="test", chat_id="c1", user_id="u1", language="en")


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (96, 96), (180, 140, 120)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def reference(data_dir: Path) -> str:
    path = data_dir / "photos" / "u1.jpg"
    path.parent.mkdir(parents=True)
    path.write_bytes(jpeg_bytes())
    return str(path)


@pytest.fixture
def fal(fake_fal: tuple[FakeFalQueue, str]) -> FakeFalQueue:  # noqa: F811
    fake, _ = fake_fal
    fake.run_seconds = 1.0
    return fake


@pytest.fixture
def env(redis_url: str, data_dir: Path, fake_fal: tuple[FakeFalQueue, str]) -> dict[str, str]:  # noqa: F811
    return worker_env(redis_url, data_dir, fake_fal[1])


@pytest.fixture
def queue(redis_client: redis.Redis, env: dict[str, str]) -> GenerationQueue:
    return GenerationQueue(redis_client, Settings.from_env(env))


@pytest.fixture
def start(env: dict[str, str], tmp_path: Path) -> Iterator:
    with workers(env, tmp_path) as factory:
        yield factory


def nano(**fields: object) -> GenerationRequest:
    return GenerationRequest(**{"style": "anime", "model": "nano2", **fields})  # type: ignore[arg-type]


def state(redis_client: redis.Redis, gen_id: str) -> str:
    record = Records(redis_client).gen(gen_id)
    return record.state if record else ""


def images_sent(redis_client: redis.Redis) -> list[dict]:
    return [d for d in deliveries(redis_client) if d["kind"] == "images"]


def test_a_portrait_reaches_the_chat_once_after_one_paid_submit(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start
) -> None:
    start()
    ticket = queue.enqueue(PERSON, [nano()], reference=reference, label="Anime")
    wait_for(lambda: images_sent(redis_client), what="delivery")
    sent = images_sent(redis_client)
    assert len(sent) == 1 and sent[0]["caption"].startswith("Anime")
    assert all(Path(f).is_file() and "/output/images/" in f for f in sent[0]["files"])
    assert fal.submit_count() == 1
    wait_for(lambda: state(redis_client, ticket.generation_ids[0]) == "delivered", what="delivered")
    wait_for(lambda: queue.quota(PERSON.person_id).active == 0, what="the slot freed")
    assert queue.stats()["generations_delivered_nano2"] == 1


def test_worker_killed_between_polls_is_replaced_and_the_picture_arrives_once(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start
) -> None:
    fal.run_seconds = 4.0
    first = start()
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    gen_id = ticket.generation_ids[0]
    wait_for(lambda: any(r.status_calls for r in fal.requests.values()), what="a poll")
    first.kill()
    start()
    wait_for(lambda: images_sent(redis_client), timeout=20, what="delivery")
    wait_for(lambda: state(redis_client, gen_id) == "delivered", what="delivered")
    assert len(images_sent(redis_client)) == 1
    assert fal.submit_count() == 1


def test_worker_killed_while_sending_is_replaced_and_the_picture_arrives_once(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start
) -> None:
    redis_client.set(SEND_DELAY_KEY, 3)
    first = start()
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    wait_for(lambda: Records(redis_client).group(ticket.group_id).state == "sending",
             what="sending")
    first.kill()
    redis_client.set(SEND_DELAY_KEY, 0)
    start()
    wait_for(lambda: images_sent(redis_client), timeout=20, what="delivery")
    wait_for(lambda: state(redis_client, ticket.generation_ids[0]) == "delivered", what="delivered")
    assert len(images_sent(redis_client)) == 1
    assert fal.submit_count() == 1


def test_an_upload_longer_than_the_delivery_lease_is_not_taken_over_and_sent_twice(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start
) -> None:
    redis_client.set(SEND_DELAY_KEY, 3 * FAST_TIMING["deliver_lease_s"])  # a slow upload, alive
    start()
    start()  # a second worker whose sweep would take over a delivery whose lease ran out
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    wait_for(lambda: state(redis_client, ticket.generation_ids[0]) == "delivered", timeout=30, what="delivered")
    time.sleep(FAST_TIMING["deliver_lease_s"])
    assert len(images_sent(redis_client)) == 1, "the owner kept its lease while it uploaded"


def test_worker_killed_before_its_submit_left_resubmits_once_and_delivers(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, data_dir: Path, start
) -> None:
    # The reference is a named pipe: reading it blocks, so the worker is caught mid-submit
    # (it claimed the submit: its due entry is a lease ahead), before anything went to fal.
    pipe = data_dir / "photos" / "slow.jpg"
    pipe.parent.mkdir(parents=True)
    os.mkfifo(pipe)
    first = start()
    ticket = queue.enqueue(PERSON, [nano()], reference=str(pipe))
    gen_id = ticket.generation_ids[0]
    wait_for(lambda: (redis_client.zscore(DUE, gen_member(gen_id)) or 0) > time.time(), what="the claim")
    first.kill()
    assert not Records(redis_client).gen(gen_id)["submit_sent_at"]

    def feed_the_pipe() -> None:
        with open(pipe, "wb") as writer:  # blocks until the next worker opens it
            writer.write(jpeg_bytes())

    feeder = threading.Thread(target=feed_the_pipe, daemon=True)
    feeder.start()
    start()
    wait_for(lambda: images_sent(redis_client), timeout=20, what="delivery")
    assert len(images_sent(redis_client)) == 1
    assert fal.submit_count() == 1


def test_worker_killed_after_fal_accepted_never_pays_twice_and_apologises(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, reference: str, start
) -> None:
    fal.delay["submit"] = 4.0  # fal accepted and charged; its answer is slow to come back
    first = start()
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    wait_for(lambda: fal.submit_count() == 1, what="fal accepted the submit")
    first.kill()
    fal.delay.clear()
    start()
    sent = wait_for(lambda: deliveries(redis_client), timeout=20, what="the apology")
    assert fal.submit_count() == 1, "a lost answer must not lead to a second charge"
    assert sent[0]["kind"] == "text" and "/retry" in sent[0]["text"]
    assert queue.last_failed(PERSON.person_id) == ticket.generation_ids[0]


def test_a_headshot_that_is_someone_else_is_made_once_more_and_the_likeness_is_delivered(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, data_dir: Path, start
) -> None:
    from engine.faces.likeness import reference_embeddings, score
    from worker.ledger import Ledger

    images = Path(__file__).parent / "images"
    person = data_dir / "photos" / "astronaut.jpg"
    person.parent.mkdir(parents=True, exist_ok=True)
    person.write_bytes((images / "astronaut.jpg").read_bytes())
    fal.outputs = [(images / "face.jpg").read_bytes()]  # the first answer is another face
    fal.echo_reference = True  # the second is the person
    start()
    request = GenerationRequest(style="professional", model="nano2")
    ticket = queue.enqueue(PERSON, [request], reference=str(person), label="Headshot")
    wait_for(lambda: images_sent(redis_client), what="delivery", timeout=90)
    sent = images_sent(redis_client)
    assert len(sent) == 1 and len(sent[0]["files"]) == 1
    assert fal.submit_count() == 2
    refs = reference_embeddings([Image.open(person).convert("RGB")])
    delivered = score(Image.open(sent[0]["files"][0]).convert("RGB"), refs)
    assert delivered is not None and delivered > 0.8
    costs, _ = Ledger(redis_client).today()
    assert costs["model:nano2"] == pytest.approx(2 * 0.08)
    wait_for(lambda: state(redis_client, ticket.generation_ids[0]) == "delivered", what="delivered")
    assert queue.quota(PERSON.person_id).used == 1
