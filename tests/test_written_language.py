"""``engine.written``: the language a message is written in, from a real detector whose model
ships inside its package (no download, no network), restricted to the bot's languages."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.written import written_language

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("text", "language"), [
    ("hazme una foto estilo anime, por favor", "es"),
    ("quero uma foto de perfil para o LinkedIn", "pt"),
    ("fais-moi un portrait à l'aquarelle", "fr"),
    ("mach mir ein Bewerbungsfoto", "de"),
    ("fammi una foto in stile anime", "it"),
    ("buatkan foto gaya anime dong", "id"),
    ("làm cho tôi ảnh hoạt hình", "vi"),
    ("make me an anime portrait please", "en"),
    ("сделай меня в стиле аниме", "ru"),
    ("アニメ風にして", "ja"),
    ("anime style 해줘", "ko"),
    ("给我做一张 anime 风格的", "zh"),
    ("cảm ơn", "vi"),
    ("foto de encontro na praia", "pt"),  # a general detector says Spanish; our words say otherwise
    ("another style", "en"),  # one lexicon also holds "style": the sure detector decides
])
def test_the_written_language_is_one_of_ours(text: str, language: str) -> None:
    assert written_language(text) == language


@pytest.mark.parametrize("text", ["", "ok", "anime", "gracias", "👍", "1080x1920", "/anime style",
                                  "https://example.com/me.jpg", "@PortraitBot ok"])
def test_short_or_unclear_messages_say_nothing_so_the_client_language_decides(text: str) -> None:
    assert written_language(text) is None


def test_the_detector_needs_no_network_and_answers_only_our_languages() -> None:
    probe = textwrap.dedent("""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("no network")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from engine.written import written_language
        from core.i18n import SUPPORTED_LANGUAGES
        answers = {written_language(t) for t in [
            "dit is een foto van mij in de stad",  # Dutch: not ours
            "to jest moje zdjęcie w mieście",  # Polish: not ours
            "hazme una foto estilo anime"]}
        assert answers <= set(SUPPORTED_LANGUAGES) | {None}, answers
        assert "es" in answers
        print("ok")
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FTLANG_CACHE": "/nonexistent"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr
