"""WeChat with the real Conversation: what a person on WeChat sees for real requests, in Chinese
and English, with a photo taken by the server after its passive reply and numbered choices."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import redis
from rq import Queue
from rq.serializers import JSONSerializer
from starlette.applications import Starlette

import locales
from bot.conversation import Conversation
from bot.photos import PhotoDesk
from bot.wechat import wechat_routes
from bot.wechat.handler import WeChatHandler
from bot.wechat.jobs import JOB_FUNCTION, QUEUE_NAME, WeChatJobParts, enqueuer, run_job
from bot.wechat.sender import build_photo_source, build_sender
from core.settings import Secret, Settings
from engine.detector import build_detector
from engine.providers import available_providers
from engine.styles_file import load_catalogue
from tests.faces import make_face_photo
from tests.fakes import serve
from tests.fakes.wechat_api import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    TOKEN,
    FakeWeChatApi,
    WeChatServer,
    message_xml,
)
from worker.queue import GenerationQueue
from worker.records import WAITING

OPENID = "oRealPerson_abcdefghijklmnop"


@dataclass
class Chat:
    wechat: WeChatServer
    api: FakeWeChatApi
    settings: Settings
    redis: redis.Redis
    conversation: Conversation
    handler: WeChatHandler

    def wait_for_photos(self, timeout: float = 20.0) -> None:
        """Until the server's photo tasks (fetch, check, the run's answer) are all done."""
        deadline = time.monotonic() + timeout
        while self.handler._photos and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not self.handler._photos

    def say(self, content: str) -> str:
        reply = self.wechat.reply(self.wechat.post(message_xml(OPENID, "text", Content=content)))
        assert reply is not None and reply["MsgType"] == "text"
        return str(reply["Content"])

    def wechat_jobs(self) -> list:
        queue = Queue(QUEUE_NAME, connection=self.redis, serializer=JSONSerializer)
        return [job for job in queue.get_jobs() if job.func_name == JOB_FUNCTION]

    def generations_waiting(self) -> int:
        """Generations queued for a worker (the sweep submits them; no RQ job each)."""
        return int(self.redis.zcard(WAITING))

    def wait_for_jobs(self, timeout: float = 10.0) -> list:
        """The WeChat jobs, once the server's photo task has made one."""
        deadline = time.monotonic() + timeout
        while not (found := self.wechat_jobs()) and time.monotonic() < deadline:
            time.sleep(0.02)
        return found

    async def run_wechat_jobs(self) -> None:
        sender = build_sender(self.settings, self.redis)
        source = build_photo_source(self.settings, self.redis)
        assert sender is not None and source is not None
        parts = WeChatJobParts(self.conversation, sender, source, locales.load())
        for job in self.wechat_jobs():
            await run_job(job.args[0], parts)
            job.delete()


@pytest.fixture(scope="module", params=["plaintext", "safe"])
def served(
    request: pytest.FixtureRequest, redis_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Chat]:
    """The app and a fake WeChat API on loopback, once per mode (reset per test by ``chat``)."""
    aes = request.param == "safe"
    api = FakeWeChatApi()
    redis_client = redis.Redis.from_url(redis_server)
    data_dir = tmp_path_factory.mktemp("data")
    with api.serve() as url:
        settings = Settings(
            wechat_app_id=APP_ID,
            wechat_app_secret=Secret(APP_SECRET),
            wechat_token=Secret(TOKEN),
            wechat_aes_key=Secret(AES_KEY if aes else ""),
            wechat_api_url=url,
            data_dir=data_dir,
        )
        conversation = Conversation(
            redis_client=redis_client,
            settings=settings,
            catalogues=locales.load(),
            styles=load_catalogue(settings),
            queue=GenerationQueue(redis_client, settings),
            photos=PhotoDesk(data_dir, build_detector(settings)),
            available_providers=available_providers(settings),
        )
        routes = wechat_routes(settings, redis_client, conversation, enqueuer(redis_client))
        with serve(Starlette(routes=routes)) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
            server = WeChatServer(client, APP_ID, aes_key=AES_KEY if aes else "")
            handler = routes[1].endpoint.__self__.handler  # type: ignore[attr-defined]
            yield Chat(server, api, settings, redis_client, conversation, handler)
    redis_client.close()


@pytest.fixture
def chat(served: Chat, redis_client: redis.Redis) -> Iterator[Chat]:
    served.api.reset()
    yield served
    served.wait_for_photos()  # nothing of this test's photos spills into the next one


def selfie_jpeg() -> bytes:
    buffer = io.BytesIO()
    make_face_photo((640, 800)).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def test_make_me_anime_in_chinese_is_answered_in_chinese(chat: Chat) -> None:
    answer = chat.say("把我变成动漫")
    assert "动漫" in answer and "自拍" in answer


def test_english_writer_is_answered_in_english(chat: Chat) -> None:
    answer = chat.say("make me anime")
    assert "Anime" in answer and "selfie" in answer


def test_choose_intent_lists_numbers_and_2_picks_the_second_vibe(chat: Chat) -> None:
    listed = chat.say("约会照")
    assert "回复数字选择：" in listed and "1 ☕ 交友 · 咖啡馆 · 2 🏖️ 交友 · 海滩" in listed
    picked = chat.say("2")
    assert "海滩" in picked and "咖啡馆" not in picked


def test_a_visa_photo_lists_countries_by_number_and_3_picks_the_third(chat: Chat) -> None:
    listed = chat.say("签证照")
    assert "哪个国家" in listed and "1 美国护照/签证照片" in listed and "3 英国护照照片" in listed
    picked = chat.say("3")  # no selfie yet: the UK request now waits for one
    assert "自拍" in picked and "哪个国家" not in picked


