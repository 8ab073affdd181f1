"""The reply language follows the person: a Spanish, Korean or Russian speaker is answered in
their language whether it comes from their chat client (the web page's language, Telegram's
language_code) or from /lang, through the real server app and a real Redis."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from starlette.testclient import TestClient

import locales
from core.i18n import SUPPORTED_LANGUAGES
from core.settings import Settings
from tests.fakes.telegram_api import FakeBotApi
from tests.test_telegram_end_to_end import server

ROOT = Path(__file__).resolve().parent.parent
FACE = (ROOT / "tests" / "images" / "face.jpg").read_bytes()


def pattern(template: str) -> re.Pattern[str]:
    """A catalogue template as a regex: its words literal, each {placeholder} anything."""
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)


def in_language(text: str, language: str) -> bool:
    """True when ``text`` contains a message of ``language``'s catalogue that English lacks."""
    messages = locales.load().messages
    english = set(messages["en"].values())
    return any(
        pattern(template).search(text)
        for template in messages[language].values()
        if template not in english and len(template) > 12
    )


def said(language: str, message_id: str, **params: object) -> str:
    return locales.load().text(language, message_id, **params)


class Browser:
    def __init__(self, client: TestClient, lang: str) -> None:
        self.client, self.lang, self.sent = client, lang, 0

    def post(self, **fields: Any) -> list[dict[str, Any]]:
        self.sent += 1
        files = {"photo": ("p.jpg", fields.pop("photo"), "image/jpeg")} if "photo" in fields else None
        data = {"lang": self.lang, "client_id": f"m{self.sent}", **fields}
        return list(self.client.post("/api/message", data=data, files=files).json()["replies"])

    def say(self, text: str) -> str:
        return "\n".join(r["text"] for r in self.post(text=text))


@pytest.fixture
def app(redis_url: str, data_dir: Path) -> Any:
    env = {"REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "ADMIN_IDS": "", "FAL_KEY": "", "PATH": "/usr/bin:/bin"}
    from portraitbot.app import build_server

    return build_server(Settings.from_env(env), redis.Redis.from_url(redis_url))


@pytest.fixture
def browser(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("language", ["es", "ko", "ru"])
def test_a_browser_in_the_persons_language_gets_every_answer_in_it(browser: TestClient, language: str) -> None:
    person = Browser(browser, language)
    help_text = person.say("/help")
    assert help_text.startswith(said(language, "conv.help")) and said(language, "conv.help") != said("en", "conv.help")
    assert help_text.endswith(said(language, "conv.privacy", days="30"))
    photo = "\n".join(r["text"] for r in person.post(photo=FACE))
    assert in_language(photo, language), photo
    assert person.say("/cancel") == said(language, "conv.nothing_to_cancel")
    assert in_language(person.say("/quota"), language)


@pytest.mark.parametrize(("words", "language"), [("hazme estilo anime por favor", "es"),
                                                   ("애니메이션 스타일로 만들어 줘", "ko"),
                                                   ("сделай меня в стиле аниме", "ru")])
def test_writing_in_the_language_answers_in_it_even_before_a_photo(
    browser: TestClient, words: str, language: str
) -> None:
    person = Browser(browser, language)
    reply = person.say(words)
    assert in_language(reply, language), reply


def test_lang_offers_every_language_and_a_button_switches_all_replies(browser: TestClient) -> None:
    person = Browser(browser, "en")
    (menu,) = person.post(text="/lang")
    offered = [b["data"] for row in menu["buttons"] for b in row]
    assert offered == [f"lang:{code}" for code in SUPPORTED_LANGUAGES]
    (switched,) = person.post(callback="lang:ko")
    assert switched["text"] == said("ko", "conv.lang_set")
    assert person.say("/cancel") == said("ko", "conv.nothing_to_cancel")
    assert person.say("/lang русский") == said("ru", "conv.lang_set")
    assert person.say("/retry") == said("ru", "conv.nothing_to_retry")
    assert person.say("/lang es") == said("es", "conv.lang_set")
    assert in_language(person.say("make me anime"), "es"), "English words do not undo a /lang choice"


def test_an_unknown_lang_shows_the_menu_instead_of_guessing(browser: TestClient) -> None:
    (menu,) = Browser(browser, "en").post(text="/lang klingon")
    assert menu["text"] == said("en", "conv.lang_pick") and menu["buttons"]


@pytest.mark.parametrize(("code", "language"), [("es", "es"), ("ko", "ko"), ("ru", "ru"), ("pt-br", "pt"),
                                                ("zh-hk", "zh_Hant"), ("xx", "en")])
async def test_telegram_language_code_picks_the_catalogue(
    redis_url: str, data_dir: Path, code: str, language: str
) -> None:
    fake = FakeBotApi()
    with fake.serve() as url:
        env = {"REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "TELEGRAM_BOT_TOKEN": fake.token,
               "TELEGRAM_API_URL": url, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
        person = fake.user(3003, language_code=code)
        async with server(env):
            fake.push(fake.message(person, text="/help"))
            await fake.until(lambda: fake.sent_to(3003), timeout=20)
            fake.push(fake.message(person, text="/lang"))
            await fake.until(lambda: len(fake.sent_to(3003)) >= 2, timeout=20)
    help_text, menu = fake.texts_to(3003)[:2]
    assert help_text == said(language, "conv.help") + "\n\n" + said(language, "conv.privacy", days="30")
    assert menu == said(language, "conv.lang_pick")
    keyboard = fake.sent_to(3003)[1]["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for row in keyboard for b in row] == [f"lang:{c}" for c in SUPPORTED_LANGUAGES]


@pytest.mark.parametrize(("client", "words", "language"), [
    ("en", "hazme una foto estilo anime con traje azul, por favor", "es"),
    ("en", "mach mir bitte ein Foto im Anime-Stil", "de"),
    ("en", "quero uma foto de perfil profissional", "pt"),
    ("es", "LinkedIn headshot please, navy blazer", "es"),  # English words keep a Spanish client
    ("en", "anime style 해줘", "ko"),  # a mix: the script names the language
])
def test_the_detected_written_language_decides_the_reply(
    browser: TestClient, client: str, words: str, language: str
) -> None:
    reply = Browser(browser, client).say(words)
    assert in_language(reply, language), reply


def test_short_messages_fall_back_to_the_client_language(browser: TestClient) -> None:
    spanish_phone = Browser(browser, "es")
    spanish_phone.say("ok gracias")  # too short to tell: the client's Spanish stays
    assert spanish_phone.say("/cancel") == said("es", "conv.nothing_to_cancel")


def test_short_messages_after_a_long_one_keep_its_language(browser: TestClient) -> None:
    person = Browser(browser, "en")
    assert in_language(person.say("fammi una foto in stile acquerello, per favore"), "it")
    person.say("ok")  # too short to tell: the language last written stays
    assert in_language(person.say("/cancel"), "it")
