"""While a request waits, its acknowledgement shows its place in the queue and follows it as
the queue moves. The real server against the fake Bot API; no worker runs, so nothing starts
and only a cancellation ahead moves the queue."""

from __future__ import annotations

import pytest

from tests.fakes.telegram_api import FakeBotApi
from tests.test_telegram_end_to_end import FACE, env, fake, server  # noqa: F401

PEOPLE = (3001, 3002, 3003)


@pytest.mark.slow
async def test_the_acknowledgement_shows_the_queue_position_and_follows_it(
    fake: FakeBotApi, env: dict[str, str]  # noqa: F811
) -> None:
    async with server(env):
        for person in PEOPLE:
            fake.push(fake.message(fake.user(person), caption="make me anime", photo=fake.photo_sizes(FACE)))
            await fake.until(lambda p=person: fake.sent_to(p), timeout=20)
        assert "2 request(s) ahead" in fake.texts_to(PEOPLE[2])[0]
        fake.push(fake.message(fake.user(PEOPLE[0]), text="/cancel"))
        await fake.until(lambda: "In the queue (1 ahead)" in fake.texts_to(PEOPLE[2])[0], timeout=15)
        await fake.until(lambda: "In the queue (0 ahead)" in fake.texts_to(PEOPLE[1])[0], timeout=15)
    ack = fake.texts_to(PEOPLE[2])[0]
    assert "anime" in ack.lower() and "2 request(s) ahead" not in ack, "the stale line is replaced"