def test_photo_then_text_queues_a_generation_with_a_passive_acknowledgement(chat: Chat) -> None:
    media_id = chat.api.add_media(selfie_jpeg())
    ack = chat.wechat.reply(chat.wechat.post(message_xml(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/a", MediaId=media_id)))
    assert ack is not None and ack["Content"] == "收到照片，正在查看…"
    answer = chat.say("把我变成动漫")  # at once: the request waits for the photo being checked
    assert "动漫" in answer and "自拍" not in answer
    assert chat.generations_waiting() == 1
    assert chat.api.calls.count("cgi-bin/media/get") == 1

    chat.wait_for_photos()
    assert chat.wechat_jobs() == [], "the request answered the photo: no second answer to it"


def test_lang_command_beats_the_script_for_wechats_own_messages(chat: Chat) -> None:
    chat.say("/lang en")
    ack = chat.wechat.reply(chat.wechat.post(message_xml(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/a", MediaId="M9")))
    assert ack is not None and ack["Content"] == "Got your photo, taking a look…"
    assert chat.wait_for_jobs(), "M9 is unknown: the person is told, by a push"


def test_the_photos_answer_is_pushed_by_a_real_rq_worker_with_the_worker_context(chat: Chat) -> None:
    from rq import SimpleWorker

    from portraitbot.commands.worker import install_channel_jobs
    from worker.context import WorkerContext, install

    media_id = chat.api.add_media(selfie_jpeg())
    chat.wechat.post(message_xml(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/a", MediaId=media_id))
    assert chat.wait_for_jobs()
    sender = build_sender(chat.settings, chat.redis)
    assert sender is not None
    context = install(WorkerContext(
        redis=chat.redis, settings=chat.settings, providers={}, senders={"wechat": sender},
        catalogues=locales.load(), styles=load_catalogue(chat.settings),
    )).start()
    install_channel_jobs(context)  # as the worker command does at start
    try:
        queue = Queue(QUEUE_NAME, connection=chat.redis, serializer=JSONSerializer)
        worker = SimpleWorker([queue], connection=chat.redis, serializer=JSONSerializer)
        worker.work(burst=True)
    finally:
        context.stop()
    assert chat.api.calls.count("cgi-bin/media/get") == 1
    (pushed,) = chat.api.sent_of("text")
    assert "收到照片" in pushed["text"]["content"] and "回复数字选择" in pushed["text"]["content"]


def test_several_images_in_a_row_then_a_request_give_one_answer_using_every_face(chat: Chat) -> None:
    from tests.faces import make_empty_photo
    from worker.records import Records

    def jpeg(image: object) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=92)  # type: ignore[attr-defined]
        return buffer.getvalue()

    photos = [jpeg(make_face_photo((640, 800), seed=1)), jpeg(make_face_photo((640, 800), seed=2)),
              jpeg(make_empty_photo())]
    passive = []
    for data in photos:
        media_id = chat.api.add_media(data)
        response = chat.wechat.post(message_xml(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/a", MediaId=media_id))
        passive.append(chat.wechat.reply(response))
    first, *later = passive
    assert first is not None and first["Content"] == "收到照片，正在查看…"
    assert later == [None, None], "the later images of the run get the empty reply, not a second 收到照片"
    chat.wait_for_photos()  # checked, and the run answered (a request right after: see below)
    (job,) = chat.wechat_jobs()
    (pushed,) = job.args[0]["texts"]
    assert pushed.startswith("收到 3 张照片——我会用其中脸部清晰的 2 张。") and "回复数字选择" in pushed, pushed
    job.delete()
    answer = chat.say("帮我做一张领英职业照")
    assert answer.startswith("正在生成") and chat.generations_waiting() == 1, answer
    (gen_id,) = [raw.decode() for raw in chat.redis.zrange(WAITING, 0, -1)]
    record = Records(chat.redis).gen(gen_id)
    assert record is not None and len(record.references()) == 2, "both faces, not the empty photo"


def test_a_request_right_after_several_images_uses_them_and_the_run_only_counts_them(chat: Chat) -> None:
    for seed in (1, 2):
        buffer = io.BytesIO()
        make_face_photo((640, 800), seed=seed).save(buffer, "JPEG", quality=92)
        media_id = chat.api.add_media(buffer.getvalue())
        chat.wechat.post(message_xml(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/a", MediaId=media_id))
    answer = chat.say("把我变成动漫")  # waits for the checks, not for the run's window
    assert answer.startswith("正在生成") and chat.generations_waiting() == 1, answer
    chat.wait_for_photos()
    (job,) = chat.wechat_jobs()
    assert job.args[0]["texts"] == ["收到 2 张照片——2 张脸我都会用上。"], "no second question after the request"


def test_images_far_apart_are_answered_each(chat: Chat, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import albums, together

    monkeypatch.setattr(together, "RUN_GAP_S", 0.3)
    monkeypatch.setattr(albums, "WINDOWS_S", {"wechat": 0.4})
    for seed in (1, 2):
        buffer = io.BytesIO()
        make_face_photo((640, 800), seed=seed).save(buffer, "JPEG", quality=92)
        media_id = chat.api.add_media(buffer.getvalue())
        response = chat.wechat.post(message_xml(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/a", MediaId=media_id))
        reply = chat.wechat.reply(response)
        assert reply is not None and reply["Content"] == "收到照片，正在查看…"
        chat.wait_for_photos()
    texts = [job.args[0]["texts"][0] for job in chat.wechat_jobs()]
    assert texts[0].startswith("收到照片！") and texts[1].startswith("收到 2 张照片"), texts
