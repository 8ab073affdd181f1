"""The optional language-model fallback: off unless configured; messages the rules cannot
place go to fal's LLM (a fake on loopback) under a time and a daily cap; only answers in the
intent schema are used, and a picture it reads is asked back, never started."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from starlette.testclient import TestClient

import locales
from core.intent.llm import LLM_CONFIDENCE, parse_answer, system_prompt
from core.request import ASK_BELOW
from core.settings import Settings
from tests.fakes.fal_llm import FakeFalLLM, fake_fal_llm  # noqa: F401  (fixture)
from tests.fakes.fal_queue import DEFAULT_KEY

STYLES = ("anime", "oil_painting", "watercolor", "professional")
UNPLACED = "zxqv blorp wibble"
"""Nothing the rules recognise: action unknown."""


def said(message_id: str, **params: object) -> str:
    return locales.load().text("en", message_id, **params)


# -- the pure half: the schema check ---------------------------------------------------------

def test_an_answer_in_the_schema_becomes_an_intent_and_a_picture_stays_a_guess() -> None:
    intent = parse_answer('{"action": "generate", "style": "anime", "scene": "on  a dragon"}',
                          STYLES)
    assert intent is not None and intent.style == "anime" and intent.scene == "on a dragon"
    assert intent.confidence == LLM_CONFIDENCE < ASK_BELOW
    helped = parse_answer('{"action": "help"}', STYLES)
    assert helped is not None and helped.action == "help" and helped.confidence == 1.0
    chosen = parse_answer('{"action": "choose", "choices": ["anime", "watercolor"]}', STYLES)
    assert chosen is not None and chosen.choices == ("anime", "watercolor")


@pytest.mark.parametrize("answer", [
    'Sure! {"action": "help"}',  # text around the object
    '{"action": "series"}',  # an action the model may not answer
    '{"action": "generate", "style": "not_a_style"}',
    '{"action": "generate", "count": 40}',
    '{"action": "generate", "count": true}',
    '{"action": "generate", "aspect_ratio": "7:3"}',
    '{"action": "generate", "id_spec": "atlantis"}',
    '{"action": "generate", "prompt": "' + "x" * 301 + '"}',
    '{"action": "generate", "model": "gpt"}',  # a key the schema lacks: the model is ours
    '{"action": "choose", "choices": ["anime"]}',
    '{"action": "help", "choices": ["anime", "watercolor"]}',
    '["help"]', "", "null",
])
def test_an_answer_outside_the_schema_is_refused(answer: str) -> None:
    assert parse_answer(answer, STYLES) is None


def test_the_model_is_told_the_schema_and_our_style_keys() -> None:
    told = system_prompt(STYLES)
    assert '"additionalProperties":false' in told and "oil_painting" in told


# -- the whole bot, with the fake fal LLM ------------------------------------------------------

class Person:
    def __init__(self, client: TestClient) -> None:
        self.client, self.sent = client, 0

    def say(self, text: str) -> dict[str, Any]:
        self.sent += 1
        data = {"lang": "en", "client_id": f"llm{self.sent}", "text": text}
        replies = self.client.post("/api/message", data=data).json()["replies"]
        assert len(replies) == 1, replies
        return dict(replies[0])


@pytest.fixture
def chat_with(redis_url: str, data_dir: Path,
              fake_fal_llm: tuple[FakeFalLLM, str]) -> Iterator[Any]:  # noqa: F811
    fake, url = fake_fal_llm
    clients: list[TestClient] = []

    def start(**env: str) -> tuple[Person, FakeFalLLM]:
        values = {"REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "ADMIN_IDS": "",
                  "FAL_KEY": DEFAULT_KEY, "FAL_QUEUE_URL": url, **env}
        from portraitbot.app import build_server

        app = build_server(Settings.from_env(values), redis.Redis.from_url(redis_url))
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return Person(client), fake

    yield start
    for client in clients:
        client.__exit__(None, None, None)


def test_off_by_default_nothing_is_sent_anywhere(chat_with: Any) -> None:
    person, fake = chat_with()
    assert person.say(UNPLACED)["text"] == said("conv.small_talk")
    assert fake.calls == []


def test_an_unplaced_message_is_answered_from_the_models_reading(chat_with: Any) -> None:
    person, fake = chat_with(INTENT_LLM_MODEL="google/gemini-flash-1.5")
    fake.answers = ['{"action": "help"}']
    assert person.say(UNPLACED)["text"] == said("conv.help")
    assert fake.prompts == [UNPLACED]
    body = next(iter(fake.requests.values())).body
    assert body["model"] == "google/gemini-flash-1.5" and "anime" in body["system_prompt"]
    assert person.say("make me anime")["text"] != said("conv.help")
    assert fake.prompts == [UNPLACED], "a message the rules place never goes to the model"


def test_a_picture_the_model_reads_is_asked_back_not_started(chat_with: Any) -> None:
    person, fake = chat_with(INTENT_LLM_MODEL="any/model")
    fake.answers = ['{"action": "generate", "style": "anime", "scene": "riding a dragon"}']
    reply = person.say(UNPLACED)
    assert reply["text"] == said("conv.ask_unsure", what="riding a dragon")
    assert reply["buttons"], "make it / styles buttons"


def test_an_invalid_answer_is_refused_and_the_rules_reading_stands(chat_with: Any) -> None:
    person, fake = chat_with(INTENT_LLM_MODEL="any/model")
    fake.answers = ['{"action": "generate", "style": "free_money"}', "I think they want help"]
    assert person.say(UNPLACED)["text"] == said("conv.small_talk")
    assert person.say("qwrty plonk")["text"] == said("conv.small_talk")
    assert len(fake.prompts) == 2


def test_a_slow_model_is_given_up_on_within_the_time_cap(chat_with: Any) -> None:
    person, fake = chat_with(INTENT_LLM_MODEL="any/model", INTENT_LLM_TIMEOUT_S="1")
    fake.hang = {"status"}
    fake.answers = ['{"action": "help"}']
    started = time.monotonic()
    assert person.say(UNPLACED)["text"] == said("conv.small_talk")
    assert time.monotonic() - started < 4.0
    assert len(fake.prompts) == 1


def test_the_daily_cap_stops_calls_for_the_whole_bot(chat_with: Any) -> None:
    person, fake = chat_with(INTENT_LLM_MODEL="any/model", INTENT_LLM_DAILY_CAP="1")
    fake.answers = ['{"action": "help"}', '{"action": "help"}']
    assert person.say(UNPLACED)["text"] == said("conv.help")
    assert person.say("qwrty plonk")["text"] == said("conv.small_talk")
    assert len(fake.prompts) == 1
