"""The conversation every channel shares, driven through the web chat's HTTP API with a real
Redis and the real server app (no worker: these are the answers given before any model runs)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from starlette.testclient import TestClient  # the app in-process, real Redis behind it

from core.request import Intent
from core.settings import Settings
from tests.faces import make_face_photo, make_group_photo

ROOT = Path(__file__).resolve().parent.parent


def jpeg(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


class Chat:
    """One browser talking to the bot."""

    def __init__(self, client: TestClient, lang: str = "en") -> None:
        self.client = client
        self.lang = lang
        self.sent = 0

    def post(self, **fields: Any) -> list[dict[str, Any]]:
        self.sent += 1
        files = {"photo": ("p.jpg", fields.pop("photo"), "image/jpeg")} if "photo" in fields else None
        data = {"lang": self.lang, "client_id": f"m{self.sent}", **fields}
        response = self.client.post("/api/message", data=data, files=files)
        return list(response.json()["replies"])

    def say(self, text: str) -> str:
        return "\n".join(r["text"] for r in self.post(text=text))


@pytest.fixture
def app(redis_url: str, data_dir: Path) -> Iterator[Any]:
    env = {"REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "DAILY_LIMIT_PER_PERSON": "3",
           "ADMIN_IDS": "", "FAL_KEY": "", "PATH": os.environ.get("PATH", "")}
    from portraitbot.app import build_server

    yield build_server(Settings.from_env(env), redis.Redis.from_url(redis_url))


@pytest.fixture
def chat(app: Any) -> Iterator[Chat]:
    with TestClient(app) as client:
        yield Chat(client)


@pytest.fixture
def chat_zh(app: Any) -> Iterator[Chat]:
    with TestClient(app) as client:
        yield Chat(client, lang="zh")


def test_a_request_before_any_photo_asks_for_one_and_runs_when_it_arrives(chat: Chat) -> None:
    assert "selfie first" in chat.say("make me anime")
    (reply,) = chat.post(photo=jpeg(make_face_photo()))
    assert reply["text"].startswith("On it: Anime") and reply["generation_id"]


def test_dating_photo_asks_which_vibe_and_a_button_starts_that_one(chat: Chat) -> None:
    chat.post(photo=jpeg(make_face_photo()))
    (question,) = chat.post(text="dating photo")
    options = [b["data"] for row in question["buttons"] for b in row]
    assert options == ["style:dating_cafe", "style:dating_beach", "style:dating_city"]
    (ack,) = chat.post(callback="style:dating_beach")
    assert "beach" in ack["text"].lower()


def test_a_numbered_answer_picks_the_offered_choice(chat: Chat) -> None:
    chat.post(photo=jpeg(make_face_photo()))
    chat.post(text="dating photo")
    assert "city" in chat.say("3").lower()


def test_a_visa_photo_with_no_country_asks_which_and_a_button_makes_that_one(chat: Chat) -> None:
    chat.post(photo=jpeg(make_face_photo()))
    (question,) = chat.post(text="visa photo")
    assert "Which country" in question["text"] and not question.get("generation_id")
    options = [b["data"] for row in question["buttons"] for b in row]
    assert options[0] == "spec:us" and "spec:schengen" in options and "spec:cn_visa" in options
    (ack,) = chat.post(callback="spec:schengen")
    assert ack["generation_id"] and "Schengen" in ack["text"]


def test_the_country_can_be_answered_by_its_name(chat_zh: Chat) -> None:
    chat_zh.post(photo=jpeg(make_face_photo()))
    assert "哪个国家" in chat_zh.say("签证照")
    (ack,) = chat_zh.post(text="日本")
    assert ack["generation_id"] and "日本签证" in ack["text"]


def test_a_group_photo_gets_a_tip_and_go_anyway_still_runs(chat: Chat) -> None:
    (tip,) = chat.post(photo=jpeg(make_group_photo()))
    assert "face" in tip["text"].lower()
    (warning,) = chat.post(text="make me anime")
    assert [b["data"] for row in warning["buttons"] for b in row] == ["go:anyway"]
    (ack,) = chat.post(callback="go:anyway")
    assert ack["text"].startswith("On it: Anime")


def test_the_daily_limit_refuses_with_when_it_resets_and_quota_shows_usage(chat: Chat) -> None:
    chat.post(photo=jpeg(make_face_photo()))
    assert chat.say("3 oil paintings").startswith("On it")
    refused = chat.say("watercolor")
    assert "reset" in refused.lower() and not refused.startswith("On it")
    assert "3 of 3" in chat.say("/quota")


def test_cancel_stops_what_runs_and_says_when_nothing_does(chat: Chat) -> None:
    chat.post(photo=jpeg(make_face_photo()))
    chat.say("cyberpunk")
    assert "Cancelled your running request" in chat.say("/cancel")
    assert "Nothing is running" in chat.say("/cancel")


def test_forget_deletes_the_photo_so_the_next_request_asks_again(chat: Chat, data_dir: Path) -> None:
    chat.post(photo=jpeg(make_face_photo()))
    assert list((data_dir / "photos").rglob("*.jpg"))
    assert "deleted" in chat.say("/forget")
    assert not list((data_dir / "photos").rglob("*.jpg"))
    assert "selfie first" in chat.say("make me anime")


def test_model_and_lang_commands_change_what_follows(chat: Chat) -> None:
    chat.post(photo=jpeg(make_face_photo()))
    assert "isn't set up" in chat.say("/model gpt"), "no fal key: gpt is not offered"
    assert "中文" in chat.say("/lang zh")
    assert chat.say("anime").startswith("正在生成")


def test_chinese_speaker_gets_chinese_answers_for_a_chinese_id_photo_request(chat_zh: Chat) -> None:
    chat_zh.post(photo=jpeg(make_face_photo()))
    answer = chat_zh.say("一寸蓝底证件照")
    assert answer.startswith("正在生成") and "证件照" in answer


def test_styles_command_lists_categories_then_styles(chat: Chat) -> None:
    (menu,) = chat.post(text="/styles")
    categories = [b["data"] for row in menu["buttons"] for b in row]
    assert "cat:A" in categories and "cat:U" in categories
    (styles,) = chat.post(callback="cat:U")
    assert [b["data"] for row in styles["buttons"] for b in row] == ["style:id_photo_white", "style:id_photo_blue"]


def test_small_talk_gets_a_pointer_and_stats_is_for_admins_only(chat: Chat) -> None:
    assert "selfie" in chat.say("thanks!").lower()
    assert "operators" in chat.say("/stats")


def test_a_repeated_message_id_is_answered_once(chat: Chat) -> None:
    data = {"lang": "en", "client_id": "same", "text": "hello"}
    first = chat.client.post("/api/message", data=data).json()["replies"]
    second = chat.client.post("/api/message", data=data).json()["replies"]
    assert first and second == []


def test_a_file_that_is_not_an_image_is_refused_with_what_to_send_instead(chat: Chat) -> None:
    (reply,) = chat.post(photo=b"%PDF-1.4 not a photo")
    assert "photo" in reply["text"].lower() and reply["generation_id"] is None


def test_follow_ups_refer_to_the_last_request(chat: Chat) -> None:
    chat.post(photo=jpeg(make_face_photo()))
    assert chat.say("cyberpunk").startswith("On it: Cyberpunk")
    chat.say("/cancel")
    assert chat.say("again").startswith("On it: Cyberpunk")
    chat.say("/cancel")
    (menu,) = chat.post(text="another style")
    assert any(b["data"].startswith("cat:") for row in menu["buttons"] for b in row)


def test_without_a_previous_request_again_is_just_small_talk(chat: Chat) -> None:
    chat.post(photo=jpeg(make_face_photo()))
    assert not chat.say("again").startswith("On it")


def test_a_follow_up_keeps_the_last_style_and_lays_new_count_ratio_and_quality_over_it() -> None:
    from bot.followups import resolve
    from core.intent import recognize

    last = Intent("generate", style="anime", count=1, aspect_ratio="1:1")
    more = resolve("same but 2 of them, vertical", recognize("same but 2 of them, vertical"), last)
    assert isinstance(more, Intent) and (more.style, more.count, more.aspect_ratio) == ("anime", 2, "9:16")
    better = resolve("higher quality", recognize("higher quality"), last)
    assert isinstance(better, Intent) and (better.style, better.model) == ("anime", "gpt")
    assert resolve("换个风格", recognize("换个风格"), last) == "styles"
    other = resolve("now watercolor", recognize("now watercolor"), last)
    assert isinstance(other, Intent) and other.style == "watercolor"


def test_a_guess_is_asked_back_and_only_a_yes_starts_it(chat: Chat) -> None:
    chat.post(photo=jpeg(make_face_photo()))
    (question,) = chat.post(text="what is the capital of france?")
    assert not question.get("generation_id"), "nothing paid starts on a guess"
    options = [b["data"] for row in question["buttons"] for b in row]
    assert options == ["sure:yes", "styles:all"]
    (ack,) = chat.post(callback="sure:yes")
    assert ack["text"].startswith("On it:") and ack["generation_id"]


@pytest.mark.parametrize("word", ["отмена", "batal", "キャンセル", "annulla", "取消吧", "stop, cancel that"])
def test_cancel_works_by_word_in_every_language(chat: Chat, word: str) -> None:
    chat.post(photo=jpeg(make_face_photo()))
    assert "selfie first" not in chat.say("make me anime")
    cancelled = chat.say(word)
    import locales
    from core.i18n import SUPPORTED_LANGUAGES

    catalogues = locales.load()
    said = {catalogues.text(lang, "conv.cancelled_one") for lang in SUPPORTED_LANGUAGES}
    assert cancelled in said, f"{word!r} cancels the request in flight: {cancelled}"
    assert not any(r.get("generation_id") for r in chat.post(text="thanks!"))
