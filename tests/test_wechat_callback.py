"""The /wechat callback, spoken to exactly as WeChat speaks: signed queries, plaintext and safe
(AES) mode, retries of one MsgId, replays, and the passive replies a person sees."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import redis
from rq import Queue
from rq.serializers import JSONSerializer
from starlette.applications import Starlette

import locales
from bot.messages import Incoming, Reply
from bot.wechat import wechat_routes
from bot.wechat.jobs import QUEUE_NAME, WeChatJobParts, enqueuer, run_job
from bot.wechat.sender import build_photo_source, build_sender
from bot.wechat.store import HeldResults
from core.chat import Button, ChatTarget
from core.sender import Deliverable
from core.settings import Secret, Settings
from tests.fakes import serve
from tests.fakes.wechat_api import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    TOKEN,
    FakeWeChatApi,
    WeChatServer,
    jpeg_bytes,
    message_xml,
    sign,
)

OPENID = "oPerson_0123456789abcdefghij"
PERSON = ChatTarget("wechat", OPENID, OPENID, "zh")
STYLE_BUTTONS = ((Button("咖啡馆", "style:dating_cafe"), Button("海滩", "style:dating_beach")),
                 (Button("城市夜景", "style:dating_city"),))


@dataclass
class ScriptedDialogue:
    """Stands in for the Conversation at its Protocol: records what came in, answers by script."""

    seen: list[Incoming] = field(default_factory=list)
    delay: float = 0.0

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.seen.append(incoming)
        if self.delay:
            await asyncio.sleep(self.delay)
        if incoming.photo is not None:
            return [Reply("照片不错", buttons=STYLE_BUTTONS)]
        if incoming.callback:
            return [Reply(f"picked {incoming.callback}", generation_id="g-1")]
        if incoming.text in ("约会照", "dating photos"):
            return [Reply("选一个氛围：" if incoming.target.language == "zh" else "Pick a vibe:",
                          buttons=STYLE_BUTTONS)]
        if incoming.target.language == "en":
            return [Reply("Making an anime portrait, about 25 s…", generation_id="g-2")]
        return [Reply("正在生成动漫风格头像，约 25 秒…", generation_id="g-3")]

    async def answer_album(self, incoming: Incoming) -> list[Reply] | None:
        return None  # the photo's own answer above stands for its run


@dataclass
class World:
    wechat: WeChatServer
    dialogue: ScriptedDialogue
    api: FakeWeChatApi
    settings: Settings
    redis: redis.Redis

    @property
    def jobs(self) -> Queue:
        return Queue(QUEUE_NAME, connection=self.redis, serializer=JSONSerializer)

    def payloads(self) -> list[dict]:
        return [job.args[0] for job in self.jobs.get_jobs()]

    def wait_for_payloads(self, timeout: float = 5.0) -> list[dict]:
        """The jobs, once the server's photo task has made one."""
        deadline = time.monotonic() + timeout
        while not (found := self.payloads()) and time.monotonic() < deadline:
            time.sleep(0.02)
        return found

    async def run_jobs(self) -> None:
        sender = build_sender(self.settings, self.redis)
        source = build_photo_source(self.settings, self.redis)
        assert sender is not None and source is not None
        parts = WeChatJobParts(self.dialogue, sender, source, locales.load(), fetch_retry_delays=(0.0, 0.0))
        for job in self.jobs.get_jobs():
            await run_job(job.args[0], parts)
            job.delete()


@contextmanager
def make_world(
    redis_client: redis.Redis, api_url: str, api: FakeWeChatApi, aes: bool, *,
    key_configured: bool = True, budget: float = 3.5, delay: float = 0.0,
) -> Iterator[World]:
    settings = Settings(
        wechat_app_id=APP_ID,
        wechat_app_secret=Secret(APP_SECRET),
        wechat_token=Secret(TOKEN),
        wechat_aes_key=Secret(AES_KEY if aes and key_configured else ""),
        wechat_api_url=api_url,
    )
    dialogue = ScriptedDialogue(delay=delay)
    routes = wechat_routes(
        settings, redis_client, dialogue, enqueuer(redis_client), budget_seconds=budget
    )
    app = Starlette(routes=routes)
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        server = WeChatServer(client, APP_ID, aes_key=AES_KEY if aes else "")
        yield World(server, dialogue, api, settings, redis_client)


@pytest.fixture(scope="module")
def fake_api() -> Iterator[tuple[FakeWeChatApi, str]]:
    """One fake WeChat API for the module, reset before each test."""
    api = FakeWeChatApi()
    with api.serve() as url:
        yield api, url


