"""Settings are read once from the environment, validated with sentences an operator can act
on, and never print a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_an_empty_environment_runs_offline_with_the_documented_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.fal_queue_url == "https://queue.fal.run"
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.http_port == 8080
    assert not settings.has_any_provider_key


def test_service_urls_lose_their_trailing_slash_so_paths_join_cleanly() -> None:
    settings = Settings.from_env({"FAL_QUEUE_URL": "http://127.0.0.1:9999/"})
    assert settings.fal_queue_url == "http://127.0.0.1:9999"


@pytest.mark.parametrize(
    ("env", "sentence"),
    [
        ({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "http://bot.example/telegram",
          "TELEGRAM_WEBHOOK_SECRET": "s"}, "TELEGRAM_WEBHOOK_URL must be https"),
        ({"HTTP_PORT": "eighty"}, "HTTP_PORT must be a whole number"),
        ({"HTTP_PORT": "70000"}, "HTTP_PORT must be between 1 and 65535"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must start with redis://"),
        ({"WECHAT_APP_ID": "wx1"}, "WECHAT_APP_ID and WECHAT_APP_SECRET must be set together"),
        ({"WECHAT_AES_KEY": "short"}, "WECHAT_AES_KEY must be the 43-character EncodingAESKey"),
        ({"DAILY_BUDGET_USD": "lots"}, "DAILY_BUDGET_USD must be a number"),
        ({"TELEGRAM_ALLOWED_GROUPS": "-100123,abc"}, "TELEGRAM_ALLOWED_GROUPS must be a comma-separated list"),
        ({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://bot.example/telegram"},
         "TELEGRAM_WEBHOOK_SECRET must be set"),
    ],
)
def test_a_bad_value_is_refused_with_a_sentence_naming_the_variable(
    env: dict[str, str], sentence: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert sentence in str(caught.value)


def test_secrets_never_print_in_settings_or_errors() -> None:
    env = {"FAL_KEY": "fal-sentinel-1234", "TELEGRAM_BOT_TOKEN": "12345:tg-sentinel-abcdef",
           "WECHAT_APP_ID": "wx1", "WECHAT_APP_SECRET": "wx-sentinel-5678", "WECHAT_TOKEN": "tok-sentinel",
           "WECHAT_AES_KEY": "a" * 43}
    settings = Settings.from_env(env)
    shown = repr(settings) + str(settings)
    for value in ("fal-sentinel-1234", "tg-sentinel-abcdef", "wx-sentinel-5678", "tok-sentinel", "a" * 43):
        assert value not in shown
    assert settings.fal_key.reveal() == "fal-sentinel-1234"
    assert "fal-sentinel-1234" in settings.secrets


def test_env_example_documents_every_variable_the_settings_read() -> None:
    source = (ROOT / "core" / "settings.py").read_text()
    example = (ROOT / ".env.example").read_text()
    import re

    read = set(re.findall(r'get\.\w+\(\s*"([A-Z_]+)"', source))
    assert read, "no variables found in core/settings.py"
    missing = sorted(name for name in read if f"\n{name}=" not in example)
    assert not missing, f".env.example does not document {missing}"
