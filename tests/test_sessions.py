"""Whole chat sessions, as a person would have them: several turns in English and Chinese
through the real web API (real Redis, the real server app), a real worker process where the
pictures matter. Each turn asserts what the person would notice: an answer at all, in their
language, with no message id or Python repr in it, and the right thing started (or not)."""

from __future__ import annotations

import io
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from PIL import Image
from starlette.testclient import TestClient

from bot.messages import Incoming
from core.chat import ChatTarget
from core.settings import Settings
from tests.faces import make_empty_photo, make_face_photo
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.worker_process import FAST_TIMING, WorkerProcess, worker_env

ROOT = Path(__file__).resolve().parent.parent
FACE = (ROOT / "tests" / "images" / "face.jpg").read_bytes()
CJK = re.compile(r"[\u4e00-\u9fff]")
MESSAGE_ID = re.compile(r"\b(?:conv|error|intake|model|quota|generate|web|worker|progress|delivery|idphoto)\.[a-z_]+\b")
LEAKS = ("Intent(", "Plan(", "None", "Traceback", "{", "}", "<", ">")
TIMING = {**FAST_TIMING, "submit_lease_s": 30.0}
"""Fast polling, but a submit lease long enough for an offline ID photo on two busy cores: with
two seconds the sweep takes a slow offline render for a stuck one and asks the offline engine
for a result it never keeps ("This offline preview is no longer available")."""
ENGLISH_WORDS = re.compile(r"\b(?:the|your|you|photo|please|send|again|image|style)\b", re.IGNORECASE)


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def animated_gif() -> bytes:
    frames = [make_face_photo(seed=seed).convert("P") for seed in (1, 2)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=120, loop=0)
    return buffer.getvalue()


def readable(text: str, lang: str) -> None:
    """What any reply must be: words for a person, in the person's language (brand names aside)."""
    from core.models import MODELS

    for model in MODELS.values():
        text = text.replace(model.name, model.key)
    assert text.strip(), "an empty message"
    assert not MESSAGE_ID.search(text), f"a raw message id: {text!r}"
    assert not any(leak in text for leak in LEAKS), f"looks like code: {text!r}"
    if lang == "zh":
        assert CJK.search(text) and not ENGLISH_WORDS.search(text), f"English in a Chinese chat: {text!r}"
    else:
        assert not CJK.search(text.replace("中文", "")), f"Chinese in an English chat: {text!r}"