@pytest.fixture(scope="module", params=["plaintext", "safe"])
def served(
    request: pytest.FixtureRequest, redis_server: str, fake_api: tuple[FakeWeChatApi, str]
) -> Iterator[World]:
    """Our app on loopback, once per mode; Redis is flushed and the fakes reset per test."""
    api, url = fake_api
    client = redis.Redis.from_url(redis_server)
    with make_world(client, url, api, aes=request.param == "safe") as made:
        yield made
    client.close()


@pytest.fixture
def world(served: World, redis_client: redis.Redis) -> World:
    served.api.reset()
    served.dialogue.seen.clear()
    served.dialogue.delay = 0.0
    return served


@pytest.fixture
def safe_world(redis_client: redis.Redis) -> Iterator[World]:
    api = FakeWeChatApi()
    with api.serve() as url, make_world(redis_client, url, api, aes=True) as made:
        yield made


def text(content: str, **kw: object) -> str:
    return message_xml(OPENID, "text", Content=content, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------- verification and security
def test_url_verification_echoes_echostr_when_signed_with_our_token(world: World) -> None:
    response = world.wechat.verify_url("5837397520388953645")
    assert response.status_code == 200 and response.text == "5837397520388953645"


def test_url_verification_with_a_wrong_signature_is_forbidden(world: World) -> None:
    response = world.wechat.verify_url("123", signature="0" * 40)
    assert response.status_code == 403 and "123" not in response.text


def test_bad_signature_is_forbidden_before_the_body_is_even_read(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    query = {**world.wechat.query(), "signature": "f" * 40}
    response = world.wechat.client.post("/wechat", params=query, content=b"<not xml")
    assert response.status_code == 403
    assert "bad signature" in caplog.text
    assert world.dialogue.seen == []


def test_bad_msg_signature_is_forbidden_and_nothing_is_decrypted(
    safe_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    wechat = safe_world.wechat
    query = {**wechat.query(), "encrypt_type": "aes", "msg_signature": "a" * 40}
    body = b"<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[bm90IGNpcGhlcnRleHQ=]]></Encrypt></xml>"
    response = wechat.client.post("/wechat", params=query, content=body)
    assert response.status_code == 403
    assert "bad msg_signature" in caplog.text and "undecryptable" not in caplog.text
    assert safe_world.dialogue.seen == []


def test_a_stale_timestamp_is_forbidden(world: World) -> None:
    stale = world.wechat.query(timestamp=int(time.time()) - 6 * 60)
    assert world.wechat.post(text("把我变成动漫"), query=stale).status_code == 403
    assert world.dialogue.seen == []


def test_a_replayed_nonce_cannot_carry_another_message(world: World) -> None:
    query = world.wechat.query()
    assert world.wechat.post(text("把我变成动漫"), query=query).status_code == 200
    forged = world.wechat.post(text("给我做证件照", FromUserName="x"), query=query)
    assert forged.status_code == 403
    assert [i.text for i in world.dialogue.seen] == ["把我变成动漫"]


# ---------------------------------------------------------------- dialogue
def test_text_intent_gets_a_chinese_passive_reply_at_once(world: World) -> None:
    started = time.monotonic()
    reply = world.wechat.reply(world.wechat.post(text("把我变成动漫")))
    assert time.monotonic() - started < 1.0
    assert reply is not None and reply["MsgType"] == "text"
    assert reply["Content"] == "正在生成动漫风格头像，约 25 秒…"
    assert reply["ToUserName"] == OPENID
    (incoming,) = world.dialogue.seen
    assert incoming.target.channel == "wechat" and incoming.target.chat_id == OPENID
    assert incoming.target.language == "zh" and not incoming.target.is_group


def test_english_writer_is_answered_in_english_and_remembered_for_photos(world: World) -> None:
    reply = world.wechat.reply(world.wechat.post(text("make me anime please")))
    assert reply is not None and reply["Content"].startswith("Making an anime portrait")
    photo = world.wechat.reply(world.wechat.post(
        message_xml(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/x", MediaId="M1")))
    assert photo is not None and photo["Content"] == "Got your photo, taking a look…"


def test_subscribe_event_gets_a_chinese_welcome(world: World) -> None:
    reply = world.wechat.reply(world.wechat.post(message_xml(OPENID, "event", Event="subscribe")))
    assert reply is not None and "自拍" in reply["Content"]


def test_a_numbered_list_answered_with_2_picks_the_second_option(world: World) -> None:
    listed = world.wechat.reply(world.wechat.post(text("约会照")))
    assert listed is not None
    assert "回复数字选择： 1 咖啡馆 · 2 海滩 · 3 城市夜景" in listed["Content"]
    picked = world.wechat.reply(world.wechat.post(text("２")))
    assert picked is not None and picked["Content"] == "picked style:dating_beach"
    assert world.dialogue.seen[-1].callback == "style:dating_beach"


def test_a_number_with_no_list_is_just_text(world: World) -> None:
    world.wechat.post(text("2"))
    assert world.dialogue.seen[-1].text == "2" and world.dialogue.seen[-1].callback is None


# ---------------------------------------------------------------- retries, photos, held results
def test_one_msgid_delivered_three_times_makes_one_job_and_the_same_answer(world: World) -> None:
    image = message_xml(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/x", MediaId="M1", msg_id=777)
    answers = [world.wechat.reply(world.wechat.post(image)) for _ in range(3)]
    assert answers[0] is not None and answers[0]["Content"] == "收到照片，正在查看…"
    assert all(a is not None and a["Content"] == answers[0]["Content"] for a in answers)
    assert len(world.wait_for_payloads()) == 1
    time.sleep(0.2)
    assert len(world.payloads()) == 1, "one photo taken (M1 is unknown: the person is told once)"
    texts = [world.wechat.reply(world.wechat.post(text("把我变成动漫", msg_id=778))) for _ in range(3)]
    assert len(world.dialogue.seen) == 1
    assert texts[0] == texts[1] == texts[2]


def test_an_identical_retry_with_the_same_nonce_is_answered_not_refused(world: World) -> None:
    first = world.wechat.reply(world.wechat.post(text("把我变成动漫")))
    again = world.wechat.reply(world.wechat.resend())
    assert first is not None and again is not None and first["Content"] == again["Content"]
    assert len(world.dialogue.seen) == 1


async def test_photo_is_taken_after_the_passive_reply_then_text_follows(world: World) -> None:
    photo = jpeg_bytes((320, 400))
    media_id = world.api.add_media(photo)
    world.dialogue.delay = 0.3
    started = time.monotonic()
    answer = world.wechat.reply(world.wechat.post(
        message_xml(OPENID, "image", PicUrl="http://evil.example/x.jpg", MediaId=media_id)))
    assert answer is not None and answer["Content"].startswith("收到照片")
    assert time.monotonic() - started < 0.3, "the callback does not wait for the photo"

    (payload,) = world.wait_for_payloads()
    assert payload["kind"] == "push" and "evil" not in str(payload)
    assert world.api.calls.count("cgi-bin/media/get") == 1, "fetched by MediaId, never by PicUrl"
    (incoming,) = world.dialogue.seen
    assert incoming.photo == photo and incoming.photo_ref is not None
    assert incoming.photo_ref.ref == media_id
    await world.run_jobs()
    (pushed,) = world.api.sent_of("text")
    assert pushed["text"]["content"].startswith("照片不错")
    assert "1 咖啡馆" in pushed["text"]["content"]
    picked = world.wechat.reply(world.wechat.post(text("1")))
    assert picked is not None and picked["Content"] == "picked style:dating_cafe"


@pytest.mark.parametrize("errcode", [48001, 45015])
async def test_a_result_wechat_would_not_push_comes_back_as_a_passive_image(
    world: World, errcode: int, tmp_path: Path
) -> None:
    result = tmp_path / "anime.png"
    result.write_bytes(jpeg_bytes((600, 800)))
    world.api.fail("message/custom/send", errcode)
    sender = build_sender(world.settings, world.redis)
    assert sender is not None
    await sender.send_images(PERSON, [Deliverable(result)], "动漫风格")
    assert world.api.sent == []

    reply = world.wechat.reply(world.wechat.post(text("在吗")))

    assert reply is not None and reply["MsgType"] == "image"
    assert reply["Image"]["MediaId"] in world.api.uploads
    assert world.dialogue.seen[-1].text == "在吗", "the message itself still counts"
    if errcode == 45015:  # the person wrote: the window is open again, the rest is pushed
        (push,) = world.payloads()
        assert any("之前生成好的照片" in note for note in push["notes"])
        await world.run_jobs()
        assert [m["msgtype"] for m in world.api.sent] == ["text", "text", "text"]
        assert HeldResults(world.redis).count(OPENID) == 0
    else:  # the account can never push: no push job; the caption waits for the next message
        assert world.payloads() == []
        nxt = world.wechat.reply(world.wechat.post(text("还有吗")))
        assert nxt is not None and "动漫风格" in nxt["Content"]


async def test_passive_only_account_tells_the_person_to_write_again_for_the_result(
    world: World, tmp_path: Path
) -> None:
    world.api.fail("message/custom/send", 48001)
    sender = build_sender(world.settings, world.redis)
    assert sender is not None
    await sender.send_text(PERSON, "hello")
    reply = world.wechat.reply(world.wechat.post(text("把我变成动漫")))
    assert reply is not None
    assert "正在生成动漫风格头像" in reply["Content"] and "发任意一条消息" in reply["Content"]


def test_callback_secrets_never_reach_the_logs(
    safe_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wechat = safe_world.wechat
    wechat.verify_url()
    wechat.post(text("把我变成动漫"))
    wechat.post(text("x"), query={**wechat.query(), "signature": "0" * 40})
    wechat.post(text("y"), query=wechat.query(timestamp=1))
    for secret in (TOKEN, AES_KEY, APP_SECRET):
        assert secret not in caplog.text


def test_compatible_mode_without_an_aes_key_reads_the_plaintext_copy(redis_client: redis.Redis) -> None:
    api = FakeWeChatApi()
    with api.serve() as url, make_world(redis_client, url, api, aes=False) as world:
        wechat = world.wechat
        xml = text("把我变成动漫")
        query = wechat.query()
        sealed = WeChatServer(wechat.client, APP_ID, aes_key=AES_KEY).crypto.encrypt_message(
            xml, query["nonce"], query["timestamp"]
        )
        encrypt = sealed.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
        compatible = xml.replace("</xml>", f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
        query.update(encrypt_type="aes", msg_signature=sign(TOKEN, query["timestamp"], query["nonce"], encrypt))
        response = wechat.client.post("/wechat", params=query, content=compatible.encode())
        reply = wechat.reply(response)
        assert reply is not None and reply["Content"] == "正在生成动漫风格头像，约 25 秒…"


def test_a_slow_answer_says_success_in_time_and_is_pushed_when_ready(redis_client: redis.Redis) -> None:
    api = FakeWeChatApi()
    with api.serve() as url, make_world(redis_client, url, api, aes=False, budget=0.2, delay=0.6) as world:
        started = time.monotonic()
        response = world.wechat.post(text("把我变成动漫"))
        assert response.text == "success" and time.monotonic() - started < 0.5
        deadline = time.monotonic() + 3
        while not world.payloads() and time.monotonic() < deadline:
            time.sleep(0.05)
        (push,) = world.payloads()
        assert push["kind"] == "push" and push["notes"] == ["正在生成动漫风格头像，约 25 秒…"]
        assert push["texts"] == [], "a late acknowledgement is never held to come back stale"


def test_an_oversized_body_is_refused_unread(world: World) -> None:
    response = world.wechat.client.post("/wechat", params=world.wechat.query(), content=b"x" * 70_000)
    assert response.status_code == 413


async def test_a_busy_wechat_api_is_tried_again_for_the_photo(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.wechat.handler.FETCH_RETRY_DELAYS_SECONDS", (0.0, 0.0))
    media_id = world.api.add_media(jpeg_bytes())
    world.api.fail("media/get", -1, times=2)
    world.wechat.post(message_xml(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/x", MediaId=media_id))
    assert world.wait_for_payloads()
    assert world.dialogue.seen[-1].photo is not None


async def test_a_photo_wechat_keeps_refusing_is_asked_for_again(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.wechat.handler.FETCH_RETRY_DELAYS_SECONDS", (0.0, 0.0))
    media_id = world.api.add_media(jpeg_bytes())
    world.api.fail("media/get", -1, times=3)
    world.wechat.post(message_xml(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/x", MediaId=media_id))
    assert world.wait_for_payloads()
    await world.run_jobs()
    assert world.dialogue.seen == []
    (told,) = world.api.sent_of("text")
    assert "重新发送" in told["text"]["content"]


def test_in_safe_mode_a_plaintext_message_is_refused_even_when_its_query_is_signed(
    safe_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    wechat = safe_world.wechat
    body = (b"<xml><ToUserName>gh</ToUserName><FromUserName>forged</FromUserName>"
            b"<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>make me anime</Content>"
            b"<MsgId>99</MsgId></xml>")
    response = wechat.client.post("/wechat", params=wechat.query(), content=body)
    assert response.status_code == 403
    assert "plaintext message while safe mode is on" in caplog.text
    assert safe_world.dialogue.seen == []
