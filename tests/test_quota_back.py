"""A failed or cancelled portrait gives its share of the daily quota back, exactly once; and a
request over what is left is answered with how many are left and a button to make those."""

from __future__ import annotations

import pytest
import redis

from core.errors import QuotaError
from core.settings import Settings
from tests.faces import make_face_photo
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.recording_sender import deliveries
from tests.fakes.worker_process import wait_for
from tests.test_conversation import Chat, app, chat, jpeg  # noqa: F401  (fixtures)
from tests.test_worker_chain import (  # noqa: F401  (fixtures)
    PERSON,
    env,
    fal,
    nano,
    reference,
    start,
    state,
)
from worker.ledger import Ledger
from worker.queue import GenerationQueue


def limited(redis_client: redis.Redis, env: dict[str, str], limit: int) -> GenerationQueue:  # noqa: F811
    return GenerationQueue(redis_client, Settings.from_env(
        {**env, "DAILY_LIMIT_PER_PERSON": str(limit), "MAX_ACTIVE_PER_PERSON": "5"}))


def test_a_failed_generation_gives_the_quota_back(
    redis_client: redis.Redis, env: dict[str, str], fal: FakeFalQueue, reference: str, start  # noqa: F811
) -> None:
    queue = limited(redis_client, env, 2)
    fal.completed_error = "Model failed: NSFW detected"
    start()
    ticket = queue.enqueue(PERSON, [nano(count=2)], reference=reference)
    assert queue.quota(PERSON.person_id).used == 2
    wait_for(lambda: deliveries(redis_client), what="the failure message")
    wait_for(lambda: state(redis_client, ticket.generation_ids[0]) == "failed", what="failed")
    assert queue.quota(PERSON.person_id).used == 0
    fal.completed_error = None
    queue.enqueue(PERSON, [nano(count=2)], reference=reference)  # both back: two more fit


def test_a_cancelled_generation_gives_it_back_once_even_when_it_also_fails(
    redis_client: redis.Redis, env: dict[str, str], fal: FakeFalQueue, reference: str, start  # noqa: F811
) -> None:
    queue = limited(redis_client, env, 3)
    fal.run_seconds = 30.0
    start()
    ticket = queue.enqueue(PERSON, [nano()], reference=reference)
    gen_id = ticket.generation_ids[0]
    wait_for(lambda: any(r.status_calls for r in fal.requests.values()), what="generating upstream")
    queue.enqueue(PERSON, [nano()], reference=reference)  # a second one, still counted
    assert queue.quota(PERSON.person_id).used == 2
    fal.completed_error = "Model failed: NSFW detected"  # and it fails as it is cancelled
    assert queue.cancel(PERSON.person_id) == 2
    assert queue.quota(PERSON.person_id).used == 0
    kept = queue.enqueue(PERSON, [nano()], reference=reference)
    # Whatever else ends the cancelled generation later (its failure, an undelivered close),
    # the quota it held came back already: nothing more is returned.
    assert Ledger(redis_client).give_back(gen_id) == 0
    assert queue.quota(PERSON.person_id).used == 1
    queue.cancel(PERSON.person_id)
    assert Ledger(redis_client).give_back(kept.generation_ids[0]) == 0
    assert queue.quota(PERSON.person_id).used == 0


def test_the_refusal_says_how_many_are_left(
    redis_client: redis.Redis, env: dict[str, str], reference: str  # noqa: F811
) -> None:
    queue = limited(redis_client, env, 3)
    queue.enqueue(PERSON, [nano()], reference=reference)
    with pytest.raises(QuotaError) as refused:
        queue.enqueue(PERSON, [nano(count=4)], reference=reference)
    assert refused.value.message_id == "quota.daily_left" and refused.value.params["left"] == 2
    assert queue.quota(PERSON.person_id).used == 1, "the refusal counted nothing"


def test_over_the_limit_the_bot_offers_what_is_left_and_the_button_makes_those(chat: Chat) -> None:  # noqa: F811
    chat.post(photo=jpeg(make_face_photo()))
    (first,) = chat.post(text="make me 2 anime portraits")
    assert first["generation_id"], first["text"]
    (offer,) = chat.post(text="make me 4 anime portraits")
    assert "You have 1 left today — make 1?" in offer["text"]
    (button,) = [b for row in offer["buttons"] for b in row]
    assert button["label"] == "Make 1" and button["data"] == "fewer:1"
    (ack,) = chat.post(callback=button["data"])
    assert ack["generation_id"] and ack["text"].startswith("On it: Anime")