class Chat:
    """One browser in one language; every reply is checked as it arrives."""

    def __init__(self, client: TestClient, lang: str = "en") -> None:
        self.client = client
        self.lang = lang
        self.expect = lang
        """The language replies must be in (a /lang choice overrides the browser's)."""
        self.sent = 0
        self.cursor = "0-0"

    def post(self, *, client_id: str | None = None, **fields: Any) -> list[dict[str, Any]]:
        self.sent += 1
        files = {"photo": ("photo.jpg", fields.pop("photo"), "image/jpeg")} if "photo" in fields else None
        data = {"lang": self.lang, "client_id": client_id or f"m{self.sent}", **fields}
        response = self.client.post("/api/message", data=data, files=files)
        replies = list(response.json()["replies"])
        for reply in replies:
            readable(reply["text"], self.expect)
            for row in reply.get("buttons") or []:
                for button in row:
                    if button["label"] not in ("English", "中文"):
                        readable(button["label"], self.expect)
        return replies

    def one(self, **fields: Any) -> dict[str, Any]:
        replies = self.post(**fields)
        assert len(replies) == 1, replies
        return replies[0]

    def say(self, text: str) -> str:
        return str(self.one(text=text)["text"])

    def photo(self, data: bytes = FACE, caption: str | None = None) -> dict[str, Any]:
        return self.one(photo=data, **({"text": caption} if caption else {}))

    def started(self, text: str | None = None, **fields: Any) -> dict[str, Any]:
        """Send and expect a generation to start."""
        reply = self.one(text=text, **fields) if text is not None else self.one(**fields)
        assert reply["generation_id"], f"nothing started: {reply['text']!r}"
        return reply

    def not_started(self, text: str) -> str:
        reply = self.one(text=text)
        assert not reply["generation_id"], f"started work for {text!r}: {reply['text']!r}"
        return str(reply["text"])

    def buttons(self, reply: dict[str, Any]) -> list[str]:
        return [b["data"] for row in reply.get("buttons") or [] for b in row]

    def delivered(self, count: int = 1, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Wait for ``count`` deliveries (images or a text) in the browser's feed."""
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            answer = self.client.get("/api/events", params={"after": self.cursor}).json()
            for event in answer["events"]:
                if event.get("type") in ("images", "text"):
                    readable(event.get("caption") or event.get("text") or "", self.expect)
                    found.append(event)
            self.cursor = answer["cursor"]
            time.sleep(0.1)
        assert len(found) >= count, f"only {len(found)} of {count} deliveries arrived: {found}"
        return found


def settings_env(redis_url: str, data_dir: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FAL_", "TELEGRAM_", "WECHAT_", "BYTEPLUS_", "HEADSHOT_"))}
    return {**base, "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), "ADMIN_IDS": ""}


@pytest.fixture
def env(redis_url: str, data_dir: Path) -> dict[str, str]:
    return settings_env(redis_url, data_dir)


@pytest.fixture
def app(env: dict[str, str]) -> Any:
    from portraitbot.app import build_server

    return build_server(Settings.from_env(env), redis.Redis.from_url(env["REDIS_URL"]))


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def en(client: TestClient) -> Chat:
    return Chat(client, "en")


@pytest.fixture
def zh(client: TestClient) -> Chat:
    return Chat(client, "zh")


@pytest.fixture
def worker(env: dict[str, str], tmp_path: Path) -> Iterator[WorkerProcess]:
    process = WorkerProcess(env, timing=TIMING, log_path=tmp_path / "worker.log")
    try:
        yield process
    finally:
        process.stop()


# ------------------------------------------------------------------ first contact
def test_greeting_help_and_a_selfie_lead_to_style_buttons(en: Chat) -> None:
    assert "selfie" in en.say("hi").lower()
    assert "/styles" in en.say("/help")
    welcome = en.say("/start")
    assert "selfie" in welcome.lower() and "/help" not in welcome.split("\n")[0]
    reply = en.photo()
    assert "style:anime" in en.buttons(reply)


def test_chinese_greeting_help_and_selfie_are_all_in_chinese(zh: Chat) -> None:
    assert "自拍" in zh.say("你好")
    assert "/styles" in zh.say("/help")
    assert "style:anime" in zh.buttons(zh.photo())
    assert "照片" in zh.say("谢谢"), "with the photo already here the pointer asks for a style"


def test_a_request_before_the_photo_is_remembered_in_both_languages(en: Chat, zh: Chat) -> None:
    assert "selfie" in en.not_started("make me a watercolor")
    assert "Watercolor" in en.started(photo=FACE)["text"]
    zh.client.cookies.clear()
    assert "自拍" in zh.not_started("水彩画")
    assert "水彩" in zh.started(photo=FACE)["text"]


def test_a_photo_with_its_request_as_caption_starts_at_once(en: Chat) -> None:
    assert "Anime" in en.started(photo=FACE, text="make me anime")["text"]


# ------------------------------------------------------------------ choices
def test_dating_photo_then_a_number_a_button_or_a_word_picks_that_vibe(en: Chat) -> None:
    en.photo()
    question = en.one(text="dating photo")
    assert en.buttons(question)[:2] == ["style:dating_cafe", "style:dating_beach"]
    assert "beach" in en.started("2")["text"].lower()
    en.say("/cancel")
    en.one(text="dating photo")
    assert "city" in en.started(callback="style:dating_city")["text"].lower()
    en.say("/cancel")
    en.one(text="dating photo")
    assert "Dating — beach" in en.started("beach")["text"], "not the travel style"
    en.say("/cancel")
    third = en.buttons(en.one(text="dating photo"))[2].split(":")[1].split("_")[-1]
    assert third in en.started("the third one")["text"].lower()


def test_chinese_dating_choice_answered_with_a_word_or_an_ordinal(zh: Chat) -> None:
    zh.photo()
    zh.one(text="约会照")
    assert "交友 · 海滩" in zh.started("海滩")["text"]
    zh.say("/cancel")
    zh.one(text="约会照")
    assert "交友 · 海滩" in zh.started("第二个")["text"]


def test_an_unrelated_request_while_a_choice_is_open_is_a_new_request(en: Chat) -> None:
    en.photo()
    en.one(text="dating photo")
    again = en.one(text="7")
    assert "number from 1 to" in again["text"] and "style:dating_cafe" in en.buttons(again)
    assert "Watercolor" in en.started("actually make me a watercolor")["text"]
    en.say("/cancel")
    assert "/styles" in en.not_started("3"), "the old question is answered; 3 means nothing now"


def test_a_number_with_no_question_open_starts_nothing(en: Chat, zh: Chat) -> None:
    en.not_started("2")
    zh.client.cookies.clear()
    zh.photo()
    zh.not_started("3")
    assert "0/" in zh.say("/quota")


# ------------------------------------------------------------------ photos that are not selfies
def test_a_photo_without_a_face_gets_a_tip_and_go_anyway_runs_it(en: Chat) -> None:
    tip = en.photo(jpeg(make_empty_photo()))
    assert "face" in tip["text"].lower() and not tip["generation_id"]
    warning = en.one(text="make me anime")
    assert en.buttons(warning) == ["go:anyway"] and not warning["generation_id"]
    assert "Anime" in en.started("go anyway")["text"]


def test_chinese_continue_answers_the_no_face_warning(zh: Chat) -> None:
    zh.photo(jpeg(make_empty_photo()))
    zh.one(text="动漫风")
    assert "动漫" in zh.started("继续")["text"]


def test_files_that_are_not_selfies_get_a_clear_answer(en: Chat, zh: Chat) -> None:
    assert "photo" in en.photo(b"%PDF-1.4 a contract")["text"].lower()
    assert "photo" in en.photo(b"")["text"].lower()
    assert "still photo" in en.photo(animated_gif())["text"]
    big = jpeg(make_face_photo().resize((5000, 6000)))
    assert "style:anime" in en.buttons(en.photo(big))
    zh.client.cookies.clear()
    assert "照片" in zh.photo(b"just some text")["text"]


def test_an_upload_over_the_size_limit_is_refused_in_the_persons_language(zh: Chat) -> None:
    reply = zh.client.post("/api/message", data={"lang": "zh", "client_id": "big"},
                           headers={"Accept-Language": "zh-CN,zh;q=0.9"},
                           files={"photo": ("huge.jpg", b"\xff" * (21 * 2**20), "image/jpeg")})
    (answer,) = reply.json()["replies"]
    readable(answer["text"], "zh")
    assert "MB" in answer["text"]


# ------------------------------------------------------------------ odd messages
def test_empty_long_and_emoji_messages_get_sensible_answers(en: Chat) -> None:
    assert en.post(text="") == [], "nothing typed, nothing to answer"
    assert "/help" in en.not_started("x" * 5000)
    en.photo()
    rambling = "I would really love it if you could make me anime because " + "I like it a lot, " * 300
    assert len(rambling) > 5000
    assert "Anime" in en.started(rambling)["text"]
    en.not_started("😀😀🎉")
    assert "/help" in en.not_started("/frobnicate")


def test_model_command_when_a_model_is_not_configured(en: Chat, zh: Chat) -> None:
    assert "isn't set up" in en.say("/model seedream")
    current = en.one(text="/model")
    assert "Offline" in current["text"] and "NanoPro" not in current["text"]
    assert "foo" in en.say("/model foo")
    zh.client.cookies.clear()
    assert "离线预览" in zh.say("/model")


def test_switching_language_mid_session_switches_every_reply(en: Chat) -> None:
    en.photo()
    en.expect = "zh"  # the browser still says "en": the person's choice wins
    assert "中文" in en.say("/lang zh")
    ack = en.started("anime")
    assert ack["text"].startswith("正在生成") and "离线预览" in ack["text"]
    en.expect = "en"
    en.one(text="/lang en")
    assert en.say("/cancel").startswith("Cancelled")


def test_cancel_retry_and_quota_with_nothing_to_do(en: Chat, zh: Chat) -> None:
    assert "Nothing is running" in en.say("/cancel")
    assert "no failed request" in en.say("/retry")
    assert "0 of" in en.say("/quota")
    zh.client.cookies.clear()
    assert "没有" in zh.say("/cancel") and "没有" in zh.say("/retry")


def test_forget_then_a_request_asks_for_a_new_photo(zh: Chat) -> None:
    zh.photo()
    assert "删除" in zh.say("/forget")
    assert "自拍" in zh.not_started("动漫风")


def test_two_quick_requests_then_a_third_is_refused_with_what_to_do(en: Chat) -> None:
    en.photo()
    en.started("cyberpunk")
    en.started("oil painting")
    refused = en.not_started("pixar style")
    assert "/cancel" in refused
    assert "Cancelled 2" in en.say("/cancel")
    en.started("anime")


def test_the_same_message_id_twice_starts_one_generation(en: Chat) -> None:
    en.photo()
    first = en.post(text="anime", client_id="same-id")
    again = en.post(text="anime", client_id="same-id")
    assert first and first[0]["generation_id"] and again == []
    assert "1 running" in en.say("/quota")


def test_writing_the_other_language_switches_the_answers_to_it(en: Chat, zh: Chat) -> None:
    en.photo()
    en.expect = "zh"  # a phone set to English, a person writing Chinese
    assert en.started("做成动漫风格")["text"].startswith("正在生成：动漫")
    assert "没有" in en.say("/retry"), "and the next answers stay Chinese"
    en.expect = "en"
    assert en.say("/lang en")
    assert en.started("make me a watercolor")["text"].startswith("On it")
    zh.client.cookies.clear()
    zh.photo()
    zh.expect = "en"
    assert zh.started("make me anime")["text"].startswith("On it: Anime")
    assert zh.say("/quota").startswith("Today"), "stays English for a command"
    zh.expect = "zh"
    assert zh.started("动漫风")["text"].startswith("正在生成")


def test_random_face_needs_no_photo(en: Chat) -> None:
    assert "Random face" in en.started("random face")["text"]


def test_make_me_smile_asks_for_a_photo_then_runs_an_expression_edit(en: Chat) -> None:
    asked = en.not_started("make me smile")
    assert "Expression" in asked and "headshot" not in asked.lower()
    assert "Expression" in en.started(photo=FACE)["text"]


def test_four_dating_photos_at_a_cafe_are_one_request_of_four(zh: Chat) -> None:
    zh.photo()
    ack = zh.started("4张咖啡馆约会照")["text"]
    assert "咖啡馆" in ack and "4 张" in ack


# ------------------------------------------------------------------ groups (the same dialogue, Telegram-like)
async def test_in_a_group_only_addressed_turns_get_answers(env: dict[str, str]) -> None:
    from portraitbot.app import build_conversation

    conversation = build_conversation(Settings.from_env(env), redis.Redis.from_url(env["REDIS_URL"]))
    group = ChatTarget("test", chat_id="-100", user_id="42", language="en", is_group=True)
    assert await conversation.handle(Incoming(group, "g1", text="lol nice", addressed=False)) == []
    assert await conversation.handle(Incoming(group, "g2", text="thanks bot", addressed=True)) == []
    (asked,) = await conversation.handle(Incoming(group, "g3", text="/anime", addressed=True))
    readable(asked.text, "en")
    assert "reply to your photo" in asked.text and not asked.generation_id
    (ack,) = await conversation.handle(Incoming(group, "g4", text="/anime", photo=FACE, addressed=True))
    assert ack.generation_id and "Anime" in ack.text


# ------------------------------------------------------------------ with a worker: the pictures
def test_anime_result_again_and_another_style_deliver_pictures(en: Chat, worker: WorkerProcess) -> None:
    en.photo()
    en.started("make me anime")
    (result,) = en.delivered()
    assert result["type"] == "images" and len(result["files"]) == 1 and "Anime" in result["caption"]
    assert "regen:last" in en.buttons(result)
    assert "Anime" in en.started("again")["text"]
    en.delivered()
    assert "Anime" in en.started("higher quality")["text"], "no better model here: the same again"
    en.delivered()
    menu = en.one(text="another style")
    assert any(data.startswith("cat:") for data in en.buttons(menu))
    styles = en.one(callback="cat:A")
    assert "style:watercolor" in en.buttons(styles)
    en.started(callback="style:watercolor")
    (last,) = en.delivered()
    assert "Watercolor" in last["caption"]
    assert "4 of" in en.say("/quota")


def test_passport_for_canada_and_chinese_one_inch_arrive_with_print_sheets(en: Chat, zh: Chat, worker: WorkerProcess) -> None:
    en.photo()
    assert "Canada" in en.started("passport photo for Canada")["text"]
    (english,) = en.delivered()
    assert english["type"] == "images", english
    names = [f["name"] for f in english["files"]]
    assert any("id-ca" in n for n in names) and any(f["document"] for f in english["files"]), names
    assert "Canada" in english["caption"] and "50x70 mm" in english["caption"], english["caption"]
    assert "Print sheet" in english["caption"] and "100%" in english["caption"]
    zh.client.cookies.clear()
    zh.cursor = "0-0"
    zh.photo()
    assert "蓝底" in zh.started("一寸蓝底")["text"]
    (chinese,) = zh.delivered()
    assert any("cn-1inch" in f["name"] for f in chinese["files"]) and "蓝底" in chinese["caption"]
    assert "25x35 mm" in chinese["caption"] and "冲印" in chinese["caption"], chinese["caption"]


def test_a_series_and_four_dating_photos_arrive_complete(zh: Chat, worker: WorkerProcess) -> None:
    zh.photo()
    zh.started("系列：职业照、动漫、赛博朋克")
    (series,) = zh.delivered(timeout=40)
    assert len(series["files"]) == 3 and "赛博朋克" in series["caption"]
    zh.started("4张咖啡馆约会照")
    (dating,) = zh.delivered(timeout=40)
    assert len(dating["files"]) == 4


def test_a_lost_photo_says_send_it_again_and_retry_does_not_pretend(
    en: Chat, env: dict[str, str], data_dir: Path, tmp_path: Path
) -> None:
    en.photo()
    en.started("make me anime")
    shutil.rmtree(data_dir / "photos")  # the disk lost it before any worker ran
    process = WorkerProcess(env, timing=TIMING, log_path=tmp_path / "worker.log")
    try:
        (failure,) = en.delivered()
    finally:
        process.stop()
    assert failure["type"] == "text" and "again" in failure["text"]
    assert "/retry" not in failure["text"], "retrying without the photo cannot work"
    answer = en.say("/retry")
    assert "photo" in answer.lower()


# ------------------------------------------------------------------ words that refer to nothing
def test_go_anyway_again_and_stop_with_nothing_before_them_start_nothing(en: Chat, zh: Chat) -> None:
    en.photo()
    en.not_started("go anyway")
    en.not_started("again")
    assert "Nothing is running" in en.not_started("stop")
    zh.client.cookies.clear()
    zh.photo()
    zh.not_started("就用这张")
    zh.not_started("再来一张")
    assert "0/" in zh.say("/quota")


def test_stop_in_words_cancels_like_the_command(zh: Chat) -> None:
    zh.photo()
    zh.started("动漫风")
    assert "已取消进行中的请求" in zh.not_started("取消")
    zh.not_started("/forget")
    zh.not_started("水彩画")
    assert "等待" in zh.not_started("算了"), "the request waiting for a photo is dropped, and it says so"


# ------------------------------------------------------------------ with fal configured (fake fal queue)
def test_a_failed_portrait_says_so_and_retry_brings_the_picture(
    redis_url: str, data_dir: Path, tmp_path: Path, fake_fal: tuple[FakeFalQueue, str]  # noqa: F811
) -> None:
    from portraitbot.app import build_server

    fal, url = fake_fal
    env = worker_env(redis_url, data_dir, url)
    app = build_server(Settings.from_env(env), redis.Redis.from_url(redis_url))
    process = WorkerProcess(env, timing=TIMING, log_path=tmp_path / "worker.log")
    try:
        with TestClient(app) as test_client:
            zh = Chat(test_client, "zh")
            zh.photo()
            fal.completed_error = "Internal error while generating"
            ack = zh.started("动漫风")["text"]
            assert "NanoPro" in ack and "离线" not in ack
            (failure,) = zh.delivered()
            assert failure["type"] == "text" and "/retry" in failure["text"]
            fal.completed_error = None
            zh.started("/retry")
            (result,) = zh.delivered()
            assert result["type"] == "images" and "动漫" in result["caption"]
            assert "hq:last" in zh.buttons(result)
            better = zh.started(callback="hq:last")["text"]
            assert "GPT" in better or "gpt" in better.lower(), better
            zh.delivered(timeout=40)
            assert "没有配置" in zh.not_started("/model seedream")
    finally:
        process.stop()


def test_asking_what_styles_there_are_shows_the_menu(en: Chat, zh: Chat) -> None:
    assert "cat:A" in en.buttons(en.one(text="what styles do you have?"))
    zh.client.cookies.clear()
    assert "cat:U" in zh.buttons(zh.one(text="有哪些风格？"))


def test_a_group_photo_tip_counts_the_faces_and_a_custom_idea_is_not_called_a_headshot(en: Chat) -> None:
    from tests.faces import make_group_photo

    tip = en.photo(jpeg(make_group_photo()))["text"]
    assert re.search(r"\d faces", tip), tip
    en.photo()
    ack = en.started("make me look like a viking warrior")["text"]
    assert "Custom" in ack and "headshot" not in ack.lower()
    en.expect = "zh"
    assert "中文" in en.say("/lang 中文")


def test_a_request_left_waiting_for_hours_is_not_started_by_a_later_photo(en: Chat, redis_url: str) -> None:
    from dataclasses import replace

    from bot.web.routes import COOKIE, user_id_for
    from worker.store import SessionStore

    en.not_started("make me a watercolor")
    en.one(text="dating photo")
    store = SessionStore(redis.Redis.from_url(redis_url))
    person = "web:" + user_id_for(en.client.cookies[COOKIE])
    session = store.get(person)
    assert session.pending is not None
    store.update(person, pending=replace(session.pending, created_at=time.time() - 6 * 3600))
    reply = en.photo()
    assert not reply["generation_id"] and "style:anime" in en.buttons(reply)
    assert "/styles" in en.not_started("2"), "the morning's question is closed"


def test_a_selfie_sent_while_choosing_brings_the_same_choice_back(zh: Chat) -> None:
    zh.one(text="约会照")
    again = zh.photo()
    assert "style:dating_beach" in zh.buttons(again) and not again["generation_id"]
    assert "交友 · 海滩" in zh.started("2")["text"]
